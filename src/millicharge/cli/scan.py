"""``millicharge scan``: σ on a grid of beams × energies × targets × masses × x_min
(:func:`millicharge.running.grid.scan`)."""

from __future__ import annotations

import click

from millicharge.cli.options import (
    POSITIVE_FLOAT,
    POSITIVE_INT,
    SCAN_OUTPUTS,
    MultiValueOption,
    backend_option,
    cite_option,
    form_factor_option,
    listed,
    mass_words,
    masses_option,
    method_option,
    model_option,
    no_cache_option,
    no_progress_option,
    output_format,
    precision_option,
    seed_option,
    text_output_options,
    with_options,
)
from millicharge.cli.output import maybe_cite, table
from millicharge.core.vocab import Beam
from millicharge.target.formfactors import FormFactor

__all__ = ["scan"]


@click.command()
@click.option("--beam", "beams", cls=MultiValueOption, required=True,
              help=f"Beam lepton(s): {listed(Beam)}.")
@click.option("--energy", "energies", cls=MultiValueOption, required=True,
              help="Beam energies in GeV, e.g. --energy 100 160")
@click.option("--target", "targets", cls=MultiValueOption, required=True,
              help="Targets, e.g. --target Pb W (or Z=…,A=…,density=…,X0=…)")
@masses_option()
@click.option("--x-min", "x_mins", cls=MultiValueOption, required=True,
              help="Lower edges of x = E_miss/E, e.g. --x-min 0.3 0.5")
@click.option("--x-max", default="1", show_default=True, help="Upper edge of x.")
@method_option()
@model_option()
@precision_option(type=str)
@seed_option()
@backend_option("Default: processes (all cores), or dask with --scheduler.")
@click.option("--scheduler", default=None,
              help="Running dask scheduler, tcp://HOST:PORT (needs millicharge[dask]).")
@click.option("--workers", type=POSITIVE_INT, default=None,
              help="Local processes / LocalCluster workers (default: all cores).")
@click.option("--connect-timeout", type=POSITIVE_FLOAT, default=10.0, show_default=True,
              help="Seconds to wait for the dask scheduler.")
@click.option("--no-worker-timeout", type=click.FloatRange(min=0.0), default=60.0,
              show_default=True, help="dask: seconds to wait while the cluster has no "
              "worker before stopping (0: wait forever).")
@click.option("--max-points", type=POSITIVE_INT, default=None,
              help="Largest grid allowed (default 100000).")
@form_factor_option(FormFactor.ELASTIC)
@with_options(text_output_options(
    help="Write FILE: .csv, .json or .parquet (needs pyarrow).",
    format_help="Format on stdout; with --output the file's extension decides."))
@no_cache_option()
@no_progress_option()
@cite_option()
def scan(beams, energies, targets, masses, x_mins, x_max, method, model, precision, seed,
         backend, scheduler, workers, connect_timeout, no_worker_timeout, max_points,
         form_factor, fmt, output, no_cache, no_progress, cite) -> None:
    """σ on a grid: beams × energies × targets × masses × x_min, one row per point."""
    from millicharge.running.executors import compile_ahead

    compile_ahead(method, backend, scheduler)  # while the rest loads (if not cached yet)
    from millicharge.running.grid import check_output, make_grid
    from millicharge.running.grid import scan as _scan

    if output:  # before any work: a bad name, an unwritable folder or a missing pyarrow
        fmt = output_format(output, fmt, SCAN_OUTPUTS)
        check_output(output)
    # the one masses grammar, split at commas; the grid reads each piece (start:stop:n or a
    # number) itself so that --max-points bounds the masses before they are allocated
    grid = make_grid(list(beams), list(energies), list(targets), mass_words(masses),
                     list(x_mins), x_max=x_max, method=method, model=model,
                     precision=precision, seed=seed, max_points=max_points,
                     form_factor=form_factor)
    result = _scan(grid, backend=backend, workers=workers, scheduler=scheduler,
                   connect_timeout=connect_timeout, no_worker_timeout=no_worker_timeout or None,
                   cache=not no_cache, progress=not no_progress)
    n = result.counts()
    click.echo(f"scan: {len(result)} points ({n['computed']} computed, {n['cached']} from "
               f"cache, {n['closed']} closed) in {result.meta['elapsed_s']:.1f} s", err=True)
    if output:
        click.echo(f"wrote {result.write(output)}", err=True)
    elif fmt == "csv":
        click.echo(result.to_csv().rstrip("\n"))
    elif fmt == "json":
        click.echo(result.to_json())
    else:
        click.echo(table(result.rows, result.names))
    maybe_cite(cite, result)
