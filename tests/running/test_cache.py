"""The result cache: keyed by every input and the engine, atomic, validated, never fatal."""

from __future__ import annotations

import dataclasses
import json
import math
import multiprocessing
import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

import millicharge as mc
from millicharge.cli.main import main
from millicharge.core import atomic
from millicharge.core.results import CrossSection
from millicharge.running import cache
from millicharge.running.runner import Runner
from millicharge.xsec import etl
from millicharge.xsec.jobs import CrossSectionJob

WW = ("mu", 160.0, "Pb", 0.1, 0.5)  # a fast deterministic point (WW quadrature)


def _ww(**kw):
    return mc.cross_section(*WW, method="ww", **kw)


def _lookup(*args, **kw):
    """The cached result of a point, without computing anything (None if absent)."""
    return Runner().lookup(CrossSectionJob.make(*args, **kw))


def _entries() -> list[Path]:
    return sorted(cache.cache_dir().glob("*/*.json"))


def _count_calls(monkeypatch, module, name: str) -> list[int]:
    """Replace ``module.name`` by a wrapper that appends to the returned list per call."""
    calls: list[int] = []
    real = getattr(module, name)

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.fixture
def count_ww(monkeypatch):
    """Count how often the WW quadrature actually runs."""
    from millicharge.xsec import ww

    return _count_calls(monkeypatch, ww, "cross_section")


# ---------------------------------------------------------------- keys and round trip


def test_cache_round_trip_and_key_sensitivity(monkeypatch):
    calls = _count_calls(monkeypatch, etl, "integrate")
    args = ("e", 8.0, "Al", 0.2, 0.7)
    a = mc.cross_section(*args, precision=2e-2, cache=True)
    b = mc.cross_section(*args, precision=2e-2, cache=True, epsilon=1e-3)
    assert len(calls) == 1  # the second call came from disk
    assert b.cached and not a.cached
    assert b.sigma_pb == pytest.approx(a.sigma_pb * 1e-6, rel=1e-12)
    mc.cross_section(*args, precision=2e-2, cache=True, seed=1)  # other seed: new entry
    mc.cross_section("e", 8.0, "Al", 0.2, 0.75, precision=2e-2, cache=True)  # other x_min
    assert len(calls) == 3
    assert cache.stats()["entries"] == 3
    assert _lookup(*args, precision=2e-2).sigma_pb == a.sigma_pb
    assert _lookup(*args, precision=1e-2) is None
    assert len(calls) == 3  # a lookup computes nothing
    assert cache.clear() == 3
    assert cache.stats()["entries"] == 0


def test_stored_value_is_bit_identical():
    """Every float of a record survives the JSON round trip exactly (NaN included)."""
    fresh = _ww(cache=True)
    served = _ww(cache=True)
    assert served.cached
    for f in dataclasses.fields(CrossSection):
        a, b = getattr(fresh, f.name), getattr(served, f.name)
        if isinstance(a, float) and math.isnan(a):
            assert math.isnan(b), f.name
        elif f.name != "cached":
            assert a == b and type(a) is type(b), f.name
    assert served.sigma_pb.hex() == fresh.sigma_pb.hex()
    # awkward floats too
    key = cache.cache_key({"bits": 1})
    values = [0.1 + 0.2, 5e-324, 1.7976931348623157e308, -0.0, 1 / 3, 2.0**-1074 * 3]
    cache.store(key, {"v": values})
    back = cache.load(key)["v"]
    assert [v.hex() for v in back] == [v.hex() for v in values]


def test_spectrum_points_are_cached(monkeypatch):
    calls = _count_calls(monkeypatch, etl, "integrate")
    args = ("e", 8.0, "Al", 0.2, [0.5, 0.8])
    a = mc.spectrum(*args, precision=3e-2, cache=True)
    b = mc.spectrum(*args, precision=3e-2, cache=True)
    assert len(calls) == 2
    assert a.dsigma_dx_pb.tolist() == b.dsigma_dx_pb.tolist()
    assert a.error_pb.tolist() == b.error_pb.tolist()


def test_schema_matches_the_result_class():
    assert set(cache.CROSS_SECTION_RECORD) == {f.name for f in dataclasses.fields(CrossSection)}


# ---------------------------------------------------------------- engine fingerprint


def test_fingerprint_is_stable_and_in_the_key():
    fp = cache.engine_fingerprint()
    assert len(fp) == 64 and int(fp, 16) >= 0
    assert cache.engine_fingerprint() == fp
    assert cache.compute_fingerprint() == fp  # recomputed from the files: the same


