"""The plotting functions take result objects directly, choose their axes from the data,
and label the mass axis from the model."""

from __future__ import annotations

import csv
import io
import json
import math

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from millicharge.core.errors import InputError
from millicharge.core.results import CrossSection, Spectrum
from millicharge.experiments.config import experiment_names
from millicharge.limits.reach import ReachTable
from millicharge.models.mcp import MillichargedPair
from millicharge.plots.plotting import (
    make_xsec_figure,
    plot_cross_sections,
    plot_reach,
    plot_spectrum,
)
from millicharge.plots.style import EXPERIMENT_COLORS, experiment_color
from millicharge.running.grid import COLUMNS, ScanTable


def _table(model: str = "mcp", floor: float = 1e-4) -> ReachTable:
    m = np.array([0.003, 0.01, 0.1, 0.5, 2.5])
    eps = np.array([np.nan, floor, 3 * floor, 1e-2, np.inf])
    return ReachTable("NA64mu", {"mass_gev": m, "sigma_pb": 1.0 / m,
                                 "sigma_error_pb": 0.01 / m, "epsilon_brem": eps,
                                 "epsilon_combined": eps}, {"model": model, "method": "ww"})


def _xy(art: dict) -> list[tuple[list[float], list[float]]]:
    return [(np.asarray(ln.get_xdata(), float).tolist(), np.asarray(ln.get_ydata(), float)
             .tolist()) for ln in art["curves"]]


# ------------------------------------------------------------------ reach tables, any form
def test_reach_table_and_its_dict_json_and_csv_forms_draw_the_same_line() -> None:
    table = _table()
    rows = list(csv.DictReader(io.StringIO(table.to_csv())))
    forms = [table, dict(table.columns), json.loads(table.to_json()),
             {"experiment": table.experiment, "rows": rows}]
    drawn = [_xy(plot_reach(form)) for form in forms]
    expected = np.where(np.isfinite(table["epsilon_combined"]), table["epsilon_combined"],
                        np.nan)
    for (x, y), in drawn:
        np.testing.assert_array_equal(x, table["mass_gev"])
        np.testing.assert_array_equal(y, expected)
    labels = [plot_reach(f)["curves"][0].get_label() for f in (forms[0], forms[2], forms[3])]
    assert labels == ["NA64mu"] * 3


