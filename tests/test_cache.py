"""The result cache: keyed by every input, atomic, and actually used."""

from __future__ import annotations

import json
import os

import pytest

import millicharge as mc
from millicharge import cache


def test_cache_round_trip_and_key_sensitivity(monkeypatch):
    calls = []
    real = mc.cross_sections.etl.integrate

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(mc.cross_sections.etl, "integrate", counting)
    args = ("e", 8.0, "Al", 0.2, 0.7)
    a = mc.cross_section(*args, precision=2e-2, cache=True)
    b = mc.cross_section(*args, precision=2e-2, cache=True, epsilon=1e-3)
    assert len(calls) == 1  # the second call came from disk
    assert b.sigma_pb == pytest.approx(a.sigma_pb * 1e-6, rel=1e-12)
    mc.cross_section(*args, precision=2e-2, cache=True, seed=1)  # other seed: new entry
    mc.cross_section("e", 8.0, "Al", 0.2, 0.75, precision=2e-2, cache=True)  # other x_min
    assert len(calls) == 3
    assert cache.stats()["entries"] == 3
    assert mc.cross_section(*args, precision=2e-2, lookup_only=True).sigma_pb == a.sigma_pb
    assert mc.cross_section(*args, precision=1e-2, lookup_only=True) is None
    assert cache.clear() == 3
    assert cache.stats()["entries"] == 0


def test_store_is_atomic(monkeypatch):
    """A write that fails half-way leaves no partial file and no temporary behind."""
    key = cache.cache_key({"x": 1})

    def broken_dump(obj, fh, **kw):
        fh.write('{"partial": ')
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(json, "dump", broken_dump)
        with pytest.raises(KeyboardInterrupt):
            cache.store(key, {"sigma_pb": 1.0})
    assert cache.load(key) is None
    folder = cache.cache_dir() / key[:2]
    assert not [f for f in os.listdir(folder) if f.startswith(".tmp-")]
    cache.store(key, {"sigma_pb": 1.0})
    assert cache.load(key) == {"sigma_pb": 1.0}


def test_damaged_entry_counts_as_missing():
    key = cache.cache_key({"y": 2})
    cache.store(key, {"a": 1})
    path = cache.cache_dir() / key[:2] / f"{key}.json"
    path.write_text("{not json")
    assert cache.load(key) is None
