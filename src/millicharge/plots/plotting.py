"""Figures of the seed paper (Figs. 2–4): pure drawing functions.

Every ``plot_*`` function takes ``ax=None`` and returns the artists it made, in the
manner of ``pyhf.contrib.viz``. Nothing here computes physics or reads files: the
caller passes spectra, cross sections, reach curves and
:class:`~millicharge.limits.existing.LimitCurve` objects that were computed or loaded
elsewhere. The only arithmetic is for display: dσ/dx → dσ/dE_miss = (dσ/dx)/E (a change
of variable, E_miss = x·E), error bands, and the ETL/WW ratio with its propagated error.

Units: masses and energies in GeV, cross sections in pb, ε = charge / e.

Figures made here (``ax=None`` or the ``make_*`` helpers) are sized for one paper column
(3.4 in wide) with ~8 pt fonts; :func:`paper_style` applies the same settings to any
code block. :func:`save_figure` writes PNG, PDF or SVG atomically.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from millicharge.plots.plotting import plot_reach
    >>> art = plot_reach([{"label": "demo", "mass_gev": [0.01, 0.1],
    ...                    "epsilon": [1e-4, float("inf")]}], [])
    >>> art["curves"][0].get_ydata().tolist()
    [0.0001, nan]
    >>> import matplotlib.pyplot as plt; plt.close(art["curves"][0].figure)
"""

from __future__ import annotations

import contextlib
import math
import os
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.text import Text

from millicharge.core.atomic import atomic_path, check_output_path
from millicharge.core.errors import InputError

__all__ = [
    "COLUMN_WIDTH_IN",
    "ReachCurve",
    "XsecSeries",
    "make_xsec_figure",
    "mass_label",
    "paper_style",
    "plot_cross_sections",
    "plot_reach",
    "plot_spectrum",
    "save_figure",
]

COLUMN_WIDTH_IN = 3.4
"""Width of one column of a two-column paper (PRD, PLB), in inches."""

_FIGSIZE = (COLUMN_WIDTH_IN, 2.8)
_FONT_PT = 8.0
_SMALL_PT = 6.5
_RC: dict[str, Any] = {
    "font.size": _FONT_PT,
    "axes.labelsize": _FONT_PT,
    "axes.titlesize": _FONT_PT,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "legend.fontsize": _SMALL_PT,
    "legend.frameon": False,
    "lines.linewidth": 1.2,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.4,
    "ytick.minor.width": 0.4,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "mathtext.default": "regular",
    "savefig.dpi": 200,
}

_METHOD_STYLE = {"etl": "-", "ww": "--"}
_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
_LIMIT_FACE = "0.86"
_LIMIT_EDGE = "0.45"
_LIMIT_TEXT = "0.2"


@contextlib.contextmanager
def paper_style() -> Iterator[None]:
    """Context manager: matplotlib rcParams for a one-column paper figure (~8 pt fonts).

    The settings hold only inside the ``with`` block (``matplotlib.rc_context``).
    """
    import matplotlib

    with matplotlib.rc_context(_RC):
        yield


# ----------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class XsecSeries:
    """One σ(m_χ) curve of Fig. 3.

    ``mass_gev`` in GeV; ``sigma_pb`` and ``error_pb`` in pb; ``method`` is ``"etl"`` or
    ``"ww"``; ``experiment`` groups an ETL and a WW series for the ratio panel (default:
    the label).
    """

    label: str
    mass_gev: Sequence[float] | np.ndarray
    sigma_pb: Sequence[float] | np.ndarray
    error_pb: Sequence[float] | np.ndarray | None = None
    method: str = "etl"
    color: str | None = None
    experiment: str | None = None


@dataclass(frozen=True)
class ReachCurve:
    """One reach line of Fig. 4: ε(m_χ) with m_χ in GeV; inf/nan where the channel is closed."""

    label: str
    mass_gev: Sequence[float] | np.ndarray
    epsilon: Sequence[float] | np.ndarray
    color: str | None = None
    linestyle: str = "-"
    linewidth: float | None = None