def test_reach_axes_contain_every_drawn_point() -> None:
    for floor in (1e-4, 3e-7, 1.2e-9):
        table = _table(floor=floor)
        ax = plot_reach(table)["curves"][0].axes
        ok = np.isfinite(table["epsilon_combined"])
        m, e = table["mass_gev"][ok], table["epsilon_combined"][ok]
        (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
        assert x_lo <= m.min() and m.max() <= x_hi
        assert y_lo <= e.min() and e.max() <= y_hi
        assert y_lo <= 1e-6 and y_hi == 1.0  # the paper's range at least
        assert y_lo == 1e-6 or y_lo >= e.min() / 20  # lower only as far as the data need


def test_reach_table_list_and_bad_table() -> None:
    art = plot_reach([_table(), _table(floor=1e-3)])
    assert len(art["curves"]) == 2
    with pytest.raises(InputError, match="mass_gev and epsilon"):
        plot_reach([{"experiment": "x", "rows": [{"epsilon_brem": 1.0}]}])
    with pytest.raises(InputError, match="ylim"):
        plot_reach(_table(), ylim="auto")


# ------------------------------------------------------------------ labels follow the model
def test_reach_mass_axis_follows_the_tables_model() -> None:
    ax = plot_reach(_table("dark-photon"))["curves"][0].axes
    assert ax.get_xlabel() == r"$m_{A'}$ [GeV]" and ax.get_ylabel() == r"$\epsilon$"
    ax = plot_reach(_table("mcp"))["curves"][0].axes
    assert ax.get_xlabel() == r"$m_\chi$ [GeV]"
    ax = plot_reach(_table("mcp"), model="dark-photon")["curves"][0].axes
    assert ax.get_xlabel() == r"$m_{A'}$ [GeV]"  # an explicit model wins
    with pytest.raises(InputError, match="mix models"):
        plot_reach([_table("mcp"), _table("dark-photon")])
    with pytest.raises(InputError, match="unknown model 'axion'"):
        plot_reach(_table(), model="axion")


def test_a_new_model_brings_its_own_labels() -> None:
    class Scalar(MillichargedPair):
        name = "toy-scalar"
        mass_label = r"$m_\phi$"
        coupling_label = r"$g_\phi$"

    ax = plot_reach(_table(), model=Scalar())["curves"][0].axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == (r"$m_\phi$ [GeV]", r"$g_\phi$")
    _fig, (ax, rax) = make_xsec_figure(_points(), with_ratio=True, model=Scalar())
    assert rax.get_xlabel() == r"$m_\phi$ [GeV]"


def test_spectrum_legend_follows_the_spectrum_model() -> None:
    x = np.array([0.5, 0.7, 0.9])
    s = Spectrum(x, 1.0 / x, 0.1 / x, "ww", "mu", 160.0, "Pb", 0.02, model="dark-photon")
    art = plot_spectrum(s)  # a single Spectrum alone
    assert art["lines"][0].get_label() == "$m_{A'}$ = 20 MeV"
    ax = art["lines"][0].axes
    lo, hi = ax.get_xlim()
    assert lo <= x.min() * 160 and x.max() * 160 <= hi


# ------------------------------------------------------------------ cross sections
def _points() -> list[CrossSection]:
    out = []
    for method, scale in (("etl", 1.0), ("ww", 1.1)):
        for m in (0.5, 0.01, 0.1):  # unsorted on purpose
            out.append(CrossSection(sigma_pb=scale / m, error_pb=0.02 / m, method=method,
                                    beam="mu", energy_gev=160.0, target="Pb", mass_gev=m,
                                    x_min=0.5, x_max=1.0))
    return out


def test_cross_section_objects_grouped_per_setup_and_method() -> None:
    _fig, (ax, rax) = make_xsec_figure(_points(), with_ratio=True)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert set(lines) == {"mu 160 GeV on Pb (ETL)", "mu 160 GeV on Pb (WW)"}
    etl = lines["mu 160 GeV on Pb (ETL)"]
    np.testing.assert_array_equal(etl.get_xdata(), [0.01, 0.1, 0.5])
    np.testing.assert_allclose(etl.get_ydata(), [100.0, 10.0, 2.0])
    assert lines["mu 160 GeV on Pb (WW)"].get_linestyle() == "--"
    (ratio,) = rax.get_lines()[:1]
    np.testing.assert_allclose(ratio.get_ydata(), 1 / 1.1)
    (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
    assert x_lo <= 0.01 and 0.5 <= x_hi and y_lo <= 2.0 and 110.0 <= y_hi
    assert rax.get_xlabel() == r"$m_\chi$ [GeV]"


def test_scan_table_and_reach_table_as_cross_sections() -> None:
    rows = []
    for p in _points():
        row = {c: getattr(p, c, None) for c in COLUMNS}
        row["status"] = "computed"
        rows.append(row)
    rows[0]["sigma_pb"] = None  # a closed point leaves a gap, not an error
    from_scan = plot_cross_sections(ScanTable(rows))["lines"]
    from_points = plot_cross_sections(_points())["lines"]
    assert [ln.get_label() for ln in from_scan] == [ln.get_label() for ln in from_points]
    y_scan, y_points = from_scan[0].get_ydata(), from_points[0].get_ydata()
    np.testing.assert_array_equal(y_scan[:2], y_points[:2])
    assert math.isnan(y_scan[2])  # the 0.5 GeV point
    table = _table("dark-photon")
    (line,) = plot_cross_sections(table)["lines"]
    assert line.get_label() == "NA64mu (WW)" and line.get_linestyle() == "--"
    np.testing.assert_array_equal(line.get_xdata(), table["mass_gev"])
    assert line.axes.get_xlabel() == r"$m_{A'}$ [GeV]"


# ------------------------------------------------------------------ one colour table
def test_every_shipped_experiment_has_its_own_colour() -> None:
    names = experiment_names()
    colours = [experiment_color(n) for n in names]
    assert None not in colours, [n for n, c in zip(names, colours, strict=True) if c is None]
    assert len(set(colours)) == len(colours)
    assert set(EXPERIMENT_COLORS) == set(names)
    assert experiment_color("NA64mu") == experiment_color("na64mu")
    assert experiment_color("my-own.toml") is None
