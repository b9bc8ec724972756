r"""Effective photon flux χ of a screened, finite-size nucleus (Weizsäcker–Williams).

The flux that enters the Weizsäcker–Williams (WW) approximation is

.. math::

    \chi(t_{\min}, t_{\max}) = \int_{t_{\min}}^{t_{\max}} dt\,
        \frac{t - t_{\min}}{t^2}\, G_2(t) ,

(Kim & Tsai, PRD 8 (1973) 3109; Bjorken, Essig, Schuster, Toro, PRD 80 (2009) 075018,
App. A, Eq. (A17); Gninenko, Kirpichnikov, Krasnikov, PRD 100 (2019) 035003) with ``t``
in GeV² and G₂ the atomic form factor of :mod:`millicharge.target.formfactors`: G₂ = Z²F(t)²
(``"elastic"``, the paper's Eq. 10) or Z²F(t)² + G₂^inel(t) (``"elastic+inelastic"``).

Elastic term
------------
For the paper's Eq. (10), F(t) = t/(t + t_a) · t_d/(t + t_d) with t_a = 1/a² and
t_d = d, the integral is elementary. Partial fractions give, with c = t_min, T = t_max
and D = t_d − t_a,

.. math::

    \frac{\chi_{\rm el}}{Z^2 t_d^2} = -\frac{T - c}{D^2}\Big[\frac{1}{T + t_a}
        + \frac{1}{T + t_d}\Big] + \frac{t_a + t_d + 2c}{D^3}\,
          \ln\frac{(T + t_a)(c + t_d)}{(T + t_d)(c + t_a)} .

Inelastic term
--------------
With p = 1/a'², L = 0.71 GeV² and b = (μ_p² − 1)/(4m_p²), the integrand is the rational
function Z L⁸ N(t)/((t + p)²(t + L)⁸), N(t) = (t − c)(1 + bt)². Its partial fractions

.. math::

    \frac{N(t)}{(t+p)^2(t+L)^8} = \frac{A_1}{t+p} + \frac{A_2}{(t+p)^2}
        + \sum_{k=1}^{8}\frac{B_k}{(t+L)^k}

have A₂ = N(−p)/D'⁸, A₁ = N'(−p)/D'⁸ − 8N(−p)/D'⁹ (D' = L − p), B₈₋ⱼ the j-th Taylor
coefficient of N(u − L)/(u − D')² at u = t + L = 0, and A₁ + B₁ = 0 (the integrand
falls faster than 1/t). Integrated term by term and written in T − c (log1p, expm1),

.. math::

    \frac{\chi_{\rm inel}}{Z L^8} = A_1\Big[\ln\Big(1 + \frac{T-c}{c+p}\Big)
        - \ln\Big(1 + \frac{T-c}{c+L}\Big)\Big] - \frac{(1-bp)^2}{D'^8}\frac{T-c}{T+p}
        + \sum_{k=2}^{8}\frac{B_k}{k-1}\big[(c+L)^{1-k} - (T+L)^{1-k}\big] .

:func:`photon_flux` evaluates both (vectorised, χ = 0 for t_min ≥ t_max);
:func:`photon_flux_numeric` integrates any form factor by Gauss–Legendre quadrature in
ln t and is used to check the closed forms.

    >>> chi = photon_flux(1e-12, 0.01, 82, 207)
    >>> round(float(chi / 82**2), 2)
    14.21
    >>> round(float(photon_flux_numeric(1e-12, 0.01, 82, 207) / 82**2), 2)
    14.21
    >>> inel = photon_flux(1e-12, 0.01, 82, 207, "elastic+inelastic") - chi
    >>> round(float(inel / 82), 2)
    16.9
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from millicharge.core.constants import M_P
from millicharge.target.formfactors import (
    PROTON_DIPOLE_SCALE,
    PROTON_MAGNETIC_MOMENT,
    FormFactor,
    check_form_factor,
    inelastic_screening_parameter,
    nuclear_size_parameter,
    screening_parameter,
    squared_form_factor,
)

__all__ = ["inelastic_photon_flux", "photon_flux", "photon_flux_numeric"]

FormFactorFunction = Callable[[NDArray[np.float64], float, float], NDArray[np.float64]]
"""An elastic form factor ``F(t, Z, A)``, vectorised in t; the flux uses Z²F²."""


def photon_flux(
    t_min: ArrayLike,
    t_max: ArrayLike,
    Z: float,
    A: float,
    form_factor: str = FormFactor.ELASTIC,
) -> NDArray[np.float64]:
    r"""χ(t_min, t_max) in closed form, for the elastic or elastic + inelastic G₂.

    Parameters
    ----------
    t_min, t_max
        Integration limits in GeV² (broadcast against each other); t_min ≥ 0.
    Z, A
        Charge and mass number of the nucleus.
    form_factor
        ``"elastic"`` (paper Eq. 10, default) or ``"elastic+inelastic"`` (adds
        :func:`inelastic_photon_flux`).

    Returns
    -------
    numpy.ndarray
        χ (dimensionless, includes the factor Z²); 0 where t_min ≥ t_max.

    Raises
    ------
    InputError
        For an unknown ``form_factor``.

    Notes
    -----
    The closed form is given in the module docstring. The logarithm is written as
    ``log1p((T−c)/(c+t_a)) − log1p((T−c)/(c+t_d))`` so that it keeps its precision when
    T − c is small.

    >>> float(photon_flux(0.02, 0.01, 82, 207))
    0.0
    """
    option = check_form_factor(form_factor)
    c = np.asarray(t_min, dtype=float)
    T = np.asarray(t_max, dtype=float)
    ta = screening_parameter(Z) ** -2
    td = nuclear_size_parameter(A)
    D = td - ta
    if not abs(D) > 1e-6 * td:  # pragma: no cover - impossible for real nuclei
        raise ValueError("screening and nuclear-size scales coincide: use photon_flux_numeric")
    dT = np.maximum(T - c, 0.0)
    log_term = np.log1p(dT / (c + ta)) - np.log1p(dT / (c + td))
    val = -dT / D**2 * (1.0 / (T + ta) + 1.0 / (T + td)) + (ta + td + 2.0 * c) / D**3 * log_term
    chi = Z**2 * td**2 * np.maximum(val, 0.0)
    if option is FormFactor.ELASTIC_INELASTIC:
        chi = chi + inelastic_photon_flux(c, T, Z)
    return chi


def inelastic_photon_flux(t_min: ArrayLike, t_max: ArrayLike, Z: float) -> NDArray[np.float64]:
    r"""χ_inel(t_min, t_max) = ∫ dt (t − t_min)/t² G₂^inel(t), in closed form.

    G₂^inel is :func:`~millicharge.target.formfactors.inelastic_g2` (Tsai 1974, Eq. (3.39);
    Bjorken et al. 2009, Eq. (A19)); the partial-fraction result is in the module
    docstring.

    Parameters
    ----------
    t_min, t_max
        Integration limits in GeV² (broadcast against each other); t_min ≥ 0.
    Z
        Charge number of the nucleus.

    Returns
    -------
    numpy.ndarray
        χ_inel (dimensionless, includes the factor Z); 0 where t_min ≥ t_max.

    >>> float(inelastic_photon_flux(0.02, 0.01, 82))
    0.0
    """
    c = np.asarray(t_min, dtype=float)
    T = np.asarray(t_max, dtype=float)
    p = inelastic_screening_parameter(Z) ** -2
    big_l = PROTON_DIPOLE_SCALE
    b = (PROTON_MAGNETIC_MOMENT**2 - 1.0) / (4.0 * M_P * M_P)
    dp = big_l - p
    dT = np.maximum(T - c, 0.0)
    # Residues at the double pole t = −p, with N(t) = (t − c)(1 + bt)².
    n_p = -(p + c) * (1.0 - b * p) ** 2
    dn_p = (1.0 - b * p) ** 2 - 2.0 * b * (p + c) * (1.0 - b * p)
    a1 = dn_p / dp**8 - 8.0 * n_p / dp**9
    # Taylor coefficients of N(u − L)/(u − D')² at u = 0: N(u − L) = (u − e)(β + bu)².
    e, beta = big_l + c, 1.0 - b * big_l
    q = (-e * beta**2, beta**2 - 2.0 * beta * b * e, 2.0 * beta * b - b * b * e, b * b)
    val = a1 * (np.log1p(dT / (c + p)) - np.log1p(dT / (c + big_l)))
    val = val - (1.0 - b * p) ** 2 / dp**8 * dT / (T + p)
    shrink = np.log1p(-dT / (T + big_l))  # ln((c + L)/(T + L)) ≤ 0
    for j in range(7):  # B_k with k = 8 − j ≥ 2
        k = 8 - j
        b_k = sum(q[i] * (j - i + 1) / dp ** (j - i + 2) for i in range(min(j, 3) + 1))
        val = val + b_k / (k - 1) * (c + big_l) ** (1 - k) * -np.expm1((k - 1) * shrink)
    return Z * big_l**8 * np.maximum(val, 0.0)


def photon_flux_numeric(
    t_min: ArrayLike,
    t_max: ArrayLike,
    Z: float,
    A: float,
    form_factor: str | FormFactorFunction = FormFactor.ELASTIC,
    *,
    panels: int = 16,
    order: int = 16,
) -> NDArray[np.float64]:
    r"""χ(t_min, t_max) for any form factor, by composite Gauss–Legendre in τ = ln t.

    With dt/t = dτ the integrand is G₂(t) (1 − t_min/t), smooth in τ. The range
    [ln t_min, ln t_max] is cut into ``panels`` equal panels of ``order`` nodes each.

    Parameters
    ----------
    t_min, t_max
        Limits in GeV², t_min > 0 (broadcast).
    Z, A
        Charge and mass number.
    form_factor
        A :class:`~millicharge.target.formfactors.FormFactor` name (G₂ from
        :func:`~millicharge.target.formfactors.squared_form_factor`; default ``"elastic"``, paper
        Eq. 10) or an elastic form factor ``F(t, Z, A)`` vectorised in t (G₂ = Z²F²).
    panels, order
        Quadrature size.

    Returns
    -------
    numpy.ndarray
        χ (includes Z²); 0 where t_min ≥ t_max.
    """
    if callable(form_factor):
        func = form_factor

        def g2(t: NDArray[np.float64]) -> NDArray[np.float64]:
            return Z**2 * func(t, Z, A) ** 2
    else:
        option = check_form_factor(form_factor)

        def g2(t: NDArray[np.float64]) -> NDArray[np.float64]:
            return squared_form_factor(t, Z, A, option)

    c, T = np.broadcast_arrays(np.asarray(t_min, dtype=float), np.asarray(t_max, dtype=float))
    ok = T > c
    lo = np.log(np.where(ok, c, 1.0))
    hi = np.log(np.where(ok, T, 1.0))
    xi, wi = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(0.0, 1.0, panels + 1)
    # node positions on [0, 1]
    u = ((edges[:-1, None] + edges[1:, None]) / 2 + (edges[1:, None] - edges[:-1, None]) / 2 * xi)
    w = ((edges[1:, None] - edges[:-1, None]) / 2 * wi)
    u, w = u.ravel(), w.ravel()
    tau = lo[..., None] + (hi - lo)[..., None] * u
    t = np.exp(tau)
    f = g2(t) * (1.0 - c[..., None] / t)
    out = (hi - lo) * np.sum(f * w, axis=-1)
    return np.where(ok, out, 0.0)
