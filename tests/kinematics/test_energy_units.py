"""Beam energies are plain GeV numbers in a sane range; hepunits quantities need /GeV."""

from __future__ import annotations

import pytest
from hepunits import GeV, MeV

from millicharge.core.errors import InputError
from millicharge.core.validation import ENERGY_MAX_GEV, ENERGY_MIN_GEV
from millicharge.kinematics.process import Process


def test_hepunits_quantity_divided_by_gev_is_the_energy_in_gev():
    assert Process.make("mu", 160 * GeV / GeV, "Pb", 0.1).energy == 160.0
    assert Process.make("e", 8000 * MeV / GeV, "Al", 0.01).energy == 8.0


@pytest.mark.parametrize("energy", [160 * GeV, 0.005, ENERGY_MAX_GEV * 1.001,
                                    ENERGY_MIN_GEV * 0.999])
def test_energy_outside_the_sane_range_is_one_line(energy):
    with pytest.raises(InputError, match=r"lie in \[0\.01, 100000\] GeV") as err:
        Process.make("e", energy, "Pb", 1e-4)
    assert "\n" not in str(err.value) and "GeV/GeV" in str(err.value)


def test_range_edges_are_accepted():
    assert Process.make("e", ENERGY_MIN_GEV, "Pb", 1e-4).energy == ENERGY_MIN_GEV
    assert Process.make("e", ENERGY_MAX_GEV, "Pb", 1e-4).energy == ENERGY_MAX_GEV
