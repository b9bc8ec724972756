"""The one target grammar: a shipped symbol or ``Z=…,A=…[,density=…,X0=…]``, read by
get_material for the API, by parse_target for the command line and grids, and by the
experiment files' ``[target] material``."""

from __future__ import annotations

import math

import pytest

import millicharge as mc
from millicharge.core.errors import InputError
from millicharge.target.materials import Material, get_material, parse_target

PB = get_material("Pb")
PB_TEXT = f"Z=82,A={PB.A!r},density={PB.density!r},X0={PB.X0!r}"


def _fields(m: Material) -> tuple[float, ...]:
    return (m.Z, m.A, m.density, m.X0)


@pytest.mark.parametrize("text", [
    PB_TEXT, PB_TEXT.replace(",", ";"), " " + PB_TEXT.replace("=", " = ") + " ",
    f"X0={PB.X0!r};density={PB.density!r},A={PB.A!r},Z=82.0",
])
def test_a_custom_target_reads_alike_everywhere(text):
    by_api, by_cli = get_material(text), parse_target(text)
    assert by_api == by_cli
    assert (by_api.symbol, _fields(by_api)) == ("Z82A207", _fields(PB))
    assert isinstance(by_api.Z, int)


def test_unknown_fields_stay_unknown():
    carbon = get_material("Z=6,A=12.011")
    assert (carbon.symbol, carbon.Z, carbon.A) == ("Z6A12.011", 6, 12.011)
    assert math.isnan(carbon.density) and math.isnan(carbon.X0)
    assert get_material("pb") == PB == parse_target("Pb") == parse_target(PB)


BAD = [
    ("Z=6", "a custom target needs Z=… and A=…"),
    ("Z=6,B=2", "field 'B' unknown, use Z=…,A=…[,density=…,X0=…]"),
    ("Z=6,A=12,", "field '' unknown"),
    ("Z=6,Z=7,A=14", "field 'Z' given twice"),
    ("Z=6,A=abc", "A must be a number, got 'abc'"),
    ("Z=6.5,A=12", "material Z must be an integer from 1 to 118"),
    ("Z=6,A=3", "material A=3 is smaller than Z=6"),
    ("Z=6,A=12,density=-1", "material density must be a positive finite number"),
    ("Z=6,A=12,X0=inf", "material X0 must be a positive finite number"),
]


@pytest.mark.parametrize(("text", "reason"), BAD)
def test_bad_custom_targets_name_the_text_and_the_reason(text, reason):
    with pytest.raises(InputError) as api:
        get_material(text)
    assert str(api.value).startswith(f"bad material {text.strip()!r}: {reason}")
    with pytest.raises(InputError) as cli:
        parse_target(text)
    assert str(cli.value).startswith(f"bad --target value {text.strip()!r}: {reason}")
    for err in (api, cli):
        assert "\n" not in str(err.value)


def test_unknown_symbols_point_at_the_custom_form():
    with pytest.raises(InputError, match=r"^unknown material 'Xx': allowed are .*Pb.* \(or a "
                       r"custom target Z=…,A=…\[,density=…,X0=…\]\)$"):
        get_material("Xx")
    with pytest.raises(InputError, match=r"^bad --target value 'Xx': unknown material 'Xx'"):
        parse_target("Xx")
    with pytest.raises(InputError, match=r"^material must be a symbol such as 'Pb', a custom "
                       r"target"):
        get_material(None)  # type: ignore[arg-type]


def test_the_api_target_string_gives_the_materials_cross_section():
    """target="Z=82,A=…" in the API is the Material it spells: the same σ as the shipped
    lead and as the Material object (WW, no cache)."""
    common = dict(beam="mu", energy=160.0, mass=0.1, x_min=0.5, method="ww", cache=False)
    text = mc.cross_section(target=PB_TEXT, **common)
    shipped = mc.cross_section(target="Pb", **common)
    obj = mc.cross_section(target=Material("mine", 82, PB.A, PB.density, PB.X0), **common)
    assert text.sigma_pb == shipped.sigma_pb == obj.sigma_pb > 0
    carbon = mc.cross_section(target="Z=6,A=12.011", **common)
    assert carbon.sigma_pb < 0.05 * text.sigma_pb  # σ ∝ Z² roughly: the fields are used


def test_an_experiment_file_reads_the_same_grammar():
    """``[target] material`` takes the custom string too; with the table's overrides it
    gives the same material."""
    from millicharge.experiments.files import experiment_from_dict

    def ldmx(**target):
        return experiment_from_dict(
            {"name": "t", "description": "d", "references": ["r"], "beam": "e",
             "energy_gev": 8.0, "leptons_on_target": 1e16, "x_min": 0.7,
             "channels": ["brem"], "efficiency": 1.0, "background": 0.0, "cl": 0.9,
             "target": {"thickness_cm": 1.0, **target}}, "t.toml")

    text = ldmx(material=PB_TEXT).material
    table = ldmx(material="Pb", Z=82, A=PB.A, density=PB.density, X0=PB.X0).material
    assert _fields(text) == _fields(table) == _fields(PB)
    with pytest.raises(InputError, match=r"target\.Z = 82 contradicts material 'W'"):
        ldmx(material="W", Z=82, A=PB.A, density=PB.density, X0=PB.X0)  # not another element
    with pytest.raises(InputError, match=r"^t.toml: bad material 'Z=6'"):
        ldmx(material="Z=6")