def test_fingerprint_change_misses_a_stored_entry(monkeypatch, count_ww):
    first = _ww(cache=True)
    assert _lookup(*WW, method="ww") is not None
    monkeypatch.setattr(cache, "engine_fingerprint", lambda: "0" * 64)  # another engine
    assert _lookup(*WW, method="ww") is None
    again = _ww(cache=True)
    assert not again.cached and len(count_ww) == 2
    assert again.sigma_pb == first.sigma_pb  # same code really: same number
    assert len(_entries()) == 2  # the old entry is left, never served


def test_fingerprint_watches_sources_and_data(tmp_path):
    """A copy of the package has the same fingerprint; editing a watched byte changes it,
    editing the command line or a plotting module does not."""
    pkg = tmp_path / "millicharge"
    shutil.copytree(cache._PACKAGE, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    base = cache.compute_fingerprint(pkg)
    assert base == cache.engine_fingerprint()
    names = {p.relative_to(pkg).as_posix() for p in cache.fingerprint_files(pkg)}
    for watched in ("xsec/etl.py", "xsec/kernels.py", "target/formfactors.py",
                    "core/constants.py", "kinematics/phase_space.py", "target/materials.py",
                    "xsec/ww.py", "data/materials.toml"):
        assert watched in names
    assert not names & cache.FINGERPRINT_EXCLUDED

    def changed(rel: str, edit) -> bool:
        f = pkg / rel
        old = f.read_bytes()
        f.write_bytes(edit(old))
        try:
            return cache.compute_fingerprint(pkg) != base
        finally:
            f.write_bytes(old)

    assert changed("xsec/etl.py", lambda b: b + b"\n")  # one byte of the driver
    assert changed("target/formfactors.py", lambda b: b.replace(b"1", b"2", 1))
    assert changed("data/materials.toml", lambda b: b + b"# note\n")
    assert changed("data/experiments/na64mu.toml", lambda b: b + b" ")
    assert not changed("cli/main.py", lambda b: b + b"# comment\n")
    assert not changed("plots/plotting.py", lambda b: b + b"# comment\n")
    assert cache.compute_fingerprint(pkg) == base
    (pkg / "xsec" / "new_physics.py").write_text("X = 1\n")  # a new module is watched
    assert cache.compute_fingerprint(pkg) != base


def test_fingerprint_covers_library_versions(monkeypatch):
    base = cache.compute_fingerprint()
    real = cache._library_version
    monkeypatch.setattr(cache, "_library_version",
                        lambda name: "9.9.9" if name == "vegas" else real(name))
    assert cache.compute_fingerprint() != base
    monkeypatch.setattr(cache, "_library_version",
                        lambda name: "0.0" if name == "numpy" else real(name))
    assert cache.compute_fingerprint() != base


# ---------------------------------------------------------------- atomic writes


def test_store_is_atomic(monkeypatch):
    """A write interrupted half-way leaves no partial file and no temporary behind."""
    key = cache.cache_key({"x": 1})

    def interrupted(fd):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "fsync", interrupted)
        with pytest.raises(KeyboardInterrupt):
            cache.store(key, {"sigma_pb": 1.0})
    assert cache.load(key) is None
    folder = cache.cache_dir() / key[:2]
    assert os.listdir(folder) == []
    cache.store(key, {"sigma_pb": 1.0})
    assert cache.load(key) == {"sigma_pb": 1.0}
    assert os.listdir(folder) == [f"{key}.json"]


def test_cache_files_follow_the_umask():
    key = cache.cache_key({"mode": 1})
    old = os.umask(0o022)
    try:
        cache.store(key, {"a": 1})
        path = cache.cache_dir() / key[:2] / f"{key}.json"
        assert path.stat().st_mode & 0o777 == 0o644
        os.umask(0o077)
        cache.store(key, {"a": 2})
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def _dead_pid() -> int:
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=int)
    p.start()
    p.join()
    return p.pid


