"""Existing (and projected) limits in the (m_χ, ε) plane, shipped as package data.

The curves are third-party digitisations copied unchanged from public repositories
(FORESEE, HeavenlyMCP, CEPC-1903); ``data/limits/SOURCES.md`` records each file's origin
and ``data/limits/index.toml`` registers it with its format, units (ε or ε²), kind,
label and citation. None was drawn by this project. Curves that the seed paper's Fig. 4
shows but for which no digitised data exist (SENSEI, the Emken et al. direct-detection
region, the EDGES lines) are listed by :func:`missing_limits`, never invented.

On loading, masses are converted to GeV, ε² to ε, and rows with ε = 10 (FORESEE's
off-plot points that close a polygon upwards) or ε > 1 are dropped.

    >>> curve = load_limit("LSND")
    >>> curve.kind, curve.label
    ('bound', 'LSND')
    >>> bool(0.01 <= curve.mass_gev.min() and curve.epsilon.min() < 2e-4)
    True
    >>> "SENSEI" in missing_limits()
    True
"""

from __future__ import annotations

import csv
import io
import math
import tomllib
import warnings
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError
from .units import MeV

__all__ = [
    "LimitCurve",
    "limit_info",
    "limit_names",
    "load_limit",
    "load_limit_file",
    "missing_limits",
]

_FORMATS = ("whitespace", "csv", "csv-index")
_KINDS = ("bound", "contour")
_CATEGORIES = ("existing", "projection", "relic-target", "user")
_SENTINEL = 10.0  # FORESEE closes excluded regions with rows at eps = 10


@dataclass(frozen=True, eq=False)
class LimitCurve:
    """A curve in the (m_χ, ε) plane. ``mass_gev`` in GeV; ``epsilon`` = charge / e.

    ``kind`` is ``"bound"`` (the region above the line is excluded or reached) or
    ``"contour"`` (a closed polygon).
    """

    key: str
    mass_gev: np.ndarray
    epsilon: np.ndarray
    label: str
    citation: str
    kind: str
    category: str = "existing"
    source: str = ""
    note: str = ""
    in_paper: bool = False


def _data_dir() -> Any:
    return resources.files("millicharge.data").joinpath("limits")


@cache
def _index() -> dict[str, Any]:
    return tomllib.loads(_data_dir().joinpath("index.toml").read_text(encoding="utf-8"))


def _entries() -> dict[str, dict[str, Any]]:
    return {k: v for k, v in _index().items() if k != "missing"}


def limit_names(category: str | None = None) -> list[str]:
    """Keys of the registered curves, optionally only one ``category``
    (``"existing"``, ``"projection"``, ``"relic-target"``).

    >>> "BEBC" in limit_names("existing") and "FerMINI" not in limit_names("existing")
    True
    """
    if category is not None and category not in _CATEGORIES:
        raise InputError(f"unknown category {category!r}: allowed are {', '.join(_CATEGORIES)}")
    return [k for k, v in _entries().items() if category is None or v["category"] == category]


def missing_limits() -> dict[str, dict[str, str]]:
    """Constraints the paper's Fig. 4 shows for which no digitised data are shipped.

    Each value has ``label``, ``citation`` and ``reason``. A user can supply such a curve
    as a CSV file (:func:`load_limit_file`).
    """
    return {k: dict(v) for k, v in _index().get("missing", {}).items()}


def _resolve(key: str) -> str:
    entries = _entries()
    lookup = {k.lower(): k for k in entries}
    name = lookup.get(key.lower())
    if name is None:
        if key.lower() in {k.lower() for k in missing_limits()}:
            raise InputError(
                f"no digitised data for {key!r} (see missing_limits()); supply it with "
                "load_limit_file(path) as a CSV with header mass_gev,epsilon"
            )
        raise InputError(f"unknown limit {key!r}: allowed are {', '.join(entries)}")
    return name


def limit_info(key: str) -> dict[str, Any]:
    """The registry entry for ``key`` (file, format, units, kind, label, citation, ...)."""
    return dict(_entries()[_resolve(key)])


