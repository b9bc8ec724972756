"""The closed-form WW photon flux χ against direct quadrature and its known limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from millicharge.core.constants import M_E
from millicharge.target.formfactors import (
    elastic_form_factor,
    nuclear_size_parameter,
    screening_parameter,
)
from millicharge.xsec.flux import photon_flux, photon_flux_numeric

LIMITS = [
    (1e-16, 0.01),
    (1e-12, M_E**2),
    (1e-6, 0.0112),
    (1e-3, 0.0112),
    (0.0099, 0.01),
    (0.5, 2.0),
]


@pytest.mark.parametrize(("Z", "A"), [(82, 207.0), (13, 27.0), (1, 1.0)])
@pytest.mark.parametrize(("t_min", "t_max"), LIMITS)
def test_closed_form_equals_quadrature(Z, A, t_min, t_max):
    exact = photon_flux(t_min, t_max, Z, A)
    numeric = photon_flux_numeric(t_min, t_max, Z, A)
    assert exact == pytest.approx(numeric, rel=1e-7)


def test_against_scipy_quad():
    Z, A, c, T = 82, 207.0, 1e-9, 0.05

    def f(tau):
        t = math.exp(tau)
        return float(elastic_form_factor(t, Z, A)) ** 2 * (1 - c / t)

    ref = Z**2 * integrate.quad(f, math.log(c), math.log(T), epsrel=1e-11, limit=200)[0]
    assert float(photon_flux(c, T, Z, A)) == pytest.approx(ref, rel=1e-9)


def test_vectorised_and_closed_above_t_max():
    out = photon_flux(np.array([1e-10, 1e-4, 0.02]), 0.01, 82, 207)
    assert out.shape == (3,)
    assert out[0] > out[1] > 0.0
    assert out[2] == 0.0
    assert photon_flux_numeric(0.02, 0.01, 82, 207) == 0.0


def test_complete_screening_leading_log():
    """t_min → 0, t_a ≪ t_max ≪ t_d: χ/Z² → ln(t_max/t_a) − 1 (one log of a²t_max)."""
    Z, A = 82, 207.0
    t_a = screening_parameter(Z) ** -2
    t_max = 1e3 * t_a
    assert t_max < 1e-3 * nuclear_size_parameter(A)
    chi = float(photon_flux(0.0, t_max, Z, A)) / Z**2
    assert chi == pytest.approx(math.log(t_max / t_a) - 1.0, abs=0.01)
