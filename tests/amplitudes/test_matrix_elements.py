"""Amplitude-level checks of the exact |M|²: gauge and Lorentz invariance, polarisation sums."""

from __future__ import annotations

import numpy as np

from millicharge.amplitudes.matrix_elements import (
    check_current_conservation,
    contract_general,
    lepton_current,
    minus_g_polarisation,
    physical_polarisations,
    reduced_contraction,
)


def _norm(a, axes):
    return np.sqrt(np.sum(np.abs(a) ** 2, axis=axes))


def test_events_are_on_shell_and_conserve_momentum(events):
    ev, m = events
    total_in = ev.p + ev.nucleus
    total_out = ev.pp + ev.k + ev.recoil
    np.testing.assert_allclose(total_out, total_in, rtol=0, atol=1e-9 * ev.p[0, 0])
    mass2 = ev.pp[:, 0] ** 2 - np.sum(ev.pp[:, 1:] ** 2, axis=1)
    np.testing.assert_allclose(mass2, m * m, rtol=1e-6, atol=1e-9 * ev.p[0, 0])
    t = (
        -np.sum((ev.nucleus - ev.recoil)[:, 1:] ** 2 * -1, axis=1)
        - (ev.nucleus[:, 0] - ev.recoil[:, 0]) ** 2
    )
    np.testing.assert_allclose(t, ev.t, rtol=1e-6)


def test_gauge_invariance_vector_and_photon(events):
    """k_α J^{αμ} = 0 and q_μ J^{αμ} = 0: the vector's and the photon's Ward identities."""
    ev, m = events
    current = lepton_current(ev.p, ev.pp, ev.k, m, ev.s)
    q = ev.pp + ev.k - ev.p  # photon absorbed by the lepton
    k_dot, q_dot = check_current_conservation(current, ev.k, q)
    scale_k = _norm(current, (3, 4)) * ev.k[:, 0][:, None, None]
    scale_q = _norm(current, (3, 4)) * np.abs(q).max(axis=1)[:, None, None]
    assert np.all(_norm(k_dot, 3) < 1e-10 * scale_k)
    assert np.all(_norm(q_dot, 3) < 1e-8 * scale_q)
    # Control: contracting with a vector that is not k gives a clearly non-zero result.
    other = np.zeros_like(ev.k)
    other[:, 1] = other[:, 2] = ev.k[:, 0]
    bad, _ = check_current_conservation(current, other, q)
    assert np.median(_norm(bad, 3) / scale_k) > 1e-6


def test_minus_g_equals_physical_polarisations_and_reduced_form():
    from conftest import make_events

    ev, m = make_events("mu160-Pb")
    current = lepton_current(ev.p, ev.pp, ev.k, m, ev.s)
    n = len(ev.s)
    c_minus_g = contract_general(current, minus_g_polarisation(n), ev.nucleus, ev.t)
    c_phys = contract_general(current, physical_polarisations(ev.k, ev.s), ev.nucleus, ev.t)
    c_red = reduced_contraction(current, ev.k, ev.s, ev.nucleus, ev.t)
    # ε_L ~ E/√s makes the explicit sum lose ~(E/√s)²·1e-16 relative to −g.
    np.testing.assert_allclose(c_phys, c_minus_g, rtol=2e-4)
    np.testing.assert_allclose(c_red, c_minus_g, rtol=1e-6)
    assert np.all(c_red > 0)


def _boost(v, beta_vec):
    beta_vec = np.asarray(beta_vec, dtype=float)
    b2 = beta_vec @ beta_vec
    gamma = 1.0 / np.sqrt(1.0 - b2)
    bp = v[:, 1:] @ beta_vec
    e = gamma * (v[:, 0] - bp)
    vec = v[:, 1:] + ((gamma - 1.0) * bp / b2 - gamma * v[:, 0])[:, None] * beta_vec
    return np.concatenate([e[:, None], vec], axis=1)


def test_lorentz_invariance_of_squared_amplitude():
    """|M|² computed in a boosted frame (fresh spinors, helicity basis) is unchanged."""
    from conftest import make_events

    ev, m = make_events("e8-Al", n=100)
    n = len(ev.s)
    c_lab = contract_general(
        lepton_current(ev.p, ev.pp, ev.k, m, ev.s), minus_g_polarisation(n), ev.nucleus, ev.t
    )
    beta = [0.3, -0.2, 0.5]
    p, pp, k, big_p = (_boost(v, beta) for v in (ev.p, ev.pp, ev.k, ev.nucleus))
    c_boost = contract_general(
        lepton_current(p, pp, k, m, ev.s), minus_g_polarisation(n), big_p, ev.t
    )
    np.testing.assert_allclose(c_boost, c_lab, rtol=1e-6)
    assert not np.allclose(p, ev.p)  # the boost did something