def _get(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _require(item: Any, name: str, what: str) -> Any:
    value = _get(item, name)
    if value is None:
        raise InputError(f"{what}: missing field {name!r}")
    return value


def _array(item: Any, name: str, what: str, n: int | None = None) -> np.ndarray:
    arr = np.asarray(_require(item, name, what), dtype=float).ravel()
    if n is not None and arr.size != n:
        raise InputError(f"{what}: {name!r} has {arr.size} values, expected {n}")
    return arr


def _reach_curves(curves: Any) -> list[Any]:
    """``curves`` as a list, with each :class:`~millicharge.limits.reach.ReachTable` (anything with
    ``experiment`` and a ``columns`` mapping) turned into a :class:`ReachCurve`."""
    if isinstance(curves, (ReachCurve, Mapping)) or hasattr(curves, "columns"):
        curves = [curves]
    out = []
    for c in curves:
        columns = getattr(c, "columns", None)
        if isinstance(columns, Mapping) and not isinstance(c, Mapping):
            names = [n for n in columns if str(n).startswith("epsilon")]
            if not names or "mass_gev" not in columns:
                raise InputError(f"reach table {getattr(c, 'experiment', '?')!r} has no "
                                 "mass_gev and epsilon columns")
            name = "epsilon_combined" if "epsilon_combined" in names else names[0]
            c = ReachCurve(str(getattr(c, "experiment", name)), columns["mass_gev"],
                           columns[name])
        out.append(c)
    return out


def _make_axes(figsize: tuple[float, float] | None = None) -> Axes:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize or _FIGSIZE, layout="constrained")
    return ax


def _style_axes(ax: Axes) -> None:
    """Fix tick label sizes on the axes (ticks made at draw time ignore rc_context)."""
    ax.tick_params(which="both", labelsize=_RC["xtick.labelsize"])


def mass_label(mass_gev: float) -> str:
    r"""Legend label for a mass, in MeV below 1 GeV: ``mass_label(0.01)`` → ``'$m_\chi$ = 10 MeV'``.

    >>> mass_label(0.01), mass_label(2.0)
    ('$m_\\chi$ = 10 MeV', '$m_\\chi$ = 2 GeV')
    """
    if mass_gev < 1.0:
        return rf"$m_\chi$ = {mass_gev * 1e3:.4g} MeV"
    return rf"$m_\chi$ = {mass_gev:.4g} GeV"


def _format_label(fmt: str | Callable[[float], str], mass_gev: float) -> str:
    if callable(fmt):
        return fmt(mass_gev)
    return fmt.format(mass_gev=mass_gev, mass_mev=mass_gev * 1e3)


def _band(
    ax: Axes, x: np.ndarray, y: np.ndarray, err: np.ndarray, color: Any, alpha: float = 0.25
) -> Artist | None:
    """Shade y ± err; points where y − err ≤ 0 (a ≥100 % error) leave a gap on log axes."""
    if not np.any(np.isfinite(err) & (err > 0)):
        return None
    lo = y - err
    lo = np.where(lo > 0, lo, np.nan)
    return ax.fill_between(x, lo, y + err, color=color, alpha=alpha, linewidth=0)