def test_stale_temporaries_are_removed():
    key = cache.cache_key({"stale": 1})
    cache.store(key, {"a": 1})
    folder = cache.cache_dir() / key[:2]
    dead = folder / f".{key}.json.{_dead_pid()}.deadbeef{atomic.TEMP_SUFFIX}"
    live = folder / f".{key}.json.{os.getpid()}.cafe0000{atomic.TEMP_SUFFIX}"
    old = folder / ".tmp-abc123.json"  # an mkstemp name of earlier versions
    for f in (dead, live, old):
        f.write_text("{")
    cache.store(cache.cache_key({"stale": 1}), {"a": 2})  # a write cleans its folder
    assert not dead.exists() and live.exists()
    assert cache.stats()["entries"] == 1
    assert cache.clear() == 1
    assert not old.exists() and live.exists()  # a running writer keeps its temporary
    live.unlink()
    assert cache.clear() == 0
    assert not folder.exists()  # empty shard folders go too


def _store_many(args):
    key, value, n = args
    for _ in range(n):
        cache.store(key, {"value": value, "error": 0.0, "chi2_dof": 1.0, "n_eval": 1})
    return True


def test_concurrent_stores_of_one_key_are_safe():
    key = cache.cache_key({"concurrent": 1})
    threads = [threading.Thread(target=_store_many, args=((key, float(i), 30),))
               for i in range(4)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(3) as pool:
        pending = pool.map_async(_store_many, [(key, 10.0 + i, 30) for i in range(3)])
        for t in threads:
            t.start()
        for _ in range(200):  # a reader never sees a torn file
            rec = cache.load(key, cache.DSIGMA_DX_RECORD)
            assert rec is None or rec["value"] in {0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0}
        for t in threads:
            t.join()
        assert pending.get(timeout=60) == [True] * 3
    assert cache.load(key, cache.DSIGMA_DX_RECORD)["n_eval"] == 1
    assert os.listdir(cache.cache_dir() / key[:2]) == [f"{key}.json"]


# ---------------------------------------------------------------- damaged entries


def _only_entry() -> Path:
    (path,) = _entries()
    return path


@pytest.mark.parametrize("damage", [
    "{}", "[1, 2]", "null", '"text"', "{not json", "",
    "SIGMA_STRING", "SIGMA_NAN", "SIGMA_INF", "ERROR_NEGATIVE", "EXTRA_KEY", "MISSING_KEY",
    "N_EVAL_FLOAT", "CACHED_INT", "TRUNCATED",
])
def test_damaged_entry_is_recomputed_and_overwritten(damage, count_ww):
    good = _ww(cache=True)
    path = _only_entry()
    text = path.read_text()
    record = json.loads(text)
    edits = {
        "SIGMA_STRING": {"sigma_pb": str(good.sigma_pb)},
        "SIGMA_NAN": {"sigma_pb": math.nan},
        "SIGMA_INF": {"sigma_pb": math.inf},
        "ERROR_NEGATIVE": {"error_pb": -1.0},
        "EXTRA_KEY": {"extra": 1},
        "N_EVAL_FLOAT": {"n_eval": 0.5},
        "CACHED_INT": {"cached": 0},
    }
    if damage in edits:
        path.write_text(json.dumps({**record, **edits[damage]}))
    elif damage == "MISSING_KEY":
        del record["error_pb"]
        path.write_text(json.dumps(record))
    elif damage == "TRUNCATED":
        path.write_text(text[: len(text) // 2])
    else:
        path.write_text(damage)
    with pytest.warns(cache.CacheWarning, match=f"damaged cache entry '{path}'"):
        again = _ww(cache=True)
    assert not again.cached and len(count_ww) == 2
    assert again.sigma_pb == good.sigma_pb and math.isfinite(again.sigma_pb)
    assert json.loads(path.read_text())["sigma_pb"] == good.sigma_pb  # overwritten
    assert _ww(cache=True).cached  # and now served again, silently
    assert len(count_ww) == 2


def test_damaged_entry_warns_once_per_file(monkeypatch):
    key = cache.cache_key({"y": 2})
    cache.store(key, {"a": 1})
    path = cache.cache_dir() / key[:2] / f"{key}.json"
    path.write_text("[1, 2]")
    with pytest.warns(cache.CacheWarning, match="JSON list") as seen:
        assert cache.load(key) is None
        assert cache.load(key) is None
    assert len(seen) == 1
    assert "\n" not in str(seen[0].message)


def test_damaged_spectrum_point_is_recomputed(monkeypatch):
    args = ("e", 8.0, "Al", 0.2, [0.5])
    first = mc.spectrum(*args, precision=3e-2, cache=True)
    path = _only_entry()
    record = json.loads(path.read_text())
    for bad in ({**record, "value": "1"}, {**record, "error": math.nan},
                {**record, "error": -1.0}, {**record, "x": 1}, [1, 2], {}):
        path.write_text(json.dumps(bad))
        with pytest.warns(cache.CacheWarning, match="damaged cache entry"):
            again = mc.spectrum(*args, precision=3e-2, cache=True)
        assert again.dsigma_dx_pb.tolist() == first.dsigma_dx_pb.tolist()
        assert json.loads(path.read_text()) == record  # rewritten with the good value
        cache._warned.clear()


def test_remember_overwrites_a_damaged_entry():
    job = CrossSectionJob.make("mu", 160.0, "Pb", 0.1, 0.5, method="ww")
    result = job.compute()
    runner = Runner()
    assert runner.remember(job, result)
    assert not runner.remember(job, result)
    _only_entry().write_text('{"sigma_pb": NaN}')
    with pytest.warns(cache.CacheWarning, match="damaged"):
        assert runner.remember(job, result)
    assert runner.lookup(job).sigma_pb == result.sigma_pb
    assert not Runner(cache=False).remember(job, result)  # the cache off: nothing written


# ---------------------------------------------------------------- unwritable cache


@pytest.fixture(params=["file", "under-file"])
def unwritable(request, tmp_path, monkeypatch):
    """MILLICHARGE_CACHE_DIR pointing at a regular file, or at a path below one."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder\n")
    target = blocker if request.param == "file" else blocker / "sub" / "cache"
    monkeypatch.setenv("MILLICHARGE_CACHE_DIR", str(target))
    return blocker


def test_unwritable_cache_still_returns_the_result(unwritable, count_ww):
    plain = _ww(cache=False)
    with pytest.warns(cache.CacheWarning, match="caching is off") as seen:
        r = _ww(cache=True)
        r2 = _ww(cache=True)
        _ww(cache=True, epsilon=0.1)
    assert len(seen) == 1  # once, however often it is hit
    assert str(unwritable) in str(seen[0].message) and "\n" not in str(seen[0].message)
    assert r.sigma_pb == plain.sigma_pb == r2.sigma_pb and not r2.cached
    assert len(count_ww) == 4
    assert unwritable.read_text() == "not a folder\n"


def test_unwritable_cache_store_does_not_raise(unwritable):
    with pytest.warns(cache.CacheWarning, match="caching is off"):
        assert cache.store(cache.cache_key({"z": 1}), {"a": 1}) is False
    assert cache.stats()["problem"]


def test_unwritable_cache_etl_and_spectrum(unwritable):
    with pytest.warns(cache.CacheWarning, match="caching is off"):
        r = mc.cross_section("e", 8.0, "Al", 0.2, 0.7, precision=3e-2, cache=True)
        s = mc.spectrum("e", 8.0, "Al", 0.2, [0.5], precision=3e-2, cache=True)
    assert r.sigma_pb > 0 and s.dsigma_dx_pb[0] > 0


def test_cli_xsec_with_unwritable_cache_prints_the_result(unwritable):
    with pytest.warns(cache.CacheWarning, match="caching is off"):
        res = CliRunner().invoke(main, ["xsec", "--beam", "mu", "--energy", "160", "--target",
                                        "Pb", "--mass", "0.1", "--x-min", "0.5", "--method",
                                        "ww", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["sigma_pb"] > 0


def test_cli_cache_info_and_clear_on_unwritable_cache(unwritable):
    info = CliRunner().invoke(main, ["cache", "info"])
    assert info.exit_code == 0 and info.exception is None
    assert len(info.output.strip().splitlines()) == 1
    assert "caching is off" in info.output
    clear = CliRunner().invoke(main, ["cache", "clear"])
    if os.environ["MILLICHARGE_CACHE_DIR"] == str(unwritable):
        assert clear.exit_code == 2
        assert clear.stderr.strip().startswith("Error: cannot clear the cache")
        assert len(clear.stderr.strip().splitlines()) == 1
    else:  # nothing there to clear
        assert clear.exit_code == 0 and "removed 0" in clear.output
    assert clear.exception is None or isinstance(clear.exception, SystemExit)
    assert unwritable.read_text() == "not a folder\n"


def test_cli_cache_info_and_clear():
    _ww(cache=True)
    runner = CliRunner()
    info = runner.invoke(main, ["cache", "info"])
    assert info.exit_code == 0 and ": 1 results" in info.output and "off" not in info.output
    clear = runner.invoke(main, ["cache", "clear"])
    assert clear.exit_code == 0 and clear.output.strip() == "removed 1 cached results"
    assert _entries() == []
