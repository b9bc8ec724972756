"""The experiment file's schema: every key with its type, rule, default, unit and meaning.

One table, :data:`FIELDS`, declares the layout of an experiment TOML file (the top level,
``[target]`` and ``[mesons]``) and the rules of the :class:`~millicharge.experiments.config.
Experiment` attributes the keys fill. It drives

* the reading of a file (:func:`read_table`: unknown keys, required keys, TOML types),
* the validation of an :class:`~millicharge.experiments.config.Experiment` built from a
  file or in code (:func:`check_rules`: ranges and vocabularies), and
* the documentation (:func:`layout`, which prints the file layout).

Checks that tie several fields together (x_min < x_max, the shower needs an electron
beam, typed meson yields need their reference setup, …) are small named functions next
to the type they check. Every message is one line naming the key and what is allowed.

    >>> print(layout("target").splitlines()[0])
    [target] material          str     required  symbol such as 'Pb', from data/materials.toml
    >>> field("x_min").rule.allowed
    'a number in (0, 1)'
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from millicharge.core.errors import InputError
from millicharge.core.validation import show
from millicharge.core.vocab import Beam, Channel, EnergyLoss, MesonSource, Transport, choices
from millicharge.target.formfactors import FormFactor

__all__ = [
    "FIELDS",
    "REQUIRED",
    "SHOWER_NODES_MAX",
    "Field",
    "Kind",
    "Rule",
    "check",
    "check_keys",
    "check_rules",
    "default",
    "field",
    "fields_in",
    "integer",
    "interval",
    "is_number",
    "layout",
    "one_of",
    "read_table",
]

SHOWER_NODES_MAX = 32
"""Most energy nodes of the shower fold. The weights are integrated with a 48-point Gauss
rule (:func:`millicharge.transport.shower.shower_rule`), exact up to 32 nodes; at 64 nodes
they lose accuracy (L_eff of NA64e off by 7·10⁻⁴, against 3·10⁻⁶ between 32 and 48 nodes)."""

DEPTH_POINTS_MAX = 32
"""Most Gauss–Legendre points in depth for a muon's mean energy loss."""


