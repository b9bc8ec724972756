"""Existing (and projected) limits in the (m_χ, ε) plane, shipped as package data.

The curves are third-party digitisations copied from public repositories (FORESEE,
HeavenlyMCP, CEPC-1903, exoticdarksectors/decaysimulation); ``data/limits/SOURCES.md``
records each file's origin and ``data/limits/index.toml`` registers it with its format,
units (ε or ε²), kind, label, citation and two flags: ``default`` (drawn in Fig. 4 unless
other curves are asked for, :func:`default_limits`) and ``verified`` (``false`` where the
provenance is unclear: never drawn by default, and loading it warns). None was drawn by
this project. Curves that the seed paper's Fig. 4 shows but for which no public
digitisation exists (the Emken et al. direct-detection region, the EDGES lines) are
listed by :func:`missing_limits`, never invented.

On loading, masses are converted to GeV, ε² to ε, and rows with ε = 10 (FORESEE's
off-plot points that close a polygon upwards) or ε > 1 are dropped.

User curves (:func:`load_limit_file`) follow one small grammar, whitespace or CSV, mass in
GeV or MeV, ε or ε², with a header naming the columns (see that function).

    >>> curve = load_limit("LSND")
    >>> curve.kind, curve.label
    ('bound', 'LSND')
    >>> bool(0.01 <= curve.mass_gev.min() and curve.epsilon.min() < 2e-4)
    True
    >>> "SENSEI" in default_limits() and "EDGES" in missing_limits()
    True
"""

from __future__ import annotations

import io
import math
import re
import tomllib
import warnings
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from millicharge.core.errors import InputError
from millicharge.core.units import GeV, MeV

__all__ = [
    "LimitCurve",
    "default_limits",
    "limit_info",
    "limit_names",
    "load_limit",
    "load_limit_file",
    "missing_limits",
]

_FORMATS = ("whitespace", "csv", "csv-index", "header")
_KINDS = ("bound", "contour")
_CATEGORIES = ("existing", "projection", "relic-target", "user")
_SENTINEL = 10.0  # FORESEE closes excluded regions with rows at eps = 10

# The header grammar of limit files (load_limit_file): column names, case-insensitive.
_MASS_COLUMNS = {"mass_gev": "GeV", "mass[gev]": "GeV", "mass_mev": "MeV", "mass[mev]": "MeV"}
_Y_COLUMNS = {"epsilon": "epsilon", "eps": "epsilon", "epsilon2": "epsilon2",
              "eps2": "epsilon2", "epsilon^2": "epsilon2", "eps^2": "epsilon2"}
