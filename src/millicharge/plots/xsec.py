r"""Fig. 3 of arXiv:2505.04295: σ(x_th ≤ x ≤ x_max) versus the mass, with an ETL/WW ratio.

The only arithmetic is the ratio r = σ_ETL/σ_WW at the masses both methods share, with
relative errors added in quadrature:
:math:`\delta r = r\sqrt{(\delta_\mathrm{ETL}/\sigma_\mathrm{ETL})^2 +
(\delta_\mathrm{WW}/\sigma_\mathrm{WW})^2}`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from millicharge.core.errors import InputError
from millicharge.models import Model
from millicharge.plots.inputs import array, data_model, get, require, xsec_series
from millicharge.plots.labels import RATIO_LABEL, SIGMA_LABEL, mass_axis_label
from millicharge.plots.spectrum import error_band
from millicharge.plots.style import (
    COLUMN_WIDTH_IN,
    FIGSIZE,
    METHOD_STYLE,
    SMALL_PT,
    make_axes,
    paper_style,
    style_axes,
)

__all__ = ["make_xsec_figure", "plot_cross_sections"]


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
    series: Any,
    *,
    ax: Axes | None = None,
    ratio_ax: Axes | None = None,
    model: str | Model | None = None,
    figsize: tuple[float, float] | None = None,
) -> dict[str, Any]:
    r"""Fig. 3: σ(x_th ≤ x ≤ x_max) [pb] versus the mass [GeV], log–log, with an ETL/WW ratio.

    Parameters
    ----------
    series
        :class:`~millicharge.plots.inputs.XsecSeries` or mappings with ``label``,
        ``mass_gev`` (GeV), ``sigma_pb``, ``error_pb`` (pb, optional), ``method``
        (``"etl"`` solid, ``"ww"`` dashed), ``color`` and optionally ``experiment`` (groups
        ETL with WW; default the label); or result objects:
        :class:`~millicharge.core.results.CrossSection` objects, a
        :class:`~millicharge.running.grid.ScanTable` (grouped into one series per setup
        and method) or :class:`~millicharge.limits.reach.ReachTable` objects (their
        ``sigma_pb`` column); see :func:`~millicharge.plots.inputs.xsec_series`.
    ax
        Axes for σ; a new column-width figure if ``None`` (see :func:`make_xsec_figure`
        for one with a ratio panel). The axes ranges follow the data (autoscaled).
    ratio_ax
        If given, ETL/WW is drawn there for every experiment that has both methods, at
        the masses both share, with error
        :math:`r\sqrt{(\delta_\mathrm{ETL}/\sigma_\mathrm{ETL})^2 +
        (\delta_\mathrm{WW}/\sigma_\mathrm{WW})^2}`.
    model
        ``"mcp"`` (mass axis m_χ) or ``"dark-photon"`` (m_A'); default the model the
        series name (``"mcp"`` if none).
    figsize
        Figure size in inches when a new figure is made.

    Returns
    -------
    dict
        ``"lines"``, ``"bands"`` (one per series, ``None`` without errors), ``"legend"``,
        ``"ratio_lines"`` and ``"ratio_bands"`` (dicts keyed by experiment).
    """
    series = xsec_series(series)
    if ax is None:
        with paper_style():
            return plot_cross_sections(series, ax=make_axes(figsize), ratio_ax=ratio_ax,
                                       model=model)
    mass_label = mass_axis_label(data_model(series, model))
    style_axes(ax)
    lines: list[Line2D] = []
    bands: list[Artist | None] = []
    groups: dict[str, dict[str, tuple[tuple[np.ndarray, ...], Any]]] = {}
    for i, s in enumerate(series):
        what = f"cross-section series {i}"
        label = str(require(s, "label", what))
        method = str(get(s, "method", "etl")).lower()
        if method not in METHOD_STYLE:
            raise InputError(f"{what} ({label}): method must be 'etl' or 'ww', got {method!r}")
        mass = array(s, "mass_gev", what)
        sigma = array(s, "sigma_pb", what, mass.size)
        err_raw = get(s, "error_pb")
        err = np.zeros_like(mass) if err_raw is None else array(s, "error_pb", what, mass.size)
        kwargs: dict[str, Any] = {"linestyle": METHOD_STYLE[method], "label": label}
        if get(s, "color") is not None:
            kwargs["color"] = get(s, "color")
        (line,) = ax.plot(mass, sigma, **kwargs)
        lines.append(line)
        bands.append(error_band(ax, mass, sigma, err, line.get_color()))
        key = str(get(s, "experiment") or label)
        groups.setdefault(key, {})[method] = ((mass, sigma, err), line.get_color())
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylabel(SIGMA_LABEL)
    legend = ax.legend(loc="best", fontsize=SMALL_PT, frameon=False) if lines else None
    ratio_lines: dict[str, Line2D] = {}
    ratio_bands: dict[str, Artist | None] = {}
    if ratio_ax is not None:
        style_axes(ratio_ax)
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
        ratio_ax.set_xlabel(mass_label)
        ratio_ax.set_ylabel(RATIO_LABEL)
        ax.tick_params(labelbottom=False)
    else:
        ax.set_xlabel(mass_label)
    return {
        "lines": lines, "bands": bands, "legend": legend,
        "ratio_lines": ratio_lines, "ratio_bands": ratio_bands,
    }


def make_xsec_figure(
    series: Any,
    with_ratio: bool = False,
    *,
    model: str | Model | None = None,
    figsize: tuple[float, float] | None = None,
) -> tuple[Figure, tuple[Axes, ...]]:
    """Make the Fig. 3 figure: σ(m), and below it ETL/WW if ``with_ratio``.

    ``series`` and ``model`` as for :func:`plot_cross_sections`.

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
            plot_cross_sections(series, ax=ax, ratio_ax=rax, model=model)
            return fig, (ax, rax)
        fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
        plot_cross_sections(series, ax=ax, model=model)
        return fig, (ax,)
