"""``millicharge xsec`` and ``millicharge spectrum``: σ and dσ/dx for one beam, energy and
target at one or several masses (:func:`millicharge.running.api.cross_section`,
:func:`millicharge.running.api.spectrum`, cached)."""

from __future__ import annotations

import json
from typing import Any

import click

from millicharge.cli.options import (
    TARGET_HELP,
    TEXT_OUTPUTS,
    MultiValueOption,
    beam_option,
    cite_option,
    form_factor_option,
    masses_option,
    method_option,
    model_option,
    no_cache_option,
    no_progress_option,
    output_format,
    parse_masses,
    parse_target,
    precision_option,
    seed_option,
    text_output_options,
    with_options,
)
from millicharge.cli.output import emit, finite, maybe_cite, progress, table
from millicharge.target.formfactors import FormFactor

__all__ = ["spectrum", "xsec"]

_physics = [
    beam_option(),
    click.option("--energy", type=float, required=True, help="Beam energy in GeV."),
    click.option("--target", required=True, help=TARGET_HELP),
    masses_option(),
    method_option(),
    model_option(),
    click.option("--epsilon", type=float, default=1.0, show_default=True,
                 help="Charge / mixing ε (σ ∝ ε²)."),
    seed_option(),
    form_factor_option(FormFactor.ELASTIC),
    cite_option(),
    precision_option(),
    no_progress_option(),
]
"""The options ``xsec`` and ``spectrum`` share, in their ``--help`` order."""


@click.command()
@with_options(_physics)
@click.option("--x-min", type=float, required=True, help="Lower edge of x = E_miss/E.")
@click.option("--x-max", type=float, default=1.0, show_default=True, help="Upper edge of x.")
@with_options(text_output_options())
@no_cache_option()
def xsec(beam, energy, target, masses, method, model, epsilon, seed, form_factor, cite,
         precision, no_progress, x_min, x_max, fmt, output, no_cache) -> None:
    """σ(x_min ≤ x ≤ x_max) in pb, one row per mass."""
    from millicharge.running.executors import compile_ahead

    compile_ahead(method, "serial")  # while the rest loads (if not cached yet)
    from millicharge.running.api import cross_section

    fmt = output_format(output, fmt, TEXT_OUTPUTS)
    material = parse_target(target)
    values = parse_masses(masses)
    records, results = [], []
    form_factors = set()
    for m in progress(values, not no_progress):
        r = cross_section(beam, energy, material, float(m), x_min, x_max, method=method,
                          model=model, epsilon=epsilon, precision=precision, seed=seed,
                          cache=not no_cache, progress=False, form_factor=form_factor)
        results.append(r)
        record = r.to_dict()
        record["target"] = material.symbol
        records.append(finite(record))
        form_factors.add(r.form_factor)
    cols = ["sigma_pb", "error_pb", "method", "model", "beam", "energy_gev", "target",
            "mass_gev", "x_min", "x_max", "chi2_dof", "n_eval"]
    if form_factors != {FormFactor.ELASTIC}:
        cols.insert(4, "form_factor")
    if fmt == "json":  # one mass: the record itself, as before; several: a list
        text = json.dumps(records[0] if len(records) == 1 else records, indent=1)
    elif fmt == "csv":
        cols = ["mass_gev"] + [c for c in cols if c != "mass_gev"]
        text = ",".join(cols) + "\n" + "\n".join(
            ",".join("" if r.get(c) is None else repr(r.get(c)) if isinstance(r.get(c), float)
                     else str(r.get(c)) for c in cols) for r in records)
    else:
        text = table(records, cols)
    emit(text, output)
    maybe_cite(cite, results)


@click.command()
@with_options(_physics)
@click.option("--x", "xs", cls=MultiValueOption, type=float, required=True,
              help="x values, e.g. --x 0.5 0.7 0.9")
@with_options(text_output_options())
def spectrum(beam, energy, target, masses, method, model, epsilon, seed, form_factor, cite,
             precision, no_progress, xs, fmt, output) -> None:
    """dσ/dx in pb at the given x = E_miss/E (a mass_gev column with several masses)."""
    from millicharge.running.executors import compile_ahead

    compile_ahead(method, "serial")  # while the rest loads (if not cached yet)
    from millicharge.running.api import spectrum as _spectrum

    fmt = output_format(output, fmt, TEXT_OUTPUTS)
    material = parse_target(target)
    values = parse_masses(masses)
    rows: list[dict[str, Any]] = []
    spectra = []
    for m in progress(values, not no_progress):
        r = _spectrum(beam, energy, material, float(m), list(xs), method=method, model=model,
                      epsilon=epsilon, precision=precision, seed=seed, form_factor=form_factor,
                      progress=False)
        spectra.append(r)
        rows += [({"mass_gev": float(m)} if len(values) > 1 else {}) | d for d in r.rows()]
    cols = (["mass_gev"] if len(values) > 1 else []) + ["x", "dsigma_dx_pb", "error_pb"]
    if fmt == "json":
        text = json.dumps(rows, indent=1)
    elif fmt == "csv":
        text = ",".join(cols) + "\n" + "\n".join(
            ",".join(repr(d[c]) for c in cols) for d in rows)
    else:
        text = table(rows, cols)
    emit(text, output)
    maybe_cite(cite, spectra)
