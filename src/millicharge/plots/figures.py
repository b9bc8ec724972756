"""The data behind the paper's Figs. 2–4, computed from experiments (cached), and drawn.

The data come through the cached public functions
(:func:`millicharge.running.api.spectrum`, :func:`millicharge.running.api.reach`). Each
``figureN_data`` returns plain data (what is handed to :mod:`millicharge.plots.plotting`);
each ``figureN`` draws it and returns ``(figure, data)`` so tests can check that what is
plotted is what was computed. The results behind each figure are in its data and carry
their ``citations``: the spectra of Fig. 2 and the reach tables of Figs. 3 and 4
(:func:`millicharge.core.citations.collect` gathers them; the command line's ``--cite``
prints them).
``form_factor=None`` (the default) uses each experiment's ``[target] form_factor``;
``"elastic"`` or ``"elastic+inelastic"`` overrides it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from millicharge.core.errors import InputError
from millicharge.core.results import Spectrum
from millicharge.experiments.config import Experiment, load_experiment
from millicharge.limits.existing import LimitCurve, default_limits, load_limit, load_limit_file
from millicharge.limits.reach import ReachTable
from millicharge.plots import plotting
from millicharge.plots.labels import channel_label
from millicharge.plots.style import CHANNEL_STYLE, experiment_color, new_figure, paper_style
from millicharge.running.api import reach, spectrum

__all__ = [
    "DEFAULT_EXISTING",
    "figure2",
    "figure2_data",
    "figure3",
    "figure3_data",
    "figure4",
    "figure4_data",
    "reach_csv",
]

DEFAULT_EXISTING = tuple(default_limits())
"""Existing limits drawn by default (``default = true`` in ``data/limits/index.toml``): the
paper's bounds we have data for (LSND, SLAC mQ, BEBC, SENSEI at MINOS) and the other
published accelerator limits of clear provenance (ArgoNeuT, milliQan demonstrator, colliders)."""

def _experiments(names: Sequence[str | Path | Experiment]) -> list[tuple[str, Experiment]]:
    out = []
    for n in names:
        exp = n if isinstance(n, Experiment) else load_experiment(n)
        key = Path(str(n)).stem.lower() if not isinstance(n, Experiment) else exp.name.lower()
        out.append((key, exp))
    return out


def figure2_data(
    experiment: str | Path | Experiment,
    masses: Sequence[float],
    *,
    points: int = 15,
    method: str = "etl",
    model: str = "mcp",
    precision: float = 1e-2,
    seed: int = 0,
    cache: bool = True,
    form_factor: str | None = None,
) -> list[Spectrum]:
    """dσ/dx in the signal box x_th ≤ x < x_max for each mass (Fig. 2); 2 ≤ points ≤ 1000."""
    if isinstance(points, bool) or not isinstance(points, int | np.integer) \
            or not 2 <= points <= 1000:
        raise InputError(f"points must be a whole number from 2 to 1000, got {points!r}")
    (_, exp), = _experiments([experiment])
    x_hi = min(exp.x_max, 1.0) - 1e-3
    xs = exp.x_min + (x_hi - exp.x_min) * (1.0 - np.geomspace(1.0, 1e-2, points) + 1e-2) / 1.01
    xs = np.unique(np.clip(xs, exp.x_min, x_hi))
    return [
        spectrum(exp.beam, exp.energy_gev, exp.material, float(m), xs, method=method,
                 model=model, precision=precision, seed=seed, cache=cache,
                 form_factor=exp.form_factor if form_factor is None else form_factor)
        for m in masses
    ]


def figure2(experiment, masses, **kwargs: Any):
    """Draw Fig. 2 for one experiment; returns (figure, spectra)."""
    (_, exp), = _experiments([experiment])
    data = figure2_data(exp, masses, **kwargs)
    with paper_style():
        fig, ax = new_figure()
        plotting.plot_spectrum(data, ax=ax, energy_gev=exp.energy_gev, x_min=exp.x_min,
                               x_max=exp.x_max, title=exp.name,
                               model=kwargs.get("model", "mcp"))
    return fig, data


def figure3_data(
    experiments: Sequence[str | Path | Experiment],
    masses: Sequence[float] | None = None,
    *,
    methods: Sequence[str] = ("etl",),
    model: str = "mcp",
    precision: float = 5e-3,
    seed: int = 0,
    cache: bool = True,
    progress: bool = False,
    form_factor: str | None = None,
) -> list[plotting.XsecSeries]:
    """σ(x_th ≤ x ≤ x_max) versus m_χ per experiment and method (Fig. 3)."""
    return _figure3_series_and_tables(experiments, masses, methods=methods, model=model,
                                      precision=precision, seed=seed, cache=cache,
                                      progress=progress, form_factor=form_factor)[0]


def _figure3_series_and_tables(
    experiments: Sequence[str | Path | Experiment],
    masses: Sequence[float] | None,
    *,
    methods: Sequence[str],
    model: str,
    **options: Any,
) -> tuple[list[plotting.XsecSeries], list[tuple[str, ReachTable]]]:
    """The series of :func:`figure3_data` and the reach tables they were read from."""
    series, tables = [], []
    for key, exp in _experiments(experiments):
        for method in methods:
            table = reach(exp, masses, method=method, model=model, **options)
            tables.append((key, table))
            series.append(plotting.XsecSeries(
                label=f"{exp.name} ({method.upper()})", mass_gev=table["mass_gev"],
                sigma_pb=table["sigma_pb"], error_pb=table["sigma_error_pb"], method=method,
                color=experiment_color(key), experiment=exp.name, model=model))
    return series, tables


def figure3(experiments, masses=None, *, methods=("etl",), model: str = "mcp",
            precision: float = 5e-3, seed: int = 0, cache: bool = True,
            progress: bool = False, form_factor: str | None = None):
    """Draw Fig. 3 (with an ETL/WW ratio panel when both methods are asked for); returns
    (figure, (series, tables)): the series drawn (:func:`figure3_data`) and the
    ``(experiment, ReachTable)`` pairs they come from, one per experiment and method."""
    series, tables = _figure3_series_and_tables(
        experiments, masses, methods=methods, model=model, precision=precision, seed=seed,
        cache=cache, progress=progress, form_factor=form_factor)
    with paper_style():
        fig, _ = plotting.make_xsec_figure(series, with_ratio=len(set(methods)) > 1,
                                           model=model)
    return fig, (series, tables)


def figure4_data(
    experiments: Sequence[str | Path | Experiment],
    masses: Sequence[float] | None = None,
    *,
    existing: Sequence[str] | None = None,
    user_limits: Sequence[str | Path] = (),
    method: str = "etl",
    model: str = "mcp",
    precision: float = 5e-3,
    seed: int = 0,
    cache: bool = True,
    progress: bool = False,
    form_factor: str | None = None,
    transport: str | None = None,
) -> tuple[list[tuple[str, ReachTable]], list[plotting.ReachCurve], list[LimitCurve]]:
    """Reach tables, the curves drawn from them, and the existing limits (Fig. 4).

    ``existing=None`` shades :data:`DEFAULT_EXISTING` for MCPs and nothing for the dark
    photon (the shipped limits are millicharge limits). For ``model="dark-photon"`` only
    the bremsstrahlung-like channel is drawn (A' → invisible, Br = 1).
    """
    if existing is None:
        existing = DEFAULT_EXISTING if model == "mcp" else ()
    # Load the limit curves first: a bad file fails before any computing.
    limits = [load_limit(k) for k in existing]
    limits += [load_limit_file(p) for p in user_limits]
    tables, curves = [], []
    for key, exp in _experiments(experiments):
        table = reach(exp, masses, method=method, model=model, precision=precision,
                      seed=seed, cache=cache, progress=progress, form_factor=form_factor,
                      transport=transport)
        tables.append((key, table))
        color = experiment_color(key)
        channels = list(exp.channels) if model == "mcp" else \
            [c for c in exp.channels if c == "brem"]
        for ch in channels:
            curves.append(plotting.ReachCurve(
                label=f"{exp.name} {channel_label(ch, model)}", mass_gev=table["mass_gev"],
                epsilon=table[f"epsilon_{ch}"], color=color,
                linestyle=CHANNEL_STYLE[ch], linewidth=1.0 if len(channels) > 1 else 1.6,
                model=model))
        if len(channels) > 1:
            curves.append(plotting.ReachCurve(
                label=f"{exp.name} combined", mass_gev=table["mass_gev"],
                epsilon=table["epsilon_combined"], color=color, linestyle="-",
                linewidth=1.8, model=model))
    return tables, curves, limits


def reach_csv(tables: Sequence[tuple[str, ReachTable]]) -> str:
    """All reach tables as one CSV with an ``experiment`` column."""
    names: list[str] = []
    for _, t in tables:
        names += [c for c in t.names if c not in names]
    lines = ["experiment," + ",".join(names)]
    for key, t in tables:
        for row in t.rows():
            cells = ["" if row.get(c) is None else repr(row[c]) for c in names]
            lines.append(key + "," + ",".join(cells))
    return "\n".join(lines) + "\n"


def figure4(experiments, masses=None, **kwargs: Any):
    """Draw Fig. 4; returns (figure, (tables, curves, limits))."""
    data = figure4_data(experiments, masses, **kwargs)
    _, curves, limits = data
    with paper_style():
        fig, ax = new_figure((3.4, 3.0))
        grid = np.concatenate([t["mass_gev"] for _, t in data[0]])
        lo, hi = float(grid.min()), float(grid.max())
        if hi <= lo:  # a single mass: show a decade around it
            lo, hi = lo / 3.0, hi * 3.0
        # the x axis spans the computed masses; the ε axis follows the curves (data_ylim)
        plotting.plot_reach(curves, limits, ax=ax, xlim=(lo, hi),
                            model=kwargs.get("model", "mcp"))
    return fig, data
