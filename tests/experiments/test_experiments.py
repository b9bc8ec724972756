"""Tests for millicharge.experiments.config: shipped values (SPEC §7) and validation errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from millicharge.core.errors import InputError
from millicharge.experiments.config import Experiment, experiment_names, load_experiment

GOOD = textwrap.dedent(
    """
    name = "Test"
    description = "a test experiment"
    references = ["nobody"]
    beam = "e"
    energy_gev = 8.0
    leptons_on_target = 1e14
    x_min = 0.7
    x_max = 1.0
    channels = ["brem", "rho"]
    efficiency = 0.5
    background = 0.3
    cl = 0.9

    [target]
    material = "W"
    thickness_cm = 0.035

    [mesons]
    reference_lot = 2e16
    reference_energy_gev = 8.0
    reference_material = 'W'
    reference_thickness_x0 = 0.0999
    reference_x_min = 0.7
    n_rho = 6e10
    """
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _replace(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new)


def test_shipped_names() -> None:
    assert set(experiment_names()) >= {"na64mu", "ldmx", "na64e", "ldmx-phase1"}


@pytest.mark.parametrize("name", ["na64mu", "ldmx", "na64e", "ldmx-phase1"])
def test_every_shipped_file_loads_and_lists(name: str) -> None:
    exp = load_experiment(name)
    d = exp.to_dict()
    assert d["name"] == exp.name and d["target"]["thickness_cm"] == pytest.approx(exp.thickness_cm)
    assert exp.references and all(isinstance(r, str) for r in exp.references)


def test_na64mu_matches_spec_table() -> None:
    exp = load_experiment("NA64mu")  # case-insensitive
    assert (exp.beam, exp.energy_gev, exp.leptons_on_target) == ("mu", 160.0, 1e14)
    mat = exp.material
    assert (mat.symbol, mat.Z, mat.A, mat.density) == ("Pb", 82, 207.0, 11.35)
    assert exp.thickness_x0 == 40.0
    # SPEC §7: 40 X0 ≈ 22.5 cm with X0 ≈ 0.56 cm
    assert exp.thickness_cm == pytest.approx(22.5, rel=0.01)
    assert (exp.x_min, exp.x_max, exp.channels) == (0.5, 1.0, ("brem",))
    assert (exp.efficiency, exp.background, exp.cl) == (1.0, 0.0, 0.95)
    assert exp.mesons is None


def test_ldmx_matches_spec_table() -> None:
    exp = load_experiment("ldmx")
    assert (exp.beam, exp.energy_gev, exp.leptons_on_target) == ("e", 8.0, 2e16)
    mat = exp.material
    assert (mat.symbol, mat.Z, mat.A, mat.density, mat.X0) == ("Al", 13, 27.0, 2.7, 8.9)
    assert exp.thickness_cm == pytest.approx(0.4 * 8.9)
    assert exp.x_min == 0.7
    assert set(exp.channels) == {"brem", "rho", "omega", "phi"}
    # paper Eq. 7 at EOT = 2e16
    assert exp.meson_yield("rho") == pytest.approx(6e10)
    assert exp.meson_yield("omega") == pytest.approx(6e9)
    assert exp.meson_yield("phi") == pytest.approx(1e9)


def test_phase1_and_na64e() -> None:
    p1 = load_experiment("ldmx-phase1")
    assert (p1.energy_gev, p1.leptons_on_target, p1.material.symbol) == (4.0, 4e14, "W")
    assert p1.thickness_cm == pytest.approx(0.03504, rel=1e-3)  # 0.1 X0 of W (ldmx-sw v14)
    na64e = load_experiment("na64e")
    assert (na64e.energy_gev, na64e.leptons_on_target, na64e.x_min) == (100.0, 9.37e11, 0.5)


def test_user_file_and_meson_scaling(tmp_path: Path) -> None:
    exp = load_experiment(_write(tmp_path, GOOD))
    assert exp.thickness_cm == 0.035
    assert exp.thickness_x0 == pytest.approx(0.035 / 0.3504)
    assert exp.meson_yield("rho") == pytest.approx(6e10 * 1e14 / 2e16)
    assert (exp.efficiency, exp.background, exp.cl) == (0.5, 0.3, 0.9)
    # string path works too
    assert load_experiment(str(tmp_path / "exp.toml")) == exp


def test_defaults(tmp_path: Path) -> None:
    text = GOOD.replace("x_max = 1.0\n", "").replace("efficiency = 0.5\n", "")
    text = text.replace("background = 0.3\n", "").replace("cl = 0.9\n", "")
    exp = load_experiment(_write(tmp_path, text))
    assert (exp.x_max, exp.efficiency, exp.background, exp.cl) == (1.0, 1.0, 0.0, 0.95)


def test_overrides_apply(tmp_path: Path) -> None:
    text = _replace('material = "W"', 'material = "W"\nA = 184.0\nX0 = 0.35')
    text = text.replace("thickness_cm = 0.035", "thickness_x0 = 2.0")
    text = text.replace("reference_thickness_x0 = 0.0999", "reference_thickness_x0 = 2.0")
    exp = load_experiment(_write(tmp_path, text))
    assert exp.material.A == 184.0 and exp.material.Z == 74
    assert exp.thickness_cm == pytest.approx(0.7)


BAD = [
    ('name = "Test"\n', "", "name"),
    ("energy_gev = 8.0", 'energy_gev = "8"', "energy_gev"),
    ("x_min = 0.7", "x_min = 1.2", "x_min"),
    ("x_min = 0.7", "x_min = 0.0", "x_min"),
    ("x_max = 1.0", "x_max = 0.6", "x_min"),
    ("x_max = 1.0", "x_max = 1.5", "x_max"),
    ('channels = ["brem", "rho"]', 'channels = ["brem", "eta"]', "channels"),
    ('channels = ["brem", "rho"]', "channels = []", "channels"),
    ("background = 0.3", "background = -1.0", "background"),
    ("efficiency = 0.5", "efficiency = 0.0", "efficiency"),
    ("efficiency = 0.5", "efficiency = 1.5", "efficiency"),
    ("cl = 0.9", "cl = 1.0", "cl"),
    ("thickness_cm = 0.035", "thickness_cm = 0.035\nthickness_x0 = 0.1", "thickness"),
    ("thickness_cm = 0.035", "", "thickness"),
    ("thickness_cm = 0.035", "thickness_cm = -1.0", "thickness"),
    ('beam = "e"', 'beam = "tau"', "beam"),
    ('beam = "e"', 'beam = "e"\ncolour = "red"', "colour"),
    ('material = "W"', 'material = "W"\nshape = 1', "shape"),
    ('material = "W"', 'material = "Unobtainium"', "Unobtainium"),
    ("leptons_on_target = 1e14", "leptons_on_target = 0", "leptons_on_target"),
    ("n_rho = 6e10", "n_omega = 6e10", "n_rho"),
    ("reference_lot = 2e16\n", "", "reference_lot"),
    ("energy_gev = 8.0", "energy_gev = 8.0 8", "TOML syntax"),
    ("energy_gev = 8.0", "energy_gev = 0.0001", "energy_gev"),
]


@pytest.mark.parametrize(("old", "new", "field"), BAD)
def test_malformed_file_raises_one_line(tmp_path: Path, old: str, new: str, field: str) -> None:
    path = _write(tmp_path, _replace(old, new))
    with pytest.raises(InputError) as info:
        load_experiment(path)
    msg = str(info.value)
    assert "\n" not in msg
    assert str(path) in msg
    assert field in msg


def test_unknown_name_lists_shipped() -> None:
    with pytest.raises(InputError, match="na64mu") as info:
        load_experiment("na62")
    assert "ldmx" in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(InputError, match="not found"):
        load_experiment("/nonexistent/dir/x.toml")


def test_direct_construction_validates() -> None:
    kwargs = dict(
        name="x", description="", references=(), beam="mu", energy_gev=160.0,
        leptons_on_target=1e14, target="Pb", thickness=40.0, thickness_unit="X0", x_min=0.5,
    )
    assert Experiment(**kwargs).thickness_cm == pytest.approx(40 * 0.5612)
    with pytest.raises(InputError, match="x_min"):
        Experiment(**{**kwargs, "x_min": 0.0})
    with pytest.raises(InputError, match="mesons"):
        Experiment(**{**kwargs, "channels": ("brem", "phi")})


@pytest.mark.parametrize(("override", "field"),
                         [("Z = 13", "target.Z"), ("A = 150.0", "target.A")])
def test_overrides_cannot_turn_the_material_into_another_element(tmp_path: Path, override,
                                                                  field) -> None:
    """A copied file that keeps Al's Z/A under material = "W" must not compute aluminium."""
    text = _replace('material = "W"', f'material = "W"\n{override}')
    with pytest.raises(InputError, match=rf": {field} = .* contradicts material 'W'") as err:
        load_experiment(_write(tmp_path, text))
    assert "\n" not in str(err.value)


def test_copied_ldmx_with_another_material_is_refused(tmp_path: Path) -> None:
    """The README flow: `experiments show ldmx`, then change only the material."""
    from importlib import resources

    text = resources.files("millicharge.data").joinpath("experiments", "ldmx.toml") \
        .read_text("utf-8").replace('material = "Al"', 'material = "W"')
    with pytest.raises(InputError, match=r"target\.Z = 13 contradicts material 'W' \(Z = 74\)"):
        load_experiment(_write(tmp_path, text))
