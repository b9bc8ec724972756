"""New shipped experiments (M3, NA64μ 2022) and sub-MeV masses down to 0.1 MeV."""

from __future__ import annotations

import math

import numpy as np
import pytest

import millicharge as mc
from millicharge import reach
from millicharge.experiments.config import load_experiment
from millicharge.limits.reach import parse_masses


def test_new_experiments_hold_their_published_numbers():
    m3, m3p1 = load_experiment("m3"), load_experiment("m3-phase1")
    assert (m3.beam, m3.energy_gev, m3.target, m3.thickness_x0) == ("mu", 15.0, "W", 50.0)
    assert (m3.leptons_on_target, m3p1.leptons_on_target) == (1e13, 1e10)
    na = load_experiment("na64mu-2022")
    assert (na.energy_gev, na.leptons_on_target, na.x_min, na.cl) == (160.0, 1.98e10, 0.5, 0.9)


def test_m3_phases_differ_by_sqrt_of_the_statistics():
    """Same σ, Eq. 4 linear in MOT: ε(phase 1)/ε(phase 2) = √(1e13/1e10) exactly."""
    p2 = reach("m3", [0.01, 0.1], method="ww", progress=False)
    p1 = reach("m3-phase1", [0.01, 0.1], method="ww", progress=False)
    np.testing.assert_allclose(p1["epsilon_brem"] / p2["epsilon_brem"], math.sqrt(1e3),
                               rtol=1e-12)


@pytest.mark.parametrize(("beam", "energy", "target", "x_min"),
                         [("mu", 160, "Pb", 0.5), ("e", 8, "Al", 0.7)])
def test_vegas_converges_at_0p1_mev(beam, energy, target, x_min):
    """m_χ = 0.1 MeV: requested error reached, sane χ²/dof, two seeds agree."""
    runs = [mc.cross_section(beam, energy, target, 1e-4, x_min, precision=3e-3, seed=s)
            for s in (1, 2)]
    for r in runs:
        assert r.relative_error <= 3e-3 * 1.01
        assert r.chi2_dof < 5.0 and r.Q > 1e-3, (r.chi2_dof, r.Q)
    a, b = runs
    assert abs(a.sigma_pb - b.sigma_pb) < 4 * math.hypot(a.error_pb, b.error_pb)


@pytest.mark.parametrize("model", ["mcp", "dark-photon"])
def test_etl_over_ww_tends_to_one_for_muons_at_0p1_mev(model):
    """160 GeV μ, m = 0.1 MeV: measured ETL/WW 0.998 (MCP), 1.000 (A')."""
    etl = mc.cross_section("mu", 160, "Pb", 1e-4, 0.5, model=model, precision=2e-3)
    ww = mc.cross_section("mu", 160, "Pb", 1e-4, 0.5, model=model, method="ww")
    assert abs(etl.sigma_pb / ww.sigma_pb - 1) < 0.01 + 3 * etl.relative_error


def test_reach_plot_extends_to_0p1_mev():
    from millicharge.plots.figures import figure4

    masses = parse_masses("1e-4:1:6")
    fig, (tables, _, _) = figure4(["na64mu"], masses, method="ww")
    lo, hi = fig.axes[0].get_xlim()
    assert lo == pytest.approx(1e-4) and hi == pytest.approx(1.0)
    assert np.isfinite(tables[0][1]["epsilon_brem"][0])


def test_na64mu_at_100_gev_is_the_paper_setup_at_another_energy():
    """Only the beam energy differs; a lower energy gives a weaker reach at 100 MeV."""
    from millicharge import reach
    from millicharge.experiments.config import load_experiment

    a, b = load_experiment("na64mu"), load_experiment("na64mu-100")
    assert b.energy_gev == 100.0
    for field in ("beam", "leptons_on_target", "x_min", "x_max", "channels", "thickness_cm"):
        assert getattr(a, field) == getattr(b, field)
    eps = [reach(e, [0.1], method="ww", progress=False)["epsilon_brem"][0] for e in (a, b)]
    assert eps[1] > eps[0]
