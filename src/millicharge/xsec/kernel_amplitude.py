r"""Compiled (numba) contraction of the lepton current with the nucleus and vector tensors.

:func:`contraction_kernel` returns, event by event, the number that the numpy reference

.. code-block:: python

    reduced_contraction(lepton_current(p, pp, k, m, s), k, s, nucleus, t)

of :mod:`millicharge.amplitudes.matrix_elements` gives, with the same conventions and the
same numerically stable building blocks: spinors with √(E − |p|) = m/√(E + |p|), the
helicity states of :func:`millicharge.amplitudes.dirac._helicity_states` (1 ∓ cos θ from
p_T²), the propagator denominators from the stable dot product of
:mod:`millicharge.kinematics.lorentz` (whose :func:`~millicharge.kinematics.lorentz.one_minus_beta`
is compiled here as it is) and the Ward-reduced polarisation sum |J_⊥|² + (s/E_k²)|J_∥|².
It is a plain serial loop over events with the 4 × 4 complex algebra on small scratch
arrays allocated once. How this relates to the numpy path: :mod:`millicharge.xsec.kernels`.
"""

from __future__ import annotations

import math

import numpy as np

from millicharge.kinematics.lorentz import one_minus_beta
from millicharge.xsec.jit import (
    COMPLEX_ROWS,
    COMPLEXES,
    FLOAT,
    KERNEL,
    KERNEL_INLINE,
    REAL_ROWS,
    REALS,
)

__all__ = ["HELPER_SIGNATURES", "SIGNATURE", "STABLE_DOT_SIGNATURE", "contraction_kernel",
           "stable_dot_kernel"]

_one_minus_beta = KERNEL_INLINE(one_minus_beta)


@KERNEL
def stable_dot_kernel(a, mass_a, b, mass_b):
    """:func:`millicharge.kinematics.lorentz.stable_dot` for one pair of four-vectors."""
    ea, eb = a[0], b[0]
    oma = _one_minus_beta(ea, mass_a)
    omb = _one_minus_beta(eb, mass_b)
    one_minus_bb = oma + omb - oma * omb
    bb = (1.0 - oma) * (1.0 - omb)
    a1, a2, a3 = a[1], a[2], a[3]
    b1, b2, b3 = b[1], b[2], b[3]
    na = math.sqrt(a1 * a1 + a2 * a2 + a3 * a3)
    nb = math.sqrt(b1 * b1 + b2 * b2 + b3 * b3)
    dot = a1 * b1 + a2 * b2 + a3 * b3
    c1 = a2 * b3 - a3 * b2
    c2 = a3 * b1 - a1 * b3
    c3 = a1 * b2 - a2 * b1
    cross2 = c1 * c1 + c2 * c2 + c3 * c3
    nanb = na * nb
    if dot > 0:
        omc = cross2 / (nanb * (nanb + dot))
    else:
        omc = (nanb - dot) / nanb
    return ea * eb * (one_minus_bb + bb * omc)



@KERNEL
def _u_spinor(e, px, py, pz, mass, out):
    """dirac.u_spinor for one momentum: out[λ, :] for λ = +, − (out is (2, 4) complex)."""
    pabs = math.sqrt(px * px + py * py + pz * pz)
    root_plus = math.sqrt(e + pabs)
    root_minus = mass / root_plus
    # dirac._helicity_states
    pt2 = px * px + py * py
    pabs_h = math.sqrt(pt2 + pz * pz)
    if pz >= 0:
        one_minus = pt2 / (pabs_h + abs(pz))
        one_plus = pabs_h + pz
    else:
        one_minus = pabs_h - pz
        one_plus = pt2 / (pabs_h + abs(pz))
    cos_half = math.sqrt(one_plus / (2 * pabs_h))
    sin_half = math.sqrt(one_minus / (2 * pabs_h))
    pt = math.sqrt(pt2)
    if pt > 0:  # (px + i py)/pt, numpy's complex division: times 1/pt
        rpt = 1.0 / pt
        ph_re, ph_im = px * rpt, py * rpt
    else:
        ph_re, ph_im = 1.0, 0.0
    x00 = complex(cos_half, 0.0)
    x01 = complex(ph_re * sin_half, ph_im * sin_half)
    x10 = complex(-ph_re * sin_half, ph_im * sin_half)  # −conj(phase)·sin
    x11 = complex(cos_half, 0.0)
    out[0, 0] = root_minus * x00
    out[0, 1] = root_minus * x01
    out[0, 2] = root_plus * x00
    out[0, 3] = root_plus * x01
    out[1, 0] = root_plus * x10
    out[1, 1] = root_plus * x11
    out[1, 2] = root_minus * x10
    out[1, 3] = root_minus * x11


