"""Atomic form factors: limits of the paper's Eq. (10) and of the inelastic term."""

from __future__ import annotations

import math

import numpy as np
import pytest

from millicharge.core.constants import M_E, M_P
from millicharge.core.errors import InputError
from millicharge.target.formfactors import (
    FORM_FACTORS,
    FormFactor,
    check_form_factor,
    elastic_form_factor,
    inelastic_g2,
    nuclear_size_parameter,
    screening_parameter,
    squared_form_factor,
)


def test_parameters_follow_the_paper():
    assert screening_parameter(82) == pytest.approx(111 * 82 ** (-1 / 3) / M_E)
    assert nuclear_size_parameter(207) == pytest.approx(0.164 * 207 ** (-2 / 3))


def test_limits_screening_plateau_and_nuclear_falloff():
    z, a = 82, 207
    inv_a2 = screening_parameter(z) ** -2
    d = nuclear_size_parameter(a)
    # t ≪ 1/a²: the atom is neutral, F ≈ a²t (quadratic suppression of F²)
    t_small = 1e-3 * inv_a2
    assert elastic_form_factor(t_small, z, a) == pytest.approx(t_small / inv_a2, rel=2e-3)
    # 1/a² ≪ t ≪ d: the bare nucleus, F ≈ 1
    t_mid = np.sqrt(inv_a2 * d)
    assert elastic_form_factor(t_mid, z, a) == pytest.approx(1.0, abs=2e-3)
    # t ≫ d: dipole-like fall-off F ≈ d/t
    t_big = 1e3 * d
    assert elastic_form_factor(t_big, z, a) == pytest.approx(d / t_big, rel=2e-3)


def test_vectorised_and_bounded():
    t = np.geomspace(1e-14, 10.0, 200)
    f = elastic_form_factor(t, 13, 27)
    assert f.shape == t.shape
    assert np.all((f > 0) & (f < 1))
    # rises then falls: a single maximum between the atomic and nuclear scales
    peak = np.argmax(f)
    assert np.all(np.diff(f[: peak + 1]) > 0) and np.all(np.diff(f[peak:]) < 0)


# ---------------------------------------------------------------- inelastic atomic term
# Tsai, Rev. Mod. Phys. 46 (1974) 815, Eq. (3.39); Bjorken, Essig, Schuster, Toro,
# PRD 80 (2009) 075018, Eq. (A19). Expectations below follow from that formula by hand.

MU_P, DIPOLE = 2.79, 0.71


def _a_prime(z):
    return 773.0 * z ** (-2 / 3) / M_E


@pytest.mark.parametrize(("z", "a"), [(82, 207.0), (13, 27.0), (74, 183.84)])
def test_inelastic_vanishes_quadratically_at_small_t(z, a):
    """t ≪ 1/a'²: G₂^inel ≈ Z a'⁴ t², so it vanishes like the elastic term (both ∝ t²)."""
    t = 1e-3 / _a_prime(z) ** 2
    assert inelastic_g2(t, z) == pytest.approx(z * _a_prime(z) ** 4 * t * t, rel=3e-3)
    assert inelastic_g2(t / 10, z) == pytest.approx(inelastic_g2(t, z) / 100, rel=3e-3)


@pytest.mark.parametrize(("z", "a"), [(82, 207.0), (13, 27.0), (74, 183.84), (6, 12.0)])
def test_inelastic_is_one_over_z_of_elastic_where_both_saturate(z, a):
    """a²t ≫ 1 and t ≪ d: both screening factors → 1 and both dipoles → 1, ratio → 1/Z."""
    t = math.sqrt(screening_parameter(z) ** -2 * nuclear_size_parameter(a))
    ratio = inelastic_g2(t, z) / squared_form_factor(t, z, a)
    assert ratio * z == pytest.approx(1.0, abs=5e-3)


def test_inelastic_dominates_above_the_nuclear_size_and_dies_above_the_proton_size():
    """t ≫ d: the elastic term falls as (d/t)² but the proton form factor has not yet fallen,
    so G₂^inel > G₂^el for Pb at t = 0.05 GeV²; t ≫ 0.71 GeV²: the ratio falls as
    b²L⁸/(Z d²)·t⁻⁴ with b = (μ_p² − 1)/(4m_p²), L = 0.71 GeV²."""
    z, a = 82, 207.0
    assert inelastic_g2(0.05, z) > squared_form_factor(0.05, z, a)
    b = (MU_P**2 - 1) / (4 * M_P**2)
    d = nuclear_size_parameter(a)
    for t in (1e4, 1e5):
        ratio = inelastic_g2(t, z) / squared_form_factor(t, z, a)
        assert ratio == pytest.approx(b * b * DIPOLE**8 / (z * d * d) / t**4, rel=1e-2)


def test_squared_form_factor_options():
    t = np.geomspace(1e-14, 10.0, 50)
    el = squared_form_factor(t, 82, 207.0)
    np.testing.assert_array_equal(el, 82**2 * elastic_form_factor(t, 82, 207.0) ** 2)
    np.testing.assert_array_equal(squared_form_factor(t, 82, 207.0, FormFactor.ELASTIC), el)
    both = squared_form_factor(t, 82, 207.0, "elastic+inelastic")
    np.testing.assert_allclose(both - el, inelastic_g2(t, 82), rtol=1e-12)


def test_form_factor_vocabulary_and_bad_names():
    assert FORM_FACTORS == ("elastic", "elastic+inelastic")
    assert check_form_factor("elastic+inelastic") is FormFactor.ELASTIC_INELASTIC
    assert check_form_factor(FormFactor.ELASTIC) is FormFactor.ELASTIC
    for bad in ("inelastic", "Elastic", "", None, 1):
        with pytest.raises(InputError) as info:
            check_form_factor(bad)
        text = str(info.value)
        assert "\n" not in text
        assert "unknown form factor" in text and "'elastic' and 'elastic+inelastic'" in text
