"""Target materials: Z, A, density and radiation length.

Shipped materials live in ``data/materials.toml`` (PDG "Atomic and Nuclear Properties
of Materials"); any other target is a :class:`Material` built from (Z, A, ρ, X₀).

    >>> pb = get_material("Pb")
    >>> pb.Z, pb.A
    (82, 207.0)
    >>> round(pb.nucleus_mass, 2)   # M_N = A · u  (SPEC §2)
    192.82
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .constants import AMU, AVOGADRO
from .errors import InputError

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
        for field, value in (("Z", self.Z), ("A", self.A)):
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise InputError(f"material {field} must be a positive number, got {value!r}")
        if self.A < self.Z:
            raise InputError(f"material A={self.A} is smaller than Z={self.Z}: A must be ≥ Z")
        for field, value in (("density", self.density), ("X0", self.X0)):
            if not (isinstance(value, int | float)) or (math.isfinite(value) and value <= 0):
                raise InputError(f"material {field} must be a positive number, got {value!r}")

    @property
    def nucleus_mass(self) -> float:
        """Nucleus mass M_N ≈ A · u in GeV (SPEC §2)."""
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
    table = _table()
    key = {k.lower(): k for k in table}.get(str(material).lower())
    if key is None:
        raise InputError(
            f"unknown material {material!r}: allowed are {', '.join(material_names())}"
            " (or pass Z, A, density and X0 for your own)"
        )
    row = table[key]
    return Material(
        symbol=key, Z=row["Z"], A=float(row["A"]), density=float(row["density"]),
        X0=float(row["X0"]), name=row.get("name", key),
    )