# ----------------------------------------------------------------------------- Fig. 2
def plot_spectrum(
    curves: Sequence[Any],
    *,
    ax: Axes | None = None,
    energy_gev: float | None = None,
    x_min: float | None = None,
    x_max: float | None = None,
    label_fmt: str | Callable[[float], str] = mass_label,
    title: str | None = None,
    legend_loc: str = "best",
    figsize: tuple[float, float] | None = None,
) -> dict[str, Any]:
    r"""Fig. 2: :math:`d\sigma/dE_\mathrm{miss}` [pb/GeV] versus :math:`E_\mathrm{miss}` [GeV].

    With :math:`E_\mathrm{miss} = x E` (paper Eq. 4), :math:`d\sigma/dE_\mathrm{miss} =
    (d\sigma/dx)/E`.

    Parameters
    ----------
    curves
        Spectra, e.g. :class:`millicharge.core.results.Spectrum`: objects (or mappings) with
        ``x``, ``dsigma_dx_pb``, ``error_pb`` (pb) and ``mass_gev``. One line per curve.
    ax
        Axes to draw on; a new column-width figure if ``None``.
    energy_gev
        Beam energy E in GeV; default each curve's own ``energy_gev``.
    x_min, x_max
        The signal box x_min ≤ x ≤ x_max: only points inside are drawn and the x axis
        spans [x_min·E, x_max·E]. ``None``: no cut on that side.
    label_fmt
        Legend label: a callable of the mass in GeV, or a format string with fields
        ``{mass_gev}`` and ``{mass_mev}``.
    title
        Optional legend title (e.g. ``"NA64μ, E_μ = 160 GeV"``).
    legend_loc
        Legend location (matplotlib ``loc``).
    figsize
        Figure size in inches when a new figure is made.

    Returns
    -------
    dict
        ``"lines"`` (list of Line2D, one per curve), ``"bands"`` (list: the ±error
        PolyCollection, or ``None`` where every error is zero), ``"legend"``.
    """
    if ax is None:
        with paper_style():
            return plot_spectrum(
                curves, ax=_make_axes(figsize), energy_gev=energy_gev, x_min=x_min,
                x_max=x_max, label_fmt=label_fmt, title=title, legend_loc=legend_loc,
            )
    _style_axes(ax)
    lines: list[Line2D] = []
    bands: list[Artist | None] = []
    e_lo, e_hi = math.inf, -math.inf
    for i, curve in enumerate(curves):
        what = f"spectrum {i}"
        x = _array(curve, "x", what)
        dsdx = _array(curve, "dsigma_dx_pb", what, x.size)
        err_raw = _get(curve, "error_pb")
        err = np.zeros_like(x) if err_raw is None else _array(curve, "error_pb", what, x.size)
        energy = energy_gev if energy_gev is not None else _get(curve, "energy_gev")
        if energy is None or not energy > 0:
            raise InputError(f"{what}: beam energy must be positive, got {energy!r}")
        mass = float(_require(curve, "mass_gev", what))
        keep = np.ones(x.size, dtype=bool)
        if x_min is not None:
            keep &= x >= x_min
        if x_max is not None:
            keep &= x <= x_max
        e_miss = x[keep] * energy
        y, dy = dsdx[keep] / energy, err[keep] / energy
        (line,) = ax.plot(e_miss, y, label=_format_label(label_fmt, mass))
        lines.append(line)
        bands.append(_band(ax, e_miss, y, dy, line.get_color()))
        e_lo = min(e_lo, (x_min if x_min is not None else np.min(x, initial=np.inf)) * energy)
        e_hi = max(e_hi, (x_max if x_max is not None else np.max(x, initial=-np.inf)) * energy)
    ax.set_yscale("log")
    if math.isfinite(e_lo) and math.isfinite(e_hi) and e_hi > e_lo:
        ax.set_xlim(e_lo, e_hi)
    ax.set_xlabel(r"$E_\mathrm{miss}$ [GeV]")
    ax.set_ylabel(r"$d\sigma/dE_\mathrm{miss}$ [pb/GeV]")
    legend = None
    if lines or title:
        legend = ax.legend(loc=legend_loc, fontsize=_SMALL_PT, frameon=False, title=title,
                           title_fontsize=_SMALL_PT + 0.5, alignment="left")
    return {"lines": lines, "bands": bands, "legend": legend}


