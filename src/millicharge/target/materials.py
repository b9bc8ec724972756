"""Target materials: Z, A, density and radiation length.

Shipped materials live in ``data/materials.toml`` (PDG "Atomic and Nuclear Properties
of Materials"); any other target is a :class:`Material` built from (Z, A, ρ, X₀), or the
string ``"Z=…,A=…[,density=…,X0=…]"`` that :func:`get_material` reads: the one target
grammar of the API (``target=``), the command line (``--target``) and grids.

    >>> pb = get_material("Pb")
    >>> pb.Z, pb.A
    (82, 207.0)
    >>> round(pb.nucleus_mass, 2)   # M_N = A · u  (docs/physics.md §2)
    192.82
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import cast

from millicharge.core.constants import AMU, AVOGADRO
from millicharge.core.errors import InputError
from millicharge.core.validation import is_real, real, show

__all__ = ["CUSTOM_FORM", "Material", "get_material", "material_names", "parse_target"]


@dataclass(frozen=True)
class Material:
    """A target material. Z: atomic number; A: g/mol; density: g/cm³; X0: radiation length, cm."""

    symbol: str
    Z: int
    A: float
    density: float = float("nan")
    X0: float = float("nan")
    name: str = ""

    def __post_init__(self) -> None:
        """Check every field; Z may be given as an integer-valued float and is stored as int.

        Z: an element, 1 ≤ Z ≤ 118; A: finite, A ≥ Z; density and X0: NaN (unknown) or
        finite and positive; symbol and name: strings (symbol non-empty).
        """
        if not isinstance(self.symbol, str) or not self.symbol.strip():
            raise InputError(f"material symbol must be a non-empty string, got "
                             f"{show(self.symbol)}")
        if not isinstance(self.name, str):
            raise InputError(f"material name must be a string, got {show(self.name)}")
        z_rule = "an integer from 1 to 118 (an element)"
        z = real("material Z", self.Z, z_rule)
        if not (z.is_integer() and 1 <= z <= 118):
            raise InputError(f"material Z must be {z_rule}, got {show(self.Z)}")
        object.__setattr__(self, "Z", int(z))
        a_rule = "a positive number (g/mol), at least Z"
        a = real("material A", self.A, a_rule)
        if not a > 0:
            raise InputError(f"material A must be {a_rule}, got {show(self.A)}")
        if a < self.Z:
            raise InputError(f"material A={a:g} is smaller than Z={self.Z}: A must be ≥ Z")
        for field, value in (("density", self.density), ("X0", self.X0)):
            ok = is_real(value) and (math.isnan(value) or 0 < value < math.inf)
            if not ok:
                raise InputError(f"material {field} must be a positive finite number "
                                 f"(or NaN: unknown), got {show(value)}")

    @property
    def nucleus_mass(self) -> float:
        """Nucleus mass M_N ≈ A · u in GeV (docs/physics.md §2)."""
        return self.A * AMU

    @property
    def number_density(self) -> float:
        """Nuclei per cm³, ρ N_A / A (paper Eq. 4)."""
        return self.density * AVOGADRO / self.A


@cache
def _table() -> dict[str, dict]:
    text = resources.files("millicharge.data").joinpath("materials.toml").read_text("utf-8")
    return tomllib.loads(text)


def material_names() -> list[str]:
    """Symbols of the shipped materials."""
    return sorted(_table())


CUSTOM_FORM = "Z=…,A=…[,density=…,X0=…]"
"""The custom target's form (fields separated by ',' or ';', in any order)."""

_CUSTOM_FIELDS = ("Z", "A", "density", "X0")


def get_material(material: str | Material) -> Material:
    """The material named by ``material``: the one target grammar of the API, the command
    line and experiment files.

    ``material`` is a :class:`Material` (returned as is), a shipped symbol (``"Pb"``,
    case-insensitive, :func:`material_names`) or a custom target
    ``"Z=6,A=12.011[,density=2.21,X0=19.32]"`` (fields separated by ``,`` or ``;``; the
    symbol becomes ``Z6A12.011``; density and X0 unknown (NaN) unless given).

    >>> get_material("Z=6,A=12.011;density=2.21").density
    2.21
    >>> get_material("Z=6")
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: bad material 'Z=6': a custom target needs Z=… and A=…
    """
    if isinstance(material, Material):
        return material
    if not isinstance(material, str):
        raise InputError(
            f"material must be a symbol such as 'Pb', a custom target {CUSTOM_FORM} or a "
            f"Material, got {show(material)}"
        )
    if "=" not in material:
        return _shipped(material)
    try:
        return _custom(material.strip())
    except InputError as err:
        raise InputError(f"bad material {show(material.strip())}: {err}") from None


def parse_target(spec: str | Material, option: str = "--target") -> Material:
    """:func:`get_material` with every message naming ``option`` (the command line's and
    the grid's wording: ``bad --target value '…': …``).

    >>> parse_target("Z=6,A=12.011").symbol
    'Z6A12.011'
    """
    if isinstance(spec, Material):
        return spec
    text = str(spec).strip()
    try:
        return _custom(text) if "=" in text else _shipped(text)
    except InputError as err:
        raise InputError(f"bad {option} value {text!r}: {err}") from None


def _shipped(symbol: str) -> Material:
    table = _table()
    key = {k.lower(): k for k in table}.get(symbol.strip().lower())
    if key is None:
        raise InputError(
            f"unknown material {show(symbol)}: allowed are {', '.join(material_names())}"
            f" (or a custom target {CUSTOM_FORM})"
        )
    row = table[key]
    return Material(
        symbol=key, Z=row["Z"], A=float(row["A"]), density=float(row["density"]),
        X0=float(row["X0"]), name=row.get("name", key),
    )


def _custom(text: str) -> Material:
    """``Z=…,A=…[,density=…,X0=…]`` as a :class:`Material` (messages without a prefix)."""
    fields: dict[str, float] = {}
    for part in re.split(r"[;,]", text):
        key, _, value = (w.strip() for w in part.partition("="))
        if key not in _CUSTOM_FIELDS:
            raise InputError(f"field {key!r} unknown, use {CUSTOM_FORM}")
        if key in fields:
            raise InputError(f"field {key!r} given twice")
        try:
            fields[key] = float(value)
        except ValueError:
            raise InputError(f"{key} must be a number, got {value!r}") from None
    if "Z" not in fields or "A" not in fields:
        raise InputError("a custom target needs Z=… and A=…")
    z = fields["Z"]
    nan = float("nan")
    # a fractional Z is passed on as it is, for Material to refuse with its own message
    return Material(symbol=f"Z{z:g}A{fields['A']:g}", Z=cast(int, z), A=fields["A"],
                    density=fields.get("density", nan), X0=fields.get("X0", nan))