@KERNEL
def _propagator(q0, q1, q2, q3, mass, denom, out):
    """(q̸ + m)/D as a 4 × 4 complex matrix (Weyl basis)."""
    for a in range(4):
        for b in range(4):
            out[a, b] = 0.0
    # numpy divides complex by the real D (promoted to complex) as multiplication by
    # 1/D; do the same so the two paths round identically.
    r = 1.0 / denom
    # upper-right block q⁰ − q⃗·σ, lower-left q⁰ + q⃗·σ; diagonal m.
    out[0, 0] = mass * r
    out[1, 1] = mass * r
    out[2, 2] = mass * r
    out[3, 3] = mass * r
    out[0, 2] = (q0 - q3) * r
    out[0, 3] = complex(-q1 * r, q2 * r)
    out[1, 2] = complex(-q1 * r, -q2 * r)
    out[1, 3] = (q0 + q3) * r
    out[2, 0] = (q0 + q3) * r
    out[2, 1] = complex(q1 * r, -q2 * r)
    out[3, 0] = complex(q1 * r, q2 * r)
    out[3, 1] = (q0 - q3) * r


@KERNEL_INLINE
def _times_i(z):
    """i·z, exactly as numpy's (0 + 1j)·z."""
    return complex(-z.imag, z.real)


@KERNEL
def _gamma_times(v, out):
    """out[μ, :] = γ^μ v (the sparse Weyl-basis γ's written out; exact)."""
    v0, v1, v2, v3 = v[0], v[1], v[2], v[3]
    out[0, 0], out[0, 1], out[0, 2], out[0, 3] = v2, v3, v0, v1
    out[1, 0], out[1, 1], out[1, 2], out[1, 3] = v3, v2, -v1, -v0
    out[2, 0], out[2, 1] = -_times_i(v3), _times_i(v2)
    out[2, 2], out[2, 3] = _times_i(v1), -_times_i(v0)
    out[3, 0], out[3, 1], out[3, 2], out[3, 3] = v2, -v3, -v0, v1


@KERNEL
def _times_gamma(w, out):
    """out[μ, :] = w γ^μ for a row spinor w (sparse γ's written out; exact)."""
    w0, w1, w2, w3 = w[0], w[1], w[2], w[3]
    out[0, 0], out[0, 1], out[0, 2], out[0, 3] = w2, w3, w0, w1
    out[1, 0], out[1, 1], out[1, 2], out[1, 3] = -w3, -w2, w1, w0
    out[2, 0], out[2, 1] = -_times_i(w3), _times_i(w2)
    out[2, 2], out[2, 3] = _times_i(w1), -_times_i(w0)
    out[3, 0], out[3, 1], out[3, 2], out[3, 3] = -w2, w3, w0, -w1


@KERNEL_INLINE
def _rdot3(b0, b1, b2, c0, c1, c2):
    """b0 c0 + b1 c1 + b2 c2 for real b, complex c (real × complex written out: exact)."""
    return complex(
        b0 * c0.real + b1 * c1.real + b2 * c2.real, b0 * c0.imag + b1 * c1.imag + b2 * c2.imag
    )


