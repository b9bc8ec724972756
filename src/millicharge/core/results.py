"""Result objects: every Monte Carlo number carries its error and its inputs.

Every result (:class:`CrossSection`, :class:`Spectrum`, and the tables and samples of
:mod:`millicharge.limits.reach`, :mod:`millicharge.running.grid`,
:mod:`millicharge.events.generate`) prints as a short summary (``repr``), shows as a
small HTML table in a notebook (``_repr_html_``), and converts with ``to_pandas()``
(pandas is optional) and ``to_csv(path=None)`` (returns the text; with a path also writes it
atomically through :mod:`millicharge.core.atomic`).
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from millicharge.core.citations import cross_section_keys
from millicharge.core.errors import InputError

__all__ = ["CrossSection", "Spectrum"]

#: Rows shown by ``_repr_html_`` before the table is cut (head and tail are shown).
HTML_MAX_ROWS = 20


def fmt_value(value: Any) -> str:
    """A short human form of one cell: floats to 4 significant digits, ``None``/nan empty."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return "" if math.isnan(v) else f"{v:.4g}"
    return str(value)


def fmt_error(value: float, error: float) -> str:
    """``value ± error`` with the error to 2 significant digits."""
    return f"{value:.6g} ± {error:.2g}"


def csv_cell(value: Any) -> str:
    """A CSV cell: floats at full precision (``repr``), missing (None, non-finite) empty.

    The one cell format of every table this package writes (results, reach and scan
    tables), through :func:`csv_text`."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return repr(v) if math.isfinite(v) else ""
    if isinstance(value, (np.integer,)):
        return str(int(value))
    return str(value)


def csv_text(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text with a header line and ``\\n`` line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def write_csv(text: str, path: str | Path | None) -> str:
    """Return ``text``; when ``path`` is given also write it there atomically."""
    if path is not None:
        from millicharge.core.atomic import write_text

        write_text(path, text)
    return text


def data_frame(columns: Mapping[str, Any]) -> Any:
    """A pandas DataFrame from ``{name: values}`` (pandas is optional)."""
    try:
        import pandas as pd
    except ImportError:
        raise InputError("to_pandas needs pandas: pip install pandas") from None
    return pd.DataFrame({k: list(v) if not isinstance(v, np.ndarray) else v
                         for k, v in columns.items()})


def html_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
               *, max_rows: int = HTML_MAX_ROWS) -> str:
    """A small HTML table (text escaped); long tables show their head and tail only."""
    esc = html.escape
    shown: list[Sequence[Any] | None] = list(rows)
    if len(rows) > max_rows:
        half = max_rows // 2
        shown = [*rows[:half], None, *rows[-half:]]
    out = ["<div>", f"<p><b>{esc(title)}</b></p>", "<table>", "<thead><tr>"]
    out += [f"<th>{esc(str(c))}</th>" for c in columns]
    out.append("</tr></thead><tbody>")
    for row in shown:
        if row is None:
            out.append(f'<tr><td colspan="{len(columns)}">… {len(rows) - 2 * (max_rows // 2)}'
                       " rows …</td></tr>")
            continue
        out.append("<tr>" + "".join(f"<td>{esc(fmt_value(v))}</td>" for v in row) + "</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    return "".join(out)


def html_fields(title: str, fields: Mapping[str, Any]) -> str:
    """A two-column HTML table ``quantity | value`` (text escaped)."""
    return html_table(title, ["quantity", "value"], [[k, v] for k, v in fields.items()],
                      max_rows=len(fields) + 1)


def _setup(beam: str, energy_gev: float, target: str, mass_gev: float, epsilon: float,
           model: str) -> str:
    return (f"{beam} {energy_gev:g} GeV on {target}, {model} m={mass_gev:g} GeV, "
            f"eps={epsilon:g}")


@dataclass(frozen=True)
class CrossSection:
    """σ(x_min ≤ x ≤ x_max) in pb, with its Monte Carlo error.

    ``chi2_dof`` and ``n_eval`` describe the VEGAS run (``nan``/0 for a deterministic
    quadrature such as WW). ``epsilon`` has already been applied (σ ∝ ε²). ``wall_s``
    is the wall time of the original computation (kept in the cache, so a cached result
    reports it too) and ``cached`` says whether this result was read from the cache;
    neither takes part in ``==``. ``form_factor`` is the atomic form factor used
    (``"elastic"``, paper Eq. 10, or ``"elastic+inelastic"``;
    :mod:`millicharge.target.formfactors`). ``citations`` are the keys (in
    :data:`millicharge.core.citations.BIBTEX`) of what the number rests on, derived from
    the method and form factor, so a result computed anywhere carries its own.
    """

    sigma_pb: float
    error_pb: float
    method: str
    beam: str
    energy_gev: float
    target: str
    mass_gev: float
    x_min: float
    x_max: float
    epsilon: float = 1.0
    chi2_dof: float = float("nan")
    Q: float = float("nan")
    n_eval: int = 0
    model: str = "mcp"
    seed: int | None = None
    unit: str = "pb"
    form_factor: str = "elastic"
    wall_s: float = field(default=float("nan"), compare=False)
    cached: bool = field(default=False, compare=False)

    @property
    def relative_error(self) -> float:
        return self.error_pb / self.sigma_pb if self.sigma_pb else float("inf")

    @property
    def citations(self) -> tuple[str, ...]:
        """Reference keys of the method and form factor used."""
        return cross_section_keys(self.method, self.form_factor)

    def with_epsilon(self, epsilon: float) -> CrossSection:
        """The same result at another ε: σ ∝ ε² (paper Eq. 4), rescaled from this one."""
        eps2 = epsilon**2 / self.epsilon**2
        return replace(self, sigma_pb=self.sigma_pb * eps2, error_pb=self.error_pb * eps2,
                       epsilon=epsilon)

    def to_dict(self) -> dict:
        return asdict(self)

    def __repr__(self) -> str:
        setup = _setup(self.beam, self.energy_gev, self.target, self.mass_gev, self.epsilon,
                       self.model)
        return (f"CrossSection({self.method}: sigma = {fmt_error(self.sigma_pb, self.error_pb)}"
                f" {self.unit}, {setup}, {self.x_min:g} <= x <= {self.x_max:g}"
                f"{', cached' if self.cached else ''})")

    def _repr_html_(self) -> str:
        d = self.to_dict()
        d["sigma_pb"] = fmt_error(self.sigma_pb, self.error_pb)
        d.pop("error_pb")
        return html_fields(f"CrossSection ({self.method})", d)

    def to_pandas(self) -> Any:
        """A one-row pandas DataFrame with the fields of :meth:`to_dict`."""
        return data_frame({k: [v] for k, v in self.to_dict().items()})

    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV text (header + one row, fields of :meth:`to_dict`); written atomically to
        ``path`` when given."""
        d = self.to_dict()
        return write_csv(csv_text(list(d), [list(d.values())]), path)