def is_number(value: object) -> bool:
    """A TOML/Python number (int or float), not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


class Kind(enum.StrEnum):
    """The TOML type of a key (its value is the word the type error uses)."""

    STR = "str"
    NUMBER = "number"
    INTEGER = "integer"
    TABLE = "table"
    STRINGS = "string or a list of strings"
    NAMES = "list of strings"
    NUMBERS = "list of finite numbers"


@dataclass(frozen=True)
class Rule:
    """What a value must be: ``allowed`` completes "<key> must be …", ``test`` decides."""

    allowed: str
    test: Callable[[Any], bool]

    def check(self, key: str, value: object) -> None:
        """InputError ``"<key> must be <allowed>, got <value>"`` unless ``test(value)``."""
        if not self.test(value):
            raise InputError(f"{key} must be {self.allowed}, got {show(value)}")


def interval(low: float = 0.0, high: float = math.inf, *, low_closed: bool = False,
             high_closed: bool = False, unit: str = "") -> Rule:
    """A number in an interval: ``"a positive number"``, ``"a number >= 0"`` or
    ``"a number in (0, 1]"``, with ``unit`` appended in brackets."""
    if (low, high) == (0.0, math.inf):
        text = "a number >= 0" if low_closed else "a positive number"
    else:
        text = (f"a number in {'[' if low_closed else '('}{low:g}, {high:g}"
                f"{']' if high_closed else ')'}")
    if unit:
        text += f" ({unit})"

    def test(v: Any) -> bool:
        if not (is_number(v) and math.isfinite(v)):
            return False
        return (low <= v if low_closed else low < v) and (v <= high if high_closed else v < high)

    return Rule(text, test)


def integer(low: int, high: int, *, even: bool = False) -> Rule:
    """An integer (not a bool) in [low, high], optionally even."""
    text = (f"an even integer from {low} to {high}" if even
            else f"an integer in {low} ... {high}")
    return Rule(text, lambda v: not isinstance(v, bool) and isinstance(v, int)
                and low <= v <= high and not (even and v % 2))


def one_of(kind: type[enum.StrEnum], style: str = "list") -> Rule:
    """A member of the vocabulary ``kind``: ``"one of 'a', 'b'"`` (or ``"'a' or 'b'"``)."""
    names = [repr(c) for c in choices(kind)]
    text = (" or ".join(names) if style == "or" else "one of " + ", ".join(names))
    return Rule(text, lambda v: isinstance(v, str) and v in choices(kind))


REQUIRED: Any = object()
"""Default of a key that must be given."""


@dataclass(frozen=True)
class Field:
    """One key of an experiment file.

    ``key`` is its path (``"x_min"``, ``"target.transport"``, ``"mesons.n_rho"``);
    ``attribute`` the :class:`Experiment` (or :class:`MesonYields`) attribute it fills
    (None where the loader maps it specially, e.g. ``thickness_cm``); ``rule`` what the
    value must be once read; ``default`` its value when absent (:data:`REQUIRED`: none).
    """

    key: str
    kind: Kind
    attribute: str | None
    rule: Rule | None = None
    default: Any = None
    unit: str = ""
    doc: str = ""

    @property
    def table(self) -> str:
        """``""`` (top level), ``"target"`` or ``"mesons"``."""
        return self.key.rpartition(".")[0]

    @property
    def name(self) -> str:
        """The key within its table."""
        return self.key.rpartition(".")[2]

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def read(self, value: Any) -> Any:
        """The TOML value converted to this field's Python type; InputError if its type is
        wrong (the rule is checked later, by :func:`check_rules`)."""
        if self.kind is Kind.NUMBER and is_number(value):
            return float(value)
        if self.kind is Kind.STR and isinstance(value, str):
            return value
        if self.kind is Kind.TABLE and isinstance(value, Mapping):
            return value
        if self.kind is Kind.INTEGER and not isinstance(value, bool) and isinstance(value, int):
            return value
        if self.kind is Kind.STRINGS:
            if isinstance(value, str):
                return (value,)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return tuple(value)
        if self.kind is Kind.NAMES and isinstance(value, list) \
                and all(isinstance(v, str) for v in value):
            return tuple(value)
        if self.kind is Kind.NUMBERS and isinstance(value, list | tuple) \
                and all(is_number(v) and math.isfinite(v) for v in value):
            return tuple(float(v) for v in value)
        if self.kind is Kind.INTEGER and self.rule is not None:
            raise InputError(f"{self.key} must be {self.rule.allowed}, got {show(value)}")
        if self.kind is Kind.NAMES:
            raise InputError(f"{self.key} must be a list of strings from "
                             f"{', '.join(choices(Channel))}, got {show(value)}")
        raise InputError(f"{self.key} must be a {self.kind}, got {show(value)}")


_UNIT = interval(0.0, 1.0)
_POSITIVE = interval()
_PHOTO = [Field(f"mesons.{k}_{m}", Kind.NUMBER, None, _POSITIVE, None, u, doc)
          for k, u, doc in (("sigma0_ub", "μb per nucleon", "computed: σ₀^V of paper Eq. 6"),
                            ("f_nuc", "", "computed: f_nuc^V of paper Eq. 6"))
          for m in choices(Channel)[1:]]

FIELDS: tuple[Field, ...] = (
    # top level: required keys, in the order they are asked for
    Field("name", Kind.STR, "name", None, REQUIRED, "", "display name"),
    Field("description", Kind.STR, "description", None, REQUIRED, "", "one line"),
    Field("references", Kind.STRINGS, "references", None, REQUIRED, "",
          "sources of the numbers (a list of strings, or one string)"),
    Field("beam", Kind.STR, "beam", one_of(Beam, "or"), REQUIRED, "", "beam lepton"),
    Field("energy_gev", Kind.NUMBER, "energy_gev", _POSITIVE, REQUIRED, "GeV",
          "beam energy E₀, above the lepton mass"),
    Field("leptons_on_target", Kind.NUMBER, "leptons_on_target", _POSITIVE, REQUIRED, "",
          "LOT (MOT/EOT)"),
    Field("x_min", Kind.NUMBER, "x_min", _UNIT, REQUIRED, "",
          "missing-energy cut E_miss >= x_min E₀, below x_max"),
    Field("channels", Kind.NAMES, "channels", None, REQUIRED, "",
          "signal channels: " + ", ".join(choices(Channel))),
    Field("target", Kind.TABLE, None, None, REQUIRED, "", "the [target] table"),
    # top level: optional keys
    Field("x_max", Kind.NUMBER, "x_max", interval(0.0, 1.0, high_closed=True), 1.0, "",
          "upper end of the missing-energy window"),
    Field("efficiency", Kind.NUMBER, "efficiency", interval(0.0, 1.0, high_closed=True),
          1.0, "", "signal efficiency (a constant; or the table below)"),
    Field("efficiency_masses_gev", Kind.NUMBERS, "efficiency_masses_gev", None, (), "GeV",
          "efficiency table: masses, > 0, strictly increasing"),
    Field("efficiency_values", Kind.NUMBERS, "efficiency_values", None, (), "",
          "efficiency table: values in [0, 1]"),
    Field("background", Kind.NUMBER, "background", interval(low_closed=True), 0.0, "events",
          "expected background"),
    Field("background_uncertainty", Kind.NUMBER, "background_uncertainty",
          interval(low_closed=True, unit="events"), 0.0, "events",
          "absolute uncertainty of the background; needs background > 0"),
    Field("cl", Kind.NUMBER, "cl", _UNIT, 0.95, "", "confidence level of the limit"),
    Field("mesons", Kind.TABLE, None, None, None, "", "the [mesons] table"),
    Field("energy_loss", Kind.STR, "energy_loss", one_of(EnergyLoss), "none", "",
          "muon energy loss: 'none' (paper) or 'mean' (muon beams only)"),
    Field("dedx_gev_per_cm", Kind.NUMBER, "dedx_gev_per_cm", _POSITIVE, None, "GeV/cm",
          "mean dE/dx, needed with energy_loss = 'mean'"),
    Field("depth_points", Kind.INTEGER, "depth_points", integer(1, DEPTH_POINTS_MAX), 6, "",
          "Gauss-Legendre points in depth (energy_loss = 'mean')"),
    # [target]
    Field("target.material", Kind.STR, "target", None, REQUIRED, "",
          "symbol such as 'Pb', from data/materials.toml"),
    Field("target.Z", Kind.NUMBER, None, None, None, "", "override: atomic number"),
    Field("target.A", Kind.NUMBER, None, None, None, "g/mol", "override: atomic mass"),
    Field("target.density", Kind.NUMBER, None, None, None, "g/cm^3", "override: density"),
    Field("target.X0", Kind.NUMBER, None, None, None, "cm", "override: radiation length"),
    Field("target.thickness_cm", Kind.NUMBER, None, _POSITIVE, None, "cm",
          "exactly one of thickness_cm, thickness_x0"),
    Field("target.thickness_x0", Kind.NUMBER, None, _POSITIVE, None, "X0",
          "exactly one of thickness_cm, thickness_x0"),
    Field("target.form_factor", Kind.STR, "form_factor", one_of(FormFactor), "elastic", "",
          "atomic form factor (paper Eq. 10, or with the inelastic term)"),
    Field("target.transport", Kind.STR, "transport", one_of(Transport), "thin", "",
          "'thin' (paper Eq. 4) or 'shower' (electron beams)"),
    Field("target.shower_nodes", Kind.INTEGER, "shower_nodes",
          integer(2, SHOWER_NODES_MAX, even=True), 8, "", "energy nodes of the shower fold"),
    # [mesons]
    Field("mesons.source", Kind.STR, "source", one_of(MesonSource), None, "",
          "typed yields ('paper-eq7', 'typed') or 'computed' (default: typed if n_* given)"),
    Field("mesons.reference_lot", Kind.NUMBER, "reference_lot", _POSITIVE, None, "",
          "typed: the LOT the yields hold for"),
    *(Field(f"mesons.n_{m}", Kind.NUMBER, f"n_{m}", interval(low_closed=True), None, "",
            f"typed: N_{m} at reference_lot (paper Eq. 7)") for m in choices(Channel)[1:]),
    Field("mesons.reference_energy_gev", Kind.NUMBER, "reference_energy_gev", _POSITIVE, None,
          "GeV", "typed: beam energy of the reference setup"),
    Field("mesons.reference_material", Kind.STR, "reference_material",
          Rule("a string", lambda v: isinstance(v, str)), None, "",
          "typed: target material of the reference setup"),
    Field("mesons.reference_thickness_x0", Kind.NUMBER, "reference_thickness_x0", _POSITIVE,
          None, "X0", "typed: target thickness of the reference setup"),
    Field("mesons.reference_x_min", Kind.NUMBER, "reference_x_min", _POSITIVE, None, "",
          "typed: x_min of the reference setup"),
    *_PHOTO,
)
"""The schema: every key of an experiment file, in the order the checks meet them."""

_BY_KEY = {f.key: f for f in FIELDS}


def field(key: str) -> Field:
    """The :class:`Field` of ``key`` (``"x_min"``, ``"target.transport"``, …)."""
    return _BY_KEY[key]


def fields_in(table: str) -> tuple[Field, ...]:
    """The fields of one table: ``""`` (top level), ``"target"`` or ``"mesons"``."""
    return tuple(f for f in FIELDS if f.table == table)


def default(key: str) -> Any:
    """The default of an optional key (for the dataclass defaults)."""
    value = field(key).default
    if value is REQUIRED:
        raise KeyError(f"{key} is required: it has no default")
    return value


def check_keys(table: Mapping[str, Any], where: str) -> None:
    """InputError for a key of ``table`` (``where``: ``""``, ``"target"``, ``"mesons"``)
    that the schema does not know, naming the allowed ones."""
    allowed = [f.name for f in fields_in(where)]
    prefix = f"{where}." if where else ""
    for key in table:
        if key not in allowed:
            raise InputError(f"unknown key '{prefix}{key}': allowed are {', '.join(allowed)}")


def read_table(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The keys of one TOML table, checked against the schema and converted to their types:
    unknown keys and missing required keys (in schema order) are InputErrors."""
    check_keys(table, where)
    for f in fields_in(where):
        if f.required and f.name not in table:
            hint = f" (a {f.doc})" if f.table else ""
            raise InputError(f"missing required field {f.key!r}{hint}")
    return {f.name: f.read(table[f.name]) for f in fields_in(where) if f.name in table}


def check(key: str, value: object) -> None:
    """Check ``value`` against the rule of ``key`` (InputError naming the key)."""
    rule = field(key).rule
    if rule is not None:
        rule.check(key, value)


def check_rules(obj: object, table: str, skip: tuple[str, ...] = ()) -> None:
    """Check every attribute of ``obj`` that a field of ``table`` fills against its rule
    (None values of optional fields are not checked)."""
    for f in fields_in(table):
        if f.attribute is None or f.rule is None or f.attribute in skip:
            continue
        value = getattr(obj, f.attribute)
        if value is None and not f.required:
            continue
        f.rule.check(f.key, value)


def layout(table: str | None = None) -> str:
    """The file layout, one line per key: key, type, default (or ``required``) and meaning."""
    lines = []
    for f in FIELDS if table is None else fields_in(table):
        where = f"[{f.table}] " if f.table else ""
        dflt = "required" if f.required else ("-" if f.default is None else repr(f.default))
        unit = f" [{f.unit}]" if f.unit else ""
        lines.append(f"{where}{f.name:<17} {f.kind.split()[0]:<7} {dflt:<9} {f.doc}{unit}")
    return "\n".join(lines)
