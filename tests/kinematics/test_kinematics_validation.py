"""Bad input at the public API: one InputError line naming the argument, never a numpy or
TypeError message; thresholds that follow the model; kinematic windows printed correctly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import millicharge as mc
from millicharge.core.errors import InputError
from millicharge.kinematics.process import Process, closed_window_message, x_threshold
from millicharge.running.grid import _is_open, make_grid
from millicharge.target.materials import Material, get_material
from millicharge.xsec.etl import x_limits

NAN, INF = float("nan"), float("inf")


def _one_line(err: pytest.ExceptionInfo, *names: str) -> str:
    """The message: one line, an InputError, naming one of ``names``, no library wording."""
    assert type(err.value) is InputError, type(err.value)
    text = str(err.value)
    assert text and "\n" not in text, text
    assert any(n in text for n in names), (names, text)
    for leak in ("could not convert", "numpy", "NoneType", "object is not", "Traceback"):
        assert leak not in text, text
    return text


# --- mc.cross_section -------------------------------------------------------------------

XSEC = dict(beam="mu", energy=160.0, target="Pb", mass=0.1, x_min=0.5, method="ww")
XSEC_BAD = {
    "beam": [None, "tau", "", [], {}, True, 1],
    "energy": [None, "abc", "8", [], {}, True, False, NAN, INF, -1, 0, 0.05, 1e300, 2e5,
               1 + 2j],
    "target": [None, "abc", [], {}, True, 5],
    "mass": [None, "abc", "0.1", [], True, NAN, INF, -1, 0, 1e-300, 1e300, 100.0],
    "x_min": [None, "abc", [], True, NAN, INF, -1, 0, 1, 1.5, 1e300],
    "x_max": [None, "abc", True, NAN, 0, 1.5, 0.3],
    "method": [None, "abc", [], 1],
    "model": [None, "abc", [], True],
    "epsilon": [None, "abc", [], True, NAN, INF, -1, 0, 1e300, 1e200, 1e-200],
    "precision": [None, "abc", True, NAN, INF, -1, 0, 1, 1e300],
    "seed": [-1, 1.5, "a", True, [], NAN],
    "nucleus_mass": ["abc", True, NAN, INF, -1, 0, []],
    "cache": ["yes", 1],  # None: the runner's default (on)
    "runner": ["yes", 1, True],
}
_NAMES = {"target": ("material",), "x_min": ("x_min", "x window"),
          "x_max": ("x_max", "x window")}


@pytest.mark.parametrize(("arg", "value"), [(a, v) for a, vs in XSEC_BAD.items() for v in vs])
def test_cross_section_bad_argument(arg, value):
    with pytest.raises(InputError) as err:
        mc.cross_section(**{**XSEC, arg: value})
    _one_line(err, *_NAMES.get(arg, (arg,)))


def test_bool_energy_is_not_one_gev():
    with pytest.raises(InputError, match="energy must be a number of GeV, got True"):
        mc.cross_section("e", True, "Al", 0.001, 0.5, method="ww")


# --- mc.spectrum ------------------------------------------------------------------------

SPEC = dict(beam="e", energy=8.0, target="Al", mass=0.01, x=[0.5, 0.8], method="ww")
SPEC_BAD = {
    "x": [None, "abc", "0.5", [], {}, True, [True], NAN, [0.5, NAN], INF, -1, 0, 1,
          [[0.1, 0.2], [0.3, 0.4]], [0.1, "a"], 1 + 0j, [[0.1], [0.2, 0.3]]],
    "energy": [True, "abc", 1e300],
    "mass": [None, "abc", -1],
    "epsilon": [1e-200, 1e200, True],
    "seed": [-1, 1.5, "a"],
    "precision": [0, "abc"],
    "cache": ["no"],
}


@pytest.mark.parametrize(("arg", "value"), [(a, v) for a, vs in SPEC_BAD.items() for v in vs])
def test_spectrum_bad_argument(arg, value):
    with pytest.raises(InputError) as err:
        mc.spectrum(**{**SPEC, arg: value})
    _one_line(err, arg)


# --- mc.reach ---------------------------------------------------------------------------

REACH = dict(experiment="ldmx", masses=[0.1], method="ww", cache=False, progress=False,
             backend="serial")
REACH_BAD = {
    "experiment": [None, [], {}, 5, True, "nope", "a\0b"],
    "masses": ["abc", [], {}, True, [True], [NAN], [-1], [0], [1e-300],
               [[0.1]], [0.1, "a"], 1 + 0j],
    "cl": ["abc", True, NAN, 0, 1, 1.5],
    "method": ["abc", None],
    "model": ["abc", None],
    "precision": ["abc", 0, True],
    "seed": [-1, 1.5, "a", True],
    "backend": ["abc", 1],
    "workers": [0, -1, "abc", True, 1.5],
    "cache": ["yes"],
    "progress": ["no"],
    "energy_loss": ["yes", 1],
    "scheduler": [5],
}


@pytest.mark.parametrize(("arg", "value"), [(a, v) for a, vs in REACH_BAD.items() for v in vs])
def test_reach_bad_argument(arg, value):
    with pytest.raises(InputError) as err:
        mc.reach(**{**REACH, arg: value})
    _one_line(err, arg)


# --- Material / get_material ------------------------------------------------------------

MATERIAL = dict(symbol="C", Z=6, A=12.0, density=2.2, X0=19.3)
MATERIAL_BAD = {
    "symbol": [None, "", 5],
    "Z": [None, "abc", True, NAN, INF, 0, -1, 119, 6.5, 1e300],
    "A": [None, "abc", True, NAN, INF, 0, -1, 5],
    "density": ["abc", True, INF, 0, -1],
    "X0": ["abc", True, INF, 0, -1],
    "name": [5],
}


@pytest.mark.parametrize(("arg", "value"),
                         [(a, v) for a, vs in MATERIAL_BAD.items() for v in vs])
def test_material_bad_field(arg, value):
    with pytest.raises(InputError) as err:
        Material(**{**MATERIAL, arg: value})
    _one_line(err, arg)


def test_material_z_is_stored_as_an_int():
    m = Material("C", Z=6.0, A=12.0)
    assert m.Z == 6 and isinstance(m.Z, int)


@pytest.mark.parametrize("value", [None, 5, [], {}, True, "Xx"])
def test_get_material_bad(value):
    with pytest.raises(InputError) as err:
        mc.get_material(value)
    _one_line(err, "material")


# --- make_grid --------------------------------------------------------------------------

GRID = dict(beam="mu", energy=160, target="Pb", mass=0.1, x_min=0.5)
GRID_BAD = {
    "beam": [None, "tau", [], True],
    "energy": [None, "abc", True, NAN, INF, -1, 0, 1e300, []],
    "target": [None, "Xx", [], "Z=200,A=500", "Z=6.5,A=12", "Z=0,A=1", "Z=6,A=5", 5],
    "mass": [None, "abc", True, NAN, -1, 0, [], "1:0.1:5"],
    "x_min": [None, "abc", True, NAN, 0, 1.5, []],
    "x_max": [0, 1.5, "abc", True],
    "method": ["abc"],
    "model": ["abc"],
    "precision": ["abc", 0, True],
    "seed": [-1, 1.5, "a", True],
}


@pytest.mark.parametrize(("arg", "value"), [(a, v) for a, vs in GRID_BAD.items() for v in vs])
def test_make_grid_bad_argument(arg, value):
    with pytest.raises(InputError) as err:
        make_grid(**{**GRID, arg: value})
    _one_line(err, "--" + arg.replace("_", "-"))


def test_at_least_forty_bad_inputs_are_tried():
    n = sum(len(v) for table in (XSEC_BAD, SPEC_BAD, REACH_BAD, MATERIAL_BAD, GRID_BAD)
            for v in table.values())
    assert n >= 40


# --- thresholds follow the model --------------------------------------------------------

def test_one_threshold_per_model():
    p = Process.make("e", 8.0, "Al", 4.5, model="dark-photon")
    assert p.threshold("mcp") == 9.0 and p.threshold("dark-photon") == 4.5
    assert x_threshold(p, "dark-photon") == 4.5 / 8.0
    assert not p.is_open("mcp") and p.is_open("dark-photon")
    lo, hi = x_limits(p, 0.7, 1.0, "dark-photon")
    assert lo == pytest.approx(0.7) and hi < 1.0
    with pytest.raises(InputError, match="pair threshold"):
        Process.make("e", 8.0, "Al", 4.5)
    with pytest.raises(InputError, match="unknown model"):
        p.threshold("axion")


def test_dark_photon_above_the_pair_threshold_is_computed():
    r = mc.cross_section("e", 8, "Al", 4.5, 0.7, model="dark-photon", method="ww")
    assert r.sigma_pb > 0 and math.isfinite(r.sigma_pb)
    with pytest.raises(InputError, match="pair threshold 2·m = 9 GeV") as err:
        mc.cross_section("e", 8, "Al", 4.5, 0.7, method="ww")
    _one_line(err, "mass")
    s = mc.spectrum("e", 8, "Al", 4.5, [0.5, 0.8], model="dark-photon", method="ww")
    assert s.dsigma_dx_pb[0] == 0.0 and s.dsigma_dx_pb[1] > 0.0  # x_A' ≥ 4.5/8


def test_reach_marks_dark_photon_masses_open():
    kw = dict(method="ww", cache=False, progress=False, backend="serial")
    dp = mc.reach("ldmx", [0.1, 4.5], model="dark-photon", **kw)
    mcp = mc.reach("ldmx", [0.1, 4.5], **kw)
    assert np.all(np.isfinite(dp["epsilon_brem"])) and dp["sigma_pb"][1] > 0
    assert mcp["sigma_pb"][1] == 0.0 and math.isnan(mcp["epsilon_brem"][1])


def test_grid_is_open_follows_the_model():
    point = dict(beam="e", energy=8.0, target=get_material("Al"), mass=4.5, x_min=0.7,
                 x_max=1.0)
    assert _is_open({**point, "model": "dark-photon"})
    assert not _is_open({**point, "model": "mcp"})
    assert not _is_open({**point, "beam": "mu", "energy": 0.05, "model": "mcp"})


def test_thick_target_nodes_follow_the_model():
    from millicharge.experiments.config import load_experiment
    from millicharge.experiments.thick_target import _node_jobs, with_energy_loss

    exp = with_energy_loss(load_experiment("na64mu"), True)
    dp = _node_jobs(exp, 79.95, "ww", "dark-photon", 1e-2, 0)
    mcp = _node_jobs(exp, 79.95, "ww", "mcp", 1e-2, 0)
    assert all(job is not None for job, _ in dp)
    assert all(job is None for job, _ in mcp)


# --- the kinematic window in messages ---------------------------------------------------

def test_closed_window_prints_the_real_window():
    with pytest.raises(InputError) as err:
        mc.cross_section("e", 8, "Al", 0.1, 0.9999999, method="ww")
    text = _one_line(err, "x window")
    assert "[0.9999999, 1]" in text
    assert "0.025 < x ≤ 0.999936" in text


def test_window_digits_tell_the_bounds_apart():
    p = Process.make("e", 8.0, "Al", 0.1)
    hi = p.x_max_kinematic
    text = closed_window_message(p, "mcp", hi + 1e-12, 1.0)
    shown = text.rsplit("≤ ", 1)[1]
    assert float(shown) < hi + 1e-12 <= 1.0


def test_figure2_points_are_checked():
    from millicharge.plots.figures import figure2_data

    for points in (0, 1, -3, 1.5, True, 10_000):
        with pytest.raises(InputError) as err:
            figure2_data("ldmx", [0.1], points=points, method="ww")
        _one_line(err, "points")
