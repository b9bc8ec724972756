r"""Effective photon flux χ of a screened, finite-size nucleus (Weizsäcker–Williams).

The flux that enters the Weizsäcker–Williams (WW) approximation is

.. math::

    \chi(t_{\min}, t_{\max}) = Z^2 \int_{t_{\min}}^{t_{\max}} dt\,
        \frac{t - t_{\min}}{t^2}\, F(t)^2 ,

(Kim & Tsai, PRD 8 (1973) 3109; Bjorken, Essig, Schuster, Toro, PRD 80 (2009) 075018,
App. A; Gninenko, Kirpichnikov, Krasnikov, PRD 100 (2019) 035003) with ``t`` in GeV²
and F the elastic form factor of :mod:`millicharge.formfactors`.

For the default form factor (paper Eq. 10), F(t) = t/(t + t_a) · t_d/(t + t_d) with
t_a = 1/a² and t_d = d, the integral is elementary. Partial fractions give, with
c = t_min, T = t_max and D = t_d − t_a,

.. math::

    \frac{\chi}{Z^2 t_d^2} = -\frac{T - c}{D^2}\Big[\frac{1}{T + t_a} + \frac{1}{T + t_d}\Big]
        + \frac{t_a + t_d + 2c}{D^3}\,
          \ln\frac{(T + t_a)(c + t_d)}{(T + t_d)(c + t_a)} ,

which is what :func:`photon_flux` evaluates (vectorised, χ = 0 for t_min ≥ t_max).
:func:`photon_flux_numeric` integrates any form factor by Gauss–Legendre quadrature in
ln t and is used to check the closed form.

    >>> chi = photon_flux(1e-12, 0.01, 82, 207)
    >>> round(float(chi / 82**2), 2)
    14.21
    >>> round(float(photon_flux_numeric(1e-12, 0.01, 82, 207) / 82**2), 2)
    14.21
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .formfactors import elastic_form_factor, nuclear_size_parameter, screening_parameter

__all__ = ["photon_flux", "photon_flux_numeric"]

FormFactor = Callable[[NDArray[np.float64], float, float], NDArray[np.float64]]


def photon_flux(t_min: ArrayLike, t_max: ArrayLike, Z: float, A: float) -> NDArray[np.float64]:
    r"""χ(t_min, t_max) for the paper's Eq. (10) form factor, in closed form.

    Parameters
    ----------
    t_min, t_max
        Integration limits in GeV² (broadcast against each other); t_min ≥ 0.
    Z, A
        Charge and mass number of the nucleus.

    Returns
    -------
    numpy.ndarray
        χ (dimensionless, includes the factor Z²); 0 where t_min ≥ t_max.

    Notes
    -----
    The closed form is given in the module docstring. The logarithm is written as
    ``log1p((T−c)/(c+t_a)) − log1p((T−c)/(c+t_d))`` so that it keeps its precision when
    T − c is small.

    >>> float(photon_flux(0.02, 0.01, 82, 207))
    0.0
    """
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
    return Z**2 * td**2 * np.maximum(val, 0.0)


def photon_flux_numeric(
    t_min: ArrayLike,
    t_max: ArrayLike,
    Z: float,
    A: float,
    form_factor: FormFactor = elastic_form_factor,
    *,
    panels: int = 16,
    order: int = 16,
) -> NDArray[np.float64]:
    r"""χ(t_min, t_max) for any form factor, by composite Gauss–Legendre in τ = ln t.

    With dt/t = dτ the integrand is Z² F(t)² (1 − t_min/t), smooth in τ. The range
    [ln t_min, ln t_max] is cut into ``panels`` equal panels of ``order`` nodes each.

    Parameters
    ----------
    t_min, t_max
        Limits in GeV², t_min > 0 (broadcast).
    Z, A
        Charge and mass number.
    form_factor
        ``F(t, Z, A)``, vectorised in t (default: paper Eq. 10).
    panels, order
        Quadrature size.

    Returns
    -------
    numpy.ndarray
        χ (includes Z²); 0 where t_min ≥ t_max.
    """
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
    f = form_factor(t, Z, A) ** 2 * (1.0 - c[..., None] / t)
    out = Z**2 * (hi - lo) * np.sum(f * w, axis=-1)
    return np.where(ok, out, 0.0)