@dataclass(frozen=True)
class Spectrum:
    """dσ/dx at the points ``x`` in pb, with Monte Carlo errors, and the form factor used."""

    x: np.ndarray
    dsigma_dx_pb: np.ndarray
    error_pb: np.ndarray
    method: str
    beam: str
    energy_gev: float
    target: str
    mass_gev: float
    epsilon: float = 1.0
    model: str = "mcp"
    form_factor: str = "elastic"
    extra: dict = field(default_factory=dict)

    #: Columns of :meth:`to_pandas` / :meth:`to_csv`.
    COLUMNS = ("x", "dsigma_dx_pb", "error_pb")

    @property
    def citations(self) -> tuple[str, ...]:
        """Reference keys of the method and form factor used."""
        return cross_section_keys(self.method, self.form_factor)

    def rows(self) -> list[dict]:
        """One ``{x, dsigma_dx_pb, error_pb}`` dict per point."""
        return [
            {"x": float(x), "dsigma_dx_pb": float(v), "error_pb": float(e)}
            for x, v, e in zip(self.x, self.dsigma_dx_pb, self.error_pb, strict=True)
        ]

    def __len__(self) -> int:
        return len(self.x)

    def __repr__(self) -> str:
        setup = _setup(self.beam, self.energy_gev, self.target, self.mass_gev, self.epsilon,
                       self.model)
        n = len(self.x)
        span = f"{float(np.min(self.x)):g} <= x <= {float(np.max(self.x)):g}" if n else "empty"
        if n:
            i = int(np.nanargmax(self.dsigma_dx_pb)) if np.any(np.isfinite(
                self.dsigma_dx_pb)) else 0
            top = fmt_error(float(self.dsigma_dx_pb[i]), float(self.error_pb[i]))
            peak = f", peak dsigma/dx = {top} pb at x={float(self.x[i]):g}"
        else:
            peak = ""
        return f"Spectrum({self.method}: {n} points, {span}{peak}, {setup})"

    def _repr_html_(self) -> str:
        title = (f"Spectrum ({self.method}): dσ/dx [pb], "
                 + _setup(self.beam, self.energy_gev, self.target, self.mass_gev,
                          self.epsilon, self.model))
        return html_table(title, self.COLUMNS, [list(r.values()) for r in self.rows()])

    def to_pandas(self) -> Any:
        """A pandas DataFrame with columns ``x, dsigma_dx_pb, error_pb``."""
        return data_frame({"x": np.asarray(self.x, float),
                           "dsigma_dx_pb": np.asarray(self.dsigma_dx_pb, float),
                           "error_pb": np.asarray(self.error_pb, float)})

    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV text ``x,dsigma_dx_pb,error_pb`` (floats at full precision); written
        atomically to ``path`` when given."""
        return write_csv(csv_text(self.COLUMNS, [list(r.values()) for r in self.rows()]), path)
