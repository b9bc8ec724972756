"""What the plotting functions accept, turned into plain arrays.

The drawing functions take either the small input records defined here
(:class:`XsecSeries`, :class:`ReachCurve`, or mappings with the same fields) or the
package's result objects directly:

* :class:`~millicharge.core.results.Spectrum` (Fig. 2);
* :class:`~millicharge.core.results.CrossSection` lists, a
  :class:`~millicharge.running.grid.ScanTable` or a
  :class:`~millicharge.limits.reach.ReachTable` (Fig. 3): one σ(m) series per setup;
* :class:`~millicharge.limits.reach.ReachTable`, its column mapping or its ``to_json`` form
  (Fig. 4): the ``epsilon_combined`` column, labelled by the experiment.

Results are recognised by their fields (duck typing), so nothing here imports the layers
that make them. Nothing here computes physics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from millicharge.core.errors import InputError
from millicharge.core.vocab import Method
from millicharge.models import Model, get_model

__all__ = ["ReachCurve", "XsecSeries", "data_model", "reach_curves", "xsec_series"]


@dataclass(frozen=True)
class XsecSeries:
    """One σ(m) curve of Fig. 3.

    ``mass_gev`` in GeV; ``sigma_pb`` and ``error_pb`` in pb; ``method`` is ``"etl"`` or
    ``"ww"``; ``experiment`` groups an ETL and a WW series for the ratio panel (default:
    the label); ``model`` (``"mcp"`` or ``"dark-photon"``) names the mass axis.
    """

    label: str
    mass_gev: Sequence[float] | np.ndarray
    sigma_pb: Sequence[float] | np.ndarray
    error_pb: Sequence[float] | np.ndarray | None = None
    method: str = "etl"
    color: str | None = None
    experiment: str | None = None
    model: str | None = None


@dataclass(frozen=True)
class ReachCurve:
    """One reach line of Fig. 4: ε(m) with m in GeV; inf/nan where the channel is closed.

    ``model`` (``"mcp"`` or ``"dark-photon"``) names the mass axis."""

    label: str
    mass_gev: Sequence[float] | np.ndarray
    epsilon: Sequence[float] | np.ndarray
    color: str | None = None
    linestyle: str = "-"
    linewidth: float | None = None
    model: str | None = None


def get(item: Any, name: str, default: Any = None) -> Any:
    """Field ``name`` of a mapping or an object."""
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def require(item: Any, name: str, what: str) -> Any:
    """Field ``name`` of ``item``; InputError if it is missing."""
    value = get(item, name)
    if value is None:
        raise InputError(f"{what}: missing field {name!r}")
    return value


def _number(value: Any) -> float:
    """A cell as a float; a missing one (``None``, empty CSV cell) as nan."""
    return math.nan if value is None or value == "" else float(value)


def array(item: Any, name: str, what: str, n: int | None = None) -> np.ndarray:
    """Field ``name`` as a 1-d float array (``None``/empty cells → nan) of ``n`` values."""
    raw = require(item, name, what)
    try:
        arr = np.asarray(raw, dtype=float).ravel()
    except (TypeError, ValueError):
        try:
            arr = np.array([_number(v) for v in raw], dtype=float)
        except (TypeError, ValueError):
            raise InputError(f"{what}: {name!r} must be numbers") from None
    if n is not None and arr.size != n:
        raise InputError(f"{what}: {name!r} has {arr.size} values, expected {n}")
    return arr


def data_model(items: Sequence[Any], model: str | Model | None) -> Model:
    """The model whose labels a figure uses: ``model`` if given (a name or a
    :class:`~millicharge.models.base.Model`), else the one the data name (field ``model``,
    or ``meta["model"]`` of a table), else ``"mcp"``.

    Raises InputError when the data name more than one model and ``model`` is not given.
    """
    if model is not None:
        return get_model(model)
    named: dict[str, Model] = {}
    for item in items:
        m = get(item, "model") or get(get(item, "meta") or {}, "model")
        if m is not None:
            found = get_model(m)
            named[found.name] = found
    if len(named) > 1:
        raise InputError(f"the curves mix models {sorted(named)}: draw one model per figure")
    return next(iter(named.values())) if named else get_model("mcp")


# ----------------------------------------------------------------------------- Fig. 4
def _columns(item: Any) -> Mapping[str, Any] | None:
    """The column mapping of a reach table in any of its forms, or ``None`` for a curve."""
    columns = get(item, "columns")
    if isinstance(columns, Mapping):  # ReachTable
        return columns
    if isinstance(item, Mapping):
        rows = item.get("rows")
        if isinstance(rows, Sequence) and not isinstance(rows, str):  # ReachTable.to_json
            names = list(rows[0]) if rows else []
            return {n: [r.get(n) for r in rows] for n in names}
        if "epsilon" not in item and any(str(k).startswith("epsilon_") for k in item):
            return item  # {column: values}
    return None


def reach_curves(curves: Any) -> list[Any]:
    """``curves`` as a list of curves: each reach table (a
    :class:`~millicharge.limits.reach.ReachTable`, its ``columns`` mapping or its
    ``to_json`` dict) becomes a :class:`ReachCurve` of its ``epsilon_combined`` column
    (else its first ``epsilon_*`` column), labelled by its ``experiment``."""
    if isinstance(curves, (ReachCurve, Mapping)) or hasattr(curves, "columns"):
        curves = [curves]
    out = []
    for c in curves:
        columns = _columns(c)
        if columns is not None:
            experiment = get(c, "experiment") or get(c, "label")
            names = [n for n in columns if str(n).startswith("epsilon")]
            if not names or "mass_gev" not in columns:
                raise InputError(f"reach table {experiment or '?'!r} has no "
                                 "mass_gev and epsilon columns")
            name = "epsilon_combined" if "epsilon_combined" in names else names[0]
            what = f"reach table {experiment or '?'!r}"
            model = get(c, "model") or get(get(c, "meta") or {}, "model")
            c = ReachCurve(str(experiment or name), array(columns, "mass_gev", what),
                           array(columns, name, what), model=model)
        out.append(c)
    return out


# ----------------------------------------------------------------------------- Fig. 3
def _is_point(item: Any) -> bool:
    """A single cross section (a CrossSection, or a scan row): scalar σ at a scalar mass."""
    sigma = get(item, "sigma_pb")
    return sigma is not None and np.ndim(sigma) == 0 and np.ndim(get(item, "mass_gev")) == 0 \
        and get(item, "beam") is not None


def _point_series(points: Sequence[Any]) -> list[XsecSeries]:
    """Cross sections at single masses grouped into one series per setup (beam, energy,
    target, signal box, method, model, form factor), in order of first appearance,
    each sorted by mass."""
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for p in points:
        key = tuple(get(p, k) for k in ("beam", "energy_gev", "target", "x_min", "x_max",
                                         "method", "model", "form_factor"))
        groups.setdefault(key, []).append(p)
    out = []
    for (beam, energy, target, *_, method, model, _ff), members in groups.items():
        members = sorted(members, key=lambda p: float(get(p, "mass_gev")))
        setup = f"{beam} {float(energy):g} GeV on {target}"
        method = str(method or "etl").lower()
        out.append(XsecSeries(
            label=f"{setup} ({method.upper()})",
            mass_gev=[float(get(p, "mass_gev")) for p in members],
            sigma_pb=[_number(get(p, "sigma_pb")) for p in members],
            error_pb=[_number(get(p, "error_pb")) for p in members],
            method=method, experiment=setup, model=model))
    return out


def xsec_series(series: Any) -> list[Any]:
    """``series`` as a list of σ(m) series: a :class:`~millicharge.running.grid.ScanTable`
    (its rows) and :class:`~millicharge.core.results.CrossSection` objects are grouped by
    setup (:func:`_point_series`); a :class:`~millicharge.limits.reach.ReachTable` gives
    the series of its ``sigma_pb`` column, labelled by its experiment and method."""
    if isinstance(series, XsecSeries) or _is_point(series) or hasattr(series, "columns") \
            or (hasattr(series, "rows") and not isinstance(series, Mapping)):
        series = [series]
    out: list[Any] = []
    points: list[Any] = []
    for s in series:
        rows = get(s, "rows")
        if isinstance(rows, Sequence) and not isinstance(s, Mapping):  # ScanTable
            points += [r for r in rows]
        elif _is_point(s):
            points.append(s)
        elif isinstance(get(s, "columns"), Mapping):  # ReachTable
            meta = get(s, "meta") or {}
            method = str(meta.get("method", Method.ETL)).lower()
            columns = s.columns
            if "sigma_pb" not in columns:
                raise InputError(f"reach table {s.experiment!r} has no sigma_pb column "
                                 "(no bremsstrahlung channel)")
            out.append(XsecSeries(
                label=f"{s.experiment} ({method.upper()})", mass_gev=columns["mass_gev"],
                sigma_pb=columns["sigma_pb"], error_pb=columns.get("sigma_error_pb"),
                method=method, experiment=s.experiment, model=meta.get("model")))
        else:
            out.append(s)
    return out + _point_series(points)
