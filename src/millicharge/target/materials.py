"""Target materials: Z, A, density and radiation length.

Shipped materials live in ``data/materials.toml`` (PDG "Atomic and Nuclear Properties
of Materials"); any other target is a :class:`Material` built from (Z, A, ρ, X₀).

    >>> pb = get_material("Pb")
    >>> pb.Z, pb.A
    (82, 207.0)
    >>> round(pb.nucleus_mass, 2)   # M_N = A · u  (docs/physics.md §2)
    192.82
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from millicharge.core.constants import AMU, AVOGADRO
from millicharge.core.errors import InputError
from millicharge.core.validation import is_real, real, show

__all__ = ["Material", "get_material", "material_names"]


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


def get_material(material: str | Material) -> Material:
    """The shipped material ``material`` (a symbol such as ``"Pb"``), or ``material`` itself."""
    if isinstance(material, Material):
        return material
    if not isinstance(material, str):
        raise InputError(
            f"material must be a symbol such as 'Pb' or a Material, got {show(material)}"
        )
    table = _table()
    key = {k.lower(): k for k in table}.get(material.strip().lower())
    if key is None:
        raise InputError(
            f"unknown material {show(material)}: allowed are {', '.join(material_names())}"
            " (or pass Z, A, density and X0 for your own)"
        )
    row = table[key]
    return Material(
        symbol=key, Z=row["Z"], A=float(row["A"]), density=float(row["density"]),
        X0=float(row["X0"]), name=row.get("name", key),
    )
