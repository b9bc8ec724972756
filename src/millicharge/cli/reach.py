"""``millicharge reach``: the projected reach ε(m) of one experiment
(:func:`millicharge.running.api.reach`)."""

from __future__ import annotations

import math
from typing import Any

import click

from millicharge.cli.options import (
    CL_TEXT,
    POSITIVE_INT,
    TEXT_OUTPUTS,
    backend_option,
    cite_option,
    experiment_option,
    form_factor_option,
    masses_option,
    method_option,
    model_option,
    no_cache_option,
    no_progress_option,
    output_format,
    parse_masses,
    precision_option,
    seed_option,
    text_output_options,
    transport_option,
    with_options,
)
from millicharge.cli.output import emit, maybe_cite, table
from millicharge.core.vocab import Transport

__all__ = ["reach"]


def transport_label(meta: dict[str, Any]) -> str:
    """'thin', or 'shower (8 nodes)' for the reach table's header line.

    >>> transport_label({"transport": "shower", "shower_nodes": 8})
    'shower (8 nodes)'
    """
    transport = meta.get("transport", Transport.THIN)
    if transport == Transport.SHOWER:
        return f"shower ({meta.get('shower_nodes')} nodes)"
    return str(transport)


@click.command()
@experiment_option()
@masses_option(default="0.01:1:40")
@click.option("--cl", type=float, default=None,
              help=f"Confidence level (default: {CL_TEXT}).")
@method_option(help="Exact tree level (VEGAS) or Weizsäcker–Williams.")
@model_option()
@precision_option()
@seed_option()
@backend_option("Where the cross sections run (default: local processes; dask with "
                "--scheduler).")
@click.option("--workers", type=POSITIVE_INT, default=None, help="Processes (default: all cores).")
@click.option("--scheduler", default=None, help="A running dask scheduler, tcp://HOST:PORT.")
@with_options(text_output_options())
@no_cache_option()
@no_progress_option()
@cite_option()
@click.option("--energy-loss/--no-energy-loss", default=None,
              help="Muon mean energy loss in the target on/off (default: experiment file's).")
@form_factor_option(None)
@transport_option()
def reach(experiment, masses, cl, method, model, precision, seed, backend, workers, scheduler,
          fmt, output, no_cache, no_progress, cite, energy_loss, form_factor,
          transport) -> None:
    """Projected reach ε(m_χ) (or ε(m_A') with --model dark-photon) at the experiment's CL
    unless --cl says otherwise."""
    from millicharge.running.executors import compile_ahead

    compile_ahead(method, backend, scheduler)  # while the rest loads (if not cached yet)
    from millicharge.running.api import reach as _reach

    fmt = output_format(output, fmt, TEXT_OUTPUTS, inputs=[experiment])
    result = _reach(experiment, parse_masses(masses), cl=cl, method=method, model=model,
                    precision=precision, seed=seed, backend=backend, workers=workers,
                    cache=not no_cache, progress=not no_progress, energy_loss=energy_loss,
                    scheduler=scheduler, form_factor=form_factor, transport=transport)
    if fmt == "csv":
        text = result.to_csv()
    elif fmt == "json":
        text = result.to_json()
    else:
        cols = ["mass_gev", "sigma_pb", "sigma_error_pb"] + [
            c for c in result.names if c.startswith("epsilon_")
            and not all(math.isnan(v) for v in result[c])
        ]
        meta = result.meta
        text = (f"# {result.experiment}: model {meta['model']}, {100 * meta['cl']:g} % CL "
                f"(s_up = {meta['s_up']:.3g}), method {meta['method']}, energy loss "
                f"{meta.get('energy_loss', 'none')}, form factor {meta['form_factor']}, "
                f"transport {transport_label(meta)}\n"
                + table(result.rows(), [c for c in cols if c in result.names]))
    emit(text, output)
    maybe_cite(cite, result)
