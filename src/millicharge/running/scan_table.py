"""The result of a scan: :class:`ScanTable`, one row per grid point, and its file formats.

Columns are :data:`COLUMNS`: the inputs, ``sigma_pb``, ``error_pb``, ``chi2_dof``,
``n_eval``, ``wall_s`` and ``status`` (``computed``, ``cached`` or ``closed`` where
kinematics forbids the window). A table writes itself as .csv, .json or .parquet
(:data:`OUTPUT_FORMATS`) through :mod:`millicharge.core.atomic`; :func:`check_output`
refuses a bad output path before any work is done. The scan that fills it is
:func:`millicharge.running.grid.scan`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from millicharge.core.atomic import atomic_path, check_output_path, write_text
from millicharge.core.citations import cross_section_keys
from millicharge.core.errors import InputError
from millicharge.core.results import csv_text, data_frame, fmt_error, html_table, write_csv

__all__ = ["COLUMNS", "OUTPUT_FORMATS", "ScanTable", "check_output"]

COLUMNS = (
    "beam", "energy_gev", "target", "mass_gev", "x_min", "x_max", "method", "model",
    "form_factor", "precision", "seed", "sigma_pb", "error_pb", "chi2_dof", "n_eval",
    "wall_s", "status",
)
"""Columns of a scan table, in order."""

OUTPUT_FORMATS = (".csv", ".json", ".parquet")


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
        rows = [[None if _missing(r[c]) else r[c] for c in COLUMNS] for r in self.rows]
        return write_csv(csv_text(COLUMNS, rows), path)

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
        the umask. The folder must exist (a missing one is refused in one line).
        """
        path = Path(path)
        fmt = check_output(path)
        check_output_path(path, what="scan table")
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

