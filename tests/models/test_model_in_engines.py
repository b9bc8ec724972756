"""A new model is integrated by both engines through its own spectral factor.

A model that states the millicharged pair's spectral factor but inherits the generic
``spectral_factor_du`` (ds/du by the chain rule, not the pair's analytic substitution) must
give the pair's WW and ETL numbers: an independent route through the engines' model hooks.
A scalar pair (β³/4 instead of β(1 + 2m²/s)) must come out below the fermion pair and tend
to a quarter of it far above threshold.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import millicharge.xsec.api as xsec
from millicharge.models.base import Model
from millicharge.models.mcp import MODEL as MCP
from millicharge.models.mcp import spectral_density


class _GenericPair(type(MCP)):
    """The millicharged pair, but with the base class's ds/du (no analytic substitution)."""

    name = "generic-pair-test"

    def spectral_factor_du(self, s, mass, tanh_u):
        return Model.spectral_factor_du(self, s, mass, tanh_u)


class _ScalarPair(type(MCP)):
    name = "scalar-pair-test"

    def spectral_factor(self, s, mass):
        s = np.asarray(s, dtype=float)
        beta = np.sqrt(np.clip(1.0 - 4.0 * mass**2 / s, 0.0, None))
        return spectral_density(s, 0.0) / 4.0 * beta**3  # α/(12πs) β³

    def spectral_factor_du(self, s, mass, tanh_u):
        return Model.spectral_factor_du(self, s, mass, tanh_u)


def test_generic_ds_du_equals_the_analytic_one():
    u = np.linspace(0.1, 5.0, 50)  # (β = √(1 − 4m²/s) loses digits closer to threshold)
    s = 4 * 0.1**2 * np.cosh(u) ** 2
    np.testing.assert_allclose(_GenericPair().spectral_factor_du(s, 0.1, np.tanh(u)),
                               MCP.spectral_factor_du(s, 0.1, np.tanh(u)), rtol=1e-12)


@pytest.mark.parametrize(("beam", "energy", "target", "mass"),
                         [("mu", 160.0, "Pb", 0.1), ("e", 8.0, "Al", 0.01)])
def test_ww_integrates_a_new_model_through_its_spectral_factor(beam, energy, target, mass):
    ours = xsec.cross_section(beam, energy, target, mass, 0.5, method="ww",
                              model=_GenericPair())
    pair = xsec.cross_section(beam, energy, target, mass, 0.5, method="ww", model="mcp")
    assert ours.sigma_pb == pytest.approx(pair.sigma_pb, rel=1e-10)
    scalar = xsec.cross_section(beam, energy, target, mass, 0.5, method="ww",
                                model=_ScalarPair())
    assert 0 < scalar.sigma_pb < pair.sigma_pb / 4


def test_scalar_pair_tends_to_a_quarter_far_above_threshold():
    """β³/4 over β(1 + 2m²/s) → 1/4 for s ≫ 4m²; the pair mass spectrum is ~ds/s, so the
    ratio of σ approaches 1/4 from below, logarithmically, as m_χ falls."""
    ratios = []
    for light in (1e-2, 1e-4, 1e-6):
        pair = xsec.cross_section("mu", 160.0, "Pb", light, 0.5, method="ww")
        scalar = xsec.cross_section("mu", 160.0, "Pb", light, 0.5, method="ww",
                                    model=_ScalarPair())
        ratios.append(scalar.sigma_pb / pair.sigma_pb)
    assert ratios == sorted(ratios) and ratios[-1] < 0.25
    assert ratios[-1] == pytest.approx(0.25, rel=0.06)


def test_etl_integrates_a_new_model_through_its_spectral_factor():
    kw = dict(method="etl", precision=2e-2, seed=3)
    pair = xsec.cross_section("mu", 160.0, "Pb", 0.1, 0.5, **kw)
    scalar = xsec.cross_section("mu", 160.0, "Pb", 0.1, 0.5, model=_ScalarPair(), **kw)
    # the scalar's spectral factor is (β²/4)/(1 + 2m²/s) of the fermion's: below 1/4
    ratio = scalar.sigma_pb / pair.sigma_pb
    err = math.hypot(scalar.error_pb / scalar.sigma_pb, pair.error_pb / pair.sigma_pb)
    assert 0.05 < ratio < 0.25 + 3 * err
