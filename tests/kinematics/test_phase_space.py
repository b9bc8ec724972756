"""The lab phase-space map against an independent two-body × one-body construction."""

from __future__ import annotations

import numpy as np
import pytest
import vegas
from scipy import integrate

from millicharge.core.constants import M_E, M_MU
from millicharge.kinematics.phase_space import (
    map_pair_mass,
    map_x,
    three_body_events,
    two_body_decay,
)
from millicharge.kinematics.process import kallen


def _reference_volume(energy, m, big_m, s, x_lo, x_hi):
    """∫ dΦ₃ / (4M|p|) as ∫ d³k/((2π)³2E_k) · Φ₂(Q²; m, M), Φ₂ = λ^{1/2}/(8πQ²)."""
    pabs = np.sqrt(energy**2 - m**2)

    def inner(cos_th, x):
        ek = x * energy
        kabs = np.sqrt(ek**2 - s)
        q0 = energy + big_m - ek
        q2 = q0**2 - (pabs**2 + kabs**2 - 2 * pabs * kabs * cos_th)
        if q2 <= (big_m + m) ** 2:
            return 0.0
        phi2 = np.sqrt(kallen(q2, m * m, big_m * big_m)) / (8 * np.pi * q2)
        return 2 * np.pi * kabs * energy / (2 * (2 * np.pi) ** 3) * phi2

    val, _ = integrate.dblquad(inner, x_lo, x_hi, -1.0, 1.0, epsrel=1e-7)
    return val / (4 * big_m * pabs)


@pytest.mark.parametrize(
    ("energy", "m", "big_m", "s"),
    [(8.0, M_E, 25.0, 0.01), (160.0, M_MU, 190.0, 0.04), (2.0, M_MU, 5.0, 0.09)],
)
def test_three_body_volume(energy, m, big_m, s):
    x_lo, x_hi = 0.3, 0.9

    def f(u):
        x, jac = map_x(u[:, 0], x_lo, x_hi)
        n = len(x)
        ev = three_body_events(
            energy, m, big_m, x, np.full(n, s), u[:, 1], u[:, 2], 2 * np.pi * u[:, 3]
        )
        return ev.weight * jac

    integ = vegas.Integrator(4 * [[0, 1]], ran_array_generator=np.random.default_rng(3).random)
    integ(vegas.lbatchintegrand(f), nitn=5, neval=20000)
    r = integ(vegas.lbatchintegrand(f), nitn=5, neval=40000)
    ref = _reference_volume(energy, m, big_m, s, x_lo, x_hi)
    assert abs(r.mean - ref) < 4 * r.sdev + 1e-6 * ref


def test_t_limits_bracket_the_two_body_range():
    """t₊ − t₋ = 2M|Q⃗|λ^{1/2}(Q², m², M²)/Q² (two-body kinematics in the Q rest frame)."""
    energy, m, big_m = 50.0, M_MU, 100.0
    rng = np.random.default_rng(0)
    n = 50
    x = rng.uniform(0.1, 0.95, n)
    s = np.full(n, 0.01)
    ev_lo = three_body_events(energy, m, big_m, x, s, rng.random(n), np.zeros(n), np.zeros(n))
    # u_ρ is random in ev_lo; rebuild ev_hi with the same ρ by inverting the map.
    ev_hi = three_body_events(
        energy, m, big_m, x, s, _u_rho_of(ev_lo, energy, m, x, s), np.ones(n), np.zeros(n)
    )
    q = ev_lo.p + ev_lo.nucleus - ev_lo.k
    q2 = q[:, 0] ** 2 - np.sum(q[:, 1:] ** 2, axis=1)
    qabs = np.sqrt(np.sum(q[:, 1:] ** 2, axis=1))
    expected = 2 * big_m * qabs * np.sqrt(kallen(q2, m * m, big_m * big_m)) / q2
    np.testing.assert_allclose(ev_hi.t - ev_lo.t, expected, rtol=1e-6)
    # t₋ is the recoil pointing along Q⃗: the outgoing lepton then has no momentum
    # transverse to Q⃗ either.
    assert np.all(ev_lo.t > 0)


def _u_rho_of(ev, energy, m, x, s):
    """Invert the ρ map for the vector direction of ``ev`` (for reuse in a second call)."""
    rho0 = (m * m * x * x + s * (1.0 - x)) / (2.0 * x * x * energy * energy)
    kabs = np.sqrt(np.sum(ev.k[:, 1:] ** 2, axis=1))
    rho = 1.0 - ev.k[:, 3] / kabs
    c = 2.0 / (rho0 * (2.0 + rho0))
    return rho / (c * rho0 * (rho0 + rho))


def test_pair_mass_map_covers_its_range():
    u = np.linspace(0.0, 1.0, 11)
    s, _ = map_pair_mass(u, 4e-4, np.full(11, 64.0), 4e-4)
    np.testing.assert_allclose([s[0], s[-1]], [4e-4, 64.0], rtol=1e-9)
    # the Jacobian is the derivative ds/du
    h = 1e-7
    uu = np.array([0.1, 0.5, 0.9, 0.999])
    s_p, _ = map_pair_mass(uu + h, 4e-4, np.full(4, 64.0), 4e-4)
    s_m, _ = map_pair_mass(uu - h, 4e-4, np.full(4, 64.0), 4e-4)
    _, j = map_pair_mass(uu, 4e-4, np.full(4, 64.0), 4e-4)
    np.testing.assert_allclose((s_p - s_m) / (2 * h), j, rtol=1e-5)


def test_two_body_decay_momenta():
    k = np.array([[10.0, 0.3, -0.2, np.sqrt(100 - 0.13 - 1.0)]])
    s = np.array([1.0])
    k1, k2, dphi = two_body_decay(k, s, 0.3, np.array([0.4]), np.array([1.0]))
    np.testing.assert_allclose(k1 + k2, k, atol=1e-12)
    for v in (k1, k2):
        assert v[0, 0] ** 2 - np.sum(v[0, 1:] ** 2) == pytest.approx(0.09, rel=1e-9)
    assert dphi == pytest.approx(np.sqrt(1 - 4 * 0.09) / (32 * np.pi**2))
