"""Track lengths of the shower's e± and photons above an energy, by a Laplace transform in
ln(E₀/E) inverted with Talbot's contour (all generations of Approximation A).

The theory, its references and its validation are described in
:mod:`millicharge.transport.shower`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from millicharge.core.errors import InputError
from millicharge.transport.cascade import FRACTION_MIN, Cascade, _component, _thickness

__all__ = ["track_length_cdf", "track_length_spectrum", "track_length_transform"]

# --------------------------------------------------------------------------------------
# Transforms and their inversion
# --------------------------------------------------------------------------------------


def _integrated_propagator(m: NDArray[np.complex128], length: float) -> NDArray[np.complex128]:
    """∫₀ᴸ exp(tM) dt for a batch of k×k matrices: top-right block of exp(L[[M, 1], [0, 0]])."""
    n, k, _ = m.shape
    big = np.zeros((n, 2 * k, 2 * k), dtype=complex)
    big[:, :k, :k] = m * length
    big[:, :k, k:] = np.eye(k) * length
    return scipy.linalg.expm(big)[:, :k, k:]


def track_length_transform(
    s: ArrayLike, thickness: float, component: str = "total", cascade: Cascade | None = None
) -> NDArray[np.complex128]:
    """T̃(s) = ∫ e^{−su} T(u) du of the track length over depth [0, L] (X₀), complex s.

    For an e⁻ or e⁺ beam (Approximation A is charge symmetric). See the module docstring.
    """
    length = _thickness(thickness)
    component = _component(component)
    cascade = cascade or Cascade()
    s = np.asarray(s, dtype=complex)
    shape = s.shape
    s = s.ravel()
    a, b, c, sigma0 = cascade.functions(s)
    if component == "primary":
        out = -np.expm1(-length * a) / a
    elif component == "primary-tsai":
        a_bh = cascade.c * np.log1p(s)
        out = -np.expm1(-length * a_bh) / a_bh
    elif component == "secondary1":
        m = np.zeros((s.size, 3, 3), dtype=complex)   # (primary, photons of it, their e±)
        m[:, 0, 0] = -a
        m[:, 1, 0] = b
        m[:, 1, 1] = -sigma0
        m[:, 2, 1] = c
        m[:, 2, 2] = -a
        out = _integrated_propagator(m, length)[:, 2, 0]
    else:
        m = np.zeros((s.size, 3, 3), dtype=complex)   # (primary, secondary e±, photons)
        m[:, 0, 0] = -a
        m[:, 1, 1] = -a
        m[:, 1, 2] = c
        m[:, 2, 0] = b
        m[:, 2, 1] = b
        m[:, 2, 2] = -sigma0
        prop = _integrated_propagator(m, length)[:, :, 0]
        if component == "total":
            out = prop[:, 0] + prop[:, 1]
        elif component == "secondary":
            out = prop[:, 1]
        elif component == "positron":
            out = 0.5 * prop[:, 1]
        else:  # photon
            out = prop[:, 2]
    return out.reshape(shape)


def _talbot_terms(u: NDArray[np.float64], terms: int) -> tuple[NDArray, NDArray]:
    """Fixed Talbot contour points s and weights γ for f(u) ≈ Σ Re[γ F(s)] (Abate–Valkó)."""
    k = np.arange(1, terms)
    theta = k * np.pi / terms
    cot = 1.0 / np.tan(theta)
    r = 2.0 * terms / (5.0 * u)                                  # shape (n,)
    s = np.concatenate([r[:, None] + 0j, r[:, None] * theta * (cot + 1j)], axis=1)
    sigma = theta + (theta * cot - 1.0) * cot
    w = np.concatenate([np.full((u.size, 1), 0.5 + 0j),
                        np.exp(s[:, 1:] * u[:, None]) * (1.0 + 1j * sigma)[None, :]], axis=1)
    w[:, 0] *= np.exp(r * u)
    return s, w * (r / terms)[:, None]


def _invert(transform: Callable[[NDArray], NDArray], u: NDArray[np.float64],
            power: int = 0) -> NDArray[np.float64]:
    """L⁻¹[T̃(s)/s^power](u) for u > 0 (fixed Talbot, 24 or 32 terms)."""
    out = np.zeros(u.shape)
    for terms, sel in ((24, u <= 3.0), (32, u > 3.0)):
        if not np.any(sel):
            continue
        s, w = _talbot_terms(u[sel], terms)
        vals = transform(s) / s**power
        out[sel] = np.real(np.sum(w * vals, axis=1))
    return out


def _fractions(values: ArrayLike) -> tuple[NDArray[np.float64], bool]:
    f = np.asarray(values, dtype=float)
    if np.any(~np.isfinite(f)) or np.any(f < FRACTION_MIN) or np.any(f > 1.0):
        raise InputError(f"energy fraction E/E0 must lie in [{FRACTION_MIN:g}, 1]")
    return np.atleast_1d(f), f.ndim == 0


def track_length_cdf(
    fraction: ArrayLike, thickness: float, component: str = "total",
    cascade: Cascade | None = None, order: int = 0,
) -> NDArray[np.float64] | float:
    """Track length (X₀) with energy in [fraction·E₀, E₀] over the depth [0, L].

    ``order`` j > 0 gives the iterated integral F_j(U) = ∫₀ᵁ (U − u)ʲ/j! T(u) du,
    U = ln(1/fraction) (the inverse transform of T̃/s^{j+1}).

    >>> round(float(track_length_cdf(0.5, 0.01, component="primary")) / 0.01, 4)
    0.9968
    """
    f, scalar = _fractions(fraction)
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 20:
        raise InputError(f"order must be an integer from 0 to 20, got {order!r}")
    length = _thickness(thickness)
    component = _component(component)
    u = -np.log(f)
    out = np.zeros(u.shape)
    pos = u > 0
    out[pos] = _invert(lambda s: track_length_transform(s, length, component, cascade),
                       u[pos], power=order + 1)
    return float(out[0]) if scalar else out


def track_length_spectrum(
    fraction: ArrayLike, thickness: float, component: str = "total",
    cascade: Cascade | None = None,
) -> NDArray[np.float64] | float:
    """E₀·dT/dE at E = fraction·E₀ (X₀ per unit energy fraction), fraction < 1.

    dT/dE in X₀/GeV is this divided by E₀. For a complete shower and E ≪ E₀,
    E²(dT/dE)/E₀ tends to Rossi's constant (0.437 for e±, 0.572 for photons with his
    c = 1.36; 0.4439 and 0.5707 for β = 0).
    """
    f, scalar = _fractions(fraction)
    if np.any(f >= 1.0):
        raise InputError("energy fraction must be < 1 for the spectrum (the primary has a "
                         "singular density at E0)")
    length = _thickness(thickness)
    component = _component(component)
    u = -np.log(f)
    out = _invert(lambda s: track_length_transform(s, length, component, cascade), u) / f
    return float(out[0]) if scalar else out
