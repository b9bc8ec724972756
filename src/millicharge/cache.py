"""On-disk cache of finished cross sections, keyed by every input and the package version.

Each result is one small JSON file, named by the SHA-256 of its canonical inputs, in
``$MILLICHARGE_CACHE_DIR`` (default ``$XDG_CACHE_HOME/millicharge`` or
``~/.cache/millicharge``). Writes go to a temporary file in the same folder and are
moved into place with :func:`os.replace`, which is atomic: an interrupted run leaves
either the whole result or nothing, and every finished point survives.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["CACHE_FORMAT", "cache_dir", "cache_key", "clear", "load", "stats", "store"]

CACHE_FORMAT = 1
"""Bumped whenever the meaning of a cached number changes (engine or units)."""


def cache_dir() -> Path:
    """The cache folder (not created until something is stored)."""
    env = os.environ.get("MILLICHARGE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "millicharge"


def cache_key(inputs: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``inputs`` plus the package and cache versions.

    >>> cache_key({"a": 1, "b": 2.0}) == cache_key({"b": 2.0, "a": 1})
    True
    """
    from . import __version__

    payload = {"inputs": inputs, "version": __version__, "format": CACHE_FORMAT}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def _path(key: str) -> Path:
    return cache_dir() / key[:2] / f"{key}.json"


def load(key: str) -> dict[str, Any] | None:
    """The stored record for ``key``, or None (a damaged file counts as absent)."""
    try:
        with open(_path(key), encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def store(key: str, record: dict[str, Any]) -> None:
    """Write ``record`` atomically (temporary file + rename)."""
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stats() -> dict[str, Any]:
    """Folder, number of cached results and their total size in bytes."""
    root = cache_dir()
    files = list(root.glob("*/*.json")) if root.exists() else []
    return {
        "path": str(root),
        "entries": len(files),
        "bytes": sum(f.stat().st_size for f in files),
    }


def clear() -> int:
    """Delete every cached result; returns how many were removed."""
    root = cache_dir()
    n = 0
    if root.exists():
        for f in root.glob("*/*.json"):
            f.unlink(missing_ok=True)
            n += 1
        for f in root.glob("*/.tmp-*"):
            f.unlink(missing_ok=True)
    return n
