"""The declarative experiment schema (experiments.schema) and the one cascade an experiment
uses for both its e± transport and the photon count of its meson yields (issue 11)."""

from __future__ import annotations

import dataclasses
import inspect
import math
import re

import pytest

from millicharge.core.errors import InputError
from millicharge.core.vocab import Beam, Channel, EnergyLoss, MesonSource, Transport, choices
from millicharge.experiments import config, schema
from millicharge.experiments.config import Experiment, experiment_from_dict, load_experiment
from millicharge.experiments.mesons import brem_photons, meson_yield_inputs, photon_track_length
from millicharge.experiments.thick_target import shower_rule_for
from millicharge.transport.shower import Cascade, track_length_cdf


def test_every_key_of_the_layout_is_in_the_schema_and_documented():
    doc = config.__doc__
    for f in schema.FIELDS:
        assert f.doc, f.key
        if not f.key.startswith(("mesons.sigma0_ub_", "mesons.f_nuc_")):
            assert re.search(rf"\b{re.escape(f.name)}\b", doc), f.key
    assert len({f.key for f in schema.FIELDS}) == len(schema.FIELDS)
    assert len(schema.layout().splitlines()) == len(schema.FIELDS)


def test_dataclass_defaults_are_the_schema_defaults():
    params = inspect.signature(Experiment).parameters
    for f in schema.FIELDS:
        if f.attribute in params and f.table != "mesons" and not f.required \
                and params[f.attribute].default is not inspect.Parameter.empty \
                and f.default is not None:
            assert params[f.attribute].default == f.default, f.key


def test_legacy_tuples_are_the_enums():
    assert config.CHANNELS == choices(Channel) == ("brem", "rho", "omega", "phi")
    assert config.MESON_CHANNELS == ("rho", "omega", "phi")
    assert config.TRANSPORTS == choices(Transport)
    assert config.ENERGY_LOSS_MODELS == choices(EnergyLoss)
    assert config.MESON_YIELD_SOURCES == choices(MesonSource)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("beam", "tau", "beam must be 'e' or 'mu', got 'tau'"),
    ("x_min", 1.0, "x_min must be a number in (0, 1), got 1.0"),
    ("x_max", 1.5, "x_max must be a number in (0, 1], got 1.5"),
    ("cl", 0.0, "cl must be a number in (0, 1), got 0.0"),
    ("energy_loss", "max", "energy_loss must be one of 'none', 'mean', got 'max'"),
    ("transport", "cascade", "target.transport must be one of 'thin', 'shower', got 'cascade'"),
    ("shower_nodes", 7, "target.shower_nodes must be an even integer from 2 to 32, got 7"),
    ("depth_points", 33, "depth_points must be an integer in 1 ... 32, got 33"),
    ("background", -1.0, "background must be a number >= 0, got -1.0"),
    ("background_uncertainty", math.nan,
     "background_uncertainty must be a number >= 0 (events), got nan"),
    ("leptons_on_target", math.inf, "leptons_on_target must be a positive number, got inf"),
    ("form_factor", "Helm", "target.form_factor must be one of 'elastic', "
                            "'elastic+inelastic', got 'Helm'"),
])
def test_api_experiment_gives_the_schema_message(key, value, message):
    exp = load_experiment("na64mu")
    with pytest.raises(InputError) as info:
        dataclasses.replace(exp, **{key: value})
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_file_reader_uses_the_schema_types_and_keys():
    data = dict(name="x", description="d", references="r", beam="e", energy_gev=8,
                leptons_on_target=1e14, x_min=0.7, channels=["brem"],
                target={"material": "W", "thickness_x0": 0.1})
    exp = experiment_from_dict(data)
    assert (exp.energy_gev, type(exp.energy_gev), exp.references) == (8.0, float, ("r",))
    assert exp.beam == Beam.ELECTRON and type(exp.beam) is str  # stored as the string
    with pytest.raises(InputError, match=r"^f: target.shower_nodes must be an even integer"):
        experiment_from_dict({**data, "target": {**data["target"], "shower_nodes": 4.0}}, "f")
    with pytest.raises(InputError, match=r"^f: unknown key 'target.colour': allowed are "
                                         r"material, Z, A, density, X0, thickness_cm"):
        experiment_from_dict({**data, "target": {**data["target"], "colour": 1}}, "f")
    with pytest.raises(InputError, match=r"missing required field 'x_min'"):
        experiment_from_dict({k: v for k, v in data.items() if k != "x_min"})


def test_meson_photons_use_the_cascade_of_the_shower_transport():
    """Issue 11: the meson yields counted photons with beta = 0 while the shower transport
    used the target's beta. Now both come from Experiment.cascade."""
    na64e = load_experiment("na64e")
    pb = Cascade.for_element(82)
    assert na64e.cascade == pb and shower_rule_for(na64e).beta == pb.beta
    assert pb.beta == pytest.approx(0.0162, abs=1e-4)
    # the photon track length is the transport's, with the target's beta
    t_gamma = float(track_length_cdf(0.5, 40.0, component="photon", cascade=pb))
    assert photon_track_length(0.5, 40.0, cascade=pb) == t_gamma
    inputs = meson_yield_inputs(na64e, "rho")
    assert inputs.f_brem == brem_photons(0.5, 40.0, method="shower", cascade=pb)
    # beta matters at the per-cent level, so the test can tell the two apart
    beta0 = brem_photons(0.5, 40.0, method="shower")
    assert abs(inputs.f_brem / beta0 - 1) > 5e-3
    # thick target: all photons above x_min convert, f_brem -> sigma0(beta) T_gamma
    assert inputs.f_brem == pytest.approx(pb.sigma0 * t_gamma, rel=1e-4)
    # thin target: c = 4/3 + 2 beta in the closed form, and the shower count tends to it
    al = Cascade.for_element(13)
    thin = brem_photons(0.7, 1e-3, cascade=al)
    c = 4 / 3 + 2 * al.beta
    assert thin == pytest.approx(1e-3 * (c * math.log(1 / 0.7) - c * 0.3 + 0.5 * (1 - 0.49)),
                                 rel=1e-12)
    assert brem_photons(0.7, 1e-3, method="shower", cascade=al) == pytest.approx(thin, rel=2e-3)
