"""On-disk cache of finished cross sections, keyed by every input and the engine fingerprint.

Each result is one small JSON file, named by the SHA-256 of its canonical inputs, in
``$MILLICHARGE_CACHE_DIR`` (default ``$XDG_CACHE_HOME/millicharge`` or
``~/.cache/millicharge``). Files are written through :mod:`millicharge.core.atomic`: an
interrupted run leaves either the whole result or nothing, every finished point survives,
files get the mode the umask asks for, and temporaries of killed processes are removed.

Engine fingerprint
------------------
A cached number is only served to the engine that computed it. The key of every entry
contains :func:`engine_fingerprint`, a SHA-256, computed once per process, over

* the bytes (and relative paths) of every ``*.py`` file of the package that can change a
  number: all of them except the modules listed in ``FINGERPRINT_EXCLUDED`` (the command
  line, plotting and figures, citations, the file writer, the exception classes, signal
  handling and the existing-limit curves). A
  new module is watched unless it is added to that list;
* every file under ``millicharge/data/`` (materials, experiments) except the limit curves;
* the package version, the Python version, and the versions of the libraries that
  compute or supply numbers: numpy, scipy, vegas, numba, hepunits and particle.

Editing the integrand, a VEGAS map or driver setting, a form factor, a constant or a
material therefore changes every key, and the old entries are simply never read again
(``millicharge cache clear`` deletes them). ``CACHE_FORMAT`` records the layout of the
JSON records only.

Damaged or unusable caches
--------------------------
An entry that is not valid JSON, or not a record of the expected shape with finite
values (see :data:`CROSS_SECTION_RECORD`, :data:`DSIGMA_DX_RECORD`), counts as missing:
one :class:`CacheWarning` names the file, the value is recomputed and the entry
overwritten. A cache folder that cannot be created or written (the path is a file, or
lies under one, or is read-only) never costs a result: the number is still computed and
returned, and one :class:`CacheWarning` per process says that caching is off and why.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import platform
import warnings
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from millicharge.core import atomic
from millicharge.core.errors import InputError
from millicharge.target.formfactors import FORM_FACTORS

__all__ = [
    "CACHE_FORMAT",
    "CROSS_SECTION_RECORD",
    "DSIGMA_DX_RECORD",
    "FINGERPRINT_EXCLUDED",
    "CacheWarning",
    "cache_dir",
    "cache_key",
    "clear",
    "engine_fingerprint",
    "load",
    "problem",
    "stats",
    "store",
]

CACHE_FORMAT = 1
"""Layout of the stored records (what the engine computes is in :func:`engine_fingerprint`)."""

FINGERPRINT_EXCLUDED = frozenset({
    "__main__.py", "core/citations.py", "core/atomic.py", "core/errors.py",
    "running/interrupt.py", "limits/existing.py",
})
"""Package modules (paths relative to the package) that cannot change a computed number."""

FINGERPRINT_EXCLUDED_PACKAGES = frozenset({"cli", "plots"})
"""Subpackages that only present numbers (command line, figures): none of their modules
enters the fingerprint."""

FINGERPRINT_LIBRARIES = ("numpy", "scipy", "vegas", "numba", "hepunits", "particle")
"""Libraries whose version is part of the engine fingerprint."""

_PACKAGE = Path(__file__).resolve().parent.parent


class CacheWarning(UserWarning):
    """The cache could not be used as asked (damaged entry, folder not writable)."""


# ---------------------------------------------------------------- fingerprint


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def fingerprint_files(package: Path = _PACKAGE) -> list[Path]:
    """The files whose bytes enter the fingerprint, sorted by their path in ``package``."""
    files = []
    for path in package.rglob("*"):
        rel = path.relative_to(package)
        if "__pycache__" in rel.parts or not path.is_file():
            continue
        if rel.parts[0] == "data":
            # Existing-limit curves are drawn, never used in a cached number.
            if path.suffix != ".pyc" and rel.parts[1:2] != ("limits",):
                files.append(path)
        elif (path.suffix == ".py" and rel.as_posix() not in FINGERPRINT_EXCLUDED
              and rel.parts[0] not in FINGERPRINT_EXCLUDED_PACKAGES):
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(package).as_posix())


def compute_fingerprint(package: Path = _PACKAGE) -> str:
    """SHA-256 of the watched files of ``package`` and the versions (not memoised)."""
    from millicharge._version import __version__

    h = hashlib.sha256()
    versions = {name: _library_version(name) for name in FINGERPRINT_LIBRARIES}
    versions["millicharge"] = __version__
    versions["python"] = f"{platform.python_implementation()} {platform.python_version()}"
    h.update(json.dumps(versions, sort_keys=True).encode())
    for path in fingerprint_files(package):
        data = path.read_bytes()
        h.update(f"\0{path.relative_to(package).as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


@functools.cache
def engine_fingerprint() -> str:
    """SHA-256 identifying the code and data that compute the numbers (once per process).

    >>> len(engine_fingerprint()), engine_fingerprint() == engine_fingerprint()
    (64, True)
    """
    return compute_fingerprint(_PACKAGE)


def cache_key(inputs: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``inputs``, the engine fingerprint and record format.

    >>> cache_key({"a": 1, "b": 2.0}) == cache_key({"b": 2.0, "a": 1})
    True
    """
    payload = {"inputs": inputs, "engine": engine_fingerprint(), "format": CACHE_FORMAT}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------- record schemas


