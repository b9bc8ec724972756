"""What the package ships and holds: ``millicharge experiments`` (and ``experiments show``),
``millicharge limits`` and ``millicharge cache info|clear``."""

from __future__ import annotations

import json

import click

from millicharge.cli.output import table
from millicharge.core.errors import InputError
from millicharge.core.vocab import Transport

__all__ = ["cache", "experiments", "limits"]


@click.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_context
def experiments(ctx: click.Context, fmt: str) -> None:
    """List the shipped experiments and their parameters (with each one's CL); `experiments
    show NAME` prints one experiment's TOML file, to copy and edit."""
    if ctx.invoked_subcommand is not None:
        return
    from millicharge.experiments.config import experiment_names, load_experiment

    exps = [load_experiment(n) for n in experiment_names()]
    if fmt == "json":
        click.echo(json.dumps({n: e.to_dict() for n, e in zip(experiment_names(), exps,
                                                                 strict=True)}, indent=1))
        return
    rows = []
    for n, e in zip(experiment_names(), exps, strict=True):
        eff = e.efficiency if e.efficiency is not None else \
            f"table({len(e.efficiency_masses_gev)} masses)"
        row = {"name": n, "beam": e.beam, "energy_gev": e.energy_gev,
               "LOT": e.leptons_on_target, "target": e.material.symbol,
               "thickness_cm": e.thickness_cm, "x_min": e.x_min,
               "channels": "+".join(e.channels), "eff": eff, "bkg": e.background,
               "bkg_unc": e.background_uncertainty, "cl": e.cl, "form_factor": e.form_factor,
               "transport": e.transport if e.transport == Transport.THIN
               else f"{e.transport}({e.shower_nodes})"}
        rows.append(row)
    click.echo(table(rows, list(rows[0])))
    click.echo("\neff: signal efficiency (a constant, or a table against the mass: `millicharge"
               " experiments --format json`); bkg ± bkg_unc: expected background events and "
               "its uncertainty; cl: confidence level of the reach; transport: thin (paper Eq. "
               "4 at the beam energy) or shower(N) (an electron beam's shower folded over N "
               "energy nodes).")


@experiments.command("show")
@click.argument("name")
def experiments_show(name: str) -> None:
    """Print the shipped TOML file of experiment NAME (save it, edit it, pass it to -e)."""
    from importlib import resources

    from millicharge.experiments.config import experiment_names

    names = experiment_names()
    if name not in names:
        raise InputError(f"no shipped experiment {name!r}: choose one of {', '.join(names)}")
    text = resources.files("millicharge.data").joinpath("experiments", f"{name}.toml") \
        .read_text(encoding="utf-8")
    click.echo(text, nl=not text.endswith("\n"))


@click.command()
def limits() -> None:
    """List the limit curves shipped with the package, their sources, and what is missing.

    default = yes: shaded by `plot reach` unless --existing names others. verified = no:
    provenance unclear, never drawn by default (ask with --existing KEY; loading warns).
    Provenance of every file: data/limits/SOURCES.md in the package."""
    from millicharge.limits.existing import limit_info, limit_names, missing_limits

    rows = []
    for key in limit_names():
        info = limit_info(key)
        rows.append({"key": key, "category": info.get("category", ""),
                     "default": "yes" if info.get("default", False) else "no",
                     "verified": "yes" if info.get("verified", True) else "no",
                     "label": info.get("label", key), "citation": info.get("citation", "")})
    click.echo(table(rows, ["key", "category", "default", "verified", "label", "citation"]))
    click.echo("\ndefault = yes: shaded by `millicharge plot reach` unless --existing names "
               "other keys; verified = no: provenance unclear, never drawn by default.")
    missing = missing_limits()
    if missing:
        click.echo("\nShown in the paper's Fig. 4 but not drawn: no public digitisation found "
                   "(not shipped, never invented):")
        for key, entry in missing.items():
            click.echo(f"  {key}: {entry['label']}; {entry['citation']}\n"
                       f"      why: {entry['reason']}")
        click.echo("Supply such a curve yourself with `millicharge plot reach --limits FILE` "
                   "(grammar: help(millicharge.limits.existing.load_limit_file)).")


@click.group()
def cache() -> None:
    """Inspect or clear the on-disk result cache."""


@cache.command("info")
def cache_info() -> None:
    """Where the cache is and how much it holds."""
    from millicharge.running.cache import stats

    s = stats()
    line = f"{s['path']}: {s['entries']} results, {s['bytes'] / 1024:.1f} KiB"
    if s["problem"]:
        line += f"; caching is off: {s['problem']}"
    click.echo(line)


@cache.command("clear")
def cache_clear() -> None:
    """Delete every cached result (and temporaries left by killed runs)."""
    from millicharge.running.cache import clear

    click.echo(f"removed {clear()} cached results")  # InputError: one line, exit 2
