"""Figures of the seed paper (Figs. 2–4): pure drawing functions (the public entry point).

Every ``plot_*`` function takes ``ax=None`` and returns the artists it made, in the
manner of ``pyhf.contrib.viz``. Nothing here computes physics or reads files: the
caller passes spectra, cross sections, reach curves and
:class:`~millicharge.limits.existing.LimitCurve` objects that were computed or loaded
elsewhere — the package's result objects (:class:`~millicharge.core.results.Spectrum`,
:class:`~millicharge.core.results.CrossSection`, :class:`~millicharge.running.grid.ScanTable`,
:class:`~millicharge.limits.reach.ReachTable`) directly, or plain records. Axes ranges follow
the data, and axis labels follow the model (``model="mcp"``: m_χ; ``"dark-photon"``: m_A').

Units: masses and energies in GeV, cross sections in pb, ε = charge / e.

The functions live in modules named after what they draw, all re-exported here:
:mod:`~millicharge.plots.spectrum` (Fig. 2), :mod:`~millicharge.plots.xsec` (Fig. 3),
:mod:`~millicharge.plots.reach` and :mod:`~millicharge.plots.limit_regions` (Fig. 4),
:mod:`~millicharge.plots.inputs` (what they accept), :mod:`~millicharge.plots.labels` (every
text), :mod:`~millicharge.plots.style` (sizes, fonts, colours) and
:mod:`~millicharge.plots.save` (:func:`save_figure`, atomic PNG/PDF/SVG).

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

from millicharge.plots.inputs import ReachCurve, XsecSeries
from millicharge.plots.labels import mass_axis_label, mass_label
from millicharge.plots.limit_regions import on_grid as _on_grid
from millicharge.plots.reach import plot_reach
from millicharge.plots.save import save_figure
from millicharge.plots.spectrum import plot_spectrum
from millicharge.plots.style import COLUMN_WIDTH_IN, paper_style
from millicharge.plots.style import LIMIT_FACE as _LIMIT_FACE
from millicharge.plots.xsec import make_xsec_figure, plot_cross_sections

__all__ = [
    "COLUMN_WIDTH_IN",
    "ReachCurve",
    "XsecSeries",
    "make_xsec_figure",
    "mass_axis_label",
    "mass_label",
    "paper_style",
    "plot_cross_sections",
    "plot_reach",
    "plot_spectrum",
    "save_figure",
]
# Kept for tests/limits/test_existing_limits.py until it imports them from their modules
# (millicharge.plots.style.LIMIT_FACE, millicharge.plots.limit_regions.on_grid).
_COMPAT = (_LIMIT_FACE, _on_grid)
