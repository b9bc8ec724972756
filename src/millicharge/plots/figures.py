"""The data behind the paper's Figs. 2–4, computed from experiments (cached), and drawn.

Each ``figureN_data`` returns plain data (what is handed to :mod:`millicharge.plots.plotting`);
each ``figureN`` draws it and returns ``(figure, data)`` so tests can check that what is
plotted is what was computed. ``form_factor=None`` (the default) uses each experiment's
``[target] form_factor``; ``"elastic"`` or ``"elastic+inelastic"`` overrides it.
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
from millicharge.limits.reach import ReachTable, reach
from millicharge.plots import plotting
from millicharge.xsec.api import spectrum

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

COLORS = {"na64mu": "tab:red", "ldmx": "tab:blue", "na64e": "tab:green",
          "ldmx-phase1": "tab:purple", "m3": "tab:orange", "m3-phase1": "tab:brown",
          "na64mu-2022": "tab:pink"}
MASS_SYMBOL = {"mcp": r"$m_\chi$", "dark-photon": r"$m_{A'}$"}
"""Axis/legend symbol of the mass for each model (χ for MCPs, A' for the dark photon)."""
CHANNEL_STYLE = {"brem": "-", "rho": "--", "omega": ":", "phi": "-."}
CHANNEL_LABEL = {"brem": "brem", "rho": r"$\rho\to\chi\bar\chi$",
                 "omega": r"$\omega\to\chi\bar\chi$", "phi": r"$\phi\to\chi\bar\chi$"}


def _relabel_mass_axes(fig: Any, model: str) -> None:
    """Write m_A' instead of m_χ on every mass axis of ``fig`` for the dark photon."""
    if model == "mcp":
        return
    for ax in fig.axes:
        label = ax.get_xlabel()
        if MASS_SYMBOL["mcp"] in label:
            ax.set_xlabel(label.replace(MASS_SYMBOL["mcp"], MASS_SYMBOL[model]))


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
    model = kwargs.get("model", "mcp")

    def label(mass_gev: float) -> str:
        return plotting.mass_label(mass_gev).replace(MASS_SYMBOL["mcp"], MASS_SYMBOL[model])

    with plotting.paper_style():
        fig, ax = _new_figure()
        plotting.plot_spectrum(data, ax=ax, energy_gev=exp.energy_gev, x_min=exp.x_min,
                               x_max=exp.x_max, title=exp.name, label_fmt=label)
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
    series = []
    for key, exp in _experiments(experiments):
        for method in methods:
            table = reach(exp, masses, method=method, model=model, precision=precision,
                          seed=seed, cache=cache, progress=progress, form_factor=form_factor)
            series.append(plotting.XsecSeries(
                label=f"{exp.name} ({method.upper()})", mass_gev=table["mass_gev"],
                sigma_pb=table["sigma_pb"], error_pb=table["sigma_error_pb"], method=method,
                color=COLORS.get(key), experiment=exp.name))
    return series


def figure3(experiments, masses=None, *, methods=("etl",), **kwargs: Any):
    """Draw Fig. 3 (with an ETL/WW ratio panel when both methods are asked for)."""
    data = figure3_data(experiments, masses, methods=methods, **kwargs)
    with plotting.paper_style():
        fig, _ = plotting.make_xsec_figure(data, with_ratio=len(set(methods)) > 1)
    _relabel_mass_axes(fig, kwargs.get("model", "mcp"))
    return fig, data


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
        color = COLORS.get(key)
        channels = list(exp.channels) if model == "mcp" else \
            [c for c in exp.channels if c == "brem"]
        for ch in channels:
            name = CHANNEL_LABEL[ch] if model == "mcp" else r"$A'\to$ invisible"
            curves.append(plotting.ReachCurve(
                label=f"{exp.name} {name}", mass_gev=table["mass_gev"],
                epsilon=table[f"epsilon_{ch}"], color=color,
                linestyle=CHANNEL_STYLE[ch], linewidth=1.0 if len(channels) > 1 else 1.6))
        if len(channels) > 1:
            curves.append(plotting.ReachCurve(
                label=f"{exp.name} combined", mass_gev=table["mass_gev"],
                epsilon=table["epsilon_combined"], color=color, linestyle="-",
                linewidth=1.8))
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
    with plotting.paper_style():
        fig, ax = _new_figure((3.4, 3.0))
        grid = np.concatenate([t["mass_gev"] for _, t in data[0]])
        lo, hi = float(grid.min()), float(grid.max())
        if hi <= lo:  # a single mass: show a decade around it
            lo, hi = lo / 3.0, hi * 3.0
        eps = np.concatenate([np.asarray(c.epsilon, float) for c in curves]) if curves \
            else np.empty(0)
        eps = eps[np.isfinite(eps) & (eps > 0)]
        y_lo = 1e-6 if eps.size == 0 else min(1e-6, 10.0 ** np.floor(np.log10(eps.min() / 2)))
        plotting.plot_reach(curves, limits, ax=ax, xlim=(lo, hi), ylim=(y_lo, 1.0))
    _relabel_mass_axes(fig, kwargs.get("model", "mcp"))
    return fig, data


def _new_figure(size: tuple[float, float] = (3.4, 2.8)):
    """A column-width figure without pyplot's global state."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()
