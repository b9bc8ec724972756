"""Tests for millicharge.mesons: Eq. 11 threshold, ε² scaling, yields and the paper's ρ reach."""

from __future__ import annotations

import math

import numpy as np
import pytest

from millicharge.errors import InputError
from millicharge.experiments import load_experiment
from millicharge.mesons import (
    BR_EE,
    branching_chi,
    get_meson,
    meson_yield,
    n_signal_meson,
    photoproduction_probability,
    vector_meson_yield,
)


def test_masses_are_pdg_in_gev() -> None:
    # SPEC §5: m_rho 0.77526, m_omega 0.78266, m_phi 1.019461 GeV
    assert get_meson("rho").mass == pytest.approx(0.77526, abs=1e-5)
    assert get_meson("omega").mass == pytest.approx(0.78266, abs=1e-5)
    assert get_meson("phi").mass == pytest.approx(1.019461, abs=1e-5)


def test_default_br_is_papers() -> None:
    assert [get_meson(v).br_ee for v in ("rho", "omega", "phi")] == [4.72e-5, 7.38e-5, 2.979e-4]
    assert "paper" in get_meson("rho").br_source
    assert get_meson("phi", br_set="pdg2026").br_ee == BR_EE["pdg2026"]["phi"] == 2.963e-4


@pytest.mark.parametrize("meson", ["rho", "omega", "phi"])
def test_threshold_and_massless_limit(meson: str) -> None:
    mv = get_meson(meson).mass
    m = np.array([0.0, 1e-6, 0.25 * mv, 0.49 * mv, 0.4999999 * mv, 0.5 * mv, 0.6 * mv, 5.0])
    br = branching_chi(meson, m)
    assert br[0] == get_meson(meson).br_ee  # ε = 1, m → 0: Br(ee)
    assert np.all(np.diff(br) <= 0.0)  # falls monotonically with m
    assert np.all(br[:5] > 0.0)
    assert np.all(br[5:] == 0.0)  # exactly zero at and above 2m = m_V
    # value at m = m_V/4: r = 1/16 -> (1 + 1/8) sqrt(3/4)
    assert br[2] == pytest.approx(get_meson(meson).br_ee * 1.125 * math.sqrt(0.75), rel=1e-12)


def test_epsilon_squared_scaling() -> None:
    m = np.linspace(0.0, 0.5, 7)
    assert np.allclose(branching_chi("phi", m, epsilon=3e-4), 9e-8 * branching_chi("phi", m))
    assert float(branching_chi("omega", 0.0, epsilon=1e-3)) == pytest.approx(1e-6 * 7.38e-5)


def test_bad_meson_and_mass() -> None:
    with pytest.raises(InputError, match="allowed"):
        branching_chi("eta", 0.1)
    with pytest.raises(InputError, match="mass"):
        branching_chi("rho", [-0.1])
    with pytest.raises(InputError, match="br_set"):
        get_meson("rho", br_set="pdg1900")


def test_yields_scale_with_lot() -> None:
    ldmx = load_experiment("ldmx")
    assert meson_yield(ldmx, "omega") == pytest.approx(6e9)
    with pytest.raises(InputError):
        meson_yield(load_experiment("na64mu"), "rho")  # no [mesons] table


def test_eq5_eq6_reproduce_papers_rho_yield_order() -> None:
    # Eq. 5: N_rho = 6e10 at EOT = 2e16 and f_brem = 0.03 needs P_rho = 1e-4.
    p = 6e10 / (2e16 * 0.03)
    assert vector_meson_yield(2e16, 0.03, p) == pytest.approx(6e10)
    # Eq. 6 with X0(Al) = 24.01 g/cm^2 and m_p = 1.6726e-24 g: sigma0 f_nuc ~ O(μb).
    sigma0_fnuc = p * 1.67262192e-24 / (9.0 / 7.0 * 24.01)
    assert photoproduction_probability(sigma0_fnuc, 24.01) == pytest.approx(p, rel=1e-6)
    assert 1e-30 < sigma0_fnuc < 1e-29  # a few μb: a sensible exclusive ρ cross section


def test_signal_counts_include_efficiency() -> None:
    ldmx = load_experiment("ldmx")
    n = n_signal_meson(ldmx, "rho", [0.0, 0.1], epsilon=1e-3)
    expected = 6e10 * 1e-6 * 4.72e-5 * np.array([1.0, (1 + 2 * 0.01664) * math.sqrt(1 - 0.06656)])
    assert np.allclose(n, expected, rtol=2e-3)


def test_papers_ldmx_rho_reach() -> None:
    """Paper Sec. V / abstract: LDMX ρ → χχ̄ probes 1e-3 ≲ ε ≲ 1.5e-3 at 250 ≲ m ≲ 400 MeV.

    Eq. 12 with s_up = 3, N_ρ = 6e10, Br = 4.72e-5: ε = √(3 / (N Br (1+2r) √(1−4r))),
    r = m²/m_ρ², written out here independently of the package.
    """
    ldmx = load_experiment("ldmx")
    m_rho = 0.77526
    m = np.linspace(0.25, 0.36, 12)
    r = m**2 / m_rho**2
    eps_formula = np.sqrt(3.0 / (6e10 * 4.72e-5 * (1 + 2 * r) * np.sqrt(1 - 4 * r)))
    eps_package = np.sqrt(3.0 / n_signal_meson(ldmx, "rho", m))
    assert np.allclose(eps_package, eps_formula, rtol=1e-4)
    assert np.all((eps_package > 1.0e-3) & (eps_package < 1.5e-3))
    # it rises steeply towards threshold m_rho/2 = 388 MeV (the paper's "≲ 400 MeV" edge)
    eps_380 = math.sqrt(3.0 / float(n_signal_meson(ldmx, "rho", 0.38)))
    assert 1.5e-3 < eps_380 < 2.5e-3
    assert float(n_signal_meson(ldmx, "rho", 0.39)) == 0.0