@KERNEL
def _prop_times(sm, v, out):
    """out = S v for S = (q̸ + m)/D, skipping the entries of S that are exactly zero.

    S = [[m/D, 0, A00, A01], [0, m/D, A10, A11], [B00, B01, m/D, 0], [B10, B11, 0, m/D]].
    """
    v0, v1, v2, v3 = v[0], v[1], v[2], v[3]
    out[0] = sm[0, 0] * v0 + sm[0, 2] * v2 + sm[0, 3] * v3
    out[1] = sm[1, 1] * v1 + sm[1, 2] * v2 + sm[1, 3] * v3
    out[2] = sm[2, 0] * v0 + sm[2, 1] * v1 + sm[2, 2] * v2
    out[3] = sm[3, 0] * v0 + sm[3, 1] * v1 + sm[3, 3] * v3


@KERNEL
def contraction_kernel(p, pp, k, s, nucleus, t, lepton_mass):
    """C per event, equal to reduced_contraction(lepton_current(...), ...); float64 (N,).

    ``p``, ``pp``, ``k``, ``nucleus`` are (N, 4) float64 arrays (incoming lepton,
    outgoing lepton, vector with k² = s, incoming nucleus); ``s`` and ``t`` are (N,).
    """
    n = p.shape[0]
    m = lepton_mass
    result = np.empty(n)
    u = np.empty((2, 4), dtype=np.complex128)
    uo = np.empty((2, 4), dtype=np.complex128)
    ubar = np.empty((2, 4), dtype=np.complex128)
    s1 = np.empty((4, 4), dtype=np.complex128)
    s2 = np.empty((4, 4), dtype=np.complex128)
    gu = np.empty((2, 4, 4), dtype=np.complex128)  # [h, μ, a] = (γ^μ u_h)_a
    row = np.empty((2, 4, 4), dtype=np.complex128)  # [g, α, b] = (ū'_g γ^α)_b
    s1gu = np.empty((2, 4, 4), dtype=np.complex128)
    s2gu = np.empty((2, 4, 4), dtype=np.complex128)
    cur = np.empty((4, 4), dtype=np.complex128)  # J^{αμ} for one helicity pair
    basis = np.empty((3, 3))
    q = np.empty(4)
    for ev in range(n):
        sv = s[ev]
        root_s = math.sqrt(sv)
        d1 = 2.0 * stable_dot_kernel(pp[ev], m, k[ev], root_s) + sv
        d2 = sv - 2.0 * stable_dot_kernel(p[ev], m, k[ev], root_s)
        for i in range(4):
            q[i] = pp[ev, i] + k[ev, i]
        _propagator(q[0], q[1], q[2], q[3], m, d1, s1)
        for i in range(4):
            q[i] = p[ev, i] - k[ev, i]
        _propagator(q[0], q[1], q[2], q[3], m, d2, s2)
        _u_spinor(p[ev, 0], p[ev, 1], p[ev, 2], p[ev, 3], m, u)
        _u_spinor(pp[ev, 0], pp[ev, 1], pp[ev, 2], pp[ev, 3], m, uo)
        for h in range(2):  # ū = u† γ⁰ swaps the chiral halves
            ubar[h, 0] = uo[h, 2].conjugate()
            ubar[h, 1] = uo[h, 3].conjugate()
            ubar[h, 2] = uo[h, 0].conjugate()
            ubar[h, 3] = uo[h, 1].conjugate()
        for h in range(2):
            _gamma_times(u[h], gu[h])
            _times_gamma(ubar[h], row[h])
        for h in range(2):
            for mu in range(4):
                _prop_times(s1, gu[h, mu], s1gu[h, mu])
                _prop_times(s2, gu[h, mu], s2gu[h, mu])
        # Polarisation basis: ê₁, ê₂ ⊥ k̂ and (√s/E_k) k̂.
        kx, ky, kz = k[ev, 1], k[ev, 2], k[ev, 3]
        kabs = math.sqrt(kx * kx + ky * ky + kz * kz)
        hx, hy, hz = kx / kabs, ky / kabs, kz / kabs
        if abs(hy) < 0.9:
            a0, a1, a2 = 0.0, 1.0, 0.0
        else:
            a0, a1, a2 = 1.0, 0.0, 0.0
        e1x = a1 * hz - a2 * hy
        e1y = a2 * hx - a0 * hz
        e1z = a0 * hy - a1 * hx
        norm = math.sqrt(e1x * e1x + e1y * e1y + e1z * e1z)
        e1x, e1y, e1z = e1x / norm, e1y / norm, e1z / norm
        basis[0, 0], basis[0, 1], basis[0, 2] = e1x, e1y, e1z
        basis[1, 0] = hy * e1z - hz * e1y
        basis[1, 1] = hz * e1x - hx * e1z
        basis[1, 2] = hx * e1y - hy * e1x
        scale = math.sqrt(sv) / k[ev, 0]
        basis[2, 0], basis[2, 1], basis[2, 2] = hx * scale, hy * scale, hz * scale
        n0, n1, n2, n3 = nucleus[ev, 0], -nucleus[ev, 1], -nucleus[ev, 2], -nucleus[ev, 3]
        tv = t[ev]
        total = 0.0
        for h in range(2):
            for g in range(2):
                # J^{αμ} = ū'γ^α S₁ γ^μ u + ū'γ^μ S₂ γ^α u  (α = 1..3 needed)
                for al in range(1, 4):
                    for mu in range(4):
                        acc1 = 0j
                        acc2 = 0j
                        for b in range(4):
                            acc1 += row[g, al, b] * s1gu[h, mu, b]
                            acc2 += row[g, mu, b] * s2gu[h, al, b]
                        cur[al, mu] = acc1 + acc2
                for ia in range(3):
                    b0, b1, b2 = basis[ia, 0], basis[ia, 1], basis[ia, 2]
                    j0 = _rdot3(b0, b1, b2, cur[1, 0], cur[2, 0], cur[3, 0])
                    j1 = _rdot3(b0, b1, b2, cur[1, 1], cur[2, 1], cur[3, 1])
                    j2 = _rdot3(b0, b1, b2, cur[1, 2], cur[2, 2], cur[3, 2])
                    j3 = _rdot3(b0, b1, b2, cur[1, 3], cur[2, 3], cur[3, 3])
                    pj = complex(
                        j0.real * n0 + j1.real * n1 + j2.real * n2 + j3.real * n3,
                        j0.imag * n0 + j1.imag * n1 + j2.imag * n2 + j3.imag * n3,
                    )
                    jj = (
                        (j0.real * j0.real + j0.imag * j0.imag)
                        - (j1.real * j1.real + j1.imag * j1.imag)
                        - (j2.real * j2.real + j2.imag * j2.imag)
                        - (j3.real * j3.real + j3.imag * j3.imag)
                    )
                    total += 8.0 * (pj.real * pj.real + pj.imag * pj.imag) - 2.0 * tv * jj
        result[ev] = total
    return result


STABLE_DOT_SIGNATURE = (REALS, FLOAT, REALS, FLOAT)
""":func:`stable_dot_kernel`'s argument types, as both kernels call it."""
HELPER_SIGNATURES = {
    _u_spinor: (FLOAT, FLOAT, FLOAT, FLOAT, FLOAT, COMPLEX_ROWS),
    _propagator: (FLOAT, FLOAT, FLOAT, FLOAT, FLOAT, FLOAT, COMPLEX_ROWS),
    _gamma_times: (COMPLEXES, COMPLEX_ROWS),
    _times_gamma: (COMPLEXES, COMPLEX_ROWS),
    _prop_times: (COMPLEX_ROWS, COMPLEXES, COMPLEXES),
}
"""The argument types with which :func:`contraction_kernel` calls its compiled helpers (so
that they can be compiled ahead of it, apart: :func:`millicharge.xsec.kernels.warm_up`)."""
SIGNATURE = (REAL_ROWS, REAL_ROWS, REAL_ROWS, REALS, REAL_ROWS, REALS, FLOAT)
""":func:`contraction_kernel`'s argument types, as :func:`millicharge.xsec.kernels.contraction`
calls it."""
