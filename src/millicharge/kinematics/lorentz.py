r"""Four-vector helpers shared by the phase space, the matrix elements and the kernels.

A four-vector is an array whose last axis is (E, p_x, p_y, p_z); the metric is
(+, −, −, −) (Peskin & Schroeder, Sec. 3.3). Each quantity that vanishes in the collinear
limit is built from positive terms, so it keeps its digits for θ ~ m/E ≪ 1:

* 1 − β = m²/(E(E + |p|)) (:func:`one_minus_beta`),
* 1 − cos θ_ab = |a⃗ × b⃗|²/(|a||b|(|a||b| + a⃗·b⃗)) for a⃗·b⃗ > 0 (:func:`one_minus_cos`),
* a·b = E_a E_b [(1 − β_a β_b) + β_a β_b (1 − cos θ_ab)] (:func:`stable_dot`).

:func:`one_minus_beta` is written with plain arithmetic so that the compiled kernels
(:mod:`millicharge.xsec.kernels`) compile this very function.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["METRIC", "METRIC_DIAG", "lower", "one_minus_beta", "one_minus_cos", "stable_dot"]

METRIC_DIAG: NDArray[np.float64] = np.array([1.0, -1.0, -1.0, -1.0])
"""The diagonal of g_μν = diag(1, −1, −1, −1): ``p * METRIC_DIAG`` lowers an index."""

METRIC: NDArray[np.float64] = np.diag(METRIC_DIAG)
"""g_μν = diag(1, −1, −1, −1)."""


def lower(p: NDArray) -> NDArray:
    """p_μ = g_μν p^ν for an array of four-vectors (last axis)."""
    return p * METRIC_DIAG


def one_minus_beta(energy, mass):
    """1 − β = m² / (E (E + |p|)), without the cancellation of 1 − |p|/E.

    Takes floats or arrays (and compiles with numba: plain arithmetic only).

    >>> float(one_minus_beta(160.0, 0.1056583755)) < 1e-6
    True
    >>> round(float(one_minus_beta(2.0, np.sqrt(3.0))), 12)  # β = 1/2
    0.5
    """
    mass_sq = mass * mass
    p = np.sqrt(np.maximum(energy * energy - mass_sq, 0.0))
    return mass_sq / (energy * (energy + p))


def one_minus_cos(a3: NDArray, b3: NDArray) -> NDArray:
    """1 − cos∠(a⃗, b⃗) from |a⃗×b⃗|² when the angle is small (no cancellation)."""
    na = np.sqrt(np.sum(a3 * a3, axis=-1))
    nb = np.sqrt(np.sum(b3 * b3, axis=-1))
    dot = np.sum(a3 * b3, axis=-1)
    cross2 = np.sum(np.cross(a3, b3) ** 2, axis=-1)
    nanb = na * nb
    with np.errstate(invalid="ignore", divide="ignore"):
        small = cross2 / (nanb * (nanb + dot))
        large = (nanb - dot) / nanb
    return np.where(dot > 0, small, large)


def stable_dot(a: NDArray, mass_a: NDArray | float, b: NDArray,
               mass_b: NDArray | float) -> NDArray:
    """a·b for on-shell momenta of masses m_a, m_b, as a sum of positive terms.

    a·b = E_a E_b [(1 − β_a β_b) + β_a β_b (1 − cos θ_ab)] with 1 − β from
    :func:`one_minus_beta`, so 2p·k − s (the propagators D₁, D₂) keeps its digits when
    θ_ab ~ m/E ≪ 1.

    >>> a = np.array([100.0, 0, 0, np.sqrt(100.0**2 - 0.1**2)])
    >>> b = np.array([50.0, 0.01, 0, np.sqrt(50.0**2 - 0.2**2 - 0.01**2)])
    >>> bool(np.isclose(stable_dot(a, 0.1, b, 0.2), 100*50 - a[3]*b[3] - 0.0, rtol=1e-6))
    True
    """
    ea, eb = a[..., 0], b[..., 0]
    oma = one_minus_beta(ea, np.asarray(mass_a))
    omb = one_minus_beta(eb, np.asarray(mass_b))
    one_minus_bb = oma + omb - oma * omb
    bb = (1.0 - oma) * (1.0 - omb)
    return ea * eb * (one_minus_bb + bb * one_minus_cos(a[..., 1:], b[..., 1:]))
