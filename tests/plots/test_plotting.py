"""Tests for millicharge.plots.plotting: the data handed to matplotlib equals the input data."""

from __future__ import annotations

import os
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

from millicharge.core.errors import InputError
from millicharge.core.results import Spectrum
from millicharge.limits.existing import LimitCurve, load_limit
from millicharge.plots.plotting import (
    ReachCurve,
    XsecSeries,
    make_xsec_figure,
    mass_label,
    paper_style,
    plot_cross_sections,
    plot_reach,
    plot_spectrum,
    save_figure,
)


def _band_vertices(band: PolyCollection) -> np.ndarray:
    return np.vstack([p.vertices for p in band.get_paths()])


def _spectrum(mass: float, energy: float = 160.0) -> Spectrum:
    x = np.linspace(0.3, 0.99, 12)
    v = 1e3 * x**2 / mass
    return Spectrum(x, v, 0.05 * v, "etl", "mu", energy, "Pb", mass)


# ------------------------------------------------------------------ Fig. 2
def test_spectrum_data_is_dsigma_dE_in_signal_box() -> None:
    specs = [_spectrum(0.01), _spectrum(0.1)]
    _fig, ax = plt.subplots()
    art = plot_spectrum(specs, ax=ax, energy_gev=160.0, x_min=0.5)
    assert len(art["lines"]) == 2
    for line, s in zip(art["lines"], specs, strict=True):
        box = s.x >= 0.5
        np.testing.assert_allclose(line.get_xdata(), s.x[box] * 160.0)
        np.testing.assert_allclose(line.get_ydata(), s.dsigma_dx_pb[box] / 160.0)
    band = art["bands"][0]
    verts = _band_vertices(band)
    y = specs[0].dsigma_dx_pb[specs[0].x >= 0.5] / 160.0
    hi = y * 1.05
    lo = y * 0.95
    assert np.isclose(verts[:, 1].max(), hi.max()) and np.isclose(verts[:, 1].min(), lo.min())
    assert ax.get_yscale() == "log"
    assert ax.get_xlim() == pytest.approx((80.0, 0.99 * 160.0))
    assert "GeV" in ax.get_xlabel() and "pb/GeV" in ax.get_ylabel()
    labels = [t.get_text() for t in art["legend"].get_texts()]
    assert labels == [mass_label(0.01), mass_label(0.1)] == [
        r"$m_\chi$ = 10 MeV", r"$m_\chi$ = 100 MeV"]


def test_spectrum_energy_from_curve_and_label_format() -> None:
    art = plot_spectrum([_spectrum(0.02, energy=8.0)], label_fmt="{mass_mev:g} MeV")
    assert art["lines"][0].get_label() == "20 MeV"
    np.testing.assert_allclose(art["lines"][0].get_xdata(), _spectrum(0.02).x * 8.0)


def test_spectrum_without_errors_has_no_band() -> None:
    s = {"x": [0.6, 0.8], "dsigma_dx_pb": [1.0, 2.0], "error_pb": [0.0, 0.0],
         "mass_gev": 0.1}
    art = plot_spectrum([s], energy_gev=10.0)
    assert art["bands"] == [None]


def test_spectrum_rejects_bad_energy() -> None:
    s = {"x": [0.6], "dsigma_dx_pb": [1.0], "error_pb": [0.1], "mass_gev": 0.1}
    with pytest.raises(InputError, match="energy"):
        plot_spectrum([s])


# ------------------------------------------------------------------ Fig. 3
def _series() -> list[XsecSeries]:
    m = np.geomspace(0.01, 1.0, 6)
    return [
        XsecSeries("NA64mu ETL", m, 100 / m, 1 / m, "etl", "tab:red", "NA64mu"),
        XsecSeries("NA64mu WW", m, 120 / m, 2.4 / m, "ww", "tab:red", "NA64mu"),
        XsecSeries("LDMX ETL", m, 50 / m**2, None, "etl", "tab:blue", "LDMX"),
    ]


def test_cross_sections_data_and_ratio() -> None:
    series = _series()
    _fig, (ax, rax) = make_xsec_figure(series, with_ratio=True)
    lines = [ln for ln in ax.get_lines()]
    assert len(lines) == 3
    for line, s in zip(lines, series, strict=True):
        np.testing.assert_array_equal(line.get_xdata(), s.mass_gev)
        np.testing.assert_array_equal(line.get_ydata(), s.sigma_pb)
    assert lines[0].get_linestyle() == "-" and lines[1].get_linestyle() == "--"
    assert ax.get_xscale() == ax.get_yscale() == "log"
    # ratio only for NA64mu (LDMX has no WW): 100/120 with errors 1 % ⊕ 2 %
    ratio_lines = [ln for ln in rax.get_lines() if ln.get_label() == "NA64mu"]
    assert len(ratio_lines) == 1 and len(rax.get_lines()) == 2  # + the line at 1
    np.testing.assert_allclose(ratio_lines[0].get_ydata(), 100 / 120)
    verts = _band_vertices(rax.collections[0])
    assert verts[:, 1].max() == pytest.approx(100 / 120 * (1 + np.hypot(0.01, 0.02)))


