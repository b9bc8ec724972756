"""Package hygiene: explicit __all__ everywhere, citations, units and constants."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import millicharge
from millicharge.core import citations
from millicharge.core.constants import ALPHA, M_E, M_MU, lepton_mass
from millicharge.core.errors import InputError
from millicharge.core.units import GEV2_TO_PB, HBARC_GEV_CM, pb

MODULES = [
    m.name.removeprefix("millicharge.")
    for m in pkgutil.walk_packages(millicharge.__path__, "millicharge.")
    if not m.ispkg and m.name.rsplit(".", 1)[-1] != "__main__"
]


@pytest.mark.parametrize("name", MODULES)
def test_every_public_module_declares_all(name):
    module = importlib.import_module(f"millicharge.{name}")
    if name.startswith("_"):
        return
    assert hasattr(module, "__all__"), name
    for symbol in module.__all__:
        assert hasattr(module, symbol), f"{name}.{symbol}"


def test_units_are_consistent():
    # (ħc)² = (ħc in GeV·cm)² · 1e36 pb/cm²
    assert GEV2_TO_PB == pytest.approx(HBARC_GEV_CM**2 * 1e36, rel=1e-12)
    assert GEV2_TO_PB * pb == pytest.approx(1.0)
    assert HBARC_GEV_CM == pytest.approx(1.973269804e-14, rel=1e-9)


def test_constants():
    assert 1 / ALPHA == pytest.approx(137.036, abs=1e-3)
    assert M_E == pytest.approx(0.000510998950, rel=1e-9)
    assert M_MU == pytest.approx(0.1056583755, rel=1e-9)
    assert lepton_mass("e") == M_E
    with pytest.raises(ValueError, match="unknown beam"):
        lepton_mass("tau")


def test_results_carry_their_citations_and_nothing_is_recorded_run_wide():
    ww = millicharge.cross_section("mu", 160, "Pb", 0.1, 0.5, method="ww", cache=False)
    both = millicharge.cross_section("mu", 160, "Pb", 0.1, 0.5, method="ww", cache=False,
                                     form_factor="elastic+inelastic")
    assert ww.citations == ("gninenko2025", "kim-tsai1973")
    assert citations.collect([ww, both], ww) == ["gninenko2025", "kim-tsai1973", "tsai1974",
                                                 "bjorken2009"]
    assert "@article{Kim:1973he," in citations.bibtex(list(ww.citations))
    assert not {"cite", "used", "reset"} & set(dir(citations))  # no module state to forget
    with pytest.raises(KeyError, match="no-such-paper"):
        citations.bibtex(["gninenko2025", "no-such-paper"])


def test_error_classes():
    assert issubclass(InputError, ValueError)
