r"""Compiled (numba) 2 → 3 phase space of l N → l N V: :func:`three_body_kernel`.

Event by event, the same formulas in the same rounding order as the numpy reference
:func:`millicharge.kinematics.phase_space.three_body_events` (maps and derivation in its
module docstring and docs/physics.md §3, §5.1). How this relates to the numpy path:
:mod:`millicharge.xsec.kernels`.
"""

from __future__ import annotations

import math

import numpy as np

from millicharge.xsec.jit import FLOAT, KERNEL, REALS
from millicharge.xsec.kernel_amplitude import stable_dot_kernel

__all__ = ["SIGNATURE", "three_body_kernel"]

_TWO_PI = 2.0 * math.pi
_TWO_PI_4 = _TWO_PI**4  # as phase_space computes TWO_PI**4 (Python float power)


@KERNEL
def three_body_kernel(energy, lepton_mass, nucleus_mass, x, s, u_rho, u_t, phi):
    """phase_space.three_body_events, event by event (same formulas and rounding order).

    Returns (p, pp, k, nucleus, recoil, t, weight) as float64 arrays.
    """
    m, big_m, e = lepton_mass, nucleus_mass, energy
    n = x.shape[0]
    pabs = math.sqrt(e * e - m * m)
    p = np.zeros((n, 4))
    pp = np.empty((n, 4))
    k = np.empty((n, 4))
    nucleus = np.zeros((n, 4))
    recoil = np.empty((n, 4))
    t_out = np.empty(n)
    weight = np.empty(n)
    pvec = np.empty(4)
    kvec = np.empty(4)
    big_m2 = big_m * big_m
    mm = m * m
    for i in range(n):
        xi, si = x[i], s[i]
        ek = xi * e
        kabs = math.sqrt(max(ek * ek - si, 0.0))
        rho0 = (mm * xi * xi + si * (1.0 - xi)) / (2.0 * xi * xi * e * e)
        c_rho = 2.0 / (rho0 * (2.0 + rho0))
        rho = u_rho[i] * c_rho * rho0 * rho0 / (1.0 - u_rho[i] * c_rho * rho0)
        if rho > 2.0:
            rho = 2.0
        jac_rho = (rho + rho0) * (rho + rho0) * c_rho
        sin_th = math.sqrt(rho * (2.0 - rho))
        cos_th = 1.0 - rho
        pvec[0], pvec[1], pvec[2], pvec[3] = e, 0.0, 0.0, pabs
        kvec[0], kvec[1], kvec[2], kvec[3] = ek, kabs * sin_th, 0.0, kabs * cos_th
        a = 2.0 * stable_dot_kernel(pvec, m, kvec, math.sqrt(si)) - si
        omega = e - ek
        p_minus_k = (e * e - mm - ek * ek + si) / (pabs + kabs)
        qz = p_minus_k + kabs * rho
        qx = -kabs * sin_th
        qabs2 = qz * qz + qx * qx
        qabs = math.sqrt(qabs2)
        q2 = big_m * big_m + 2.0 * big_m * omega + mm - a
        b = 4.0 * qabs2 - 2.0 * a * (1.0 + omega / big_m)
        disc = b * b - 4.0 * a * a * q2 / big_m2
        allowed = (
            (disc > 0) and (b > 0) and (kabs > 0) and (q2 > (big_m + m) * (big_m + m)) and (a > 0)
        )
        if allowed:
            bpos = b + math.sqrt(disc)
        else:
            bpos = 1.0
        t_plus = bpos * big_m * big_m / (2.0 * q2)
        t_minus = 2.0 * a * a / bpos
        span_t = math.log(t_plus / t_minus) if allowed else 0.0
        tv = t_minus * math.exp(u_t[i] * span_t)
        t_minus_tmin = t_minus * math.expm1(u_t[i] * span_t)
        jac_t = tv * span_t
        precoil = math.sqrt(tv * (1.0 + tv / (4.0 * big_m * big_m)))
        denom = 2.0 * qabs * precoil
        cos_psi = (tv * (1.0 + omega / big_m) + a) / denom
        sin_psi = math.sqrt(max(q2 / big_m2 * t_minus_tmin * (t_plus - tv), 0.0)) / denom
        e3x, e3z = qx / qabs, qz / qabs
        e1x, e1z = qz / qabs, -qx / qabs
        sc = sin_psi * math.cos(phi[i])
        ss = sin_psi * math.sin(phi[i])
        rx = precoil * (sc * e1x + ss * 0.0 + cos_psi * e3x)
        ry = precoil * (sc * 0.0 + ss * 1.0 + cos_psi * 0.0)
        rz = precoil * (sc * e1z + ss * 0.0 + cos_psi * e3z)
        for j in range(4):
            k[i, j] = kvec[j]
        p[i, 0], p[i, 3] = e, pabs
        nucleus[i, 0] = big_m
        recoil[i, 0], recoil[i, 1], recoil[i, 2], recoil[i, 3] = (
            big_m + tv / (2.0 * big_m),
            rx,
            ry,
            rz,
        )
        pp[i, 0], pp[i, 1], pp[i, 2], pp[i, 3] = omega - tv / (2.0 * big_m), qx - rx, -ry, qz - rz
        allowed = allowed and pp[i, 0] > m
        if allowed:
            weight[i] = (
                e
                * kabs
                * jac_rho
                * jac_t
                * _TWO_PI
                / (16.0 * _TWO_PI_4 * big_m * qabs)
                / (4.0 * big_m * pabs)
            )
        else:
            weight[i] = 0.0
        t_out[i] = tv
    return p, pp, k, nucleus, recoil, t_out, weight



SIGNATURE = (FLOAT, FLOAT, FLOAT, REALS, REALS, REALS, REALS, REALS)
""":func:`three_body_kernel`'s argument types, as
:func:`millicharge.xsec.kernels.three_body_events_fast` calls it."""