def test_cross_sections_returns_artists_and_validates_method() -> None:
    series = _series()
    art = plot_cross_sections(series)
    assert art["bands"][2] is None and isinstance(art["bands"][0], PolyCollection)
    assert art["ratio_lines"] == {}
    bad = {"label": "x", "mass_gev": [0.1], "sigma_pb": [1.0], "method": "calchep"}
    with pytest.raises(InputError, match="method"):
        plot_cross_sections([bad])
    fig, axes = make_xsec_figure(series[:1])
    assert len(axes) == 1 and fig.get_size_inches()[0] == pytest.approx(3.4)


# ------------------------------------------------------------------ Fig. 4
def _bound(key: str = "A", category: str = "existing") -> LimitCurve:
    return LimitCurve(key=key, mass_gev=np.array([0.01, 0.05, 0.2]),
                      epsilon=np.array([1e-4, 3e-4, 1e-2]), label=f"{key} label",
                      citation="", kind="bound", category=category)


def test_reach_masks_closed_channels() -> None:
    m = np.array([0.01, 0.1, 0.3, 0.5])
    eps = np.array([1e-4, 5e-4, np.inf, np.nan])
    art = plot_reach([ReachCurve("NA64", m, eps, color="r")], [])
    (line,) = art["curves"]
    np.testing.assert_array_equal(line.get_xdata(), m)
    y = np.asarray(line.get_ydata())
    np.testing.assert_array_equal(y[:2], eps[:2])
    assert np.all(np.isnan(y[2:]))  # not drawn: no inf handed to matplotlib
    ax = line.axes
    assert ax.get_xlim() == pytest.approx((0.01, 0.1))  # default: decades of the finite points
    assert ax.get_ylim() == pytest.approx((1e-6, 1.0))
    assert ax.get_xlabel() == r"$m_\chi$ [GeV]" and ax.get_ylabel() == r"$\epsilon$"
    fig = ax.figure
    assert tuple(fig.get_size_inches()) == pytest.approx((3.4, 2.8))


def test_reach_skips_fully_closed_curve_with_warning() -> None:
    with pytest.warns(UserWarning, match="no finite epsilon"):
        art = plot_reach([{"label": "closed", "mass_gev": [0.1, 0.2],
                           "epsilon": [np.inf, np.nan]}], [])
    assert art["curves"] == []


def test_reach_bound_region_filled_to_top_and_labelled() -> None:
    lim = _bound()
    art = plot_reach([], [lim], ylim=(1e-6, 1.0))
    poly, edge = art["limits"]["A"]
    assert isinstance(poly, Polygon) and isinstance(edge, Line2D)
    xy = poly.get_xy()
    np.testing.assert_array_equal(xy[:3], np.column_stack([lim.mass_gev, lim.epsilon]))
    assert xy[3:5, 1].min() >= 1.0  # closed above the top of the plot
    assert {xy[3, 0], xy[4, 0]} == {0.01, 0.2}
    np.testing.assert_array_equal(edge.get_ydata(), lim.epsilon)
    text = art["labels"]["A"]
    assert text.get_text() == "A label"
    x, y = text.get_position()
    assert 0.01 <= x <= 0.2 and y > np.interp(x, lim.mass_gev, lim.epsilon)  # inside


def test_reach_contour_is_filled_polygon() -> None:
    m = np.array([0.01, 0.1, 0.1, 0.01])
    e = np.array([1e-4, 1e-4, 1e-3, 1e-3])
    lim = LimitCurve("C", m, e, "box", "", kind="contour")
    art = plot_reach([], [lim])
    poly = art["limits"]["C"][0]
    assert isinstance(poly, Polygon) and poly.get_fill()
    np.testing.assert_array_equal(poly.get_xy()[:4], np.column_stack([m, e]))
    x, y = art["labels"]["C"].get_position()
    assert 0.01 < x < 0.1 and 1e-4 < y < 1e-3


