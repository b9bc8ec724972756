"""Tests for millicharge.limits.statistics against textbook values and known properties."""

from __future__ import annotations

import math

import pytest
from scipy.stats import poisson

from millicharge.core.errors import InputError
from millicharge.limits.statistics import median_background_count, upper_limit


def test_zero_background_95() -> None:
    # Paper Sec. IV: s_up ≈ 3; exactly −ln(0.05) for n = 0, b = 0.
    assert upper_limit() == pytest.approx(-math.log(0.05), rel=1e-10)
    assert upper_limit(method="cls") == pytest.approx(-math.log(0.05), rel=1e-10)


@pytest.mark.parametrize(("n", "expected"), [(1, 4.74), (2, 6.30), (3, 7.75), (10, 16.96)])
def test_classical_poisson_table(n: int, expected: float) -> None:
    # PDG Review "Statistics", table of Poisson upper limits, 95 % CL, b = 0.
    assert upper_limit(observed=n) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("b", [0.5, 2.0, 10.0])
def test_cls_n0_is_background_independent(b: float) -> None:
    assert upper_limit(background=b, method="cls", observed=0) == pytest.approx(
        -math.log(0.05), rel=1e-9
    )


def test_classical_subtracts_background_and_clips() -> None:
    assert upper_limit(background=1.0, observed=0) == pytest.approx(-math.log(0.05) - 1.0)
    assert upper_limit(background=5.0, observed=0) == 0.0


@pytest.mark.parametrize(("n", "b"), [(1, 0.5), (3, 2.0), (12, 10.0)])
def test_definitions_hold(n: int, b: float) -> None:
    alpha = 0.05
    s_p = upper_limit(background=b, observed=n)
    assert poisson.cdf(n, s_p + b) == pytest.approx(alpha, rel=1e-6)
    s_c = upper_limit(background=b, observed=n, method="cls")
    assert poisson.cdf(n, s_c + b) / poisson.cdf(n, b) == pytest.approx(alpha, rel=1e-6)
    assert s_c > s_p  # CLs is conservative for b > 0


def test_projected_limit_uses_median_count() -> None:
    assert median_background_count(0.0) == 0
    assert median_background_count(0.69) == 0  # e^-0.69 > 0.5
    assert median_background_count(0.70) == 1
    assert median_background_count(10.0) == 10
    assert upper_limit(background=3.0) == pytest.approx(upper_limit(background=3.0, observed=3))
    # more background, weaker projected limit
    assert upper_limit(background=3.0) > upper_limit(background=0.0)


def test_cl_dependence() -> None:
    assert upper_limit(cl=0.9) == pytest.approx(-math.log(0.1))
    assert upper_limit(cl=0.99) > upper_limit(cl=0.95)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cl": 1.0}, {"cl": 0.0}, {"cl": -0.5}, {"background": -1.0},
        {"background": float("nan")}, {"method": "bayes"}, {"observed": -1},
        {"observed": 1.5}, {"observed": True},
    ],
)
def test_bad_input(kwargs: dict) -> None:
    with pytest.raises(InputError):
        upper_limit(**kwargs)


def test_a_reach_with_a_background_uncertainty_cites_its_treatment() -> None:
    """Cousins–Highland and Cousins–Linnemann–Tucker (module docstring) travel with the
    reach table whose limit marginalised σ_b, and only with it."""
    import dataclasses

    from millicharge.core.citations import STATISTICS_KEYS
    from millicharge.experiments.config import load_experiment
    from millicharge.limits.reach import reach

    exact = load_experiment("na64mu")
    uncertain = dataclasses.replace(exact, background=1.0, background_uncertainty=0.5)
    assert set(STATISTICS_KEYS) == {"cousins-highland1992", "cousins2008"}
    plain = reach(exact, [0.05], method="ww")
    marginalised = reach(uncertain, [0.05], method="ww")
    assert marginalised.meta["s_up"] == upper_limit(background=1.0, background_uncertainty=0.5)
    assert not set(STATISTICS_KEYS) & set(plain.citations)
    assert set(STATISTICS_KEYS) <= set(marginalised.citations)
