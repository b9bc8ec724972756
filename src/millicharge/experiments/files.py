"""Experiment files: reading a TOML table into an :class:`Experiment`, listing and loading
the shipped files (``data/experiments/*.toml``) and users' own.

The keys, their types and rules come from :data:`millicharge.experiments.schema.FIELDS`;
this module maps the file's layout onto the :class:`Experiment` attributes (the target's
thickness and overrides, the efficiency table, the ``[mesons]`` table). Every error message
starts with the file name.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from millicharge.core.errors import InputError
from millicharge.core.validation import show
from millicharge.core.vocab import MesonSource
from millicharge.experiments.experiment import Experiment
from millicharge.experiments.meson_table import MesonYields
from millicharge.experiments.schema import fields_in, read_table

__all__ = ["experiment_from_dict", "experiment_names", "load_experiment"]

_OVERRIDES = ("Z", "A", "density", "X0")
_THICKNESS = {"thickness_cm": "cm", "thickness_x0": "X0"}


def experiment_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Experiment:
    """Validate a parsed TOML table and build an :class:`Experiment`.

    Every error message starts with ``source`` (the file name).
    """
    try:
        return _from_dict(data, source)
    except InputError as err:
        raise InputError(f"{source}: {err}") from None


def _target(table: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[target]`` table as Experiment keyword arguments."""
    values = read_table(table, "target")
    thick = [k for k in _THICKNESS if k in values]
    if len(thick) != 1:
        raise InputError("target needs exactly one of thickness_cm and thickness_x0, got "
                         + (" and ".join(thick) if thick else "neither"))
    overrides = tuple((k, int(values[k]) if k == "Z" and values[k].is_integer() else values[k])
                      for k in _OVERRIDES if k in values)
    out = {f.attribute: values[f.name] for f in fields_in("target")
           if f.attribute is not None and f.name in values}
    return {**out, "thickness": values[thick[0]], "thickness_unit": _THICKNESS[thick[0]],
            "target_overrides": overrides}


def _mesons(table: Mapping[str, Any]) -> MesonYields:
    """The ``[mesons]`` table: typed yields (``source`` defaults to ``"typed"`` when a
    yield n_* is given) or computed ones."""
    values = read_table(table, "mesons")
    typed = any(k in values for k in ("n_rho", "n_omega", "n_phi"))
    values.setdefault("source", MesonSource.TYPED if typed else MesonSource.COMPUTED)
    if values["source"] != MesonSource.COMPUTED and "reference_lot" not in values:
        raise InputError("missing required field 'mesons.reference_lot'")
    photo: dict[str, Any] = {name: tuple((k.rsplit("_", 1)[1], values.pop(k)) for k in list(values)
                         if k.startswith(f"{name}_"))
             for name in ("sigma0_ub", "f_nuc")}
    return MesonYields(**values, **photo)


def _efficiency(values: Mapping[str, Any]) -> dict[str, Any]:
    """A constant efficiency, or the table (both keys, and no constant)."""
    table_keys = [k for k in ("efficiency_masses_gev", "efficiency_values") if k in values]
    if not table_keys:
        return {}
    if "efficiency" in values:
        raise InputError("give either efficiency (a constant) or efficiency_masses_gev "
                         "with efficiency_values (a table), not both")
    if len(table_keys) == 1:
        raise InputError("an efficiency table needs both efficiency_masses_gev and "
                         "efficiency_values")
    return {"efficiency": None}


def _from_dict(data: Mapping[str, Any], source: str) -> Experiment:
    values = read_table(data, "")
    kwargs = {f.attribute: values[f.name] for f in fields_in("")
              if f.attribute is not None and f.name in values}
    kwargs.update(_efficiency(values))
    kwargs.update(_target(values["target"]))
    if "mesons" in values:
        kwargs["mesons"] = _mesons(values["mesons"])
    return Experiment(source=source, **kwargs)


def _experiments_dir() -> Any:
    return resources.files("millicharge.data").joinpath("experiments")


@cache
def experiment_names() -> list[str]:
    """Names (file stems) of the shipped experiments, e.g. ``['ldmx', 'na64mu', ...]``."""
    return sorted(
        p.name[: -len(".toml")] for p in _experiments_dir().iterdir() if p.name.endswith(".toml")
    )


def _parse(text: str, source: str) -> Experiment:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{source}: TOML syntax error: {err}") from None
    return experiment_from_dict(data, source)


def load_experiment(name_or_path: str | Path) -> Experiment:
    """A shipped experiment by name (case-insensitive) or a user TOML file by path.

    A string is taken as a path when it ends in ``.toml`` or names an existing file.

    >>> load_experiment("LDMX").x_min
    0.7
    """
    if not isinstance(name_or_path, str | Path):
        raise InputError(
            f"experiment must be a shipped name, the path of a .toml file or an Experiment, "
            f"got {show(name_or_path)}"
        )
    path = Path(name_or_path)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        is_file = False
    if isinstance(name_or_path, Path) or str(name_or_path).endswith(".toml") or is_file:
        if not is_file:
            raise InputError(f"experiment file {str(path)!r} not found")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"cannot read experiment file {str(path)!r}: {err}") from None
        return _parse(text, str(path))
    key = str(name_or_path).lower()
    if key not in experiment_names():
        raise InputError(
            f"unknown experiment {show(str(name_or_path))}: shipped are "
            f"{', '.join(experiment_names())} (or give the path of a .toml file)"
        )
    text = _experiments_dir().joinpath(f"{key}.toml").read_text(encoding="utf-8")
    return _parse(text, f"{key}.toml")
