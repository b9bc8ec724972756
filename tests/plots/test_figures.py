"""Figs. 2–4 end to end: the plotted data are the computed data; files are valid images."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.colors import to_rgba

import millicharge as mc
from millicharge.cli.main import main
from millicharge.plots.figures import figure2, figure3, figure4


def test_figure4_plots_the_reach_it_computed():
    fig, (tables, _, limits) = figure4(["na64mu", "ldmx"], [0.01, 0.1, 0.3], method="ww")
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    direct = mc.reach("ldmx", [0.01, 0.1, 0.3], method="ww", progress=False)
    np.testing.assert_array_equal(lines["LDMX combined"].get_ydata(),
                                  direct["epsilon_combined"])
    np.testing.assert_array_equal(lines["NA64mu brem"].get_xdata(), [0.01, 0.1, 0.3])
    assert {c.key for c in limits} >= {"LSND", "SLAC-mQ", "BEBC"}
    assert [k for k, _ in tables] == ["na64mu", "ldmx"]


def test_figure4_colours_one_per_experiment_and_labels_from_the_model():
    fig, _ = figure4(["ldmx", "na64mu-100"], [0.1, 0.3], method="ww", model="dark-photon")
    ax = fig.axes[0]
    colours = {ln.get_label(): to_rgba(ln.get_color()) for ln in ax.get_lines() if "A'" in
               ln.get_label()}
    assert len(colours) == 2 and len(set(colours.values())) == 2  # na64mu-100 has its own
    assert ax.get_xlabel() == r"$m_{A'}$ [GeV]"


def test_figure3_ratio_panel_and_data():
    fig, (series, tables) = figure3(["na64mu"], [0.05, 0.5], methods=["etl", "ww"],
                                    precision=2e-2)
    assert len(fig.axes) == 2  # σ and ETL/WW
    # the tables the series were read from, with the references of each method
    assert [(k, t.meta["method"]) for k, t in tables] == [("na64mu", "etl"), ("na64mu", "ww")]
    for s, (_, t) in zip(series, tables, strict=True):
        np.testing.assert_array_equal(s.sigma_pb, t["sigma_pb"])
    assert [t.citations for _, t in tables] == [("gninenko2025", "lepage2021"),
                                                ("gninenko2025", "kim-tsai1973")]
    etl = next(s for s in series if s.method == "etl")
    ww = next(s for s in series if s.method == "ww")
    ratio = fig.axes[1].get_lines()[0].get_ydata()
    np.testing.assert_allclose(ratio, np.asarray(etl.sigma_pb) / np.asarray(ww.sigma_pb))
    assert np.all(np.abs(ratio - 1) < 0.05)  # muons: ETL ≈ WW
    assert fig.axes[1].get_xlabel() == r"$m_\chi$ [GeV]"


def test_figure2_spectra_in_the_signal_box():
    fig, spectra = figure2("ldmx", [0.05], points=4, method="ww")
    (line,) = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("$m")]
    s = spectra[0]
    np.testing.assert_allclose(line.get_xdata(), s.x * 8.0)
    np.testing.assert_allclose(line.get_ydata(), s.dsigma_dx_pb / 8.0)
    assert np.all(s.x >= 0.7)
    fig, _ = figure2("ldmx", [0.05], points=4, method="ww", model="dark-photon")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "$m_{A'}$ = 50 MeV"]


@pytest.mark.parametrize("ext", ["png", "pdf", "svg"])
def test_plot_reach_command_writes_image_and_csv(tmp_path, ext):
    out = tmp_path / f"fig4.{ext}"
    result = CliRunner().invoke(main, ["plot", "reach", "--experiment", "na64mu", "ldmx",
                                       "--masses", "0.01,0.2", "--method", "ww",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    head = out.read_bytes()[:200]
    assert {"png": b"\x89PNG", "pdf": b"%PDF"}.get(ext, b"<svg") in head or b"<svg" in \
        out.read_bytes()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "fig4.csv").read_text())))
    assert len(rows) == 4 and {r["experiment"] for r in rows} == {"na64mu", "ldmx"}


def test_plot_spectrum_and_xsec_commands(tmp_path):
    for args in (["plot", "spectrum", "-e", "na64mu", "--masses", "0.01", "0.1", "--points",
                  "3", "--method", "ww"],
                 ["plot", "xsec", "-e", "na64mu", "ldmx", "--method", "etl", "ww",
                  "--masses", "0.05,0.5", "--precision", "0.03"]):
        out = tmp_path / f"{args[1]}.png"
        result = CliRunner().invoke(main, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000


def test_user_limits_file_and_its_errors(tmp_path):
    good = tmp_path / "mine.csv"
    good.write_text("mass_gev,epsilon\n0.01,1e-3\n0.1,2e-3\n")
    out = tmp_path / "f.png"
    base = ["plot", "reach", "-e", "na64mu", "--masses", "0.05", "--method", "ww",
            "--out", str(out)]
    assert CliRunner().invoke(main, [*base, "--limits", str(good)]).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("mass,eps\n0.01,x\n")
    for path, message in ((tmp_path / "missing.csv", "missing.csv"), (bad, "bad.csv")):
        result = CliRunner().invoke(main, [*base, "--limits", str(path)])
        assert result.exit_code == 2
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    with pytest.raises(mc.InputError):
        figure4(["na64mu"], [0.05], method="ww", user_limits=[bad])