_MASS_HELP = "mass_gev, mass_mev, mass[GeV] or mass[MeV]"
_Y_HELP = "epsilon, eps, epsilon2, eps2, epsilon^2 or eps^2"
_HEADER_HELP = f"a mass column ({_MASS_HELP}) then a coupling column ({_Y_HELP})"
_COLUMNS_COMMENT = re.compile(r"#\s*columns\s*:(.*)", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*,\s*|\s+")


@dataclass(frozen=True, eq=False)
class LimitCurve:
    """A curve in the (m_χ, ε) plane. ``mass_gev`` in GeV; ``epsilon`` = charge / e.

    ``kind`` is ``"bound"`` (the region above the line is excluded or reached) or
    ``"contour"`` (a closed polygon). ``verified`` is ``False`` for a shipped curve of
    unclear provenance (see ``data/limits/SOURCES.md``).
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
    verified: bool = True


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


def default_limits() -> list[str]:
    """Keys of the curated default set (``default = true`` in ``index.toml``), in index order.

    These are the existing limits Fig. 4 shades when no others are asked for: published
    accelerator limits of clear provenance (LSND, SLAC mQ, BEBC, ArgoNeuT, the milliQan
    demonstrator, colliders and SENSEI at MINOS). Curves marked ``verified = false`` are
    never in it.

    >>> default_limits()[:3]
    ['LSND', 'SLAC-mQ', 'BEBC']
    """
    return [k for k, v in _entries().items() if v.get("default", False)]


def missing_limits() -> dict[str, dict[str, str]]:
    """Constraints the paper's Fig. 4 shows for which no public digitisation exists.

    Each value has ``label``, ``citation`` and ``reason``. A user can supply such a curve
    as a file (:func:`load_limit_file`).
    """
    return {k: dict(v) for k, v in _index().get("missing", {}).items()}


def _resolve(key: str) -> str:
    entries = _entries()
    lookup = {k.lower(): k for k in entries}
    name = lookup.get(key.lower())
    if name is None:
        missing = {k.lower(): v for k, v in missing_limits().items()}
        if key.lower() in missing:
            raise InputError(
                f"no digitised curve of {missing[key.lower()]['label']} was found in any "
                "public repository, so none is shipped (see `millicharge limits`); supply "
                "your own with load_limit_file(path) or --limits FILE"
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


def _parse_limit_text(text: str, where: str) -> tuple[np.ndarray, np.ndarray, str, str]:
    """Parse the limit-file grammar of :func:`load_limit_file`.

    Returns ``(mass_gev, epsilon, mass_unit, y)`` where ``mass_unit``/``y`` are what the
    header declared (``"GeV"``/``"MeV"``, ``"epsilon"``/``"epsilon2"``).
    """
    header: tuple[int, list[str]] | None = None
    rows: list[tuple[int, list[str]]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            match = _COLUMNS_COMMENT.fullmatch(line)
            if match and header is None:
                header = (lineno, _SEPARATOR.split(match.group(1).strip()))
            continue
        if header is None:
            header = (lineno, _SEPARATOR.split(line))
        else:
            rows.append((lineno, _SEPARATOR.split(line)))
    if header is None:
        raise InputError(f"{where}: empty file, expected a header line such as "
                         "'mass_gev,epsilon' and at least 2 data rows")
    lineno, names = header
    cols = [c.lower() for c in names]
    if len(cols) != 2 or cols[0] not in _MASS_COLUMNS or cols[1] not in _Y_COLUMNS:
        raise InputError(f"{where}: line {lineno}: unknown header {' '.join(names)!r}: "
                         f"expected {_HEADER_HELP}")
    unit, y = _MASS_COLUMNS[cols[0]], _Y_COLUMNS[cols[1]]
    y_name = "epsilon^2" if y == "epsilon2" else "epsilon"
    mass, yval = [], []
    for lineno, cells in rows:
        if len(cells) != 2:
            raise InputError(f"{where}: line {lineno}: expected 2 columns (mass, {y_name}), "
                             f"got {len(cells)}")
        try:
            m, v = float(cells[0]), float(cells[1])
        except ValueError:
            raise InputError(f"{where}: line {lineno}: non-numeric value in "
                             f"{' '.join(cells)!r}: both columns must be numbers") from None
        if not (math.isfinite(m) and m > 0):
            raise InputError(f"{where}: line {lineno}: mass must be a positive number "
                             f"(in {unit}), got {cells[0]}")
        if not (math.isfinite(v) and 0 < v <= 1):
            raise InputError(f"{where}: line {lineno}: {y_name} must be in (0, 1], "
                             f"got {cells[1]}")
        mass.append(m)
        yval.append(v)
    if len(mass) < 2:
        raise InputError(f"{where}: need at least 2 data rows after the header, "
                         f"got {len(mass)}")
    scale = MeV if unit == "MeV" else GeV
    eps = np.sqrt(np.array(yval)) if y == "epsilon2" else np.array(yval)
    return np.array(mass) * scale, eps, unit, y


def load_limit(key: str) -> LimitCurve:
    """Load a registered curve (key is case-insensitive), in GeV and ε.

    A curve marked ``verified = false`` in the index loads with a :class:`UserWarning`.

    >>> c = load_limit("slac-mq-hmcp")      # stored as eps^2
    >>> bool(c.epsilon.min() > 1e-4)
    True
    """
    name = _resolve(key)
    entry = _entries()[name]
    fmt, y, kind = entry["format"], entry["y"], entry["kind"]
    unit = entry.get("mass_unit", "GeV")
    if fmt not in _FORMATS or y not in ("epsilon", "epsilon2") or kind not in _KINDS:
        raise InputError(f"index.toml entry {name!r} is malformed (format/y/kind)")
    text = _data_dir().joinpath(entry["file"]).read_text(encoding="utf-8")
    if fmt == "header":
        mass, eps, file_unit, file_y = _parse_limit_text(text, entry["file"])
        if (file_unit, file_y) != (unit, y):
            raise InputError(f"index.toml entry {name!r} says {unit}/{y}, the header of "
                             f"{entry['file']} says {file_unit}/{file_y}")
    else:
        mass, yval = _read_columns(text, fmt)
        if unit == "MeV":
            mass = mass * MeV
        keep = yval != _SENTINEL
        mass, yval = mass[keep], yval[keep]
        eps = np.sqrt(yval) if y == "epsilon2" else yval
    keep = eps <= 1.0
    verified = bool(entry.get("verified", True))
    if not verified:
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
        verified=verified,
    )


def load_limit_file(
    path: str | Path, label: str | None = None, citation: str = "", kind: str = "bound"
) -> LimitCurve:
    """Load your own limit curve: whitespace or CSV, GeV or MeV, ε or ε², header first.

    The file's grammar (``--limits FILE`` on the command line reads the same):

    * Blank lines and lines starting with ``#`` are ignored, except that a comment
      ``# columns: <mass> <coupling>`` may serve as the header.
    * The header is that comment or else the first other line: two column names,
      case-insensitive. Mass: ``mass_gev`` or ``mass[GeV]`` (GeV), ``mass_mev`` or
      ``mass[MeV]`` (MeV). Coupling: ``epsilon`` or ``eps`` (ε = charge/e), ``epsilon2``,
      ``eps2``, ``epsilon^2`` or ``eps^2`` (ε²).
    * Every following line is one point: two numbers separated by a comma (spaces
      around it allowed) or by whitespace. Masses must be positive, ε (or ε²) in
      (0, 1]; at least 2 points. Points are drawn in file order.

    So ``mass_gev,epsilon`` / ``0.1,1e-3``, ``mass_mev epsilon2`` / ``100 1e-6`` and
    ``# columns: mass[MeV] eps^2`` / ``100 1e-6`` all give the same point. ``kind`` is
    ``"bound"`` (the region above the line is excluded) or ``"contour"`` (a closed
    polygon). Any problem raises :class:`~millicharge.core.errors.InputError` with a one-line
    message naming the file and line.
    """
    path = Path(path)
    if kind not in _KINDS:
        raise InputError(f"kind must be one of {', '.join(_KINDS)}, got {kind!r}")
    if not path.is_file():
        raise InputError(f"limit file {str(path)!r} not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read limit file {str(path)!r}: {err}") from None
    mass, eps, _, _ = _parse_limit_text(text, str(path))
    return LimitCurve(
        key=path.stem,
        mass_gev=mass,
        epsilon=eps,
        label=label or path.stem,
        citation=citation,
        kind=kind,
        category="user",
        source=str(path),
    )
