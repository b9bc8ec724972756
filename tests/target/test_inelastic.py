"""The ``form_factor`` option: inelastic flux, its effect on σ (≈ 1/Z), "elastic" unchanged.

Expectations come from the formula typed in here (Tsai, Rev. Mod. Phys. 46 (1974) 815,
Eq. (3.39); Bjorken, Essig, Schuster, Toro, PRD 80 (2009) 075018, Eqs. (A18)–(A19)) and
integrated with scipy, not from the package's own form-factor code.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate

from conftest import make_events
from millicharge.core.constants import E_CHARGE_SQ, M_E, M_P
from millicharge.core.errors import InputError
from millicharge.kinematics.process import Process
from millicharge.target.formfactors import squared_form_factor
from millicharge.xsec import etl, ww
from millicharge.xsec.flux import inelastic_photon_flux, photon_flux, photon_flux_numeric

DMG4 = Path(__file__).parent.parent / "data" / "dmg4_dark_photon_etl_pb.csv"
BOTH = "elastic+inelastic"


def g2_el(t: float, z: float, a: float) -> float:
    """Z²F² of Bjorken et al. (A18) (the paper's Eq. 10), written out independently."""
    sa = 111.0 * z ** (-1 / 3) / M_E
    return z * z * (sa * sa * t / (1 + sa * sa * t)) ** 2 / (1 + t / (0.164 * a ** (-2 / 3))) ** 2


def g2_inel(t: float, z: float) -> float:
    """Bjorken et al. (A19), written out independently."""
    sa = 773.0 * z ** (-2 / 3) / M_E
    proton = (1 + t * (2.79**2 - 1) / (4 * M_P**2)) / (1 + t / 0.71) ** 4
    return z * (sa * sa * t / (1 + sa * sa * t)) ** 2 * proton**2


def chi_quad(g2, c: float, t_max: float) -> float:
    """∫ dt (t − c)/t² G₂(t) by adaptive quadrature in ln t."""

    def f(tau: float) -> float:
        t = math.exp(tau)
        return g2(t) * (1 - c / t)

    return integrate.quad(f, math.log(c), math.log(t_max), epsrel=1e-11, limit=400)[0]


# ------------------------------------------------------------------------------ flux


@pytest.mark.parametrize(("z", "a"), [(82, 207.0), (13, 27.0), (1, 1.0)])
@pytest.mark.parametrize(
    ("t_min", "t_max"),
    [(1e-16, 0.01), (1e-12, M_E**2), (1e-6, 0.0112), (1e-3, 0.0112), (0.0099, 0.01),
     (0.5, 2.0), (1e-9, 5.0)],
)
def test_inelastic_flux_closed_form_equals_quadrature(z, a, t_min, t_max):
    ref = chi_quad(lambda t: g2_inel(t, z), t_min, t_max)
    assert float(inelastic_photon_flux(t_min, t_max, z)) == pytest.approx(ref, rel=1e-9)
    total = photon_flux(t_min, t_max, z, a, BOTH)
    assert float(total) == pytest.approx(ref + chi_quad(lambda t: g2_el(t, z, a), t_min, t_max),
                                         rel=1e-9)
    assert float(photon_flux_numeric(t_min, t_max, z, a, BOTH)) == pytest.approx(total, rel=1e-7)


def test_flux_option_is_additive_and_elastic_is_untouched():
    c = np.array([0.0, 1e-12, 1e-6, 0.02])
    el = photon_flux(c, 0.01, 82, 207.0)
    np.testing.assert_array_equal(photon_flux(c, 0.01, 82, 207.0, "elastic"), el)
    both = photon_flux(c, 0.01, 82, 207.0, BOTH)
    np.testing.assert_allclose(both - el, inelastic_photon_flux(c, 0.01, 82), rtol=1e-12)
    assert both[-1] == 0.0 and np.all(both[:-1] > el[:-1])


def test_complete_screening_inelastic_log():
    """t_min → 0, 1/a'² ≪ t_max ≪ 0.71 GeV²: χ_inel/Z → ln(a'² t_max) − 1 (as for the elastic
    term with a → a'), so χ_inel/χ_el ≈ [ln(a'²t) − 1]/(Z[ln(a²t) − 1])."""
    z = 82
    ap2 = (773.0 * z ** (-2 / 3) / M_E) ** 2
    t_max = 1e4 / ap2
    chi = float(inelastic_photon_flux(0.0, t_max, z)) / z
    assert chi == pytest.approx(math.log(ap2 * t_max) - 1.0, abs=0.01)


# ------------------------------------------------------------------- amplitude level


@pytest.mark.parametrize("case", ["e8-Al", "mu160-Pb"])
def test_amplitude_ratio_is_the_g2_ratio(case):
    """Pointwise: |M|²(el+inel)/|M|²(el) = 1 + G₂^inel/(Z²F²) (same heavy-target tensor)."""
    ev, _ = make_events(case)
    energy, target = {"e8-Al": (8.0, "Al"), "mu160-Pb": (160.0, "Pb")}[case]
    proc = Process.make("e" if case.startswith("e") else "mu", energy, target, 0.001)
    z, a = proc.target.Z, proc.target.A
    big_m = proc.target.nucleus_mass
    el = etl.squared_amplitude(proc, ev, big_m)
    both = etl.squared_amplitude(proc, ev, big_m, form_factor=BOTH)
    expect = [1 + g2_inel(t, z) / g2_el(t, z, a) for t in ev.t]
    np.testing.assert_allclose(both / el, expect, rtol=1e-10)
    n = ev.t.size
    cos_star, phi_star = np.linspace(-0.9, 0.9, n), np.linspace(0.1, 6.0, n)
    d_el = etl._direct_pair_amplitude(proc, ev, big_m, cos_star, phi_star)
    d_both = etl._direct_pair_amplitude(proc, ev, big_m, cos_star, phi_star, BOTH)
    np.testing.assert_allclose(d_both / d_el, expect, rtol=1e-10)


def test_elastic_amplitude_is_bit_identical_to_the_paper_formula():
    """The default path still computes e⁶ Z² F² c/(4t²) with the same operations."""
    from millicharge.target.formfactors import elastic_form_factor
    from millicharge.xsec.kernels import contraction

    ev, m_l = make_events("e8-Al")
    proc = Process.make("e", 8.0, "Al", 0.01)
    big_m = proc.target.nucleus_mass
    c = contraction(ev.p, ev.pp, ev.k, ev.s, ev.nucleus, ev.t, m_l)
    ff = elastic_form_factor(ev.t, proc.target.Z, proc.target.A)
    old = E_CHARGE_SQ**3 * proc.target.Z**2 * ff**2 / (4.0 * ev.t**2) * c
    for kw in ({}, {"form_factor": "elastic"}):
        np.testing.assert_array_equal(
            etl.squared_amplitude(proc, ev, big_m, **kw), old)


def test_elastic_integrand_is_unchanged():
    proc = Process.make("mu", 160.0, "Pb", 0.05)
    u = np.random.default_rng(3).random((2000, 5))
    f0, _ = etl.make_integrand(proc, x_range=(0.5, 0.99))
    f1, _ = etl.make_integrand(proc, x_range=(0.5, 0.99), form_factor="elastic")
    f2, _ = etl.make_integrand(proc, x_range=(0.5, 0.99), form_factor=BOTH)
    np.testing.assert_array_equal(f0(u), f1(u))
    assert np.all(f2(u) >= f0(u)) and np.sum(f2(u)) > np.sum(f0(u))


# ---------------------------------------------------------------- cross-section level


def _ratio_band(z: float, a: float, t_max: float) -> tuple[float, float]:
    """Range of χ_tot/χ_el − 1 over t_min ∈ (0, t_max), by quadrature.

    The WW σ is ∫ w χ(t_min) with a positive weight, so σ_tot/σ_el − 1 lies in this band."""
    cs = np.geomspace(1e-18, 0.999 * t_max, 40)
    r = [chi_quad(lambda t: g2_inel(t, z), c, t_max)
         / chi_quad(lambda t: g2_el(t, z, a), c, t_max) for c in cs]
    return min(r), max(r)


@pytest.mark.parametrize(
    ("beam", "energy", "target", "mass"),
    [("e", 100.0, "Pb", 0.01), ("e", 100.0, "Al", 0.01), ("mu", 160.0, "Al", 0.01),
     ("mu", 160.0, "Pb", 0.1)],
)
def test_ww_change_lies_in_the_flux_ratio_band(beam, energy, target, mass):
    """WW dark photon: Δσ/σ from the option lies within the quadrature band of χ_inel/χ_el
    over t_min at t_max = m² + m_l² (a positive-weight average of that ratio). For electrons
    and t_max = m² ≪ d the band is ≈ 1/Z (Pb about 1.2–1.3 %, Al 8–9 %); a muon has
    t_max ≥ m_μ² ~ d, where G₂^inel/G₂^el grows with t and the band widens."""
    proc = Process.make(beam, energy, target, mass)
    z, a = proc.target.Z, proc.target.A
    lo, hi = _ratio_band(z, a, mass**2 + proc.lepton_mass**2)
    el = ww.cross_section(proc, 1e-6, 1.0, model="dark-photon")[0]
    both = ww.cross_section(proc, 1e-6, 1.0, model="dark-photon", form_factor=BOTH)[0]
    change = both / el - 1
    if beam == "e":
        assert 0.95 / z < lo and hi < 1.2 / z  # the band itself is ≈ 1/Z
    assert lo * (1 - 1e-4) <= change <= hi * (1 + 1e-4)


@pytest.mark.parametrize(
    ("target", "model", "energy"), [("Al", "dark-photon", 100.0), ("Al", "mcp", 8.0)]
)
def test_etl_change_is_about_one_over_z(target, model, energy):
    """ETL, electrons, 10 MeV: Δσ/σ agrees with the WW change (a different code path: the
    flux instead of |M|²) within 10 % of itself plus 3σ, and lies near 1/Z = 7.7 % (Al).
    Same seed for both runs; the error is taken as if uncorrelated (conservative)."""
    proc = Process.make("e", energy, target, 0.01)
    lo, hi = etl.x_limits(proc, 1e-6, 1.0, model)
    res = []
    for ff in ("elastic", BOTH):
        f, dim = etl.make_integrand(proc, x_range=(lo, hi), model=model, form_factor=ff)
        res.append(etl.integrate(f, dim, precision=2e-3, seed=4))
    change = res[1].value / res[0].value - 1
    err = math.hypot(res[0].error / res[0].value, res[1].error / res[1].value)
    w = [ww.cross_section(proc, lo, hi, model=model, form_factor=ff)[0]
         for ff in ("elastic", BOTH)]
    ww_change = w[1] / w[0] - 1
    assert abs(change - ww_change) < 0.1 * ww_change + 3 * err
    assert 1.0 / proc.target.Z < change < 1.3 / proc.target.Z


def _dmg4() -> dict[tuple[float, float], float]:
    with open(DMG4, encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {(float(r["energy_gev"]), float(r["mass_gev"])): float(r["sigma_pb"])
                for r in rows}


@pytest.mark.parametrize(("energy", "mass"), [(20.0, 0.02), (100.0, 0.1)])
def test_dark_photon_on_lead_matches_dmg4_etl_within_2_5_percent(energy, mass):
    """With the inelastic term, ETL σ(e⁻ Pb → e⁻ Pb A') over the whole x range matches DMG4's
    ETL table (tests/data/dmg4_dark_photon_etl_pb.csv, ε = 1e-4) within 2.5 %."""
    proc = Process.make("e", energy, "Pb", mass)
    lo, hi = etl.x_limits(proc, 1e-12, 1.0, "dark-photon")
    f, dim = etl.make_integrand(proc, x_range=(lo, hi), model="dark-photon", form_factor=BOTH)
    r = etl.integrate(f, dim, precision=2e-3, seed=0)
    ratio = r.value * 1e-8 / _dmg4()[(energy, mass)]
    assert abs(ratio - 1) < 0.025, ratio


# ------------------------------------------------------------------------ bad input


def test_unknown_form_factor_is_one_line_everywhere():
    proc = Process.make("e", 8.0, "Al", 0.01)
    calls = [
        lambda: etl.make_integrand(proc, x_range=(0.5, 0.9), form_factor="inelastic"),
        lambda: etl.event_momenta(proc, np.full((1, 5), 0.5), x_range=(0.5, 0.9),
                                  form_factor="inelastic"),
        lambda: ww.cross_section(proc, 0.5, 1.0, form_factor="inelastic"),
        lambda: ww.dsigma_dx(proc, [0.5], form_factor="inelastic"),
        lambda: photon_flux(1e-9, 1e-4, 13, 27.0, "inelastic"),
        lambda: squared_form_factor(1e-4, 13, 27.0, "inelastic"),
    ]
    for call in calls:
        with pytest.raises(InputError) as info:
            call()
        text = str(info.value)
        assert text == ("unknown form factor 'inelastic': allowed are 'elastic' and "
                        "'elastic+inelastic'")
