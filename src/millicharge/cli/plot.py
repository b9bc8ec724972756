"""``millicharge plot spectrum|xsec|reach``: the paper's Figs. 2–4
(:mod:`millicharge.plots.figures`); the format follows ``--output``'s extension."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from millicharge.cli.options import (
    POSITIVE_INT,
    MultiValueOption,
    check_figure,
    choice,
    cite_option,
    cl_text,
    experiment_option,
    experiments_option,
    figure_output_option,
    form_factor_option,
    masses_option,
    method_option,
    model_option,
    no_cache_option,
    no_progress_option,
    parse_masses,
    precision_option,
    seed_option,
    transport_option,
    with_options,
)
from millicharge.cli.output import maybe_cite
from millicharge.core.atomic import check_output_path, write_text
from millicharge.core.errors import InputError
from millicharge.core.vocab import Method

__all__ = ["plot"]


@click.group(short_help="Make the paper's Figs. 2-4 (spectrum, xsec, reach).")
def plot() -> None:
    """Make the paper's figures (Figs. 2-4); the format follows --output's extension."""


def _compile_ahead(methods: list[str]) -> None:
    """Start compiling the ETL kernels, if they are needed and not cached yet, before the
    figure's modules load (:func:`millicharge.running.executors.compile_ahead`)."""
    from millicharge.running.executors import compile_ahead

    compile_ahead(methods)


def _save(fig: Any, out: str) -> None:
    from millicharge.plots.plotting import save_figure

    path = save_figure(fig, out)
    click.echo(f"wrote {path}", err=True)


_plot_common = [
    figure_output_option(),
    precision_option(),
    no_progress_option(),
    cite_option(),
    seed_option(help="VEGAS random seed."),
    no_cache_option(),
    model_option(),
    form_factor_option(None),
]
"""The options every figure takes, in their ``--help`` order."""


@plot.command("spectrum", short_help="Fig. 2: dσ/dE_miss in the signal box, one curve per mass.")
@experiment_option(help="Experiment name or TOML file.")
@masses_option(names=("--masses",))
@click.option("--points", type=POSITIVE_INT, default=15, show_default=True,
              help="x points per curve in the signal box.")
@method_option()
@with_options(_plot_common)
def plot_spectrum(experiment, masses, points, method, out, precision, no_progress, cite, seed,
                  no_cache, model, form_factor) -> None:
    """Fig. 2: dσ/dE_miss in the signal box, one curve per mass."""
    check_figure(out, inputs=[experiment])
    _compile_ahead([method])
    from millicharge.plots.figures import figure2

    fig, spectra = figure2(experiment, [float(m) for m in parse_masses(masses)], points=points,
                     method=method, model=model, precision=precision, seed=seed,
                     cache=not no_cache, form_factor=form_factor)  # no progress bar to hide
    _save(fig, out)
    maybe_cite(cite, spectra)


@plot.command("xsec", short_help="Fig. 3: σ in the signal box versus the mass.")
@experiments_option()
@click.option("--method", "methods", cls=MultiValueOption, type=choice(Method),
              default=(Method.ETL.value,), show_default=True,
              help="etl, ww, or both (adds an ETL/WW ratio panel).")
@masses_option(default="0.01:1:40", names=("--masses",))
@with_options(_plot_common)
def plot_xsec(experiments, methods, masses, out, precision, no_progress, cite, seed, no_cache,
              model, form_factor) -> None:
    """Fig. 3: σ(x_th ≤ x ≤ x_max) versus m_χ (or m_A')."""
    check_figure(out, inputs=list(experiments))
    _compile_ahead(methods)
    from millicharge.plots.figures import figure3

    fig, (_, tables) = figure3(list(experiments), parse_masses(masses), methods=list(methods),
                     model=model, precision=precision, seed=seed,
                     cache=not no_cache, progress=not no_progress, form_factor=form_factor)
    _save(fig, out)
    maybe_cite(cite, [t for _, t in tables])


_PLOT_REACH_HELP = f"""Fig. 4: projected reach at {cl_text("each experiment's")} with existing
limits.

Also writes the reach table as CSV: beside the figure (fig4.png gives fig4.csv) unless
--csv names another file or --no-csv skips it. An input file (--limits, an experiment
TOML) is never overwritten: such a name is refused before anything is computed.

With --model dark-photon no millicharge limits are shaded unless --existing asks."""


@plot.command("reach", short_help="Fig. 4: projected reach with existing limits.",
              help=_PLOT_REACH_HELP)
@experiments_option()
@masses_option(default="0.01:1:40", names=("--masses",))
@method_option()
@click.option("--existing", cls=MultiValueOption, default=None,
              help="Existing-limit keys to shade (see `millicharge limits`).")
@click.option("--limits", "user_limits", multiple=True, type=click.Path(dir_okay=False),
              help="Your own limit curve, CSV with header mass_gev,epsilon (repeatable).")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the reach table (default: --output with .csv).")
@click.option("--no-csv", is_flag=True, help="Write only the figure, not the reach table.")
@transport_option()
@with_options(_plot_common)
def plot_reach(experiments, masses, method, existing, user_limits, csv_out, no_csv, out,
               transport, precision, no_progress, cite, seed, no_cache, model,
               form_factor) -> None:
    """Fig. 4 and its reach table (the help text is ``_PLOT_REACH_HELP``)."""
    inputs = [*user_limits, *experiments]
    check_figure(out, inputs=inputs)
    if no_csv and csv_out:
        raise InputError("--csv and --no-csv exclude each other: give one")
    csv_path = None if no_csv else check_output_path(
        csv_out or Path(out).with_suffix(".csv"), suffixes=[".csv"], inputs=[*inputs, out],
        what="reach table (--csv)")
    _compile_ahead([method])
    from millicharge.plots.figures import figure4, reach_csv

    if transport is not None:  # every experiment must take it, before anything is computed
        from millicharge.experiments.config import load_experiment
        from millicharge.experiments.thick_target import with_transport

        for name in experiments:
            with_transport(load_experiment(name), transport)
    fig, (tables, _, _) = figure4(
        list(experiments), parse_masses(masses), method=method, model=model,
        existing=list(existing) if existing else None,
        user_limits=list(user_limits), precision=precision,
        seed=seed, cache=not no_cache, progress=not no_progress, form_factor=form_factor,
        transport=transport)
    _save(fig, out)
    if csv_path is not None:
        click.echo(f"wrote {write_text(csv_path, reach_csv(tables))}", err=True)
    maybe_cite(cite, [t for _, t in tables])

