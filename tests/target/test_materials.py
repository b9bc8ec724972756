"""Materials as data: shipped values, derived quantities and validation."""

from __future__ import annotations

import pytest

from millicharge.core.constants import AMU, AVOGADRO
from millicharge.core.errors import InputError
from millicharge.target.materials import Material, get_material, material_names


def test_required_materials_are_shipped():
    assert {"Pb", "Al", "W", "Cu", "Fe", "C"} <= set(material_names())
    for name in material_names():
        m = get_material(name)
        assert m.Z >= 1 and m.A >= m.Z and m.density > 0 and m.X0 > 0
        # radiation length × density is the PDG X0 in g/cm² (5–70 g/cm² for Be…Pb)
        assert 5.0 < m.X0 * m.density < 70.0


def test_paper_values_and_derived_quantities():
    pb = get_material("pb")  # case-insensitive
    assert (pb.Z, pb.A, pb.density) == (82, 207.0, 11.35)
    assert pb.nucleus_mass == pytest.approx(207 * AMU)
    assert pb.number_density == pytest.approx(11.35 * AVOGADRO / 207)
    assert get_material(pb) is pb


def test_custom_material():
    m = Material("mine", Z=6, A=12.0, density=2.2, X0=19.3)
    assert m.number_density == pytest.approx(2.2 * AVOGADRO / 12.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"Z": -1, "A": 12.0}, "Z must be an integer from 1 to 118"),
        ({"Z": 6, "A": 0.0}, "A must be a positive number"),
        ({"Z": 10, "A": 5.0}, "smaller than Z"),
        ({"Z": 6, "A": 12.0, "density": -1.0}, "density must be a positive finite number"),
    ],
)
def test_bad_materials(kwargs, message):
    with pytest.raises(InputError, match=message):
        Material("x", **kwargs)


def test_unknown_material_lists_the_shipped_ones():
    with pytest.raises(InputError, match=r"unknown material .Xx.: allowed are .*Pb"):
        get_material("Xx")
