r"""Compiled (numba) kernel for the hot path of the ETL integrand.

:func:`contraction_kernel` returns, event by event, the same number as

.. code-block:: python

    reduced_contraction(lepton_current(p, pp, k, m, s), k, s, nucleus, t)

from :mod:`millicharge.amplitudes.matrix_elements`, with the same conventions and the same
numerically stable building blocks: spinors with √(E − |p|) = m/√(E + |p|), the
helicity states of :func:`millicharge.amplitudes.dirac._helicity_states` (1 ∓ cos θ from p_T²),
the propagator denominators from :func:`millicharge.amplitudes.matrix_elements.stable_dot`, and the
Ward-reduced polarisation sum |J_⊥|² + (s/E_k²)|J_∥|². It is a plain serial loop over
events with the 4 × 4 complex algebra on small scratch arrays allocated once, compiled
without ``fastmath`` so the rounding is IEEE (no reassociation across the cancellations
that the stable forms avoid). The numpy path stays the reference used by the gauge- and
Lorentz-invariance tests; the two agree to ~1e-13 relative (tests/xsec/test_kernels.py).

``USE_KERNEL`` is the switch read by :func:`millicharge.xsec.etl.squared_amplitude`; it is
False (numpy path) when numba is not installed.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray


def _writable(folder: Path) -> bool:
    """True when files can be created in ``folder`` (made if missing), as numba needs."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _configure_cache_dir() -> str:
    """Where numba keeps the compiled kernels; sets ``NUMBA_CACHE_DIR`` if it must.

    A ``NUMBA_CACHE_DIR`` set by the user is respected. Otherwise numba writes next to this
    file (``__pycache__``) when that folder is writable; when it is not (a system-wide or
    read-only install), ``NUMBA_CACHE_DIR`` is set to ``$XDG_CACHE_HOME/millicharge/numba``
    (default ``~/.cache/millicharge/numba``). Must run before numba is imported.
    """
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if chosen:
        return chosen
    in_tree = Path(__file__).resolve().parent / "__pycache__"
    if _writable(in_tree):
        return str(in_tree)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    chosen = os.path.join(base, "millicharge", "numba")
    os.environ["NUMBA_CACHE_DIR"] = chosen
    if "numba" in sys.modules:  # imported before us: make numba re-read the variable
        from numba.core import config

        config.reload_config()
    return chosen


CACHE_DIR: str = _configure_cache_dir()
"""The folder holding numba's compiled kernels (see :func:`_configure_cache_dir`)."""

try:  # numba is optional: without it the numpy reference path is used.
    from numba import njit

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only without numba
    HAVE_NUMBA = False

    def njit(*args, **kwargs):
        """Identity decorator standing in for ``numba.njit``."""
        if args and callable(args[0]):
            return args[0]
        return lambda f: f


__all__ = [
    "CACHE_DIR",
    "HAVE_NUMBA",
    "USE_KERNEL",
    "contraction",
    "contraction_kernel",
    "contraction_numpy",
    "three_body_events_fast",
    "three_body_kernel",
    "warm_up",
]

USE_KERNEL: bool = HAVE_NUMBA
"""Use :func:`contraction_kernel` in :func:`millicharge.xsec.etl.squared_amplitude`."""

_TWO_PI = 2.0 * math.pi
_TWO_PI_4 = _TWO_PI**4  # as phase_space computes TWO_PI**4 (Python float power)


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def _one_minus_beta(energy, mass_sq):
    p = math.sqrt(max(energy * energy - mass_sq, 0.0))
    return mass_sq / (energy * (energy + p))


@njit(cache=True, fastmath=False, error_model="numpy")
def _stable_dot(a, mass_a_sq, b, mass_b_sq):
    """matrix_elements.stable_dot for one pair of four-vectors (masses squared given)."""
    ea, eb = a[0], b[0]
    oma = _one_minus_beta(ea, mass_a_sq)
    omb = _one_minus_beta(eb, mass_b_sq)
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


@njit(cache=True, fastmath=False, error_model="numpy")
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


@njit(cache=True, fastmath=False, error_model="numpy")
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


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def _times_i(z):
    """i·z, exactly as numpy's (0 + 1j)·z."""
    return complex(-z.imag, z.real)


@njit(cache=True, fastmath=False, error_model="numpy")
def _gamma_times(v, out):
    """out[μ, :] = γ^μ v (the sparse Weyl-basis γ's written out; exact)."""
    v0, v1, v2, v3 = v[0], v[1], v[2], v[3]
    out[0, 0], out[0, 1], out[0, 2], out[0, 3] = v2, v3, v0, v1
    out[1, 0], out[1, 1], out[1, 2], out[1, 3] = v3, v2, -v1, -v0
    out[2, 0], out[2, 1] = -_times_i(v3), _times_i(v2)
    out[2, 2], out[2, 3] = _times_i(v1), -_times_i(v0)
    out[3, 0], out[3, 1], out[3, 2], out[3, 3] = v2, -v3, -v0, v1


@njit(cache=True, fastmath=False, error_model="numpy")
def _times_gamma(w, out):
    """out[μ, :] = w γ^μ for a row spinor w (sparse γ's written out; exact)."""
    w0, w1, w2, w3 = w[0], w[1], w[2], w[3]
    out[0, 0], out[0, 1], out[0, 2], out[0, 3] = w2, w3, w0, w1
    out[1, 0], out[1, 1], out[1, 2], out[1, 3] = -w3, -w2, w1, w0
    out[2, 0], out[2, 1] = -_times_i(w3), _times_i(w2)
    out[2, 2], out[2, 3] = _times_i(w1), -_times_i(w0)
    out[3, 0], out[3, 1], out[3, 2], out[3, 3] = -w2, w3, w0, -w1


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def _rdot3(b0, b1, b2, c0, c1, c2):
    """b0 c0 + b1 c1 + b2 c2 for real b, complex c (real × complex written out: exact)."""
    return complex(
        b0 * c0.real + b1 * c1.real + b2 * c2.real, b0 * c0.imag + b1 * c1.imag + b2 * c2.imag
    )