def _is_real(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _real(v: Any) -> bool:
    """A number (NaN allowed: e.g. χ²/dof of a deterministic quadrature)."""
    return _is_real(v) and not math.isinf(v)


def _finite(v: Any) -> bool:
    return _is_real(v) and math.isfinite(v)


def _non_negative(v: Any) -> bool:
    return _finite(v) and v >= 0


def _positive(v: Any) -> bool:
    return _finite(v) and v > 0


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _text(v: Any) -> bool:
    return isinstance(v, str)


def _seed(v: Any) -> bool:
    return v is None or _count(v)


def _flag(v: Any) -> bool:
    return isinstance(v, bool)


def _form_factor(v: Any) -> bool:
    return v in FORM_FACTORS


Schema = Mapping[str, Callable[[Any], bool]]

CROSS_SECTION_RECORD: Schema = {
    "sigma_pb": _finite, "error_pb": _non_negative, "method": _text, "beam": _text,
    "energy_gev": _positive, "target": _text, "mass_gev": _non_negative, "x_min": _finite,
    "x_max": _finite, "epsilon": _positive, "chi2_dof": _real, "Q": _real, "n_eval": _count,
    "model": _text, "seed": _seed, "unit": _text, "form_factor": _form_factor,
    "wall_s": _real, "cached": _flag,
}
"""A stored :class:`~millicharge.core.results.CrossSection` (its ``to_dict()``, at ε = 1)."""

DSIGMA_DX_RECORD: Schema = {
    "value": _finite, "error": _non_negative, "chi2_dof": _real, "n_eval": _count,
}
"""A stored dσ/dx point of :func:`~millicharge.xsec.api.spectrum` (pb, ε = 1)."""


def _invalid(record: Any, schema: Schema | None) -> str | None:
    """Why ``record`` does not fit ``schema`` (None if it does)."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not an object"
    if schema is None:
        return None
    extra = sorted(set(record) - set(schema))
    missing = sorted(set(schema) - set(record))
    if extra or missing:
        names = extra or missing
        listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return f"{'unexpected' if extra else 'missing'} fields {listed}"
    for name, ok in schema.items():
        if not ok(record[name]):
            return f"bad value {record[name]!r} for {name!r}"
    return None


# ---------------------------------------------------------------- warnings, folder checks

_warned: set[tuple[str, str]] = set()


def _warn_once(kind: str, where: str, message: str) -> None:
    """One :class:`CacheWarning` per (kind, file or folder) and process, on one line."""
    if (kind, where) in _warned:
        return
    _warned.add((kind, where))
    # warn_explicit with line 0: the warning prints as one line (no source line after it)
    warnings.warn_explicit(message, CacheWarning, filename="millicharge", lineno=0,
                           module="millicharge.running.cache")


def cache_dir() -> Path:
    """The cache folder (not created until something is stored)."""
    env = os.environ.get("MILLICHARGE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "millicharge"


def problem() -> str | None:
    """Why new results cannot be stored in :func:`cache_dir` (None if they can).

    Checked without writing anything: the folder (or, if it does not exist yet, the
    nearest existing folder above it) must be a writable folder.
    """
    root = cache_dir().absolute()
    probe = root
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe == root and not root.is_dir():
        return f"{str(root)!r} is a file, not a folder"
    if not probe.is_dir():
        return f"{str(probe)!r} is a file, so the folder {str(root)!r} cannot be created"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"the folder {str(probe)!r} is not writable"
    return None


def _caching_off(reason: str) -> None:
    _warn_once("unwritable", str(cache_dir()),
               f"caching is off: {reason}; results are computed but not stored "
               "(set MILLICHARGE_CACHE_DIR to a writable folder)")


# ---------------------------------------------------------------- load / store


def _path(key: str) -> Path:
    return cache_dir() / key[:2] / f"{key}.json"


def load(key: str, schema: Schema | None = None) -> dict[str, Any] | None:
    """The stored record for ``key``, or None if there is none or it is damaged.

    ``schema`` maps each field the record must have (exactly those) to a check of its
    value; without one any JSON object is accepted. A damaged entry (not JSON, wrong
    shape, a non-finite number) gives one :class:`CacheWarning` naming the file and
    counts as missing, so the caller recomputes it and :func:`store` overwrites it.
    """
    reason = problem()
    if reason is not None:
        _caching_off(reason)
    path = _path(key)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as err:
        _warn_once("damaged", str(path), f"cache entry {str(path)!r} cannot be read "
                   f"({err.__class__.__name__}); it is recomputed")
        return None
    try:
        record = json.loads(text)
        why = _invalid(record, schema)
    except (ValueError, RecursionError):
        why = "not valid JSON"
    if why is not None:
        _warn_once("damaged", str(path), f"damaged cache entry {str(path)!r} ignored ({why}); "
                   "it is recomputed and overwritten")
        return None
    return record


def store(key: str, record: dict[str, Any]) -> bool:
    """Write ``record`` atomically; returns False (after one warning) if it cannot be written.

    A cache that cannot be written never loses the caller's result: the failure is
    reported as a :class:`CacheWarning` (once per process and folder), not raised.
    """
    text = json.dumps(record, sort_keys=True)
    try:
        atomic.write_text(_path(key), text)
    except OSError as err:
        _caching_off(problem() or f"cannot write {str(_path(key))!r} "
                     f"({err.strerror or err.__class__.__name__})")
        return False
    return True


# ---------------------------------------------------------------- info / clear


def stats() -> dict[str, Any]:
    """Folder, number of cached results, their total size in bytes and any ``problem``."""
    root = cache_dir()
    files = [f for f in root.glob("*/*.json") if not f.name.startswith(".")] \
        if root.is_dir() else []
    size = 0
    for f in files:
        with contextlib.suppress(OSError):
            size += f.stat().st_size
    return {"path": str(root), "entries": len(files), "bytes": size, "problem": problem()}


def _is_temporary(name: str) -> bool:
    # ``.tmp-*``: the mkstemp names of earlier versions (no owner recorded)
    return name.startswith(".tmp-")


def clear() -> int:
    """Delete every cached result and every stale temporary; returns how many results.

    Temporaries of writers that are still running are left to them. Raises
    :class:`~millicharge.core.errors.InputError` (one line) if the folder cannot be cleared.
    """
    root = cache_dir()
    if not root.exists():
        return 0
    if not root.is_dir():
        raise InputError(f"cannot clear the cache: {str(root)!r} is a file, not a folder "
                         "(check MILLICHARGE_CACHE_DIR)")
    n = 0
    try:
        for folder in [root, *(p for p in root.iterdir() if p.is_dir())]:
            atomic.remove_stale_temporaries(folder)
            for f in folder.iterdir():
                if f.is_file() and _is_temporary(f.name):
                    f.unlink(missing_ok=True)
                elif f.is_file() and folder != root and f.suffix == ".json":
                    f.unlink(missing_ok=True)
                    n += 1
            if folder != root:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if empty
    except OSError as err:
        raise InputError(f"cannot clear the cache in {str(root)!r} "
                         f"({err.strerror or err.__class__.__name__}); removed {n} "
                         "results") from None
    return n
