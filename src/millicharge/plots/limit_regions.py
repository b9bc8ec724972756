"""Existing limits in the (m, ε) plane: shaded regions, lines, and where their names go.

A limit (:class:`~millicharge.limits.existing.LimitCurve`) of category ``"existing"`` or
``"user"`` is a grey region: kind ``"bound"`` fills between its line and the top of the plot,
kind ``"contour"`` fills its polygon. A ``"projection"`` is a dashed line and a
``"relic-target"`` a green line (a contour filled light green). The name of each grey region
is written inside it, at the first candidate position that collides with nothing
(:func:`place_labels`). Nothing here computes physics: the only arithmetic is log–log
interpolation of boundary lines onto a display grid.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.text import Text

from millicharge.plots.style import (
    LIMIT_EDGE,
    LIMIT_FACE,
    LIMIT_TEXT,
    PROJECTION_COLOR,
    RELIC_EDGE,
    RELIC_FACE,
    SMALL_PT,
)

__all__ = ["bound_polygon", "draw_limits", "label_candidates", "on_grid", "place_labels"]

UNSHADED = ("projection", "relic-target")
"""Limit categories drawn as lines in the legend rather than as named grey regions."""


def draw_limits(
    ax: Axes, limits: Sequence[Any], top: float
) -> tuple[dict[str, list[Artist]], list[Any]]:
    """Draw every limit on ``ax``; grey regions run up to ``top`` (above the plot).

    Returns ``({key: [artists]}, [the shaded limits, in order])``.
    """
    limit_artists: dict[str, list[Artist]] = {}
    shaded: list[Any] = []
    for lim in limits:
        key = str(lim.key)
        m, e = np.asarray(lim.mass_gev, float), np.asarray(lim.epsilon, float)
        category = getattr(lim, "category", "existing")
        arts: list[Artist] = []
        if category == "projection":
            (ln,) = ax.plot(m, e, linestyle="--", linewidth=0.9, color=PROJECTION_COLOR,
                            label=lim.label, zorder=2)
            arts.append(ln)
        elif category == "relic-target":
            if lim.kind == "contour":
                poly = Polygon(np.column_stack([m, e]), closed=True, facecolor=RELIC_FACE,
                               edgecolor=RELIC_EDGE, linewidth=0.8, alpha=0.6,
                               label=lim.label, zorder=1)
                ax.add_patch(poly)
                arts.append(poly)
            else:
                (ln,) = ax.plot(m, e, color=RELIC_EDGE, linewidth=1.0, label=lim.label,
                                zorder=2)
                arts.append(ln)
        else:
            xy = (np.column_stack([m, e]) if lim.kind == "contour"
                  else bound_polygon(m, e, top))
            poly = Polygon(xy, closed=True, facecolor=LIMIT_FACE, edgecolor="none",
                           zorder=1)
            ax.add_patch(poly)
            edge_x, edge_y = (np.append(m, m[:1]), np.append(e, e[:1])) \
                if lim.kind == "contour" else (m, e)
            (edge,) = ax.plot(edge_x, edge_y, color=LIMIT_EDGE, linewidth=0.6, zorder=1.5)
            arts += [poly, edge]
            shaded.append(lim)
        limit_artists[key] = arts
    return limit_artists, shaded


def bound_polygon(mass: np.ndarray, eps: np.ndarray, top: float) -> np.ndarray:
    """The region above a boundary line, closed by vertical edges up to ``top``."""
    verts = np.column_stack([mass, eps])
    cap = np.array([[mass[-1], top], [mass[0], top]])
    return np.vstack([verts, cap])


def on_grid(
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


def label_candidates(
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
    lines = {i: on_grid(lim, grid) for i, lim in enumerate(limits) if lim.kind == "bound"}
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


def place_labels(
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
        text = ax.text(x, y, label, ha=ha, va=va, fontsize=SMALL_PT, color=LIMIT_TEXT,
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