@njit(cache=True, fastmath=False, error_model="numpy")
def _prop_times(sm, v, out):
    """out = S v for S = (q̸ + m)/D, skipping the entries of S that are exactly zero.

    S = [[m/D, 0, A00, A01], [0, m/D, A10, A11], [B00, B01, m/D, 0], [B10, B11, 0, m/D]].
    """
    v0, v1, v2, v3 = v[0], v[1], v[2], v[3]
    out[0] = sm[0, 0] * v0 + sm[0, 2] * v2 + sm[0, 3] * v3
    out[1] = sm[1, 1] * v1 + sm[1, 2] * v2 + sm[1, 3] * v3
    out[2] = sm[2, 0] * v0 + sm[2, 1] * v1 + sm[2, 2] * v2
    out[3] = sm[3, 0] * v0 + sm[3, 1] * v1 + sm[3, 3] * v3


@njit(cache=True, fastmath=False, error_model="numpy")
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
        mk_sq = root_s * root_s  # (√s)², as in the numpy path
        d1 = 2.0 * _stable_dot(pp[ev], m * m, k[ev], mk_sq) + sv
        d2 = sv - 2.0 * _stable_dot(p[ev], m * m, k[ev], mk_sq)
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


def contraction_numpy(p, pp, k, s, nucleus, t, lepton_mass) -> NDArray[np.float64]:
    """The numpy reference: reduced_contraction(lepton_current(...), ...)."""
    from millicharge.amplitudes.matrix_elements import lepton_current, reduced_contraction

    current = lepton_current(p, pp, k, lepton_mass, s)
    return reduced_contraction(current, k, s, nucleus, t)


def contraction(p, pp, k, s, nucleus, t, lepton_mass, use_kernel=None) -> NDArray[np.float64]:
    """C per event by the compiled kernel (default when numba exists) or numpy."""
    if use_kernel is None:
        use_kernel = USE_KERNEL
    if use_kernel and HAVE_NUMBA:
        warm_up()
        f8 = np.float64
        return contraction_kernel(
            np.ascontiguousarray(p, dtype=f8),
            np.ascontiguousarray(pp, dtype=f8),
            np.ascontiguousarray(k, dtype=f8),
            np.ascontiguousarray(s, dtype=f8),
            np.ascontiguousarray(nucleus, dtype=f8),
            np.ascontiguousarray(t, dtype=f8),
            float(lepton_mass),
        )
    return contraction_numpy(p, pp, k, s, nucleus, t, lepton_mass)


@njit(cache=True, fastmath=False, error_model="numpy")
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
        root_s = math.sqrt(si)
        a = 2.0 * _stable_dot(pvec, mm, kvec, root_s * root_s) - si
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


def three_body_events_fast(energy, lepton_mass, nucleus_mass, x, s, u_rho, u_t, phi):
    """Drop-in for phase_space.three_body_events through :func:`three_body_kernel`."""
    from millicharge.kinematics.phase_space import Events

    warm_up()
    f8 = np.float64
    s = np.ascontiguousarray(s, dtype=f8)
    p, pp, k, nucleus, recoil, t, weight = three_body_kernel(
        float(energy),
        float(lepton_mass),
        float(nucleus_mass),
        np.ascontiguousarray(x, dtype=f8),
        s,
        np.ascontiguousarray(u_rho, dtype=f8),
        np.ascontiguousarray(u_t, dtype=f8),
        np.ascontiguousarray(phi, dtype=f8),
    )
    return Events(p=p, pp=pp, k=k, nucleus=nucleus, recoil=recoil, s=s, t=t, weight=weight)


# ----------------------------------------------------------------- compile once, announced
_COMPILE_SECONDS = 5
"""Rough compile time of the two kernels: 3-4 s measured on a quiet machine, more under load."""

_warm: bool = False


def _compiled_cache_present() -> bool:
    """True when numba's cache holds a valid index for both kernels (same source).

    numba offers no public API for this; its index loader returns an empty mapping when
    the index is missing, from another numba version or for changed source. Any surprise
    counts as "absent", which at worst prints the announcement once too often.
    """
    try:
        return all(
            bool(kernel._cache._cache_file._load_index())
            for kernel in (contraction_kernel, three_body_kernel)
        )
    except Exception:  # private numba API: fail towards announcing
        return False


def warm_up() -> None:
    """Compile the kernels now (or load them from numba's cache), in this process.

    Called before worker processes fork, so that they inherit compiled kernels instead of
    each compiling its own, and on the first use of a kernel. When the compiled cache is
    absent it says so on stderr in one line before the wait. Does nothing without numba or
    after the first call.
    """
    global _warm
    if _warm or not HAVE_NUMBA:
        return
    _warm = True
    if not _compiled_cache_present():
        print(
            f"millicharge: compiling kernels, once: ~{_COMPILE_SECONDS} s "
            f"(cached in {CACHE_DIR})",
            file=sys.stderr,
            flush=True,
        )
    # one physical event (muon on lead at 160 GeV) in the exact array types of real calls
    one = np.full(1, 0.5)
    ev = three_body_kernel(160.0, 0.1056583755, 193.7, one, np.full(1, 0.01), one, one, one)
    p, pp, k, nucleus, _, t, _ = ev
    contraction_kernel(p, pp, k, np.full(1, 0.01), nucleus, t, 0.1056583755)
