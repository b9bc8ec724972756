"""How the figures look: paper-column size and fonts, line styles, and the one colour table.

Figures are sized for one column of a two-column paper (PRD, PLB: 3.4 in wide) with ~8 pt
fonts. :func:`paper_style` applies the settings inside a ``with`` block only
(``matplotlib.rc_context``), so a user's own rcParams are left alone. Every experiment's
colour comes from :data:`EXPERIMENT_COLORS` through :func:`experiment_color`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from millicharge.core.vocab import Channel, Method

__all__ = [
    "CHANNEL_STYLE",
    "COLUMN_WIDTH_IN",
    "EXPERIMENT_COLORS",
    "FIGSIZE",
    "METHOD_STYLE",
    "experiment_color",
    "make_axes",
    "new_figure",
    "paper_style",
    "style_axes",
]

COLUMN_WIDTH_IN = 3.4
"""Width of one column of a two-column paper (PRD, PLB), in inches."""

FIGSIZE = (COLUMN_WIDTH_IN, 2.8)
"""Default size of a one-panel figure, in inches."""

FONT_PT = 8.0
SMALL_PT = 6.5
"""Font size of legends and region names, in points."""

RC: dict[str, Any] = {
    "font.size": FONT_PT,
    "axes.labelsize": FONT_PT,
    "axes.titlesize": FONT_PT,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "legend.fontsize": SMALL_PT,
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
"""The matplotlib rcParams of :func:`paper_style`."""

METHOD_STYLE: dict[str, str] = {Method.ETL: "-", Method.WW: "--"}
"""Line style of a cross section by method: ETL solid, WW dashed."""

CHANNEL_STYLE: dict[str, str] = {Channel.BREM: "-", Channel.RHO: "--", Channel.OMEGA: ":",
                                     Channel.PHI: "-."}
"""Line style of a reach curve by signal channel."""

EXPERIMENT_COLORS: dict[str, str] = {
    "na64mu": "tab:red",
    "na64mu-2022": "tab:pink",
    "na64mu-100": "tab:cyan",
    "ldmx": "tab:blue",
    "ldmx-phase1": "tab:purple",
    "na64e": "tab:green",
    "m3": "tab:orange",
    "m3-phase1": "tab:brown",
}
"""Colour of each shipped experiment (keyed by its file name, lower case) in every figure."""

LIMIT_FACE = "0.86"
LIMIT_EDGE = "0.45"
LIMIT_TEXT = "0.2"
"""Grey fill, edge and name colours of an excluded region."""
PROJECTION_COLOR = "0.35"
RELIC_FACE = "#b7e4b0"
RELIC_EDGE = "#2e8b3a"
"""Colours of a projected limit (dashed grey) and of a relic target (green)."""


def experiment_color(key: str | None) -> str | None:
    """The colour of experiment ``key`` (file name, any case); ``None`` (matplotlib's cycle)
    for an experiment not in :data:`EXPERIMENT_COLORS`, e.g. a user's own TOML file."""
    return None if key is None else EXPERIMENT_COLORS.get(str(key).lower())


@contextlib.contextmanager
def paper_style() -> Iterator[None]:
    """Context manager: matplotlib rcParams for a one-column paper figure (~8 pt fonts).

    The settings hold only inside the ``with`` block (``matplotlib.rc_context``).
    """
    import matplotlib

    with matplotlib.rc_context(RC):
        yield


def make_axes(figsize: tuple[float, float] | None = None) -> Axes:
    """Axes on a new pyplot figure of ``figsize`` (default :data:`FIGSIZE`)."""
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    return ax


def new_figure(size: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    """A column-width figure and its axes without pyplot's global state."""
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def style_axes(ax: Axes) -> None:
    """Fix tick label sizes on the axes (ticks made at draw time ignore rc_context)."""
    ax.tick_params(which="both", labelsize=RC["xtick.labelsize"])
