r"""Weizsäcker–Williams (WW) approximation for l N → l N V and l N → l N γ*(→ χχ̄).

This is the fast, approximate counterpart of the exact tree-level (ETL) engine (docs/physics.md §6),
with the same call signature, so that ``method="etl"`` and ``method="ww"`` can be compared.
Everything is computed at ε = 1 (σ ∝ ε² exactly) and returned in pb.

Massive vector (dark photon with ε = 1)
---------------------------------------
For a lepton of energy E and mass m_l radiating a vector V of mass m_V with coupling e,
x = E_V/E and θ the lab angle of V, the modified WW cross section keeping m_l is

.. math::

    \frac{d\sigma}{dx\,d\cos\theta} = \frac{4\alpha^3\,E\,|\mathbf k|\,\chi}{U^2}
      \Big[\,1 + (1-x)^2 - 2x(1-x)\,(m_V^2 + 2m_l^2)\,\frac{E^2x\theta^2}{U^2}\Big],
    \qquad U = E^2x\theta^2 + m_V^2\frac{1-x}{x} + m_l^2 x ,

with |k| = √(E²x² − m_V²) and the photon flux χ of :mod:`millicharge.xsec.flux` taken between
t_min = (U / 2E(1−x))² (it depends on θ: "modified" WW) and t_max = m_V² + m_l².
(Bjorken, Essig, Schuster, Toro, PRD 80 (2009) 075018, App. A, for m_l → 0; with the
lepton mass: Gninenko, Krasnikov, Kirsanov, Kirpichnikov, PRD 94 (2016) 095025;
Kirpichnikov, Sieber, Molina Bueno, Crivelli, Kirsanov, PRD 104 (2021) 076012,
arXiv:2107.13297; Voronchikhin & Kirpichnikov, arXiv:2409.12748. Written there as
2α³χE|k|(1−x)/ũ² · [2(2−2x+x²)/(1−x) + 4(m_V²+2m_l²)(xũ + m_V²(1−x) + m_l²x²)/ũ²]
with ũ = −U, which is the same expression.)

Small angles are used throughout, d cos θ = dU / (2E²x), and the angle is integrated
up to where t_min reaches t_max, i.e. U ≤ 2E(1−x)√t_max, so that

.. math::

    \frac{d\sigma}{dx} = \frac{2\alpha^3|\mathbf k|}{E x}\int_{U_0}^{U_{\max}}
        \frac{dU}{U^2}\,\chi(U)\,B(U),\qquad U_0 = m_V^2\frac{1-x}{x} + m_l^2x ,

with B the bracket above (E²x²θ² = x(U − U₀)); it is done by Gauss–Legendre in ln U.
For m_V → 0 and complete screening this gives
dσ/dx = 2α³χ(4/3 − 4x/3 + x²)/(m_l² x): Tsai's and Kelner–Kokoulin–Petrukhin's shape,
with the WW flux χ in place of 2Z² ln(184 Z^(−1/3)) (see the tests for how close that is).

Millicharged pair (exact fold, docs/physics.md §4)
---------------------------------------
The pair χχ̄ is radiated through γ* of invariant mass s; integrating the pair's internal
angles gives the vector cross section at m_V² = s times the pair spectral density:

.. math::

    \frac{d\sigma_{2\to4}}{dx\,ds} = \frac{d\sigma_V}{dx}\Big|_{m_V^2 = s}\,
      \frac{\alpha}{3\pi s}\Big(1 + \frac{2m^2}{s}\Big)\sqrt{1 - \frac{4m^2}{s}},
    \qquad 4m^2 \le s \le s_{\max}(x).

s is integrated with s = 4m² cosh²u (which turns the threshold √(1−4m²/s) into tanh u
and ds/s into 2 tanh u du), followed by a cosine map that also smooths the
|k| = √(E²x² − s) endpoint. s_max(x) is the smaller of E²x² and the largest s for which
U₀ < U_max.

Quadrature: deterministic, vectorised Gauss–Legendre for the angle and s, adaptive
:func:`scipy.integrate.quad` for x (in ln x below x = 1/2 and ln(1−x) above).

    >>> from millicharge.kinematics.process import Process
    >>> p = Process.make("mu", 160.0, "Pb", 0.05)
    >>> sigma, err = cross_section(p, 0.5, 1.0)
    >>> 0 < err < 1e-3 * sigma
    True
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate

from millicharge.core.constants import ALPHA
from millicharge.core.errors import InputError
from millicharge.core.units import GEV2_TO_PB
from millicharge.core.validation import show
from millicharge.kinematics.process import Process, validate_x_range, x_limits, x_threshold
from millicharge.models import MODELS, Model, get_model
from millicharge.models.mcp import spectral_density
from millicharge.target.formfactors import FormFactor, check_form_factor
from millicharge.xsec.flux import photon_flux

__all__ = ["MODELS", "cross_section", "dsigma_dx", "pair_spectral_density"]


_INNER_RTOL = 1e-6
"""Relative accuracy of the fixed angle and s quadratures (checked in tests/xsec/test_ww.py)."""


def _composite_gl(panels: int, order: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Nodes and weights of a composite Gauss–Legendre rule on [0, 1]."""
    xi, wi = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(0.0, 1.0, panels + 1)
    half = (edges[1:] - edges[:-1])[:, None] / 2
    mid = (edges[1:] + edges[:-1])[:, None] / 2
    return (mid + half * xi).ravel(), (half * wi).ravel()