def _read_columns(text: str, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    if fmt == "whitespace":
        data = np.loadtxt(io.StringIO(text), ndmin=2)
        return data[:, 0], data[:, 1]
    if fmt == "csv":
        data = np.loadtxt(io.StringIO(text), delimiter=",", comments="#", ndmin=2)
        return data[:, 0], data[:, 1]
    # csv-index: pandas index column, header ",mass,coupling"
    data = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, ndmin=2)
    return data[:, 1], data[:, 2]


def load_limit(key: str) -> LimitCurve:
    """Load a registered curve (key is case-insensitive), in GeV and ε.

    >>> c = load_limit("slac-mq-hmcp")      # stored as eps^2
    >>> bool(c.epsilon.min() > 1e-4)
    True
    """
    name = _resolve(key)
    entry = _entries()[name]
    fmt, y, kind = entry["format"], entry["y"], entry["kind"]
    if fmt not in _FORMATS or y not in ("epsilon", "epsilon2") or kind not in _KINDS:
        raise InputError(f"index.toml entry {name!r} is malformed (format/y/kind)")
    text = _data_dir().joinpath(entry["file"]).read_text(encoding="utf-8")
    mass, yval = _read_columns(text, fmt)
    if entry.get("mass_unit", "GeV") == "MeV":
        mass = mass * MeV
    keep = yval != _SENTINEL
    mass, yval = mass[keep], yval[keep]
    eps = np.sqrt(yval) if y == "epsilon2" else yval
    keep = eps <= 1.0
    if not entry.get("verified", True):
        warnings.warn(
            f"limit {name!r}: {entry.get('note', 'provenance unclear')}", UserWarning,
            stacklevel=2,
        )
    return LimitCurve(
        key=name,
        mass_gev=mass[keep],
        epsilon=eps[keep],
        label=entry["label"],
        citation=entry["citation"],
        kind=kind,
        category=entry["category"],
        source=entry.get("source", ""),
        note=entry.get("note", ""),
        in_paper=bool(entry.get("in_paper", False)),
    )


def load_limit_file(
    path: str | Path, label: str | None = None, citation: str = "", kind: str = "bound"
) -> LimitCurve:
    """Load a user curve from a CSV file with header ``mass_gev,epsilon``.

    Lines starting with ``#`` are comments. Masses in GeV and ε must be positive numbers.
    Any problem raises :class:`~millicharge.errors.InputError` with a one-line message.
    """
    path = Path(path)
    if kind not in _KINDS:
        raise InputError(f"kind must be one of {', '.join(_KINDS)}, got {kind!r}")
    if not path.is_file():
        raise InputError(f"limit file {str(path)!r} not found")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read limit file {str(path)!r}: {err}") from None
    rows = [
        (lineno, row)
        for lineno, row in enumerate(csv.reader(io.StringIO(text)), start=1)
        if row and not row[0].lstrip().startswith("#") and any(c.strip() for c in row)
    ]
    if not rows:
        raise InputError(f"{path}: empty file, expected a header 'mass_gev,epsilon'")
    header = [c.strip() for c in rows[0][1]]
    if header != ["mass_gev", "epsilon"]:
        got = ",".join(header)
        raise InputError(
            f"{path}: line {rows[0][0]}: header must be 'mass_gev,epsilon', got {got!r}"
        )
    if len(rows) < 2:
        raise InputError(f"{path}: no data rows after the header 'mass_gev,epsilon'")
    mass, eps = [], []
    for lineno, row in rows[1:]:
        if len(row) != 2:
            raise InputError(f"{path}: line {lineno}: expected 2 columns, got {len(row)}")
        try:
            m, e = float(row[0]), float(row[1])
        except ValueError:
            raise InputError(
                f"{path}: line {lineno}: non-numeric value in {','.join(row)!r}"
            ) from None
        for name, value in (("mass_gev", m), ("epsilon", e)):
            if not (math.isfinite(value) and value > 0):
                raise InputError(
                    f"{path}: line {lineno}: {name} must be a positive number, got {value}"
                )
        mass.append(m)
        eps.append(e)
    return LimitCurve(
        key=path.stem,
        mass_gev=np.array(mass),
        epsilon=np.array(eps),
        label=label or path.stem,
        citation=citation,
        kind=kind,
        category="user",
        source=str(path),
    )
