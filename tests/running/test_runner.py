"""The runner layer: pure physics below, cache and execution in a Runner above it."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

import millicharge as mc
from millicharge.core import citations
from millicharge.core.errors import InputError
from millicharge.running import cache, store
from millicharge.running.runner import Runner
from millicharge.target.materials import get_material
from millicharge.xsec import api as pure
from millicharge.xsec.jobs import CrossSectionJob, SpectrumJob


def _todays_key(beam, energy, target, mass, x_min, x_max, method, model, precision, seed,
                nucleus_mass=None, form_factor="elastic", kind="cross_section"):
    """The cache-key formula of the previous release (xsec.api._key), written out."""
    inputs = {
        "kind": kind, "beam": beam, "energy": energy,
        "target": dataclasses.asdict(get_material(target)), "mass": mass,
        "x_min": x_min, "x_max": x_max, "method": method, "model": model,
        "precision": float(precision) if method == "etl" else None,
        "seed": seed if method == "etl" else None, "nucleus_mass": nucleus_mass,
    }
    if form_factor != "elastic":
        inputs["form_factor"] = form_factor
    return cache.cache_key(inputs)


@pytest.mark.parametrize(("method", "model", "form_factor", "nucleus_mass"), [
    ("etl", "mcp", "elastic", None), ("ww", "mcp", "elastic", None),
    ("etl", "dark-photon", "elastic+inelastic", 190.0), ("ww", "dark-photon",
                                                          "elastic+inelastic", None),
])
def test_job_key_is_todays_key(method, model, form_factor, nucleus_mass):
    job = CrossSectionJob.make("mu", 160, "pb", 0.1, 0.5, 0.9, method=method, model=model,
                               precision=2e-2, seed=4, epsilon=1e-3,
                               nucleus_mass=nucleus_mass, form_factor=form_factor)
    assert store.job_key(job) == _todays_key("mu", 160.0, "Pb", 0.1, 0.5, 0.9, method,
                                             model, 2e-2, 4, nucleus_mass, form_factor)
    assert store.job_key(job) == store.job_key(job.at_unit_epsilon())  # ε is not in it
    assert store.job_key(job) != store.job_key(dataclasses.replace(job, seed=5)) or \
        method == "ww"


def test_spectrum_point_keys_are_todays_keys():
    job = SpectrumJob.make("e", 8.0, "Al", 0.1, [0.01, 0.5, 0.8], precision=3e-2, seed=2)
    points = job.points()
    assert [i for i, _ in points] == [1, 2]  # x = 0.01 is below the threshold 2m/E
    for i, point in points:
        assert store.job_key(point) == _todays_key(
            "e", 8.0, "Al", 0.1, job.x[i], job.x[i], "etl", "mcp", 3e-2, 2 + i,
            kind="dsigma_dx")


def test_the_pure_api_neither_caches_nor_runs_elsewhere():
    for fn in (pure.cross_section, pure.spectrum):
        names = set(inspect.signature(fn).parameters)
        assert not names & {"cache", "lookup_only", "backend", "workers", "progress",
                            "runner"}, fn.__name__
    r = pure.cross_section("mu", 160, "Pb", 0.1, 0.5, method="ww", epsilon=1e-2)
    s = pure.spectrum("e", 8.0, "Al", 0.1, [0.8], precision=5e-2)
    assert not cache.cache_dir().exists() or cache.stats()["entries"] == 0
    assert isinstance(r, mc.CrossSection) and isinstance(s, mc.Spectrum)
    with pytest.raises(InputError):
        pure.cross_section("mu", 160, "Pb", [0.1, 0.2], 0.5, method="ww")  # one mass


def test_facades_cache_by_default_and_equal_the_pure_numbers():
    args = ("e", 8.0, "Al", 0.2, 0.7)
    first = mc.cross_section(*args, precision=3e-2, epsilon=0.5)
    again = mc.cross_section(*args, precision=3e-2, epsilon=0.5)
    here = pure.cross_section(*args, precision=3e-2, epsilon=0.5)
    assert not first.cached and again.cached and cache.stats()["entries"] == 1
    assert first.sigma_pb == again.sigma_pb == here.sigma_pb
    spec = mc.spectrum("e", 8.0, "Al", 0.2, [0.8], precision=3e-2)
    assert cache.stats()["entries"] == 2
    assert spec.dsigma_dx_pb.tolist() == pure.spectrum(
        "e", 8.0, "Al", 0.2, [0.8], precision=3e-2).dsigma_dx_pb.tolist()


def test_a_runner_is_passed_once_and_used():
    runner = Runner(cache=False, backend="serial", progress=False)
    r = mc.cross_section("mu", 160, "Pb", [0.1, 0.2], 0.5, method="ww", runner=runner)
    assert [x.mass_gev for x in r] == [0.1, 0.2]
    assert cache.stats()["entries"] == 0  # that runner does not cache
    t = mc.reach("na64mu", [0.05], method="ww", runner=runner)
    assert cache.stats()["entries"] == 0 and t["sigma_pb"][0] > 0
    with pytest.raises(InputError, match="pass either runner= or backend, progress"):
        mc.reach("na64mu", [0.05], method="ww", runner=runner, backend="serial",
                 progress=False)
    with pytest.raises(InputError, match="runner must be None or"):
        mc.cross_section("mu", 160, "Pb", 0.1, 0.5, runner="serial")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"backend": "threads"}, "unknown backend 'threads': allowed are serial, processes, dask"),
    ({"workers": 0}, "workers must be None or an integer ≥ 1, got 0"),
    ({"workers": True}, "workers must be None or an integer ≥ 1"),
    ({"scheduler": 8786}, "scheduler must be None or an address"),
    ({"cache": "yes"}, "cache must be True or False"),
    ({"progress": 1}, "progress must be True or False"),
])
def test_runner_settings_are_checked_when_made(kwargs, message):
    with pytest.raises(InputError, match=message):
        Runner(**kwargs)


def test_results_of_worker_processes_are_stored_by_the_parent_and_carry_citations():
    jobs = [CrossSectionJob.make("e", 8.0, "Al", m, 0.7, method=method, precision=3e-2)
            for m, method in ((0.05, "ww"), (0.2, "etl"), (0.3, "etl"))]
    runner = Runner(backend="processes", workers=2, progress=False)
    results = runner(jobs)
    assert all(runner.lookup(job).sigma_pb == r.sigma_pb for job, r in zip(jobs, results,
                                                                           strict=True))
    assert [r.citations for r in results] == [("gninenko2025", "kim-tsai1973"),
                                              ("gninenko2025", "lepage2021"),
                                              ("gninenko2025", "lepage2021")]
    assert citations.collect(results) == ["gninenko2025", "kim-tsai1973", "lepage2021"]


def test_reach_on_worker_processes_carries_its_citations():
    """Issue 10 item 8: the references were recorded in the workers, so `--cite` after a
    reach on the processes backend without the cache printed none of them; the table now
    carries them (tests/cli/test_cli_cite.py: what `--cite` prints)."""
    table = mc.reach("na64mu", [0.05, 0.1], method="ww", cache=False, backend="processes",
                     workers=2, progress=False)
    assert table.citations == ("gninenko2025", "kim-tsai1973")


def test_table_citations_follow_what_they_were_computed_with(tmp_path):
    shower = mc.reach("na64e", [0.05], method="ww", transport="shower", cache=False,
                      progress=False)
    assert {"rossi1941", "tsai1974"} <= set(shower.citations)
    thin = mc.reach("na64e", [0.05], method="ww", transport="thin", cache=False,
                    progress=False)
    assert "rossi1941" not in thin.citations
    from millicharge.running.grid import make_grid, scan

    grid = make_grid("mu", 160, "Pb", [0.1], 0.5, method="ww", form_factor="elastic+inelastic")
    assert scan(grid, backend="serial", cache=False, progress=False).citations == (
        "gninenko2025", "kim-tsai1973", "tsai1974", "bjorken2009")