_ANGLE_RULE = _composite_gl(6, 10)
_MASS_RULE = _composite_gl(8, 10)


def _vector_dsigma_dx(
    energy: float,
    m_l: float,
    mv2: NDArray[np.float64],
    x: NDArray[np.float64],
    omx: NDArray[np.float64],
    Z: float,
    A: float,
    rule: tuple[NDArray[np.float64], NDArray[np.float64]] = _ANGLE_RULE,
    form_factor: str = FormFactor.ELASTIC,
) -> NDArray[np.float64]:
    """WW dσ_V/dx in GeV⁻² (ε = 1) for arrays mv2 = m_V², x and omx = 1 − x (broadcast).

    ``form_factor`` selects the G₂ in the flux χ (:func:`~millicharge.xsec.flux.photon_flux`).
    """
    mv2, x, omx = np.broadcast_arrays(mv2, x, omx)
    ml2 = m_l * m_l
    mv = np.sqrt(mv2)
    k = np.sqrt(np.maximum((energy * x - mv) * (energy * x + mv), 0.0))
    u0 = mv2 * omx / x + ml2 * x
    t_max = mv2 + ml2
    u_max = 2.0 * energy * omx * np.sqrt(t_max)
    ok = (u_max > u0) & (k > 0.0)
    lo = np.log(np.where(ok, u0, 1.0))
    hi = np.log(np.where(ok, u_max, 1.0))
    nodes, weights = rule
    U = np.exp(lo[..., None] + (hi - lo)[..., None] * nodes)
    t_min = (U / (2.0 * energy * omx[..., None])) ** 2
    chi = photon_flux(t_min, t_max[..., None], Z, A, form_factor)
    bracket = (1.0 + omx * omx)[..., None] - (
        2.0 * x * omx * (mv2 + 2.0 * ml2)
    )[..., None] * (U - u0[..., None]) / U**2
    integral = (hi - lo) * np.sum(chi * bracket / U * weights, axis=-1)
    return np.where(ok, 2.0 * ALPHA**3 * k / (energy * x) * integral, 0.0)


pair_spectral_density = spectral_density
"""The pair spectral density (one copy: :func:`millicharge.models.mcp.spectral_density`)."""


