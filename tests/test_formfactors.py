"""Paper Eq. (10): limits of the screened, finite-size elastic form factor."""

from __future__ import annotations

import numpy as np
import pytest

from millicharge.constants import M_E
from millicharge.formfactors import elastic_form_factor, nuclear_size_parameter, screening_parameter


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