# ----------------------------------------------------------------------------- Fig. 3
def _ratio(
    a: tuple[np.ndarray, np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """a/b at the masses both share, with relative errors added in quadrature."""
    ma, sa, ea = a
    mb, sb, eb = b
    idx_a, idx_b = [], []
    for i, m in enumerate(ma):
        j = np.flatnonzero(np.isclose(mb, m, rtol=1e-9, atol=0.0))
        if j.size:
            idx_a.append(i)
            idx_b.append(int(j[0]))
    ia, ib = np.array(idx_a, dtype=int), np.array(idx_b, dtype=int)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = sa[ia] / sb[ib]
        dr = np.abs(r) * np.hypot(ea[ia] / sa[ia], eb[ib] / sb[ib])
    return ma[ia], r, dr


def plot_cross_sections(
    series: Sequence[Any],
    *,
    ax: Axes | None = None,
    ratio_ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> dict[str, Any]:
    r"""Fig. 3: σ(x_th ≤ x ≤ x_max) [pb] versus m_χ [GeV], log–log, with an ETL/WW ratio.

    Parameters
    ----------
    series
        :class:`XsecSeries` or mappings with ``label``, ``mass_gev`` (GeV), ``sigma_pb``,
        ``error_pb`` (pb, optional), ``method`` (``"etl"`` solid, ``"ww"`` dashed),
        ``color`` and optionally ``experiment`` (groups ETL with WW; default the label).
    ax
        Axes for σ; a new column-width figure if ``None`` (see :func:`make_xsec_figure`
        for one with a ratio panel).
    ratio_ax
        If given, ETL/WW is drawn there for every experiment that has both methods, at
        the masses both share, with error
        :math:`r\sqrt{(\delta_\mathrm{ETL}/\sigma_\mathrm{ETL})^2 +
        (\delta_\mathrm{WW}/\sigma_\mathrm{WW})^2}`.
    figsize
        Figure size in inches when a new figure is made.

    Returns
    -------
    dict
        ``"lines"``, ``"bands"`` (one per series, ``None`` without errors), ``"legend"``,
        ``"ratio_lines"`` and ``"ratio_bands"`` (dicts keyed by experiment).
    """
    if ax is None:
        with paper_style():
            return plot_cross_sections(series, ax=_make_axes(figsize), ratio_ax=ratio_ax)
    _style_axes(ax)
    lines: list[Line2D] = []
    bands: list[Artist | None] = []
    groups: dict[str, dict[str, tuple[tuple[np.ndarray, ...], Any]]] = {}
    for i, s in enumerate(series):
        what = f"cross-section series {i}"
        label = str(_require(s, "label", what))
        method = str(_get(s, "method", "etl")).lower()
        if method not in _METHOD_STYLE:
            raise InputError(f"{what} ({label}): method must be 'etl' or 'ww', got {method!r}")
        mass = _array(s, "mass_gev", what)
        sigma = _array(s, "sigma_pb", what, mass.size)
        err_raw = _get(s, "error_pb")
        err = np.zeros_like(mass) if err_raw is None else _array(s, "error_pb", what, mass.size)
        kwargs: dict[str, Any] = {"linestyle": _METHOD_STYLE[method], "label": label}
        if _get(s, "color") is not None:
            kwargs["color"] = _get(s, "color")
        (line,) = ax.plot(mass, sigma, **kwargs)
        lines.append(line)
        bands.append(_band(ax, mass, sigma, err, line.get_color()))
        key = str(_get(s, "experiment") or label)
        groups.setdefault(key, {})[method] = ((mass, sigma, err), line.get_color())
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylabel(r"$\sigma(x_\mathrm{th} \leq x \leq x_\mathrm{max})$ [pb]")
    legend = ax.legend(loc="best", fontsize=_SMALL_PT, frameon=False) if lines else None
    ratio_lines: dict[str, Line2D] = {}
    ratio_bands: dict[str, Artist | None] = {}
    if ratio_ax is not None:
        _style_axes(ratio_ax)
        for key, methods in groups.items():
            if "etl" in methods and "ww" in methods:
                (etl, color), (ww, _) = methods["etl"], methods["ww"]
                m, r, dr = _ratio(etl, ww)  # type: ignore[arg-type]
                (rl,) = ratio_ax.plot(m, r, color=color, label=key)
                ratio_lines[key] = rl
                ratio_bands[key] = ratio_ax.fill_between(
                    m, r - dr, r + dr, color=color, alpha=0.25, linewidth=0
                ) if np.any(dr > 0) else None
        ratio_ax.axhline(1.0, color="0.5", linewidth=0.6, linestyle=":")
        ratio_ax.set_xscale("log")
        ratio_ax.set_xlabel(r"$m_\chi$ [GeV]")
        ratio_ax.set_ylabel("ETL / WW")
        ax.tick_params(labelbottom=False)
    else:
        ax.set_xlabel(r"$m_\chi$ [GeV]")
    return {
        "lines": lines, "bands": bands, "legend": legend,
        "ratio_lines": ratio_lines, "ratio_bands": ratio_bands,
    }


def make_xsec_figure(
    series: Sequence[Any],
    with_ratio: bool = False,
    *,
    figsize: tuple[float, float] | None = None,
) -> tuple[Figure, tuple[Axes, ...]]:
    """Make the Fig. 3 figure: σ(m_χ), and below it ETL/WW if ``with_ratio``.

    Returns
    -------
    (Figure, tuple of Axes)
        ``(ax,)`` or ``(ax, ratio_ax)``; the x axes are shared.
    """
    import matplotlib.pyplot as plt

    with paper_style():
        if with_ratio:
            size = figsize or (COLUMN_WIDTH_IN, 3.4)
            fig, (ax, rax) = plt.subplots(
                2, 1, sharex=True, figsize=size, layout="constrained",
                gridspec_kw={"height_ratios": (3, 1)},
            )
            plot_cross_sections(series, ax=ax, ratio_ax=rax)
            return fig, (ax, rax)
        fig, ax = plt.subplots(figsize=figsize or _FIGSIZE, layout="constrained")
        plot_cross_sections(series, ax=ax)
        return fig, (ax,)


# ----------------------------------------------------------------------------- Fig. 4
def _visible_curve(mass: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """ε with closed channels (inf, nan, ≤ 0, or m ≤ 0) set to nan, so no line is drawn there."""
    ok = np.isfinite(eps) & (eps > 0) & np.isfinite(mass) & (mass > 0)
    return np.where(ok, eps, np.nan)


def _bound_polygon(mass: np.ndarray, eps: np.ndarray, top: float) -> np.ndarray:
    """The region above a boundary line, closed by vertical edges up to ``top``."""
    verts = np.column_stack([mass, eps])
    cap = np.array([[mass[-1], top], [mass[0], top]])
    return np.vstack([verts, cap])


def _on_grid(
    limit: Any, grid: np.ndarray
) -> np.ndarray:
    """log-log interpolation of a boundary line on ``grid`` (nan outside its mass span)."""
    m, e = np.asarray(limit.mass_gev, float), np.asarray(limit.epsilon, float)
    ok = np.isfinite(m) & np.isfinite(e) & (m > 0) & (e > 0)
    m, e = m[ok], e[ok]
    if m.size < 2:
        return np.full(grid.size, np.nan)
    order = np.argsort(m, kind="stable")
    lm, le = np.log(m[order]), np.log(e[order])
    y = np.exp(np.interp(np.log(grid), lm, le))
    return np.where((grid >= m.min()) & (grid <= m.max()), y, np.nan)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges [start, stop) where ``mask`` is true, longest first."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return sorted(zip(starts.tolist(), stops.tolist(), strict=True), key=lambda r: r[0] - r[1])


def _label_candidates(
    limits: Sequence[Any], xlim: tuple[float, float], ylim: tuple[float, float]
) -> dict[int, tuple[int, list[tuple[float, float, str]]]]:
    """Where each region's name may go, best first, and the region's priority.

    A 'bound' region is named just above its line where that line is the lowest of all
    the shaded regions (the middle of the longest such stretch first, then further out,
    then higher up); a region that is nowhere the lowest, where its line comes closest to
    the lowest one. A contour is named at its centre (in log–log). Priority = number of
    grid points (of 400 across the x axis) where the region is the lowest.
    Returns ``{index: (priority, [(m, ε, horizontal alignment), ...])}``.
    """
    n = 400
    grid = np.geomspace(xlim[0], xlim[1], n)
    lines = {i: _on_grid(lim, grid) for i, lim in enumerate(limits) if lim.kind == "bound"}
    lines = {i: np.where(y < ylim[1], y, np.nan) for i, y in lines.items()}
    stack = np.vstack(list(lines.values())) if lines else np.full((1, n), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-nan columns
        envelope = np.nanmin(stack, axis=0)

    def ha(k: int) -> str:
        frac = k / (n - 1)
        return "left" if frac < 0.1 else ("right" if frac > 0.9 else "center")

    out: dict[int, tuple[int, list[tuple[float, float, str]]]] = {}
    for i, lim in enumerate(limits):
        if lim.kind == "contour":
            m, e = np.asarray(lim.mass_gev, float), np.asarray(lim.epsilon, float)
            ok = (m > 0) & (e > 0)
            if ok.any():
                x = float(np.exp(np.mean(np.log(m[ok]))))
                y = float(np.exp(np.mean(np.log(e[ok]))))
                out[i] = (n, [(x, y, "center")])
            continue
        y = lines.get(i)
        if y is None or not np.any(np.isfinite(y)):
            continue
        lowest = np.isfinite(y) & (y <= envelope * (1 + 1e-9))
        runs = [r for r in _runs(lowest) if r[1] - r[0] >= 6]
        ks: list[int] = []
        for start, stop in runs:
            mid = (start + stop - 1) // 2
            offsets = sorted(range(start - mid, stop - mid, 6), key=abs)
            ks += [mid + o for o in offsets]
        if not ks:  # nowhere lowest: where the line comes closest to the envelope
            with np.errstate(invalid="ignore"):
                closeness = np.where(np.isfinite(y), y / envelope, np.inf)
            ks = np.argsort(closeness, kind="stable")[:200:5].tolist()
        cands = [(float(grid[k]), float(y[k]) * f, ha(k)) for f in (1.4, 2.5, 5.0) for k in ks]
        out[i] = (int(lowest.sum()), cands)
    return out


def _densify(ax: Axes, line: Line2D, step_px: float = 2.0) -> np.ndarray:
    """Points every ``step_px`` pixels along a drawn line, in display coordinates."""
    xy = np.column_stack([np.asarray(line.get_xdata(), float),
                          np.asarray(line.get_ydata(), float)])
    ok = np.all(np.isfinite(xy), axis=1) & np.all(xy > 0, axis=1)
    pts = ax.transData.transform(np.where(ok[:, None], xy, 1.0))
    out = [pts[ok]]
    for a, b in zip(range(len(pts) - 1), range(1, len(pts)), strict=True):
        if ok[a] and ok[b]:
            k = int(np.hypot(*(pts[b] - pts[a])) // step_px)
            if k > 1:
                t = np.linspace(0.0, 1.0, k)[:, None]
                out.append(pts[a] + t * (pts[b] - pts[a]))
    return np.vstack(out)


def _place_labels(
    ax: Axes,
    items: list[tuple[str, str, str, list[tuple[float, float, str]]]],
    curves: Sequence[Line2D],
    edges: Sequence[Line2D],
    legend: Legend | None,
) -> dict[str, Text]:
    """Write each label at its first candidate position that collides with nothing.

    ``items`` are ``(key, text, vertical alignment, candidates)``, most important first.
    A position must keep the text inside the axes and off the legend, the other labels and
    the reach curves; if possible also off the boundary lines of the regions.
    """
    fig = ax.figure
    get_renderer = getattr(fig.canvas, "get_renderer", None)
    if callable(get_renderer):
        renderer = get_renderer()
    else:  # a bare Figure (no pyplot): measure text with an Agg renderer of the same size
        from matplotlib.backends.backend_agg import RendererAgg

        width, height = fig.get_size_inches() * fig.dpi
        renderer = RendererAgg(int(width), int(height), fig.dpi)
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)  # final axes position, as when drawn
    hard = [_densify(ax, c) for c in curves]
    soft = [_densify(ax, e) for e in edges]
    frame = ax.get_window_extent(renderer)
    boxes = []
    if legend is not None:
        box = legend.get_window_extent(renderer)
        boxes.append(box)
        # freeze loc="best": drawn later it would also dodge the labels and could move
        corner = ax.transAxes.inverted().transform((box.x0, box.y0))
        legend.set_loc((float(corner[0]), float(corner[1])))

    def cost(text: Text) -> float:
        """0 for a free spot; else outside the axes ≫ on a label/legend ≫ on a line."""
        bb = text.get_window_extent(renderer).padded(1.0)
        out = not (frame.x0 <= bb.x0 + 1 and bb.x1 - 1 <= frame.x1
                                    and frame.y0 <= bb.y0 + 1 and bb.y1 - 1 <= frame.y1)
        crowd = sum(bb.overlaps(b) for b in boxes)

        def hits(pts: np.ndarray) -> int:
            return int(np.count_nonzero((pts[:, 0] > bb.x0) & (pts[:, 0] < bb.x1)
                                        & (pts[:, 1] > bb.y0) & (pts[:, 1] < bb.y1)))

        return (1e6 * out + 1e4 * crowd + 10.0 * sum(hits(p) for p in hard)
                + sum(hits(p) for p in soft))

    texts: dict[str, Text] = {}
    for key, label, va, cands in items:
        x, y, ha = cands[0]
        text = ax.text(x, y, label, ha=ha, va=va, fontsize=_SMALL_PT, color=_LIMIT_TEXT,
                       zorder=3, clip_on=True)
        if len(cands) > 1:
            best: tuple[float, tuple[float, float, str]] = (math.inf, cands[0])
            for cand in cands:
                text.set_position(cand[:2])
                text.set_horizontalalignment(cand[2])
                c = cost(text)
                if c < best[0]:
                    best = (c, cand)
                if c == 0:
                    break
            x, y, ha = best[1]
            text.set_position((x, y))
            text.set_horizontalalignment(ha)
        boxes.append(text.get_window_extent(renderer))
        texts[key] = text
    return texts


def plot_reach(
    curves: Sequence[Any],
    limits: Sequence[Any] = (),
    *,
    ax: Axes | None = None,
    xlim: tuple[float, float] | str | None = None,
    ylim: tuple[float, float] = (1e-6, 1.0),
    limit_labels: str = "inside",
    label_positions: Mapping[str, tuple[float, float]] | None = None,
    legend_loc: str = "best",
    figsize: tuple[float, float] | None = None,
) -> dict[str, Any]:
    r"""Fig. 4: the 95 % CL reach in the (m_χ [GeV], ε) plane, with existing limits shaded.

    Parameters
    ----------
    curves
        :class:`ReachCurve`, :class:`~millicharge.limits.reach.ReachTable` (drawn as its
        ``epsilon_combined`` column, labelled by its experiment), or mappings with
        ``label``, ``mass_gev`` (GeV), ``epsilon`` and optional ``color``, ``linestyle``,
        ``linewidth``; a single ReachTable or ReachCurve may be passed alone. ε that is
        inf, nan or ≤ 0 (a closed channel) is not drawn: the line breaks there. Curves
        with no finite ε are skipped with a warning.
    limits
        :class:`~millicharge.limits.existing.LimitCurve` objects. Category
        ``"existing"``/``"user"``: grey shaded region (kind ``"bound"``: between the line
        and the top of the plot; kind ``"contour"``: the polygon), named by a text inside
        it. ``"projection"``: dashed line, not filled, in the legend. ``"relic-target"``:
        green line (a contour is filled light green), in the legend.
    ax
        Axes to draw on; a new figure of ``figsize`` (default 3.4 × 2.8 in) if ``None``.
    xlim
        Mass range in GeV; ``"data"`` for the decades that span the finite reach points;
        ``None`` (default): ``"data"`` when there are finite reach points, else 10⁻³–1 GeV.
    ylim
        ε range.
    limit_labels
        ``"inside"`` (text in each shaded region), ``"legend"`` or ``"none"``.
    label_positions
        Override the text position of a region: ``{key or label: (m_gev, eps)}``.
    legend_loc
        Legend location for the reach curves (and non-shaded limits).
    figsize
        Figure size in inches when a new figure is made.

    Returns
    -------
    dict
        ``"curves"``: list of Line2D in input order (skipped curves left out);
        ``"limits"``: ``{key: [artists]}`` (Polygon and/or Line2D); ``"labels"``:
        ``{key: Text}``; ``"legend"``: the Legend or ``None``.
    """
    curves = _reach_curves(curves)
    if ax is None:
        with paper_style():
            return plot_reach(
                curves, limits, ax=_make_axes(figsize), xlim=xlim, ylim=ylim,
                limit_labels=limit_labels, label_positions=label_positions,
                legend_loc=legend_loc,
            )
    if limit_labels not in ("inside", "legend", "none"):
        raise InputError(
            f"limit_labels must be 'inside', 'legend' or 'none', got {limit_labels!r}"
        )
    _style_axes(ax)
    ax.set_xscale("log")
    ax.set_yscale("log")

    # reach curves (validated first: their data may set the x range)
    prepared = []
    for i, c in enumerate(curves):
        what = f"reach curve {i}"
        mass = _array(c, "mass_gev", what)
        eps = _visible_curve(mass, _array(c, "epsilon", what, mass.size))
        prepared.append((c, mass, eps))
    if xlim is None and any(np.isfinite(e).any() for _, _, e in prepared):
        xlim = "data"
    if isinstance(xlim, str):
        if xlim != "data":
            raise InputError(f"xlim must be a (min, max) pair or 'data', got {xlim!r}")
        ms = [m[np.isfinite(e)] for _, m, e in prepared]
        allm = np.concatenate(ms) if ms else np.empty(0)
        if allm.size == 0:
            xlim = (1e-3, 1.0)
        else:
            lo_dec = math.floor(math.log10(allm.min()))
            hi_dec = max(math.ceil(math.log10(allm.max())), lo_dec + 1)  # ≥ one decade
            xlim = (10.0**lo_dec, 10.0**hi_dec)
    if xlim is None:
        xlim = (1e-3, 1.0)
    x_lo, x_hi = float(xlim[0]), float(xlim[1])
    y_lo, y_hi = float(ylim[0]), float(ylim[1])
    if not (0 < x_lo < x_hi and 0 < y_lo < y_hi):
        raise InputError(f"axis limits must be positive and increasing, got {xlim}, {ylim}")
    top = y_hi * 10.0  # regions run off the top of the plot, so no edge shows there

    limit_artists: dict[str, list[Artist]] = {}
    shaded: list[tuple[int, Any]] = []
    for lim in limits:
        key = str(lim.key)
        m, e = np.asarray(lim.mass_gev, float), np.asarray(lim.epsilon, float)
        category = getattr(lim, "category", "existing")
        arts: list[Artist] = []
        if category == "projection":
            (ln,) = ax.plot(m, e, linestyle="--", linewidth=0.9, color="0.35",
                            label=lim.label, zorder=2)
            arts.append(ln)
        elif category == "relic-target":
            if lim.kind == "contour":
                poly = Polygon(np.column_stack([m, e]), closed=True, facecolor="#b7e4b0",
                               edgecolor="#2e8b3a", linewidth=0.8, alpha=0.6,
                               label=lim.label, zorder=1)
                ax.add_patch(poly)
                arts.append(poly)
            else:
                (ln,) = ax.plot(m, e, color="#2e8b3a", linewidth=1.0, label=lim.label,
                                zorder=2)
                arts.append(ln)
        else:
            xy = (np.column_stack([m, e]) if lim.kind == "contour"
                  else _bound_polygon(m, e, top))
            poly = Polygon(xy, closed=True, facecolor=_LIMIT_FACE, edgecolor="none",
                           zorder=1)
            ax.add_patch(poly)
            edge_x, edge_y = (np.append(m, m[:1]), np.append(e, e[:1])) \
                if lim.kind == "contour" else (m, e)
            (edge,) = ax.plot(edge_x, edge_y, color=_LIMIT_EDGE, linewidth=0.6, zorder=1.5)
            arts += [poly, edge]
            shaded.append((len(shaded), lim))
        limit_artists[key] = arts

    handles: list[Artist] = []
    if limit_labels == "legend":
        handles += [Patch(facecolor=_LIMIT_FACE, edgecolor=_LIMIT_EDGE, linewidth=0.6,
                          label=lim.label) for _, lim in shaded]
    # reach curves on top
    lines: list[Line2D] = []
    for c, mass, eps in prepared:
        label = _get(c, "label")
        if not np.any(np.isfinite(eps)):
            warnings.warn(f"reach curve {label!r} has no finite epsilon; not drawn",
                          UserWarning, stacklevel=2)
            continue
        kwargs: dict[str, Any] = {"linestyle": _get(c, "linestyle") or "-", "zorder": 4}
        for name in ("color", "linewidth"):
            if _get(c, name) is not None:
                kwargs[name] = _get(c, name)
        (line,) = ax.plot(mass, eps, label=label, **kwargs)
        lines.append(line)

    for lim in limits:
        if getattr(lim, "category", "existing") in ("projection", "relic-target"):
            handles += limit_artists[str(lim.key)][:1]
    handles = [*(ln for ln in lines if ln.get_label() and not ln.get_label().startswith("_")),
               *handles]
    legend: Legend | None = None
    if handles:
        legend = ax.legend(handles=handles, loc=legend_loc, fontsize=_SMALL_PT,
                           frameon=True, framealpha=0.9, edgecolor="none",
                           handlelength=1.8, borderaxespad=0.4)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel(r"$m_\chi$ [GeV]")
    ax.set_ylabel(r"$\epsilon$")
    # names of the shaded regions
    labels: dict[str, Text] = {}
    shaded_lims = [lim for _, lim in shaded]
    if limit_labels == "inside" and shaded_lims:
        cands = _label_candidates(shaded_lims, (x_lo, x_hi), (y_lo, y_hi))
        overrides = dict(label_positions or {})
        items = []
        for i, lim in enumerate(shaded_lims):
            pos = overrides.get(lim.key, overrides.get(lim.label))
            va = "bottom" if lim.kind == "bound" else "center"
            if pos is not None:
                items.append((10**9, lim.key, lim.label, va,
                              [(float(pos[0]), float(pos[1]), "center")]))
            elif i in cands:
                items.append((cands[i][0], lim.key, lim.label, va, cands[i][1]))
        items.sort(key=lambda it: -it[0])
        edges = [a for arts in limit_artists.values() for a in arts if isinstance(a, Line2D)]
        labels = _place_labels(ax, [it[1:] for it in items], lines, edges, legend)
    return {"curves": lines, "limits": limit_artists, "labels": labels, "legend": legend}


# ----------------------------------------------------------------------------- output
def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 200) -> Path:
    """Write ``fig`` to ``path`` as PNG, PDF or SVG (chosen by the extension), atomically.

    Parent folders are created. The figure goes to a temporary file in the same folder,
    which then replaces ``path`` (:func:`millicharge.core.atomic.atomic_path`), so a reader
    never sees half a file; the file's mode follows the umask, and no temporary file is
    left behind if drawing fails or is interrupted.

    Parameters
    ----------
    fig
        The figure.
    path
        Output file; extension ``.png`` (``dpi`` applies), ``.pdf`` or ``.svg``.
    dpi
        Resolution for PNG output.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        For any other extension, or a path that cannot be written (a directory, a folder
        on the way that is a file, an unwritable folder).
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot save figure as {path.name!r}: extension must be .png, .pdf or .svg"
        )
    check_output_path(path, what="figure")
    metadata = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}.get(fmt)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi if fmt == "png" else "figure",
                    metadata=metadata)
    return path
