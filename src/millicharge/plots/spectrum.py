r"""Fig. 2 of arXiv:2505.04295: the missing-energy spectrum dσ/dE_miss in the signal box.

The only arithmetic is a change of variable for display: with :math:`E_\mathrm{miss} = x E`
(paper Eq. 4), :math:`d\sigma/dE_\mathrm{miss} = (d\sigma/dx)/E`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from millicharge.core.errors import InputError
from millicharge.models import Model
from millicharge.plots.inputs import array, data_model, get, require
from millicharge.plots.labels import E_MISS_LABEL, SPECTRUM_LABEL, format_mass_label, mass_label
from millicharge.plots.style import SMALL_PT, make_axes, paper_style, style_axes

__all__ = ["error_band", "plot_spectrum"]


def error_band(
    ax: Axes, x: np.ndarray, y: np.ndarray, err: np.ndarray, color: Any, alpha: float = 0.25
) -> Artist | None:
    """Shade y ± err; points where y − err ≤ 0 (a ≥100 % error) leave a gap on log axes."""
    if not np.any(np.isfinite(err) & (err > 0)):
        return None
    lo = y - err
    lo = np.where(lo > 0, lo, np.nan)
    return ax.fill_between(x, lo, y + err, color=color, alpha=alpha, linewidth=0)


def plot_spectrum(
    curves: Any,
    *,
    ax: Axes | None = None,
    energy_gev: float | None = None,
    x_min: float | None = None,
    x_max: float | None = None,
    model: str | Model | None = None,
    label_fmt: str | Callable[[float], str] | None = None,
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
        Spectra, e.g. :class:`millicharge.core.results.Spectrum` (one, or a list): objects
        (or mappings) with ``x``, ``dsigma_dx_pb``, ``error_pb`` (pb) and ``mass_gev``.
        One line per curve.
    ax
        Axes to draw on; a new column-width figure if ``None``.
    energy_gev
        Beam energy E in GeV; default each curve's own ``energy_gev``.
    x_min, x_max
        The signal box x_min ≤ x ≤ x_max: only points inside are drawn and the x axis
        spans [x_min·E, x_max·E]. ``None``: no cut on that side; the axis spans the data.
    model
        ``"mcp"`` (legend m_χ) or ``"dark-photon"`` (m_A'); default the spectra's own
        ``model`` (``"mcp"`` if they name none).
    label_fmt
        Legend label: a callable of the mass in GeV, or a format string with fields
        ``{mass_gev}`` and ``{mass_mev}``; default
        :func:`~millicharge.plots.labels.mass_label` of the model.
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
    if get(curves, "dsigma_dx_pb") is not None:  # a single spectrum
        curves = [curves]
    if ax is None:
        with paper_style():
            return plot_spectrum(
                curves, ax=make_axes(figsize), energy_gev=energy_gev, x_min=x_min,
                x_max=x_max, model=model, label_fmt=label_fmt, title=title,
                legend_loc=legend_loc,
            )
    if label_fmt is None:
        symbol_model = data_model(curves, model)

        def label_fmt(mass_gev: float) -> str:
            return mass_label(mass_gev, symbol_model)

    style_axes(ax)
    lines: list[Line2D] = []
    bands: list[Artist | None] = []
    e_lo, e_hi = math.inf, -math.inf
    for i, curve in enumerate(curves):
        what = f"spectrum {i}"
        x = array(curve, "x", what)
        dsdx = array(curve, "dsigma_dx_pb", what, x.size)
        err_raw = get(curve, "error_pb")
        err = np.zeros_like(x) if err_raw is None else array(curve, "error_pb", what, x.size)
        energy = energy_gev if energy_gev is not None else get(curve, "energy_gev")
        if energy is None or not energy > 0:
            raise InputError(f"{what}: beam energy must be positive, got {energy!r}")
        mass = float(require(curve, "mass_gev", what))
        keep = np.ones(x.size, dtype=bool)
        if x_min is not None:
            keep &= x >= x_min
        if x_max is not None:
            keep &= x <= x_max
        e_miss = x[keep] * energy
        y, dy = dsdx[keep] / energy, err[keep] / energy
        (line,) = ax.plot(e_miss, y, label=format_mass_label(label_fmt, mass))
        lines.append(line)
        bands.append(error_band(ax, e_miss, y, dy, line.get_color()))
        e_lo = min(e_lo, (x_min if x_min is not None else np.min(x, initial=np.inf)) * energy)
        e_hi = max(e_hi, (x_max if x_max is not None else np.max(x, initial=-np.inf)) * energy)
    ax.set_yscale("log")
    if math.isfinite(e_lo) and math.isfinite(e_hi) and e_hi > e_lo:
        ax.set_xlim(e_lo, e_hi)
    ax.set_xlabel(E_MISS_LABEL)
    ax.set_ylabel(SPECTRUM_LABEL)
    legend = None
    if lines or title:
        legend = ax.legend(loc=legend_loc, fontsize=SMALL_PT, frameon=False, title=title,
                           title_fontsize=SMALL_PT + 0.5, alignment="left")
    return {"lines": lines, "bands": bands, "legend": legend}