def test_reach_projection_dashed_not_filled_and_in_legend() -> None:
    art = plot_reach([ReachCurve("LDMX", [0.01, 0.1], [2e-5, 1e-4])],
                     [_bound("P", "projection"), _bound("E")])
    (proj,) = art["limits"]["P"]
    assert isinstance(proj, Line2D) and proj.get_linestyle() == "--"
    assert "P" not in art["labels"] and "E" in art["labels"]
    texts = [t.get_text() for t in art["legend"].get_texts()]
    assert texts == ["LDMX", "P label"]


def test_reach_label_override_and_legend_mode() -> None:
    art = plot_reach([], [_bound()], label_positions={"A": (0.03, 1e-2)})
    assert art["labels"]["A"].get_position() == pytest.approx((0.03, 1e-2))
    art = plot_reach([], [_bound()], limit_labels="legend")
    assert art["labels"] == {}
    assert [t.get_text() for t in art["legend"].get_texts()] == ["A label"]
    with pytest.raises(InputError, match="limit_labels"):
        plot_reach([], [], limit_labels="above")


def test_reach_with_real_limits_labels_do_not_overlap() -> None:
    lims = [load_limit(k) for k in ("LSND", "SLAC-mQ", "BEBC")]
    m = np.geomspace(0.005, 1.0, 30)
    art = plot_reach([ReachCurve("NA64", m, 1e-4 * (1 + (m / 0.06) ** 2.2))], lims)
    assert set(art["labels"]) == {"LSND", "SLAC-mQ", "BEBC"}
    fig = art["curves"][0].figure
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in art["labels"].values()]
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[i + 1:])
    for lim in lims:  # shaded region keeps the digitised boundary unchanged
        np.testing.assert_array_equal(art["limits"][lim.key][0].get_xy()[: lim.mass_gev.size],
                                      np.column_stack([lim.mass_gev, lim.epsilon]))


def test_reach_xlim_data() -> None:
    art = plot_reach([ReachCurve("x", [0.02, 0.3], [1e-4, 1e-3])], [], xlim="data")
    assert art["curves"][0].axes.get_xlim() == pytest.approx((0.01, 1.0))


def test_paper_style_is_local() -> None:
    size = matplotlib.rcParams["font.size"]
    with paper_style():
        assert matplotlib.rcParams["font.size"] == 8.0
    assert matplotlib.rcParams["font.size"] == size


# ------------------------------------------------------------------ save_figure
@pytest.mark.parametrize(("ext", "check"), [
    ("png", lambda b: b.startswith(b"\x89PNG")),
    ("pdf", lambda b: b.startswith(b"%PDF")),
    ("svg", lambda b: b"<svg" in b),
])
def test_save_figure_formats(tmp_path, ext, check) -> None:
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([1, 2], [1, 2])
    (tmp_path / "sub" / "dir").mkdir(parents=True)  # a missing folder is refused, not made
    out = save_figure(fig, tmp_path / "sub" / "dir" / f"fig.{ext}")
    data = out.read_bytes()
    assert out.parent.is_dir() and len(data) > 100 and check(data)
    assert os.listdir(out.parent) == [f"fig.{ext}"]  # no temporary file left behind


def test_save_figure_png_dpi_and_overwrite(tmp_path) -> None:
    fig, _ = plt.subplots(figsize=(1, 1))
    path = tmp_path / "f.png"
    path.write_bytes(b"old")
    save_figure(fig, path)
    width = int.from_bytes(path.read_bytes()[16:20], "big")
    assert width == 200


def test_save_figure_rejects_unknown_extension(tmp_path) -> None:
    fig, _ = plt.subplots()
    with pytest.raises(InputError, match=r"\.png, \.pdf or \.svg") as err:
        save_figure(fig, tmp_path / "fig.jpgx")
    assert "\n" not in str(err.value)
    assert not list(tmp_path.iterdir())


def test_figures_close() -> None:
    n = len(plt.get_fignums())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        art = plot_reach([], [_bound()])
    fig = art["limits"]["A"][0].figure
    assert len(plt.get_fignums()) == n + 1
    plt.close(fig)
    assert len(plt.get_fignums()) == n


def test_reach_labels_avoid_legend_on_bare_figure() -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.4, 2.8), layout="constrained")  # no pyplot canvas renderer
    ax = fig.add_subplot()
    lims = [load_limit(k) for k in ("LSND", "SLAC-mQ", "BEBC")]
    curves = [ReachCurve(f"curve {i}", [0.01, 1.0], [1e-5 * 2**i, 1e-2]) for i in range(6)]
    art = plot_reach(curves, lims, ax=ax)
    fig.draw_without_rendering()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    legend_box = art["legend"].get_window_extent(renderer)
    for text in art["labels"].values():
        assert not text.get_window_extent(renderer).overlaps(legend_box)
