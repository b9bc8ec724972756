"""Weizsäcker–Williams cross sections: textbook limits, the s-fold, kinematics, input errors.

Accuracy found (kept here as the tolerances of the tests):

* electrons, m_V → 0, complete screening: the WW x-shape is Tsai's (4/3 − 4x/3 + x²) to
  < 0.2 %, but the normalisation is low: WW/Tsai ≈ 0.72 (Pb) and 0.76 (Al) at 8 and 100 GeV.
  WW's flux integrated up to t_max = m_e² gives χ/Z² ≈ 2 ln(184 Z^(−1/3)) − 2, i.e. the
  leading log without Tsai's constant (this is the known O(20 %) WW error for electrons,
  Voronchikhin & Kirpichnikov, arXiv:2409.12748).
* muons, m_V → 0: WW/KKP within 1.3 % at v = 0.1–0.5, 2 % at 0.7, 2.7 % at 0.9 (160 GeV, Pb, Al),
  because t_max = m_μ² reaches the nuclear-size cut-off.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from scipy import integrate

from millicharge.core.constants import ALPHA, M_E, M_MU
from millicharge.core.errors import InputError
from millicharge.core.units import GEV2_TO_PB
from millicharge.kinematics.process import Process
from millicharge.models.mcp import MODEL as MCP
from millicharge.xsec import ww
from millicharge.xsec.flux import photon_flux

TINY = 1e-6  # GeV: "massless" vector / pair


def tsai_dsigma_dx(x, Z):
    """Tsai 1974, complete screening, elastic atomic part only (SPEC §3), pb."""
    re = ALPHA / M_E
    log = math.log(184.15 * Z ** (-1 / 3))
    bracket = (4 / 3 - 4 * x / 3 + x * x) * Z * Z * log + (1 - x) * Z * Z / 9
    return 4 * ALPHA * re**2 / x * bracket * GEV2_TO_PB


def kkp_dsigma_dv(v, E, Z, A):
    """Kelner–Kokoulin–Petrukhin elastic muon bremsstrahlung with nuclear size (SPEC §3), pb."""
    B, Dn, sqe = 183.0, 1.54 * A**0.27, math.sqrt(math.e)
    delta = M_MU**2 * v / (2 * E * (1 - v))
    phi = math.log((B * M_MU * Z ** (-1 / 3) / M_E) / (1 + delta * sqe * B * Z ** (-1 / 3) / M_E))
    phi -= math.log(Dn / (1 + delta * (Dn * sqe - 2) / M_MU))
    return ALPHA / v * (2 * Z * ALPHA / M_MU) ** 2 * (4 / 3 - 4 * v / 3 + v * v) * phi * GEV2_TO_PB


X_MID = np.array([0.3, 0.4, 0.5, 0.6, 0.7])


@pytest.mark.parametrize(("energy", "target", "band"), [
    (8.0, "Pb", (0.70, 0.74)), (100.0, "Pb", (0.70, 0.74)),
    (8.0, "Al", (0.74, 0.78)), (100.0, "Al", (0.74, 0.78)),
])
def test_electron_massless_limit_vs_tsai(energy, target, band):
    p = Process.make("e", energy, target, TINY)
    ratio = ww.dsigma_dx(p, X_MID, model="dark-photon") / np.array(
        [tsai_dsigma_dx(x, p.target.Z) for x in X_MID]
    )
    assert np.all((band[0] < ratio) & (ratio < band[1])), ratio
    assert np.ptp(ratio) / ratio.mean() < 0.02  # Tsai's x-shape


@pytest.mark.parametrize(("energy", "target"), [(8.0, "Pb"), (100.0, "Al")])
def test_electron_massless_limit_is_leading_log_bremsstrahlung(energy, target):
    """Complete screening, m_V → 0: dσ/dx = 2α³ χ(0, m_e²)(4/3 − 4x/3 + x²)/(m_e² x).

    This pins the angular integral and the lepton-mass terms of the bracket: without the
    2m_l² term the shape would be 2 − 2x + x² instead of 4/3 − 4x/3 + x².
    """
    p = Process.make("e", energy, target, TINY)
    chi = float(photon_flux(0.0, M_E**2, p.target.Z, p.target.A))
    expect = 2 * ALPHA**3 * chi * (4 / 3 - 4 * X_MID / 3 + X_MID**2) / (M_E**2 * X_MID)
    got = ww.dsigma_dx(p, X_MID, model="dark-photon") / GEV2_TO_PB
    np.testing.assert_allclose(got, expect, rtol=2e-3)


@pytest.mark.parametrize("target", ["Pb", "Al"])
def test_muon_massless_limit_vs_kkp(target):
    p = Process.make("mu", 160.0, target, TINY)
    x = np.array([0.1, 0.3, 0.5, 0.7])
    got = ww.dsigma_dx(p, x, model="dark-photon")
    ref = np.array([kkp_dsigma_dv(v, 160.0, p.target.Z, p.target.A) for v in x])
    np.testing.assert_allclose(got, ref, rtol=0.025)


def _independent_vector_dsdx(E, m_l, mv2, x, Z, A):
    """dσ_V/dx in GeV⁻² by plain scipy quad over ln U (no quadrature shared with ww)."""
    omx = 1 - x
    u0 = mv2 * omx / x + m_l**2 * x
    t_max = mv2 + m_l**2
    u_max = 2 * E * omx * math.sqrt(t_max)
    if u_max <= u0 or x * E <= math.sqrt(mv2):
        return 0.0
    k = math.sqrt(x * x * E * E - mv2)

    def f(w):
        U = math.exp(w)
        t_min = (U / (2 * E * omx)) ** 2
        chi = float(photon_flux(t_min, t_max, Z, A))
        # E²x²θ² = x(U − U₀)
        bracket = 1 + omx**2 - 2 * omx * (mv2 + 2 * m_l**2) * x * (U - u0) / U**2
        return chi * bracket / U

    val = integrate.quad(f, math.log(u0), math.log(u_max), epsrel=1e-7, limit=200)[0]
    return 2 * ALPHA**3 * k / (E * x) * val


@pytest.mark.parametrize(("beam", "energy", "target", "mass", "x"), [
    ("mu", 160.0, "Pb", 0.05, 0.6),
    ("e", 8.0, "Al", 0.02, 0.8),
])
def test_mcp_fold_equals_independent_quadrature(beam, energy, target, mass, x):
    """dσ_MCP/dx = ∫ ds dσ_V/dx(m_V² = s) · α/(3πs)(1 + 2m²/s)√(1 − 4m²/s)."""
    p = Process.make(beam, energy, target, mass)
    Z, A, m_l = p.target.Z, p.target.A, p.lepton_mass

    def g(ln_s):
        s = math.exp(ln_s)
        r = 4 * mass**2 / s
        dens = ALPHA / (3 * math.pi * s) * (1 + r / 2) * math.sqrt(max(1 - r, 0.0))
        return _independent_vector_dsdx(energy, m_l, s, x, Z, A) * dens * s

    s_lo, s_hi = math.log(4 * mass**2), math.log((x * energy) ** 2)
    ref = integrate.quad(g, s_lo, s_hi, epsrel=1e-6, limit=200)[0] * GEV2_TO_PB
    got = float(ww.dsigma_dx(p, x))
    assert got == pytest.approx(ref, rel=1e-5)


@pytest.mark.parametrize(("beam", "energy"), [("e", 8.0), ("mu", 160.0)])
def test_mcp_small_mass_log(beam, energy):
    """m ≪ m_l: d(dσ/dx)/d ln m → −(2α/3π) dσ_V/dx(m_V → 0) (the pair's collinear log)."""
    m1, m2, x = 1e-7, 1e-6, 0.5
    d1 = float(ww.dsigma_dx(Process.make(beam, energy, "Pb", m1), x))
    d2 = float(ww.dsigma_dx(Process.make(beam, energy, "Pb", m2), x))
    v0 = float(ww.dsigma_dx(Process.make(beam, energy, "Pb", TINY / 10), x, model="dark-photon"))
    slope = (d1 - d2) / math.log(m2 / m1)
    assert slope == pytest.approx(2 * ALPHA / (3 * math.pi) * v0, rel=2e-3)


def test_inner_quadrature_converged():
    """The fixed angle/s rules agree with much finer ones to the advertised 1e-6."""
    fine_angle, fine_mass = ww._composite_gl(24, 16), ww._composite_gl(32, 16)
    for beam, energy, target, mass in [("e", 100.0, "Pb", 1e-6), ("mu", 160.0, "Pb", 0.01),
                                       ("e", 8.0, "Al", 0.3)]:
        p = Process.make(beam, energy, target, mass)
        x = np.array([2.2 * mass / energy, 0.05, 0.5, 0.9, 0.999, p.x_max_kinematic])
        x = x[(x > 2 * mass / energy) & (x <= p.x_max_kinematic)]
        args = (energy, p.lepton_mass, mass, x, 1 - x, p.target.Z, p.target.A)
        coarse = ww._pair_dsigma_dx(MCP, *args)
        fine = ww._pair_dsigma_dx(MCP, *args, fine_mass, fine_angle)
        np.testing.assert_allclose(coarse, fine, rtol=ww._INNER_RTOL)


def test_cross_section_equals_brute_force_and_is_fast():
    p = Process.make("mu", 160.0, "Pb", 0.05)
    start = time.perf_counter()
    sigma, err = ww.cross_section(p, 0.5, 1.0)
    assert time.perf_counter() - start < 0.5
    nodes, weights = ww._composite_gl(60, 10)
    a, b = math.log(p.lepton_mass / p.energy), math.log(0.5)
    omx = np.exp(a + (b - a) * nodes)
    brute = (b - a) * np.sum(ww.dsigma_dx(p, 1 - omx) * omx * weights)
    assert sigma == pytest.approx(brute, rel=1e-7)
    assert 0 < err < 1e-4 * sigma


@pytest.mark.parametrize(("beam", "energy", "target", "x_min"), [
    ("mu", 160.0, "Pb", 0.5), ("e", 8.0, "Al", 0.7),
])
@pytest.mark.parametrize("model", ["mcp", "dark-photon"])
def test_sigma_falls_with_mass(beam, energy, target, x_min, model):
    masses = [0.001, 0.01, 0.03, 0.1, 0.3, 1.0]
    sig = [ww.cross_section(Process.make(beam, energy, target, m), x_min, 1.0, model=model)[0]
           for m in masses]
    assert all(s > 0 for s in sig)
    assert all(a > b for a, b in itertools.pairwise(sig))


def test_paper_trends():
    """SPEC §8: σ_NA64μ ≈ σ_LDMX near 10 MeV, and σ_e falls faster than σ_μ towards 1 GeV."""
    mu = [ww.cross_section(Process.make("mu", 160.0, "Pb", m), 0.5, 1.0)[0] for m in (0.01, 1.0)]
    e = [ww.cross_section(Process.make("e", 8.0, "Al", m), 0.7, 1.0)[0] for m in (0.01, 1.0)]
    assert 0.5 < mu[0] / e[0] < 2.0
    assert e[1] / e[0] < 1e-2 * mu[1] / mu[0]


def test_x_endpoints():
    p = Process.make("e", 8.0, "Al", 0.01)
    x = np.array([0.5 * p.x_min_kinematic, p.x_min_kinematic, 0.9999, p.x_max_kinematic, 1.0])
    d = ww.dsigma_dx(p, x)
    assert d[0] == d[1] == d[4] == 0.0
    assert np.all(np.isfinite(d)) and d[2] > 0 and d[3] >= 0
    s1 = ww.cross_section(p, 0.7, 1.0)[0]
    s2 = ww.cross_section(p, 0.7, p.x_max_kinematic)[0]
    assert s1 == pytest.approx(s2, rel=1e-12)
    # a range below the pair threshold is closed, not an error
    assert ww.cross_section(p, 1e-4, 0.5 * p.x_min_kinematic) == (0.0, 0.0)


def test_additivity():
    p = Process.make("mu", 160.0, "Pb", 0.1)
    whole = ww.cross_section(p, 0.2, 0.9, rtol=1e-8)[0]
    parts = sum(ww.cross_section(p, a, b, rtol=1e-8)[0] for a, b in [(0.2, 0.5), (0.5, 0.9)])
    assert whole == pytest.approx(parts, rel=1e-7)


def test_dsigma_dx_shape_preserved():
    p = Process.make("mu", 160.0, "Pb", 0.1)
    x = np.linspace(0.1, 0.9, 6).reshape(2, 3)
    assert ww.dsigma_dx(p, x).shape == (2, 3)
    assert np.ndim(ww.dsigma_dx(p, 0.5)) == 0


@pytest.mark.parametrize("x", [0.0, -0.1, 1.5, float("nan"), float("inf"), "abc", [0.5, 2.0]])
def test_bad_x(x):
    p = Process.make("mu", 160.0, "Pb", 0.1)
    with pytest.raises(InputError):
        ww.dsigma_dx(p, x)


@pytest.mark.parametrize(("x_min", "x_max"), [(0.5, 0.4), (0.0, 0.5), (0.5, 1.2), (-1, 0.5),
                                              ("a", 0.5), (0.5, float("nan"))])
def test_bad_x_range(x_min, x_max):
    p = Process.make("mu", 160.0, "Pb", 0.1)
    with pytest.raises(InputError):
        ww.cross_section(p, x_min, x_max)


@pytest.mark.parametrize("rtol", [0.0, -1e-3, 0.5, "x", float("nan")])
def test_bad_rtol(rtol):
    p = Process.make("mu", 160.0, "Pb", 0.1)
    with pytest.raises(InputError):
        ww.cross_section(p, 0.5, 1.0, rtol=rtol)


def test_bad_model():
    p = Process.make("mu", 160.0, "Pb", 0.1)
    with pytest.raises(InputError, match="unknown model"):
        ww.dsigma_dx(p, 0.5, model="axion")
    with pytest.raises(InputError, match="unknown model"):
        ww.cross_section(p, 0.5, 1.0, model="ETL")