def _s_range(
    energy: float, m_l: float, mass: float, x: NDArray[np.float64], omx: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Pair-mass range [s_lo, s_hi] at each x where the WW integrand is non-zero.

    U₀ < U_max reads, with r = s + m_l², r − 2Ex√r + C < 0, C = m_l²(x² − (1−x))/(1−x),
    so √r lies between Ex ∓ √(E²x² − C); also s ≤ E²x² (|k| ≥ 0) and s ≥ 4m².
    """
    ml2 = m_l * m_l
    ex = energy * x
    c = ml2 * (x * x - omx) / omx
    disc = ex * ex - c
    sq = np.sqrt(np.maximum(disc, 0.0))
    root_lo = np.where(c > 0, c / (ex + sq), 0.0)  # the smaller root, without cancellation
    s_lo = np.maximum(4.0 * mass * mass, root_lo**2 - ml2)
    s_hi = np.minimum(ex * ex, (ex + sq) ** 2 - ml2)
    s_hi = np.where(disc > 0, s_hi, 0.0)
    return s_lo, s_hi


def _pair_dsigma_dx(
    model: Model,
    energy: float,
    m_l: float,
    mass: float,
    x: NDArray[np.float64],
    omx: NDArray[np.float64],
    Z: float,
    A: float,
    mass_rule: tuple[NDArray[np.float64], NDArray[np.float64]] = _MASS_RULE,
    angle_rule: tuple[NDArray[np.float64], NDArray[np.float64]] = _ANGLE_RULE,
    form_factor: str = FormFactor.ELASTIC,
) -> NDArray[np.float64]:
    """WW dσ(l N → l N χχ̄)/dx in GeV⁻² (ε = 1): the vector result folded over s with the
    model's spectral factor (a pair: threshold 2m)."""
    s_lo, s_hi = _s_range(energy, m_l, mass, x, omx)
    ok = s_hi > s_lo
    m2x4 = 4.0 * mass * mass
    u_lo = np.arccosh(np.sqrt(np.where(ok, s_lo, m2x4) / m2x4))
    u_hi = np.arccosh(np.sqrt(np.where(ok, s_hi, 2 * m2x4) / m2x4))
    nodes, weights = mass_rule
    # cosine map on [0, 1]: smooths √ end-point behaviour at both ends
    du_dxi = (u_hi - u_lo)[..., None] * (np.pi / 2) * np.sin(np.pi * nodes)
    u = u_lo[..., None] + (u_hi - u_lo)[..., None] * (1.0 - np.cos(np.pi * nodes)) / 2
    s = m2x4 * np.cosh(u) ** 2
    th = np.tanh(u)
    dsv = _vector_dsigma_dx(
        energy, m_l, s, x[..., None], omx[..., None], Z, A, angle_rule, form_factor
    )
    # the pair spectral density times ds/du (s = 4m² cosh²u), from the model
    dens = model.spectral_factor_du(s, mass, th)
    out = np.sum(dsv * dens * du_dxi * weights, axis=-1)
    return np.where(ok, out, 0.0)


def _spectrum_gev(
    process: Process,
    model: Model,
    x: NDArray[np.float64],
    omx: NDArray[np.float64],
    form_factor: str = FormFactor.ELASTIC,
) -> NDArray[np.float64]:
    """dσ/dx in GeV⁻² at x (with 1 − x = omx given to full precision), 0 outside kinematics."""
    E, m_l = process.energy, process.lepton_mass
    Z, A = float(process.target.Z), float(process.target.A)
    inside = (x > x_threshold(process, model)) & (x <= process.x_max_kinematic)
    out = np.zeros_like(x)
    if np.any(inside):
        xi, oi = x[inside], omx[inside]
        if model.integrates_mass:
            out[inside] = _pair_dsigma_dx(
                model, E, m_l, process.mass, xi, oi, Z, A, form_factor=form_factor
            )
        else:
            out[inside] = _vector_dsigma_dx(
                E, m_l, np.full_like(xi, model.threshold(process.mass) ** 2), xi, oi, Z, A,
                form_factor=form_factor,
            )
    return out


def dsigma_dx(
    process: Process, x: ArrayLike, *, model: str | Model = "mcp",
    form_factor: str = FormFactor.ELASTIC,
) -> NDArray[np.float64]:
    r"""WW dσ/dx in pb at ε = 1, for each x = E_miss/E (formulas in the module docstring).

    Parameters
    ----------
    process
        Beam, energy, target and mass (m_χ for ``"mcp"``, m_V for ``"dark-photon"``).
    x
        Energy fraction(s) in (0, 1]; outside the kinematic range the result is 0.
    model
        ``"mcp"`` (χχ̄ via γ*, folded over the pair mass) or ``"dark-photon"``.
    form_factor
        ``"elastic"`` (paper Eq. 10, default) or ``"elastic+inelastic"`` (adds the
        inelastic atomic term to the flux χ; :mod:`millicharge.target.formfactors`).

    Returns
    -------
    numpy.ndarray
        dσ/dx in pb, same shape as ``x``.

    Raises
    ------
    InputError
        If an x is not a finite number in (0, 1], or the model or form factor is unknown.

    >>> from millicharge.kinematics.process import Process
    >>> p = Process.make("e", 8.0, "Al", 0.01)
    >>> d = dsigma_dx(p, [0.001, 0.5, 1.0])
    >>> bool(d[0] == 0.0 and d[1] > 0.0 and d[2] == 0.0)
    True
    """
    model = get_model(model)
    form_factor = check_form_factor(form_factor)
    try:
        xa = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"x must be numbers in (0, 1], got {show(x)}") from None
    if not np.all(np.isfinite(xa)) or np.any(xa <= 0.0) or np.any(xa > 1.0):
        raise InputError(f"x must be finite numbers in (0, 1], got {show(x)}")
    flat = xa.ravel()
    spectrum = _spectrum_gev(process, model, flat, 1.0 - flat, form_factor)
    return (spectrum * GEV2_TO_PB).reshape(xa.shape)


