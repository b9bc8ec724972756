"""Invisible dark photon: ETL vs WW where WW is good, Eq. 4 yields, reach, plots, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

import millicharge as mc
from millicharge import reach
from millicharge.cli.main import main
from millicharge.core.errors import InputError
from millicharge.core.units import PB_TO_CM2
from millicharge.experiments.config import load_experiment
from millicharge.limits.statistics import upper_limit


@pytest.mark.parametrize("mass", [0.01, 0.1, 1.0])
def test_etl_matches_ww_for_160_gev_muons(mass):
    """160 GeV μ on Pb, x ≥ 0.5: WW is good for muons (measured ETL/WW 0.992–0.999).

    Allowed: 2 % (the WW approximation itself) plus 3 Monte Carlo σ.
    """
    etl = mc.cross_section("mu", 160, "Pb", mass, 0.5, model="dark-photon", precision=3e-3)
    ww = mc.cross_section("mu", 160, "Pb", mass, 0.5, model="dark-photon", method="ww")
    ratio = etl.sigma_pb / ww.sigma_pb
    assert abs(ratio - 1.0) < 0.02 + 3 * etl.relative_error, ratio


def test_dark_photon_is_not_the_mcp_number():
    """On-shell A' (no α/3π pair factor) is ≫ the χχ̄ continuum at the same mass."""
    dp = mc.cross_section("mu", 160, "Pb", 0.05, 0.5, model="dark-photon", method="ww")
    chi = mc.cross_section("mu", 160, "Pb", 0.05, 0.5, model="mcp", method="ww")
    assert dp.sigma_pb > 50 * chi.sigma_pb


def test_yield_is_eq4_and_scales_as_epsilon_squared():
    exp = load_experiment("na64mu")
    t = reach(exp, [0.02], model="dark-photon", method="ww", progress=False)
    sigma = t["sigma_pb"][0]
    by_hand = (exp.leptons_on_target * exp.material.number_density * exp.thickness_cm
               * sigma * PB_TO_CM2)
    assert t["n_signal_eps1_brem"][0] == pytest.approx(by_hand, rel=1e-12)
    assert t["epsilon_brem"][0] == pytest.approx(math.sqrt(upper_limit() / by_hand), rel=1e-12)
    r1 = mc.cross_section("mu", 160, "Pb", 0.02, 0.5, model="dark-photon", method="ww")
    r2 = mc.cross_section("mu", 160, "Pb", 0.02, 0.5, model="dark-photon", method="ww",
                          epsilon=1e-3)
    assert r2.sigma_pb == pytest.approx(1e-6 * r1.sigma_pb, rel=1e-12)


def test_meson_channels_are_mcp_only():
    t = reach("ldmx", [0.1, 0.3], model="dark-photon", method="ww", progress=False)
    for meson in ("rho", "omega", "phi"):
        assert np.all(np.isnan(t[f"epsilon_{meson}"]))
    np.testing.assert_allclose(t["epsilon_combined"], t["epsilon_brem"])
    assert t.meta["model"] == "dark-photon"


def test_threshold_is_m_not_2m():
    """The A' window opens at x = m_A'/E (MCP: 2m_χ/E)."""
    with pytest.raises(InputError, match="kinematically closed"):
        mc.cross_section("e", 8, "Al", 2.0, 0.3, x_max=0.45, model="mcp", method="ww")
    assert mc.cross_section("e", 8, "Al", 2.0, 0.3, x_max=0.45, model="dark-photon",
                            method="ww").sigma_pb > 0


def test_bad_model_is_one_clear_error():
    with pytest.raises(InputError, match="unknown model 'axion'"):
        mc.cross_section("mu", 160, "Pb", 0.1, 0.5, model="axion")


def test_reach_plot_uses_m_aprime_and_no_mcp_limits(tmp_path):
    from millicharge.plots.figures import figure4

    fig, (tables, curves, limits) = figure4(["na64mu", "ldmx"], [0.01, 0.1, 0.5],
                                            method="ww", model="dark-photon")
    assert "A'" in fig.axes[0].get_xlabel()
    assert limits == []
    assert len(curves) == 2  # brem only, one per experiment
    np.testing.assert_allclose(curves[0].epsilon, tables[0][1]["epsilon_brem"])


def test_cli_reach_and_plot_with_model(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["reach", "-e", "na64mu", "--masses", "0.01,0.1", "--method",
                               "ww", "--model", "dark-photon", "--no-progress"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("# NA64mu: model dark-photon, 95 % CL")
    out = tmp_path / "dp.png"
    res = runner.invoke(main, ["plot", "reach", "-e", "na64mu", "--masses", "0.01,0.1",
                               "--method", "ww", "--model", "dark-photon", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 1000
    res = runner.invoke(main, ["plot", "reach", "-e", "na64mu", "--model", "axion",
                               "--out", str(out)])
    assert res.exit_code == 2
