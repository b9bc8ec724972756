"""Thick target: the muon's mean energy loss integrated over depth (thick_target.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import integrate

import millicharge as mc
from millicharge import reach
from millicharge.cli.main import main
from millicharge.core.errors import InputError
from millicharge.experiments.config import load_experiment
from millicharge.experiments.thick_target import (
    brem_cross_sections,
    depth_nodes,
    local_window,
    with_energy_loss,
)
from millicharge.xsec import api as pure


def _on(name: str, **changes):
    return dataclasses.replace(with_energy_loss(load_experiment(name), True), **changes)


def test_nodes_and_window():
    exp = _on("na64mu")
    z, w = depth_nodes(exp)
    assert w.sum() == pytest.approx(exp.thickness_cm, rel=1e-14)
    assert np.all((z > 0) & (z < exp.thickness_cm))
    # at the exit face nothing is lost after the vertex: x_lo = 1 − (1 − x_min)E0/E(L)
    e_l, lo, hi = local_window(exp, exp.thickness_cm)
    assert e_l == pytest.approx(160.0 - 12.7e-3 * exp.thickness_cm)
    assert lo == pytest.approx(1.0 - 80.0 / e_l)
    assert hi == pytest.approx(1.0)
    # switched off: the paper's window at E0 everywhere
    off = load_experiment("na64mu")
    assert local_window(off, 3.0) == pytest.approx((160.0, 0.5, 1.0))


def test_vanishing_dedx_gives_the_nominal_cross_section():
    exp = _on("na64mu", dedx_gev_per_cm=1e-12)
    sigma, _ = brem_cross_sections(exp, np.array([0.03]), method="ww")
    nominal = mc.cross_section("mu", 160, "Pb", 0.03, 0.5, method="ww").sigma_pb
    assert sigma[0] == pytest.approx(nominal, rel=1e-8)


def test_gauss_legendre_matches_adaptive_depth_integral():
    """M3 (15 GeV μ, 50 X0 W: 2.6 % of E0 lost) — 6 nodes vs adaptive quad in z (WW)."""
    exp = _on("m3")
    mass = 0.01
    sigma, _ = brem_cross_sections(exp, np.array([mass]), method="ww")

    def at(z: float) -> float:
        e, lo, hi = local_window(exp, z)
        return pure.cross_section("mu", e, "W", mass, lo, hi, method="ww").sigma_pb

    ref, _ = integrate.quad(at, 0.0, exp.thickness_cm, epsrel=1e-7)
    assert sigma[0] == pytest.approx(ref / exp.thickness_cm, rel=2e-5)
    # the effect is real: the recoil window widens more than E(z) falls (measured +5.6 % in σ)
    nominal = mc.cross_section("mu", 15, "W", mass, 0.5, method="ww").sigma_pb
    assert 1.03 < sigma[0] / nominal < 1.12


def test_na64mu_reach_effect_is_per_mille():
    """NA64μ: 0.29 GeV lost in 22.4 cm of Pb; ε changes by < 0.5 % (WW, deterministic)."""
    off = reach("na64mu", [0.01, 0.1], method="ww", progress=False, energy_loss=False)
    on = reach("na64mu", [0.01, 0.1], method="ww", progress=False, energy_loss=True)
    ratio = on["epsilon_brem"] / off["epsilon_brem"]
    assert np.all((ratio > 0.995) & (ratio < 1.0)), ratio
    assert on.meta["energy_loss"] == "mean"


def test_etl_depth_average_agrees_with_ww_for_muons():
    exp = _on("na64mu", depth_points=3)
    etl, err = brem_cross_sections(exp, np.array([0.1]), precision=3e-3)
    ww, _ = brem_cross_sections(exp, np.array([0.1]), method="ww")
    assert abs(etl[0] / ww[0] - 1) < 0.02 + 3 * err[0] / etl[0]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(beam="e", energy_gev=100.0), "muon beams only"),
        (dict(dedx_gev_per_cm=None), "needs dedx_gev_per_cm"),
        (dict(dedx_gev_per_cm=5.0), "below half the beam energy"),
        (dict(dedx_gev_per_cm=-1.0), "dedx_gev_per_cm must be a positive number"),
        (dict(depth_points=0), "depth_points must be an integer"),
        (dict(energy_loss="full"), "energy_loss must be one of '?none'?, '?mean'?"),
    ],
)
def test_bad_energy_loss_settings(changes, message):
    with pytest.raises(InputError, match=message):
        _on("na64mu", **changes)


def test_toml_field_and_cli(tmp_path):
    from importlib import resources

    base = resources.files("millicharge.data").joinpath("experiments/na64mu.toml").read_text()
    path = tmp_path / "mine.toml"
    path.write_text(base.replace('energy_loss = "none"', 'energy_loss = "mean"'))
    assert load_experiment(path).energy_loss == "mean"
    path.write_text(base.replace('energy_loss = "none"', 'energy_loss = "always"'))
    res = CliRunner().invoke(main, ["reach", "-e", str(path), "--no-progress"])
    assert res.exit_code == 2 and "energy_loss must be one of" in res.output
    res = CliRunner().invoke(main, ["reach", "-e", "ldmx", "--energy-loss", "--no-progress"])
    assert res.exit_code == 2 and "muon beams only" in res.output