def cross_section(
    process: Process,
    x_min: float,
    x_max: float,
    *,
    model: str | Model = "mcp",
    rtol: float = 1e-4,
    form_factor: str = FormFactor.ELASTIC,
) -> tuple[float, float]:
    r"""WW σ(x_min ≤ x ≤ x_max) in pb at ε = 1, with an error estimate in pb.

    The x integral is adaptive (:func:`scipy.integrate.quad`, relative tolerance ``rtol``)
    in ln x for x < 1/2 and in ln(1 − x) above, which resolves the x → 1 peak; the limits
    are clipped to the kinematic range [threshold, 1 − m_l/E]. The error estimate is the
    quadrature's plus the fixed inner-rule accuracy (relative 10⁻⁶).

    Parameters
    ----------
    process
        Beam, energy, target and mass.
    x_min, x_max
        0 < x_min < x_max ≤ 1.
    model
        ``"mcp"`` or ``"dark-photon"``.
    rtol
        Requested relative accuracy of the x integration, in (0, 0.1].
    form_factor
        ``"elastic"`` (paper Eq. 10, default) or ``"elastic+inelastic"``.

    Returns
    -------
    tuple of float
        ``(sigma_pb, error_pb)``; ``(0.0, 0.0)`` if the range is kinematically closed.

    Raises
    ------
    InputError
        For a bad x range, rtol, model or form factor.

    Warns
    -----
    RuntimeWarning
        If :func:`scipy.integrate.quad` reports that it did not reach ``rtol``.
    """
    model = get_model(model)
    form_factor = check_form_factor(form_factor)
    x_min, x_max = validate_x_range(x_min, x_max)
    if not (isinstance(rtol, int | float) and 0.0 < rtol <= 0.1):
        raise InputError(f"rtol must be a number in (0, 0.1], got {rtol!r}")
    lo, hi = x_limits(process, x_min, x_max, model)
    if lo >= hi:
        return 0.0, 0.0

    def in_log_x(v: float) -> float:  # x = e^v, dx = x dv
        x = math.exp(v)
        arr = np.array([x])
        return float(_spectrum_gev(process, model, arr, 1.0 - arr, form_factor)[0]) * x

    def in_log_1mx(v: float) -> float:  # 1 − x = e^v, dx = −(1 − x) dv
        omx = math.exp(v)
        arr = np.array([omx])
        return float(_spectrum_gev(process, model, 1.0 - arr, arr, form_factor)[0]) * omx

    pieces = []
    if lo < 0.5:
        pieces.append((in_log_x, math.log(lo), math.log(min(hi, 0.5))))
    if hi > 0.5:
        pieces.append((in_log_1mx, math.log1p(-hi), math.log1p(-max(lo, 0.5))))
    total = err = 0.0
    for func, a, b in pieces:
        res = integrate.quad(func, a, b, epsabs=0.0, epsrel=rtol, limit=200, full_output=1)
        total += res[0]
        err += res[1]
        if len(res) > 3:
            warnings.warn(
                f"WW x integration did not reach rtol={rtol}: {res[3].splitlines()[0]}",
                RuntimeWarning,
                stacklevel=2,
            )
    err += _INNER_RTOL * abs(total)
    return total * GEV2_TO_PB, err * GEV2_TO_PB
