r"""Fig. 4 of arXiv:2505.04295: the projected reach in the (m, ε) plane over existing limits.

Reach curves come from :func:`millicharge.limits.reach.reach`; existing limits from
:mod:`millicharge.limits.existing` and are drawn by :mod:`millicharge.plots.limit_regions`.
The axes ranges follow the data: whole decades of mass spanning the finite reach points,
and ε from 1 down to at least 10⁻⁶ (lower when a curve reaches further).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from millicharge.core.errors import InputError
from millicharge.models import Model
from millicharge.plots.inputs import array, data_model, get, reach_curves
from millicharge.plots.labels import coupling_axis_label, mass_axis_label
from millicharge.plots.limit_regions import (
    UNSHADED,
    draw_limits,
    label_candidates,
    place_labels,
)
from millicharge.plots.style import (
    LIMIT_EDGE,
    LIMIT_FACE,
    SMALL_PT,
    make_axes,
    paper_style,
    style_axes,
)

__all__ = ["data_xlim", "data_ylim", "plot_reach"]

DEFAULT_XLIM = (1e-3, 1.0)
"""Mass range [GeV] when no reach point is finite."""
EPS_FLOOR = 1e-6
"""The ε axis reaches down at least this far (the paper's Fig. 4)."""


def visible_curve(mass: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """ε with closed channels (inf, nan, ≤ 0, or m ≤ 0) set to nan, so no line is drawn there."""
    ok = np.isfinite(eps) & (eps > 0) & np.isfinite(mass) & (mass > 0)
    return np.where(ok, eps, np.nan)


def data_xlim(masses: Sequence[np.ndarray]) -> tuple[float, float]:
    """Whole decades [GeV] spanning the given masses (at least one decade);
    :data:`DEFAULT_XLIM` when there are none."""
    allm = np.concatenate(list(masses)) if len(masses) else np.empty(0)
    if allm.size == 0:
        return DEFAULT_XLIM
    lo_dec = math.floor(math.log10(allm.min()))
    hi_dec = max(math.ceil(math.log10(allm.max())), lo_dec + 1)  # ≥ one decade
    return 10.0**lo_dec, 10.0**hi_dec


def data_ylim(epsilons: Sequence[np.ndarray]) -> tuple[float, float]:
    """ε range (y_lo, 1): y_lo = 10⁻⁶, or the decade below half the smallest finite
    positive ε when that is lower, so every drawn point is inside."""
    eps = np.concatenate([np.asarray(e, float) for e in epsilons]) if len(epsilons) \
        else np.empty(0)
    eps = eps[np.isfinite(eps) & (eps > 0)]
    y_lo = EPS_FLOOR if eps.size == 0 else \
        min(EPS_FLOOR, 10.0 ** np.floor(np.log10(eps.min() / 2)))
    return float(y_lo), 1.0


def plot_reach(
    curves: Any,
    limits: Sequence[Any] = (),
    *,
    ax: Axes | None = None,
    xlim: tuple[float, float] | str | None = None,
    ylim: tuple[float, float] | str | None = None,
    model: str | Model | None = None,
    limit_labels: str = "inside",
    label_positions: Mapping[str, tuple[float, float]] | None = None,
    legend_loc: str = "best",
    figsize: tuple[float, float] | None = None,
) -> dict[str, Any]:
    r"""Fig. 4: the reach at each experiment's CL in the (m [GeV], ε) plane, with existing
    limits shaded.

    Parameters
    ----------
    curves
        :class:`~millicharge.plots.inputs.ReachCurve`,
        :class:`~millicharge.limits.reach.ReachTable` (drawn as its ``epsilon_combined``
        column, labelled by its experiment; also as its ``columns`` mapping or its
        ``to_json`` dict), or mappings with ``label``, ``mass_gev`` (GeV), ``epsilon`` and
        optional ``color``, ``linestyle``, ``linewidth``; a single table or curve may be
        passed alone. ε that is inf, nan or ≤ 0 (a closed channel) is not drawn: the line
        breaks there. Curves with no finite ε are skipped with a warning.
    limits
        :class:`~millicharge.limits.existing.LimitCurve` objects. Category
        ``"existing"``/``"user"``: grey shaded region (kind ``"bound"``: between the line
        and the top of the plot; kind ``"contour"``: the polygon), named by a text inside
        it. ``"projection"``: dashed line, not filled, in the legend. ``"relic-target"``:
        green line (a contour is filled light green), in the legend.
    ax
        Axes to draw on; a new figure of ``figsize`` (default 3.4 × 2.8 in) if ``None``.
    xlim
        Mass range in GeV; ``"data"`` or ``None`` (default): the decades that span the
        finite reach points (:func:`data_xlim`; 10⁻³–1 GeV when there are none).
    ylim
        ε range; ``"data"`` or ``None`` (default): :func:`data_ylim` of the drawn curves.
    model
        ``"mcp"`` (mass axis m_χ) or ``"dark-photon"`` (m_A'); default the model the
        curves name (a ReachTable's ``meta["model"]``), else ``"mcp"``.
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
    curves = reach_curves(curves)
    if ax is None:
        with paper_style():
            return plot_reach(
                curves, limits, ax=make_axes(figsize), xlim=xlim, ylim=ylim, model=model,
                limit_labels=limit_labels, label_positions=label_positions,
                legend_loc=legend_loc,
            )
    if limit_labels not in ("inside", "legend", "none"):
        raise InputError(
            f"limit_labels must be 'inside', 'legend' or 'none', got {limit_labels!r}"
        )
    model = data_model(curves, model)
    style_axes(ax)
    ax.set_xscale("log")
    ax.set_yscale("log")

    # reach curves (validated first: their data set the axes ranges)
    prepared = []
    for i, c in enumerate(curves):
        what = f"reach curve {i}"
        mass = array(c, "mass_gev", what)
        eps = visible_curve(mass, array(c, "epsilon", what, mass.size))
        prepared.append((c, mass, eps))
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        if isinstance(lim, str) and lim != "data":
            raise InputError(f"{name} must be a (min, max) pair or 'data', got {lim!r}")
    if xlim is None or isinstance(xlim, str):
        xlim = data_xlim([m[np.isfinite(e)] for _, m, e in prepared])
    if ylim is None or isinstance(ylim, str):
        ylim = data_ylim([e for _, _, e in prepared])
    x_lo, x_hi = float(xlim[0]), float(xlim[1])
    y_lo, y_hi = float(ylim[0]), float(ylim[1])
    if not (0 < x_lo < x_hi and 0 < y_lo < y_hi):
        raise InputError(f"axis limits must be positive and increasing, got {xlim}, {ylim}")
    top = y_hi * 10.0  # regions run off the top of the plot, so no edge shows there
    limit_artists, shaded = draw_limits(ax, limits, top)

    handles: list[Artist] = []
    if limit_labels == "legend":
        handles += [Patch(facecolor=LIMIT_FACE, edgecolor=LIMIT_EDGE, linewidth=0.6,
                          label=lim.label) for lim in shaded]
    # reach curves on top
    lines: list[Line2D] = []
    for c, mass, eps in prepared:
        label = get(c, "label")
        if not np.any(np.isfinite(eps)):
            warnings.warn(f"reach curve {label!r} has no finite epsilon; not drawn",
                          UserWarning, stacklevel=2)
            continue
        kwargs: dict[str, Any] = {"linestyle": get(c, "linestyle") or "-", "zorder": 4}
        for name in ("color", "linewidth"):
            if get(c, name) is not None:
                kwargs[name] = get(c, name)
        (line,) = ax.plot(mass, eps, label=label, **kwargs)
        lines.append(line)

    for lim in limits:
        if getattr(lim, "category", "existing") in UNSHADED:
            handles += limit_artists[str(lim.key)][:1]
    handles = [*(ln for ln in lines if ln.get_label() and not ln.get_label().startswith("_")),
               *handles]
    legend: Legend | None = None
    if handles:
        legend = ax.legend(handles=handles, loc=legend_loc, fontsize=SMALL_PT,
                           frameon=True, framealpha=0.9, edgecolor="none",
                           handlelength=1.8, borderaxespad=0.4)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel(mass_axis_label(model))
    ax.set_ylabel(coupling_axis_label(model))
    # names of the shaded regions
    labels: dict[str, Text] = {}
    if limit_labels == "inside" and shaded:
        cands = label_candidates(shaded, (x_lo, x_hi), (y_lo, y_hi))
        overrides = dict(label_positions or {})
        items = []
        for i, lim in enumerate(shaded):
            pos = overrides.get(lim.key, overrides.get(lim.label))
            va = "bottom" if lim.kind == "bound" else "center"
            if pos is not None:
                items.append((10**9, lim.key, lim.label, va,
                              [(float(pos[0]), float(pos[1]), "center")]))
            elif i in cands:
                items.append((cands[i][0], lim.key, lim.label, va, cands[i][1]))
        items.sort(key=lambda it: -it[0])
        edges = [a for arts in limit_artists.values() for a in arts if isinstance(a, Line2D)]
        labels = place_labels(ax, [it[1:] for it in items], lines, edges, legend)
    return {"curves": lines, "limits": limit_artists, "labels": labels, "legend": legend}
