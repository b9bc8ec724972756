r"""Lab-frame phase space of l N → l N V (and of V → χχ̄), with VEGAS-friendly maps.

For the nucleus at rest, integrating the recoil two-body system exactly gives

.. math::

    d\Phi_3 = \frac{|\vec k|\, dE_k\, d\!\cos\theta_V\, dt\, d\varphi}{16 (2\pi)^4 M |\vec Q|},
    \qquad Q = p + P - k,

with t = −(P − P')² between the exact roots t± of the two-body constraint and φ the
azimuth of the recoil about Q⃗ (derivation: docs/physics.md §3). The variables are
mapped from the unit cube as described in docs/physics.md §5.1: x via ln(1 − x), ρ = 1 − cos θ_V via
1/(ρ + ρ₀) (flatter than ln(ρ + ρ₀) for the collinear peak), ρ₀ = (m_l²x² + s(1 − x))/(2x²E²),
t via ln t, φ uniform, and the pair
mass s via g = ln(s/(s + s₀)) (log-like below s₀ = max(m_l², 4m_χ²), 1/s-like above).
Every quantity that vanishes in the collinear limit (1 − β cos θ, t − t₋) is built
from positive terms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from millicharge.kinematics.lorentz import stable_dot
from millicharge.kinematics.process import transverse_basis

__all__ = ["Events", "map_pair_mass", "map_x", "three_body_events", "two_body_decay"]

TWO_PI = 2.0 * np.pi


@dataclass
class Events:
    """A batch of 2 → 3 events in the lab (nucleus at rest). Arrays over events."""

    p: NDArray  # incoming lepton (N, 4)
    pp: NDArray  # outgoing lepton
    k: NDArray  # vector / pair momentum, k² = s
    nucleus: NDArray  # incoming nucleus P = (M, 0, 0, 0)
    recoil: NDArray  # outgoing nucleus P'
    s: NDArray
    t: NDArray
    weight: NDArray  # dΦ₃ Jacobian / flux, GeV⁻² per |M|² unit; 0 outside phase space


def map_x(u: NDArray, x_lo: float, x_hi: float) -> tuple[NDArray, NDArray]:
    """x = 1 − exp(w), w uniform in [ln(1 − x_hi), ln(1 − x_lo)]; returns (x, dx/du)."""
    w_lo, w_hi = np.log1p(-x_hi), np.log1p(-x_lo)
    one_minus_x = np.exp(w_hi + (w_lo - w_hi) * (1.0 - u))
    return 1.0 - one_minus_x, one_minus_x * (w_hi - w_lo)


def map_pair_mass(u: NDArray, s_lo: NDArray | float, s_hi: NDArray, s0: float):
    """s from g = ln(s/(s + s₀)) uniform in [g(s_lo), g(s_hi)]; returns (s, ds/du)."""
    g_lo = np.log(s_lo / (s_lo + s0))
    g_hi = np.log(s_hi / (s_hi + s0))
    g = g_lo + (g_hi - g_lo) * u
    # s = s₀ e^g / (1 − e^g); −expm1(g) keeps 1 − e^g accurate as g → 0⁻.
    s = s0 * np.exp(g) / (-np.expm1(g))
    return s, (g_hi - g_lo) * s * (s + s0) / s0


def three_body_events(
    energy: float,
    lepton_mass: float,
    nucleus_mass: float,
    x: NDArray,
    s: NDArray,
    u_rho: NDArray,
    u_t: NDArray,
    phi: NDArray,
) -> Events:
    """Build lab momenta and the phase-space weight dΦ₃/(flux) per unit of the cube.

    The returned ``weight`` includes the flux 1/(4M|p⃗|), the Jacobians of the ρ and t
    maps and E (for dE_k = E dx), but not dx/du nor ds/du (applied by the caller).
    """
    m, big_m, e = lepton_mass, nucleus_mass, energy
    n = len(x)
    pabs = np.sqrt(e * e - m * m)
    ek = x * e
    kabs = np.sqrt(np.maximum(ek * ek - s, 0.0))
    # Vector angle: 1/(ρ + ρ₀) uniform on [1/(2 + ρ₀), 1/ρ₀] (flattens the collinear
    # peak dσ/dρ ∝ (ρ + ρ₀)⁻²); ρ = u c ρ₀² / (1 − u c ρ₀), c = 2/(ρ₀(2 + ρ₀)).
    rho0 = (m * m * x * x + s * (1.0 - x)) / (2.0 * x * x * e * e)
    c_rho = 2.0 / (rho0 * (2.0 + rho0))
    rho = np.minimum(u_rho * c_rho * rho0 * rho0 / (1.0 - u_rho * c_rho * rho0), 2.0)
    jac_rho = (rho + rho0) ** 2 * c_rho
    sin_th = np.sqrt(rho * (2.0 - rho))
    cos_th = 1.0 - rho

    p = np.zeros((n, 4))
    p[:, 0], p[:, 3] = e, pabs
    k = np.stack([ek, kabs * sin_th, np.zeros(n), kabs * cos_th], axis=1)
    a = 2.0 * stable_dot(p, m, k, np.sqrt(s)) - s  # 2p·k − s = −D₂ > 0
    omega = e - ek
    # Q⃗ = p⃗ − k⃗ ; |p| − |k| cos θ = (|p| − |k|) + |k| ρ without cancellation.
    p_minus_k = (e * e - m * m - ek * ek + s) / (pabs + kabs)
    qz = p_minus_k + kabs * rho
    qx = -kabs * sin_th
    qabs2 = qz * qz + qx * qx
    qabs = np.sqrt(qabs2)
    q2 = big_m * big_m + 2.0 * big_m * omega + m * m - a  # Q² = (p + P − k)²
    # t± are the roots of (Q²/M²) t² − b t + a² = 0 (cos ψ = ±1).
    b = 4.0 * qabs2 - 2.0 * a * (1.0 + omega / big_m)
    disc = b * b - 4.0 * a * a * q2 / (big_m * big_m)
    allowed = (disc > 0) & (b > 0) & (kabs > 0) & (q2 > (big_m + m) ** 2) & (a > 0)
    disc = np.where(allowed, disc, 1.0)
    bpos = np.where(allowed, b + np.sqrt(disc), 1.0)
    t_plus = bpos * big_m * big_m / (2.0 * q2)
    t_minus = 2.0 * a * a / bpos
    with np.errstate(invalid="ignore", divide="ignore"):
        span_t = np.where(allowed, np.log(t_plus / t_minus), 0.0)
    t = t_minus * np.exp(u_t * span_t)
    t_minus_tmin = t_minus * np.expm1(u_t * span_t)
    jac_t = t * span_t
    # Recoil direction: angle ψ to Q⃗ and azimuth φ about it.
    precoil = np.sqrt(t * (1.0 + t / (4.0 * big_m * big_m)))
    denom = 2.0 * qabs * precoil
    cos_psi = (t * (1.0 + omega / big_m) + a) / denom
    sin_psi = np.sqrt(np.maximum(q2 / big_m**2 * t_minus_tmin * (t_plus - t), 0.0)) / denom
    e3 = np.stack([qx, np.zeros(n), qz], axis=1) / qabs[:, None]
    e1 = np.stack([qz, np.zeros(n), -qx], axis=1) / qabs[:, None]
    e2 = np.zeros((n, 3))
    e2[:, 1] = 1.0
    rvec = precoil[:, None] * (
        (sin_psi * np.cos(phi))[:, None] * e1
        + (sin_psi * np.sin(phi))[:, None] * e2
        + cos_psi[:, None] * e3
    )
    recoil = np.concatenate([(big_m + t / (2.0 * big_m))[:, None], rvec], axis=1)
    qvec = np.stack([qx, np.zeros(n), qz], axis=1)
    pp = np.concatenate([(omega - t / (2.0 * big_m))[:, None], qvec - rvec], axis=1)
    nucleus = np.zeros((n, 4))
    nucleus[:, 0] = big_m
    allowed &= pp[:, 0] > m
    weight = np.where(
        allowed,
        e * kabs * jac_rho * jac_t * TWO_PI
        / (16.0 * TWO_PI**4 * big_m * qabs)
        / (4.0 * big_m * pabs),
        0.0,
    )
    return Events(p=p, pp=pp, k=k, nucleus=nucleus, recoil=recoil, s=s, t=t, weight=weight)


def two_body_decay(k: NDArray, s: NDArray, mass: float, cos_star: NDArray, phi_star: NDArray):
    """χ and χ̄ momenta from V(k) → χχ̄ with rest-frame angles (θ*, φ*) about k̂.

    Returns (k1, k2, dΦ₂/dΩ*) where dΦ₂ = β/(32π²) dΩ* (massive two-body phase space).
    """
    root_s = np.sqrt(s)
    beta = np.sqrt(np.maximum(1.0 - 4.0 * mass * mass / s, 0.0))
    e1, e2, khat = transverse_basis(k[:, 1:])
    kabs = np.sqrt(np.sum(k[:, 1:] ** 2, axis=-1))
    sin_star = np.sqrt(np.maximum(1.0 - cos_star**2, 0.0))
    half = 0.5 * root_s * beta
    gamma, gamma_beta = k[:, 0] / root_s, kabs / root_s
    out = []
    for sign in (1.0, -1.0):
        n_par = sign * half * cos_star
        perp = sign * half[:, None] * (
            (sin_star * np.cos(phi_star))[:, None] * e1
            + (sin_star * np.sin(phi_star))[:, None] * e2
        )
        energy = gamma * 0.5 * root_s + gamma_beta * n_par
        par = gamma * n_par + gamma_beta * 0.5 * root_s
        out.append(np.concatenate([energy[:, None], perp + par[:, None] * khat], axis=1))
    return out[0], out[1], beta / (32.0 * np.pi**2)
