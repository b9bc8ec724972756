"""Signal event generation: four-momentum conservation, the x distribution against dσ/dx,
the LHE file as pylhe reads it, reproducibility and bad input."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import math

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.stats import chi2 as chi2_dist

import millicharge as mc
from millicharge.cli.main import main
from millicharge.events.generate import (
    CHI_PDG,
    DARK_PHOTON_PDG,
    EventSample,
    generate_events,
    nucleus_pdg,
    write_lhe,
)
from millicharge.experiments.config import load_experiment

pylhe = pytest.importorskip("pylhe")

FAST = {"neval": 5000, "train_iterations": 5, "prerun_passes": 2}
"""Cheap settings where only the kinematics matter (not the efficiency)."""


@pytest.fixture(scope="module")
def na64mu() -> EventSample:
    """4000 NA64μ events at m_χ = 0.1 GeV with the default (user) settings."""
    return generate_events("na64mu", 0.1, 4000, seed=7)


@pytest.fixture(scope="module")
def ldmx() -> EventSample:
    """Electrons: the collinear regime where on-shell masses are hardest to keep."""
    return generate_events("ldmx", 0.05, 1000, seed=2, **FAST)


@pytest.fixture(scope="module")
def dark_photon() -> EventSample:
    return generate_events("na64mu", 0.1, 500, model="dark-photon", seed=3, **FAST)


def _m2(p: np.ndarray) -> np.ndarray:
    return p[:, 0] ** 2 - np.sum(p[:, 1:] ** 2, axis=1)


@pytest.mark.parametrize("name", ["na64mu", "ldmx", "dark_photon"])
def test_every_event_conserves_four_momentum_and_is_on_shell(name, request):
    """Σ p_in = Σ p_out per component to 1e-13·E, and E_p² − p⃗² = m² to 1e-13·E·E_p for
    every particle: energies are differences of O(E) numbers (E' = E − E_k − t/2M), so
    the rounding scale of E_p is 1e-16·E, and we allow three decades above it."""
    s: EventSample = request.getfixturevalue(name)
    m = s.momenta
    outgoing = ["lepton_out", "nucleus_out"] + (
        ["chi", "chibar"] if s.model == "mcp" else ["vector"])
    p_in = m["lepton_in"] + m["nucleus_in"]
    p_out = sum(m[k] for k in outgoing)
    assert np.max(np.abs(p_in - p_out)) < 1e-13 * s.energy_gev
    masses = {"lepton_in": s.lepton_mass_gev, "lepton_out": s.lepton_mass_gev,
              "nucleus_in": s.nucleus_mass_gev, "nucleus_out": s.nucleus_mass_gev,
              "chi": s.mass_gev, "chibar": s.mass_gev}
    if s.model == "dark-photon":
        masses = {k: v for k, v in masses.items() if k not in ("chi", "chibar")}
        masses["vector"] = s.mass_gev
    for key, mass in masses.items():
        p = m[key]
        assert np.all(np.abs(_m2(p) - mass**2) <= 1e-13 * s.energy_gev * p[:, 0]), key
        assert np.all(p[:, 0] >= mass * (1 - 1e-12)), key
    if s.model == "mcp":
        assert np.max(np.abs(m["chi"] + m["chibar"] - m["vector"])) < 1e-13 * s.energy_gev
        assert np.all(s.pair_mass >= 2 * s.mass_gev * (1 - 1e-9))
    assert np.all((s.x >= s.x_min) & (s.x <= s.x_max))
    # The beam is along +z and the nucleus at rest in every event.
    assert np.all(m["lepton_in"][:, 1:3] == 0) and np.all(m["nucleus_in"][:, 1:] == 0)


def test_azimuth_about_the_beam_is_uniform(na64mu):
    """The phase space fixes k⃗ in the x–z plane; events are rotated by a uniform azimuth,
    so ⟨cos φ_k⟩ = ⟨sin φ_k⟩ = 0 within 4σ (σ = 1/√(2N))."""
    k = na64mu.momenta["vector"]
    phi = np.arctan2(k[:, 2], k[:, 1])
    bound = 4 / math.sqrt(2 * na64mu.n_events)
    assert abs(np.mean(np.cos(phi))) < bound and abs(np.mean(np.sin(phi))) < bound


def test_x_distribution_matches_dsigma_dx(na64mu):
    """Binned x of the unweighted events against σ per bin from the independent reduced
    (χ-angle-integrated) integrand, mc.cross_section: Pearson χ² with the prediction's
    MC error added to the Poisson variance; p-value > 1e-3. The sample's σ agrees with
    the sum of the bins within 4 combined standard errors."""
    s = na64mu
    edges = np.linspace(0.5, 1.0, 9)
    sig, err = [], []
    for i, (a, b) in enumerate(itertools.pairwise(edges)):
        r = mc.cross_section("mu", 160.0, load_experiment("na64mu").material, 0.1, a, b,
                             precision=2e-3, seed=100 + i)
        sig.append(r.sigma_pb)
        err.append(r.error_pb)
    sig, err = np.array(sig), np.array(err)
    observed, _ = np.histogram(s.x, bins=edges)
    assert observed.sum() == s.n_events
    expected = s.n_events * sig / sig.sum()
    assert expected.min() > 20  # Pearson χ² is valid
    var = expected + (s.n_events * err / sig.sum()) ** 2
    chi2 = float(np.sum((observed - expected) ** 2 / var))
    p_value = chi2_dist.sf(chi2, len(edges) - 2)
    assert p_value > 1e-3, (observed, expected.round(1), chi2)
    total, total_err = sig.sum(), math.sqrt(np.sum(err**2))
    assert abs(s.sigma_pb - total) < 4 * math.hypot(s.error_pb, total_err)
    assert s.error_pb < 2e-3 * s.sigma_pb


def test_unweighting_statistics_are_sane(na64mu):
    """The efficiency is a real fraction, overweight events are rare and the truncated
    part of σ stays near the requested 1e-4."""
    assert 0.05 < na64mu.efficiency <= 1
    assert na64mu.overweight_fraction < 0.01
    assert na64mu.truncated_fraction < 1e-3
    assert na64mu.events_per_second > 0


def test_pylhe_reads_the_file(na64mu, tmp_path):
    """pylhe sees the init block, N events with the promised particles, and momenta equal
    to the in-memory ones to the last bit (17 significant digits are written)."""
    path = write_lhe(na64mu, tmp_path / "events.lhe")
    lhe = pylhe.LHEFile.fromfile(path)
    info = lhe.init.initInfo
    assert (info.beamA, info.beamB) == (13, nucleus_pdg(82, 207))
    assert info.energyA == 160.0 and info.energyB == na64mu.nucleus_mass_gev
    assert info.weightingStrategy == 3 and info.numProcesses == 1
    proc = lhe.init.procInfo[0]
    assert proc.xSection == na64mu.sigma_pb and proc.error == na64mu.error_pb
    header = lhe.header.extra_elements[0]
    assert header.tag == "millicharge" and "seed = 7" in header.text
    events = list(lhe.events)
    assert len(events) == na64mu.n_events
    ids = [13, 1000822070, 13, 1000822070, 22, CHI_PDG, -CHI_PDG]
    keys = ["lepton_in", "nucleus_in", "lepton_out", "nucleus_out", "vector", "chi", "chibar"]
    weights = []
    for i, ev in enumerate(events):
        assert [p.id for p in ev.particles] == ids
        assert [p.status for p in ev.particles] == [-1, -1, 1, 1, 2, 1, 1]
        assert [(p.mother1, p.mother2) for p in ev.particles][2:] == [(1, 2)] * 3 + [(5, 5)] * 2
        got = np.array([[p.e, p.px, p.py, p.pz] for p in ev.particles])
        want = np.array([na64mu.momenta[k][i] for k in keys])
        assert np.array_equal(got, want)
        weights.append(ev.eventinfo.weight)
    assert sum(weights) == pytest.approx(na64mu.sigma_pb, rel=1e-9)


def test_dark_photon_file_has_one_invisible_particle(dark_photon, tmp_path):
    path = write_lhe(dark_photon, tmp_path / "ap.lhe.gz")
    with gzip.open(path, "rt") as fh:
        assert fh.readline().startswith('<LesHouchesEvents version="3.0">')
    events = list(pylhe.LHEFile.fromfile(path).events)
    assert len(events) == 500
    assert [p.id for p in events[0].particles][-1] == DARK_PHOTON_PDG
    assert len(events[0].particles) == 5


def test_same_seed_gives_an_identical_file(tmp_path):
    def make(seed, name):
        s = generate_events("ldmx", 0.1, 200, seed=seed, **FAST)
        return write_lhe(s, tmp_path / name).read_bytes()

    a, b, c = make(5, "a.lhe.gz"), make(5, "b.lhe.gz"), make(6, "c.lhe.gz")
    assert a == b
    assert a != c


def test_cli_generate_writes_events(tmp_path):
    out = tmp_path / "sub" / "events.lhe"
    out.parent.mkdir()  # a missing folder is refused (tests/cli/test_cli_outputs.py)
    result = CliRunner().invoke(main, ["generate", "--experiment", "ldmx", "--mass", "0.05",
                                       "--events", "100", "--output", str(out), "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "100 events" in result.stderr and "efficiency" in result.stderr
    lhe = pylhe.LHEFile.fromfile(out)
    assert lhe.init.initInfo.beamA == 11
    assert sum(1 for _ in lhe.events) == 100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("na64mu", 0.1, 0), "events must lie in"),
        (("na64mu", 0.1, -5), "events must lie in"),
        (("na64mu", 0.1, 2.5), "events must be a whole number"),
        (("na64mu", 0.1, True), "events must be a whole number"),
        (("no-such-experiment", 0.1, 10), "unknown experiment"),
        (("na64mu", -0.1, 10), "mass must be positive"),
        (("ldmx", 4.5, 10), "pair threshold"),
        (("na64mu", float("nan"), 10), "mass must be finite"),
    ],
)
def test_bad_input_is_one_line(args, message):
    with pytest.raises(mc.InputError, match=message) as err:
        generate_events(*args)
    assert "\n" not in str(err.value)


def test_closed_window_and_bad_options_are_one_line(tmp_path):
    # brem only: LDMX's typed meson yields hold for its own x_min and would be refused
    closed = dataclasses.replace(load_experiment("ldmx"), x_min=0.1, x_max=0.2,
                                 channels=("brem",))
    with pytest.raises(mc.InputError, match="kinematically closed") as err:
        generate_events(closed, 1.0, 10)
    assert "\n" not in str(err.value)
    for kwargs, message in [({"model": "axion"}, "unknown model"),
                            ({"epsilon": 0.0}, "epsilon"),
                            ({"max_truncation": 0.5}, "max_truncation"),
                            ({"neval": 10}, "neval")]:
        with pytest.raises(mc.InputError, match=message):
            generate_events("na64mu", 0.1, 10, **kwargs)
    result = CliRunner().invoke(main, ["generate", "-e", "na64mu", "--mass", "0.1",
                                       "--events", "0", "-o", str(tmp_path / "x.lhe")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: events must lie in [1, 10000000], got 0"]
    assert not (tmp_path / "x.lhe").exists()


@pytest.mark.parametrize(("name", "mass_key"), [("ldmx", "m_chi"), ("dark_photon", "m_A'")])
def test_lhe_header_and_init_name_the_model_mass_and_epsilon(name, mass_key, request,
                                                              tmp_path):
    """The file says what its events are: the model, its mass under the model's own symbol
    and ε, in the header and in the <init> block's <generator> element (LHEF 3.0)."""
    s: EventSample = dataclasses.replace(request.getfixturevalue(name), epsilon=1e-3)
    lhe = pylhe.LHEFile.fromfile(write_lhe(s, tmp_path / "events.lhe"))
    text = lhe.header.extra_elements[0].text
    assert f"{mass_key}_gev = {s.mass_gev!r}" in text
    assert "epsilon = 0.001  (epsilon = " in text
    assert ("millicharged particle pair" if s.model == "mcp" else "dark photon") in text
    (gen,) = lhe.init.generators
    assert gen.name == "millicharge"
    assert gen.description == f"model = {s.model}, {mass_key} = {s.mass_gev!r} GeV, " \
                              "epsilon = 0.001"
    assert lhe.init.initInfo.numProcesses == len(lhe.init.procInfo) == 1
    assert len(list(lhe.events)) == s.n_events  # reads to the end (closes the file)


def test_x_window_and_precision_keywords():
    """x_min/x_max override the experiment's window; precision adds σ passes, not events."""
    kw = dict(neval=2000, train_iterations=3, prerun_passes=1, seed=4)
    s = generate_events("ldmx", 0.05, 50, x_min=0.8, x_max=0.9, **kw)
    assert (s.x_min, s.x_max) == (0.8, 0.9)
    assert 0.8 <= s.x.min() and s.x.max() <= 0.9
    loose = generate_events("ldmx", 0.05, 50, **kw)
    tight = generate_events("ldmx", 0.05, 50, precision=2e-3, **kw)
    assert tight.error_pb <= 2e-3 * tight.sigma_pb < loose.error_pb
    np.testing.assert_array_equal(tight.momenta["chi"], loose.momenta["chi"])
    assert tight.sigma_pb == pytest.approx(loose.sigma_pb, rel=5 * loose.error_pb
                                           / loose.sigma_pb)
    for bad, match in (({"precision": 0.5}, "precision must be"),
                       ({"x_min": 0.9, "x_max": 0.8}, "x_min must be below x_max")):
        with pytest.raises(mc.InputError, match=match):
            generate_events("ldmx", 0.05, 5, **bad, **kw)
