"""Folding σ(E) with the shower: the local missing-energy window of a degraded e±, the
quadrature rule over energy nodes and the effective thickness of a target.

The theory, its references and its validation are described in
:mod:`millicharge.transport.shower`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.polynomial import chebyshev as cheb
from numpy.typing import ArrayLike, NDArray

from millicharge.core.errors import InputError
from millicharge.transport.cascade import FRACTION_MIN, Cascade, _component, _real, _thickness
from millicharge.transport.track_length import _invert, track_length_transform

__all__ = ["ShowerFold", "ShowerRule", "effective_thickness", "local_window", "shower_rule"]

# --------------------------------------------------------------------------------------
# The fold over energy
# --------------------------------------------------------------------------------------


def local_window(fraction: ArrayLike, x_min: float, x_max: float = 1.0) -> tuple[
        NDArray[np.float64], NDArray[np.float64]]:
    """Local x window of an e± at E = fraction·E₀ for E_miss in [x_min E₀, x_max E₀].

    x_lo = x_min/fraction, x_hi = min(1, x_max/fraction); empty (x_lo ≥ x_hi) when
    fraction ≤ x_min.

    >>> lo, hi = local_window([1.0, 0.8], 0.5)
    >>> lo.tolist(), hi.tolist()
    ([0.5, 0.625], [1.0, 1.0])
    """
    f = np.asarray(fraction, dtype=float)
    return np.minimum(x_min / f, 1.0), np.minimum(x_max / f, 1.0)


@dataclass(frozen=True)
class ShowerFold:
    """Σ W_i σ_i: ``value`` (X₀ × σ units), ``quad_error`` |Q_n − Q_{n/2}| and
    ``stat_error`` Σ|W_i|·δσ_i (the nodes' Monte Carlo errors added linearly)."""

    value: float
    quad_error: float
    stat_error: float = 0.0
    n: int = 0

    @property
    def error(self) -> float:
        """Total error: quadrature and statistical, added linearly (conservative)."""
        return self.quad_error + self.stat_error


@dataclass(frozen=True)
class ShowerRule:
    """Nodes and weights of the energy fold (module docstring, :func:`shower_rule`).

    ``fraction``: E_i/E₀ (node 0 is 1, node n is x_min); ``x_lo``, ``x_hi``: the local
    windows; ``weights``: W_i in X₀; ``coarse_weights``: the nested n/2 rule (0 on odd
    nodes); ``open``: nodes whose window is not empty (the others contribute 0).
    """

    x_min: float
    x_max: float
    thickness: float
    component: str
    beta: float
    fraction: NDArray[np.float64] = field(repr=False)
    x_lo: NDArray[np.float64] = field(repr=False)
    x_hi: NDArray[np.float64] = field(repr=False)
    weights: NDArray[np.float64] = field(repr=False)
    coarse_weights: NDArray[np.float64] = field(repr=False)

    @property
    def open(self) -> NDArray[np.bool_]:
        """Nodes with a non-empty window."""
        return self.x_lo < self.x_hi

    def energies(self, e0: float) -> NDArray[np.float64]:
        """Node energies E_i in GeV for a beam of e0 GeV."""
        return self.fraction * float(e0)

    def fold(self, sigma: ArrayLike, sigma_error: ArrayLike | None = None) -> ShowerFold:
        """Σ W_i σ_i with its errors; σ at every node (values at closed nodes are ignored)."""
        sig = np.asarray(sigma, dtype=float)
        if sig.shape != self.weights.shape:
            raise InputError(f"sigma must have one value per node ({self.weights.size}), "
                             f"got shape {sig.shape}")
        sig = np.where(self.open, sig, 0.0)
        if np.any(~np.isfinite(sig)) or np.any(sig < 0):
            raise InputError("sigma must be finite and >= 0 at every open node")
        err = np.zeros_like(sig) if sigma_error is None else np.asarray(sigma_error, float)
        if err.shape != sig.shape or np.any(~np.isfinite(err)) or np.any(err < 0):
            raise InputError("sigma_error must be finite, >= 0, one value per node")
        value = float(self.weights @ sig)
        coarse = float(self.coarse_weights @ sig)
        stat = float(np.abs(self.weights) @ np.where(self.open, err, 0.0))
        return ShowerFold(value, abs(value - coarse), stat, self.weights.size - 1)


@lru_cache(maxsize=64)
def _rule_weights(x_min: float, thickness: float, n: int, component: str, beta: float,
                  gauss_points: int = 48) -> tuple[NDArray, NDArray, NDArray]:
    """(u nodes, weights, coarse weights) for the fold; see :func:`shower_rule`."""
    big_u = -math.log(x_min)
    cascade = Cascade(beta)

    def u_of(zeta: NDArray) -> NDArray:
        return big_u * (1.0 - (1.0 - zeta) ** 2)

    def transform(s: NDArray) -> NDArray:
        return track_length_transform(s, thickness, component, cascade)

    # ∫₀ᵁ T(u) g(ζ(u)) du = g(1) F(U) − ∫₀¹ F(u(ζ)) g'(ζ) dζ, with ζ = w³ (F ~ 1/|ln u| at 0)
    xg, wg = np.polynomial.legendre.leggauss(gauss_points)
    w = 0.5 * (xg + 1.0)
    zeta_g = w**3
    dzeta = 1.5 * w**2 * wg
    f_g = _invert(transform, u_of(zeta_g), power=1)
    f_end = float(_invert(transform, np.array([big_u]), power=1)[0])

    def weights(m: int) -> NDArray:
        zeta = 0.5 * (1.0 - np.cos(np.arange(m + 1) * np.pi / m))
        out = np.empty(m + 1)
        for i in range(m + 1):
            unit = np.zeros(m + 1)
            unit[i] = 1.0
            coef = cheb.chebfit(2.0 * zeta - 1.0, unit, m)
            dcoef = 2.0 * cheb.chebder(coef)
            out[i] = unit[m] * f_end - np.sum(dzeta * f_g * cheb.chebval(2 * zeta_g - 1, dcoef))
        return out

    zeta = 0.5 * (1.0 - np.cos(np.arange(n + 1) * np.pi / n))
    fine = weights(n)
    coarse = np.zeros(n + 1)
    coarse[::2] = weights(n // 2)
    return u_of(zeta), fine, coarse


def shower_rule(
    x_min: float, thickness: float, *, x_max: float = 1.0, n: int = 8,
    component: str = "total", cascade: Cascade | None = None,
) -> ShowerRule:
    """Energy nodes and weights W_i (X₀) with Σ W_i σ(E_i; window_i) ≈ ∫ dE (dT/dE) σ.

    The nodes depend only on x_min, n (even, 2–64) and not on the beam energy or the
    mass: E_i = fraction_i·E₀, local window from :func:`local_window`. For L → 0 the rule
    is W = (L, 0, …, 0): paper Eq. 4.
    """
    rule = "a number in [1e-4, 0.999]"
    x_min = _real("x_min", x_min, rule)
    if not FRACTION_MIN <= x_min <= 0.999:
        raise InputError(f"x_min must be {rule}, got {x_min!r}")
    x_max = _real("x_max", x_max, "a number in (x_min, 1]")
    if not x_min < x_max <= 1.0:
        raise InputError(f"x_max must be a number in (x_min, 1], got {x_max!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n % 2 or not 2 <= n <= 64:
        raise InputError(f"n must be an even integer from 2 to 64, got {n!r}")
    length = _thickness(thickness)
    component = _component(component)
    cascade = cascade or Cascade()
    u, w, wc = _rule_weights(x_min, length, n, component, cascade.beta)
    fraction = np.exp(-u)
    fraction[0] = 1.0
    fraction[-1] = x_min
    lo, hi = local_window(fraction, x_min, x_max)
    lo[0] = x_min
    return ShowerRule(x_min, x_max, length, component, cascade.beta, fraction, lo, hi,
                      w.copy(), wc.copy())


SigmaFunction = Callable[[float, float, float], "float | tuple[float, float]"]


def effective_thickness(
    sigma: SigmaFunction, e0: float, thickness: float, x_min: float, *, x_max: float = 1.0,
    n: int = 8, component: str = "total", cascade: Cascade | None = None,
    rtol: float | None = None, n_max: int = 32,
) -> ShowerFold:
    r"""L_eff = ∫ dE (dT/dE) σ(E; window) / σ(E₀; x_min, x_max), in X₀, with errors.

    ``sigma(energy_gev, x_lo, x_hi)`` returns σ (any unit) or (σ, error); it is called once
    per open node (node E₀ first) and never for the closed node at x_min·E₀. With ``rtol``
    the rule is doubled (nested nodes, earlier values reused) until
    quad_error ≤ rtol·L_eff or n = n_max. The signal yield is then Eq. 4 with L_T → L_eff.

    >>> fold = effective_thickness(lambda e, lo, hi: hi - lo, 100.0, 1e-4, 0.5)
    >>> round(fold.value / 1e-4, 3)
    1.0
    """
    e0 = _real("e0", e0, "a positive energy in GeV")
    if e0 <= 0:
        raise InputError(f"e0 must be a positive energy in GeV, got {e0!r}")
    memo: dict[float, tuple[float, float]] = {}

    def call(energy: float, lo: float, hi: float) -> tuple[float, float]:
        key = round(energy / e0, 13)
        if key not in memo:
            got = sigma(energy, lo, hi)
            value, error = got if isinstance(got, tuple) else (got, 0.0)
            memo[key] = (float(value), float(error))
        return memo[key]

    while True:
        rule = shower_rule(x_min, thickness, x_max=x_max, n=n, component=component,
                           cascade=cascade)
        vals = np.zeros(rule.weights.size)
        errs = np.zeros(rule.weights.size)
        for i in np.flatnonzero(rule.open):
            vals[i], errs[i] = call(float(rule.fraction[i] * e0), float(rule.x_lo[i]),
                                    float(rule.x_hi[i]))
        if vals[0] <= 0:
            raise InputError("sigma at E0 in the nominal window is 0: L_eff is undefined")
        fold = rule.fold(vals, errs)
        nominal, nominal_err = vals[0], errs[0]
        scaled = ShowerFold(
            float(fold.value / nominal), float(fold.quad_error / nominal),
            float(fold.stat_error / nominal + fold.value * nominal_err / nominal**2), fold.n)
        if rtol is None or scaled.quad_error <= rtol * scaled.value or 2 * n > n_max:
            return scaled
        n *= 2
