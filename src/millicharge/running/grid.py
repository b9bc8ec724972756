"""Scans over any grid of physics inputs: beams × energies × targets × masses × x_min.

    >>> from millicharge.running.grid import make_grid
    >>> g = make_grid("mu", [100, 160], ["Pb", "W"], "0.01:1:3", [0.3, 0.5])
    >>> len(g), g.masses
    (24, (0.01, 0.1, 1.0))

:func:`scan` evaluates every point with a :class:`~millicharge.running.runner.Runner`
(serial, local processes or a dask cluster), cache first, and returns a
:class:`ScanTable` with one row per point: inputs, ``sigma_pb``, ``error_pb``,
``chi2_dof``, ``n_eval``, ``wall_s`` and ``status`` (``computed``, ``cached`` or ``closed``
where kinematics forbids the window).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from millicharge.core import validation
from millicharge.core.atomic import atomic_path, check_output_path, write_text
from millicharge.core.citations import cross_section_keys
from millicharge.core.constants import lepton_mass
from millicharge.core.errors import InputError
from millicharge.core.results import data_frame, fmt_error, html_table
from millicharge.core.validation import ENERGY_MAX_GEV, is_real, show
from millicharge.kinematics.process import MODELS, Process
from millicharge.running.executors import CONNECT_TIMEOUT, NO_WORKER_TIMEOUT, check_size
from millicharge.running.runner import Runner
from millicharge.target.formfactors import FORM_FACTORS
from millicharge.target.materials import Material, get_material
from millicharge.xsec.etl import x_limits
from millicharge.xsec.jobs import METHODS, CrossSectionJob

__all__ = ["COLUMNS", "OUTPUT_FORMATS", "Grid", "ScanTable", "make_grid", "scan"]

COLUMNS = (
    "beam", "energy_gev", "target", "mass_gev", "x_min", "x_max", "method", "model",
    "form_factor", "precision", "seed", "sigma_pb", "error_pb", "chi2_dof", "n_eval",
    "wall_s", "status",
)
"""Columns of a scan table, in order."""

OUTPUT_FORMATS = (".csv", ".json", ".parquet")

_BEAMS = ("e", "mu")


def _words(values: Any) -> list[Any]:
    """Flatten scalars, lists and comma-separated strings into a list of items."""
    if isinstance(values, str | Material) or not isinstance(values, Iterable):
        values = [values]
    out: list[Any] = []
    for v in values:
        if isinstance(v, str):
            out += [w.strip() for w in v.split(",") if w.strip()]
        else:
            out.append(v)
    return out


def _number(value: Any, option: str, rule: str) -> float:
    """A real number or a string holding one (command-line words); never a bool."""
    if isinstance(value, bool | np.bool_) or not (isinstance(value, str) or is_real(value)):
        raise InputError(f"bad {option} value {show(value)}: {rule}")
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"bad {option} value {show(value)}: {rule}") from None
    if not math.isfinite(x):
        raise InputError(f"bad {option} value {show(value)}: {rule}")
    return x


def parse_masses(values: Any, *, max_points: int | None = None) -> tuple[float, ...]:
    """Masses in GeV from numbers, lists or ``start:stop:n`` (n log-spaced points).

    >>> parse_masses(["0.01:1:3", "2"])
    (0.01, 0.1, 1.0, 2.0)
    """
    rule = "use start:stop:n (GeV, log-spaced) or positive numbers"
    out: list[float] = []
    for w in _words(values):
        if isinstance(w, str) and ":" in w:
            parts = w.split(":")
            if len(parts) != 3:
                raise InputError(f"bad --mass value {w!r}: {rule}")
            lo = _number(parts[0], "--mass", rule)
            hi = _number(parts[1], "--mass", rule)
            try:
                n = int(parts[2])
            except ValueError:
                raise InputError(f"bad --mass value {w!r}: n in start:stop:n must be an "
                                 "integer") from None
            if not 0 < lo < hi or n < 1:
                raise InputError(f"bad --mass value {w!r}: start:stop:n needs "
                                 "0 < start < stop and n ≥ 1")
            check_size(len(out) + n, max_points, f"the mass list {w!r}")  # before allocating
            out += [float(m) for m in np.geomspace(lo, hi, n)]
            continue
        m = _number(w, "--mass", rule)
        if m <= 0:
            raise InputError(f"bad --mass value {w!r}: masses must be positive (GeV)")
        out.append(m)
    if not out:
        raise InputError("the --mass grid is empty: give at least one mass in GeV")
    return tuple(out)


def _positive(values: Any, option: str, unit: str,
              upper: float = math.inf) -> tuple[float, ...]:
    rule = f"must be a positive number ({unit})" + (
        f" at most {upper:g}" if upper < math.inf else "")
    out = []
    for w in _words(values):
        x = _number(w, option, rule)
        if not 0 < x <= upper:
            raise InputError(f"bad {option} value {show(w)}: {rule}")
        out.append(x)
    if not out:
        raise InputError(f"{option} is empty: give at least one value")
    return tuple(out)


def _fractions(values: Any, option: str) -> tuple[float, ...]:
    out = []
    for w in _words(values):
        x = _number(w, option, "must lie in (0, 1]")
        if not 0 < x <= 1:
            raise InputError(f"bad {option} value {show(w)}: must lie in (0, 1]")
        out.append(x)
    if not out:
        raise InputError(f"{option} is empty: give at least one value")
    return tuple(out)


def parse_target(spec: str | Material) -> Material:
    """A shipped symbol (``Pb``) or a custom target ``Z=6,A=12.011[,density=…,X0=…]``.

    >>> parse_target("Z=6,A=12.011").symbol
    'Z6A12.011'
    """
    if isinstance(spec, Material):
        return spec
    text = str(spec).strip()
    if "=" not in text:
        try:
            return get_material(text)
        except InputError as err:
            raise InputError(f"bad --target value {text!r}: {err}") from None
    fields: dict[str, float] = {}
    for part in re.split(r"[;,]", text):
        key, _, val = part.partition("=")
        key = key.strip()
        if key not in ("Z", "A", "density", "X0"):
            raise InputError(f"bad --target value {text!r}: field {key!r} unknown, use "
                             "Z=…,A=…[,density=…,X0=…]")
        fields[key] = _number(val, f"--target {key}", "must be a number")
    if "Z" not in fields or "A" not in fields:
        raise InputError(f"bad --target value {text!r}: a custom target needs Z=… and A=…")
    z = fields.pop("Z")
    try:
        return Material(symbol=f"Z{z:g}A{fields['A']:g}", Z=int(z) if z.is_integer() else z,
                        **fields)
    except InputError as err:
        raise InputError(f"bad --target value {text!r}: {err}") from None


def _targets(values: Any) -> tuple[Material, ...]:
    single = isinstance(values, str | Material) or not isinstance(values, Iterable)
    items = [values] if single else list(values)
    # a word with '=' is one custom target (its fields are ','-separated); others may be
    # comma lists of symbols
    words: list[Any] = []
    for v in items:
        words += _words(v) if isinstance(v, str) and "=" not in v else [v]
    if not words:
        raise InputError("--target is empty: give at least one target")
    return tuple(parse_target(w) for w in words)


@dataclass(frozen=True)
class Grid:
    """A Cartesian grid of cross-section inputs (build it with :func:`make_grid`).

    Points run over ``beams × energies × targets × masses × x_mins`` in that order (the
    last varies fastest); ``x_max``, method, model, form factor, precision and seed are
    common.
    """

    beams: tuple[str, ...]
    energies: tuple[float, ...]
    targets: tuple[Material, ...]
    masses: tuple[float, ...]
    x_mins: tuple[float, ...]
    x_max: float = 1.0
    method: str = "etl"
    model: str = "mcp"
    precision: float = 1e-3
    seed: int | None = 0
    form_factor: str = "elastic"

    def __len__(self) -> int:
        return (len(self.beams) * len(self.energies) * len(self.targets) * len(self.masses)
                * len(self.x_mins))

    def points(self) -> list[dict[str, Any]]:
        """Every point as keyword arguments of :func:`millicharge.cross_section`."""
        return [
            dict(beam=b, energy=e, target=t, mass=m, x_min=x, x_max=self.x_max,
                 method=self.method, model=self.model, precision=self.precision,
                 seed=self.seed, form_factor=self.form_factor)
            for b, e, t, m, x in itertools.product(self.beams, self.energies, self.targets,
                                                   self.masses, self.x_mins)
        ]


def make_grid(
    beam: str | Sequence[str],
    energy: float | str | Sequence[float | str],
    target: str | Material | Sequence[str | Material],
    mass: float | str | Sequence[float | str],
    x_min: float | str | Sequence[float | str],
    *,
    x_max: float = 1.0,
    method: str = "etl",
    model: str = "mcp",
    precision: float = 1e-3,
    seed: int | None = 0,
    max_points: int | None = None,
    form_factor: str = "elastic",
) -> Grid:
    """Validate a grid spec; every bad piece raises an :class:`InputError` naming it.

    Parameters
    ----------
    beam : ``"e"``, ``"mu"`` or a list of them.
    energy : beam energies in GeV (numbers, a list, or ``"100,160"``).
    target : material symbols or :class:`Material` objects (a custom target as
        ``"Z=6,A=12.011,density=2.21,X0=19.32"``).
    mass : m_χ in GeV: numbers, lists, or ``"start:stop:n"`` (log-spaced).
    x_min : lower edges of x = E_miss/E, each in (0, 1).
    x_max : common upper edge of x.
    method, model, precision, seed, form_factor : as for :func:`millicharge.cross_section`.
    max_points : most points allowed (default :data:`millicharge.running.executors.MAX_POINTS`,
        100000); checked before anything is allocated.

    Returns
    -------
    Grid
    """
    beams = tuple(str(b) for b in _words(beam))
    for b in beams:
        if b not in _BEAMS:
            raise InputError(f"bad --beam value {b!r}: allowed are 'e' and 'mu'")
    if not beams:
        raise InputError("--beam is empty: give 'e' and/or 'mu'")
    energies = _positive(energy, "--energy", "GeV", ENERGY_MAX_GEV)
    targets = _targets(target)
    masses = parse_masses(mass, max_points=max_points)
    x_mins = _fractions(x_min, "--x-min")
    check_size(len(beams) * len(energies) * len(targets) * len(masses) * len(x_mins),
               max_points)
    (x_max,) = _fractions(x_max, "--x-max")
    for x in x_mins:
        if x >= x_max:
            raise InputError(f"bad --x-min value {x!r}: must be below --x-max = {x_max}")
    if method not in METHODS:
        raise InputError(f"bad --method value {method!r}: allowed are 'etl' and 'ww'")
    if model not in MODELS:
        raise InputError(f"bad --model value {model!r}: allowed are 'mcp' and 'dark-photon'")
    prec = _number(precision, "--precision", "must lie in (0, 1)")
    if not 0 < prec < 1:
        raise InputError(f"bad --precision value {precision!r}: must lie in (0, 1)")
    seed = validation.seed(seed, "--seed")
    if not isinstance(form_factor, str) or form_factor not in FORM_FACTORS:
        raise InputError(f"bad --form-factor value {show(form_factor)}: allowed are "
                         f"{' and '.join(repr(f) for f in FORM_FACTORS)}")
    return Grid(beams, energies, targets, masses, x_mins, x_max, method, model, prec,
                None if seed is None else int(seed), str(form_factor))


def _is_open(point: dict[str, Any]) -> bool:
    """False where the beam energy, the threshold or the x window closes the point.

    The threshold follows the model (:meth:`~millicharge.kinematics.process.Process.threshold`:
    2m for a pair, m_A' for a dark photon). A beam energy at or below the lepton mass
    (possible when a grid mixes e and μ beams) is closed too; any other bad input raises.
    """
    if point["energy"] <= lepton_mass(point["beam"]):
        return False
    proc = Process.make(point["beam"], point["energy"], point["target"], point["mass"],
                        model=None)
    if not proc.is_open(point["model"]):
        return False
    lo, hi = x_limits(proc, point["x_min"], point["x_max"], point["model"])
    return lo < hi


@dataclass
class ScanTable:
    """The rows of a scan (one dict per grid point, keys :data:`COLUMNS`)."""

    rows: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, name: str) -> list[Any]:
        if name not in COLUMNS:
            raise KeyError(name)
        return [r[name] for r in self.rows]

    @property
    def names(self) -> list[str]:
        return list(COLUMNS)

    @property
    def citations(self) -> tuple[str, ...]:
        """Reference keys of the methods and form factors of the computed rows."""
        keys: list[str] = []
        for r in self.rows:
            if r["status"] != "closed":
                keys += cross_section_keys(r["method"], r["form_factor"])
        return tuple(dict.fromkeys(keys))

    def counts(self) -> dict[str, int]:
        """How many points were computed, read from the cache, or kinematically closed."""
        out = {"computed": 0, "cached": 0, "closed": 0}
        for r in self.rows:
            out[r["status"]] += 1
        return out

    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV with a header; floats at full precision (``repr``), missing values empty;
        written atomically to ``path`` when given."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in self.rows:
            writer.writerow(["" if _missing(r[c]) else repr(r[c]) if isinstance(r[c], float)
                             else r[c] for c in COLUMNS])
        text = buf.getvalue()
        if path is not None:
            write_text(path, text)
        return text

    def _summary(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in self.counts().items())
        sig = [r for r in self.rows if not _missing(r["sigma_pb"])]
        span = ""
        if sig:
            lo = min(sig, key=lambda r: r["sigma_pb"])
            hi = max(sig, key=lambda r: r["sigma_pb"])
            span = (f"; sigma {fmt_error(lo['sigma_pb'], lo['error_pb'] or 0.0)} .. "
                    f"{fmt_error(hi['sigma_pb'], hi['error_pb'] or 0.0)} pb")
        return f"{len(self)} points ({counts}){span}"

    def __repr__(self) -> str:
        return f"ScanTable({self._summary()})"

    def _repr_html_(self) -> str:
        return html_table(f"ScanTable: {self._summary()}", COLUMNS,
                          [[r[c] for c in COLUMNS] for r in self.rows])

    def to_json(self) -> str:
        """``{"meta": …, "rows": […]}``; non-finite numbers become ``null``."""
        rows = [{c: None if _missing(r[c]) else r[c] for c in COLUMNS} for r in self.rows]
        return json.dumps({"meta": self.meta, "rows": rows}, indent=1)

    def to_pandas(self) -> Any:
        """A pandas DataFrame with columns :data:`COLUMNS` (pandas is optional)."""
        return data_frame({c: [r[c] for r in self.rows] for c in COLUMNS})

    def write(self, path: str | Path) -> Path:
        """Write to ``path``; the format follows its extension (.csv, .json, .parquet).

        The write is atomic (:mod:`millicharge.core.atomic`): a temporary file beside ``path``
        replaces it when complete, so the file is never half there, and its mode follows
        the umask. Missing parent folders are created.
        """
        path = Path(path)
        fmt = check_output(path)
        if fmt != ".parquet":
            return write_text(path, self.to_csv() if fmt == ".csv" else self.to_json() + "\n")
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = {c: [None if _missing(r[c]) else r[c] for r in self.rows] for c in COLUMNS}
        table = pa.table(columns, schema=_arrow_schema(pa))
        table = table.replace_schema_metadata({"millicharge": json.dumps(self.meta)})
        with atomic_path(path) as tmp:
            pq.write_table(table, tmp)
        return path


def _arrow_schema(pa):  # type: ignore[no-untyped-def]
    kinds = {"beam": pa.string(), "target": pa.string(), "method": pa.string(),
             "model": pa.string(), "form_factor": pa.string(), "status": pa.string(),
             "seed": pa.int64(), "n_eval": pa.int64()}
    return pa.schema([(c, kinds.get(c, pa.float64())) for c in COLUMNS])


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and not math.isfinite(v))


def check_output(path: str | Path) -> str:
    """The format of an output file from its extension; fails before any work is done.

    Also refuses a path that cannot be written (a directory, a folder on the way that is
    a file, an unwritable folder: :func:`millicharge.core.atomic.check_output_path`). Parquet
    needs pyarrow (``pip install pyarrow``, or ``millicharge[parquet]``).
    """
    check_output_path(path, suffixes=OUTPUT_FORMATS, what="--output")
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise InputError("writing .parquet needs pyarrow: pip install pyarrow "
                             "(or write .csv / .json)") from None
    return suffix


def scan(
    grid: Grid,
    *,
    backend: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    no_worker_timeout: float | None = NO_WORKER_TIMEOUT,
    cache: bool = True,
    progress: bool = True,
    runner: Runner | None = None,
) -> ScanTable:
    """σ at every point of ``grid``; one row per point, in grid order.

    Parameters
    ----------
    grid : from :func:`make_grid`.
    backend : ``"serial"``, ``"processes"`` (default) or ``"dask"`` (default when a
        ``scheduler`` is given); see :mod:`millicharge.running.executors`.
    workers : local processes (or LocalCluster workers); default all cores.
    scheduler : ``tcp://HOST:PORT`` of a running dask scheduler.
    connect_timeout : seconds to wait for that scheduler.
    no_worker_timeout : dask: seconds to wait while the cluster has no worker before
        failing (finished points stay cached); None waits forever.
    cache : read and write the on-disk cache (each point is stored as it finishes, so
        a killed scan resumes).
    progress : show a progress bar with points done / total and the ETA.
    runner : a :class:`~millicharge.running.runner.Runner` holding all of the above
        instead (they are then ignored).

    Returns
    -------
    ScanTable
        Identical numbers whichever backend ran it (``wall_s`` and ``status`` aside).
    """
    if not isinstance(grid, Grid):
        raise InputError("scan needs a Grid: build one with millicharge.running.grid.make_grid")
    points = grid.points()
    from millicharge.running.progress import tqdm

    with tqdm(points, desc="scan: kinematics", unit="pt", leave=False, mininterval=0.5,
              disable=not progress or len(points) < 10_000) as checking:  # big grids only
        open_index = [i for i, p in enumerate(checking) if _is_open(p)]
    if runner is None:
        runner = Runner(cache=cache, backend=backend, workers=workers, scheduler=scheduler,
                        progress=progress, connect_timeout=connect_timeout,
                        no_worker_timeout=no_worker_timeout)
    jobs = [CrossSectionJob.make(**points[i]) for i in open_index]
    start = time.perf_counter()
    results = runner.evaluate(jobs, description="scan")
    elapsed = time.perf_counter() - start
    rows = []
    by_index = dict(zip(open_index, results, strict=True))
    for i, p in enumerate(points):
        row: dict[str, Any] = {
            "beam": p["beam"], "energy_gev": p["energy"], "target": p["target"].symbol,
            "mass_gev": p["mass"], "x_min": p["x_min"], "x_max": p["x_max"],
            "method": p["method"], "model": p["model"], "form_factor": p["form_factor"],
            "precision": p["precision"], "seed": p["seed"],
        }
        r = by_index.get(i)
        if r is None:
            row.update(sigma_pb=0.0, error_pb=0.0, chi2_dof=math.nan, n_eval=0,
                       wall_s=0.0, status="closed")
        else:
            row.update(sigma_pb=r.sigma_pb, error_pb=r.error_pb, chi2_dof=r.chi2_dof,
                       n_eval=r.n_eval, wall_s=r.wall_s,
                       status="cached" if r.cached else "computed")
        rows.append(row)
    meta = {"points": len(points), "backend": runner.backend or (
                "dask" if runner.scheduler else "processes"),
            "scheduler": runner.scheduler, "elapsed_s": elapsed}
    return ScanTable(rows, meta)
