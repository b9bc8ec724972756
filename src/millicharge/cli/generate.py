"""``millicharge generate``: unweighted signal events as a Les Houches Event file
(:func:`millicharge.events.generate.generate_events`)."""

from __future__ import annotations

import click

from millicharge.cli.options import (
    POSITIVE_FLOAT,
    cite_option,
    experiment_option,
    form_factor_option,
    masses_option,
    model_option,
    no_progress_option,
    parse_masses,
    seed_option,
)
from millicharge.cli.output import maybe_cite
from millicharge.core.atomic import check_output_path
from millicharge.core.errors import InputError

__all__ = ["generate"]


@click.command()
@experiment_option()
@masses_option(help="m_χ (or m_A') in GeV: one value (--mass is an alias).")
@click.option("--events", "n_events", type=int, required=True, help="Number of events.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="LHE file to write (.lhe, or .lhe.gz for gzip).")
@seed_option(help="Random seed.")
@model_option(help="A pair is drawn from the exact 2→4, a dark photon on shell.")
@click.option("--epsilon", type=float, default=1.0, show_default=True,
              help="Charge / mixing ε: scales the file's cross section (σ ∝ ε²).")
@click.option("--x-min", type=float, default=None,
              help="Lower edge of x = E_miss/E (default: the experiment's).")
@click.option("--x-max", type=float, default=None,
              help="Upper edge of x (default: the experiment's).")
@click.option("--precision", type=POSITIVE_FLOAT, default=None,
              help="Target relative MC error of the file's σ, at most 0.1 (adds sampling "
                   "passes; default: σ from the passes the events needed).")
@form_factor_option(None)
@no_progress_option(help="Accepted for a uniform grammar: generate shows no progress bar.")
@cite_option()
def generate(experiment, masses, n_events, output, seed, model, epsilon, x_min, x_max,
             precision, form_factor, no_progress, cite) -> None:
    """Unweighted signal events (l, N, l', N', γ*, χ, χ̄) as a Les Houches Event file."""
    import time

    from millicharge.running.executors import compile_ahead

    compile_ahead("etl", "serial")  # while the rest loads (if not cached yet)
    from millicharge.events.generate import LHE_SUFFIXES, generate_events, write_lhe

    values = parse_masses(masses)
    if len(values) != 1:
        raise InputError(f"generate takes one mass, got {len(values)}: run it once per mass")
    mass = float(values[0])
    check_output_path(output, suffixes=LHE_SUFFIXES, inputs=[experiment], what="--output")
    start = time.perf_counter()
    sample = generate_events(experiment, mass, n_events, model=model, epsilon=epsilon,
                             x_min=x_min, x_max=x_max, precision=precision, seed=seed,
                             form_factor=form_factor)
    path = write_lhe(sample, output)
    rate = sample.n_events / (time.perf_counter() - start)
    click.echo(
        f"wrote {path}: {sample.n_events} events, σ = {sample.sigma_pb:.6g} ± "
        f"{sample.error_pb:.2g} pb, unweighting efficiency {sample.efficiency:.3f}, "
        f"overweight events {sample.overweight_fraction:.2g}, "
        f"{rate:.0f} events/s (file included)", err=True)
    maybe_cite(cite, sample)
