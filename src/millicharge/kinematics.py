"""Process definition and kinematic checks shared by every cross-section method.

A :class:`Process` is l N → l N γ*(→ χχ̄) for beam lepton ``beam`` of lab energy
``energy`` (GeV) on a nucleus at rest, with χ mass ``mass`` (GeV). Building one
validates the input and raises :class:`~millicharge.errors.InputError` with a one-line
message on anything unphysical.

    >>> p = Process.make("mu", 160.0, "Pb", 0.1)
    >>> p.lepton_mass > 0.1, p.pair_threshold
    (True, 0.2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .constants import lepton_mass
from .errors import InputError
from .materials import Material, get_material

__all__ = ["Process", "kallen", "one_minus_beta", "transverse_basis", "validate_x_range"]

BEAMS = ("e", "mu")


def _number(name: str, value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(out):
        raise InputError(f"{name} must be finite, got {value!r}")
    return out


@dataclass(frozen=True)
class Process:
    """l N → l N χχ̄ at fixed beam energy. Energies and masses in GeV."""

    beam: str
    energy: float
    target: Material
    mass: float

    @classmethod
    def make(cls, beam: str, energy: float, target: str | Material, mass: float) -> Process:
        """Validate and build. ``mass`` is m_χ (or the vector mass for a dark photon)."""
        if beam not in BEAMS:
            raise InputError(f"unknown beam {beam!r}: allowed are 'e' and 'mu'")
        energy = _number("energy", energy)
        mass = _number("mass", mass)
        material = get_material(target)
        m_l = lepton_mass(beam)
        if energy <= m_l:
            raise InputError(
                f"beam energy {energy} GeV must exceed the {beam} mass {m_l:.6g} GeV"
            )
        if mass <= 0:
            raise InputError(f"mass must be positive (GeV), got {mass}")
        proc = cls(beam, energy, material, mass)
        if proc.pair_threshold >= proc.max_missing_energy:
            raise InputError(
                f"pair threshold 2·m = {proc.pair_threshold:.6g} GeV is above the largest "
                f"missing energy {proc.max_missing_energy:.6g} GeV at E = {energy} GeV: "
                "lower the mass or raise the energy"
            )
        return proc

    @property
    def lepton_mass(self) -> float:
        return lepton_mass(self.beam)

    @property
    def pair_threshold(self) -> float:
        """2 m_χ: the smallest invariant mass √s of the pair."""
        return 2.0 * self.mass

    @property
    def max_missing_energy(self) -> float:
        """Largest E_miss = E − m_l (recoil of an infinitely heavy nucleus neglected)."""
        return self.energy - self.lepton_mass

    @property
    def x_max_kinematic(self) -> float:
        """Largest x = E_miss/E allowed by kinematics."""
        return self.max_missing_energy / self.energy

    @property
    def x_min_kinematic(self) -> float:
        """Smallest x: the pair must at least carry its rest energy 2m_χ."""
        return self.pair_threshold / self.energy


def validate_x_range(x_min: float, x_max: float) -> tuple[float, float]:
    """Check 0 < x_min < x_max ≤ 1 and return the pair as floats."""
    x_min = _number("x_min", x_min)
    x_max = _number("x_max", x_max)
    if not 0.0 < x_min < 1.0:
        raise InputError(f"x_min must lie in (0, 1), got {x_min}")
    if not 0.0 < x_max <= 1.0:
        raise InputError(f"x_max must lie in (0, 1], got {x_max}")
    if x_min >= x_max:
        raise InputError(f"x_min must be below x_max, got x_min={x_min} ≥ x_max={x_max}")
    return x_min, x_max


def kallen(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> NDArray[np.float64]:
    """Källén function λ(a, b, c) = a² + b² + c² − 2ab − 2ac − 2bc.

    >>> float(kallen(4.0, 1.0, 1.0))
    0.0
    """
    a, b, c = (np.asarray(v, dtype=float) for v in (a, b, c))
    return a * a + b * b + c * c - 2 * a * b - 2 * a * c - 2 * b * c


def one_minus_beta(energy: ArrayLike, mass: ArrayLike) -> NDArray[np.float64]:
    """1 − β = m² / (E (E + |p|)), without the cancellation of 1 − |p|/E.

    >>> float(one_minus_beta(160.0, 0.1056583755)) < 1e-6
    True
    """
    energy = np.asarray(energy, dtype=float)
    mass = np.asarray(mass, dtype=float)
    p = np.sqrt(np.maximum(energy * energy - mass * mass, 0.0))
    return mass * mass / (energy * (energy + p))


def transverse_basis(vectors: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Unit vectors (ê₁, ê₂, k̂) of a right-handed frame whose third axis is each k⃗ (N, 3).

    >>> e1, e2, k = transverse_basis(np.array([[0.0, 0.0, 2.0]]))
    >>> np.cross(e1, e2).round(12).tolist() == k.tolist()
    True
    """
    khat = vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)
    # any axis not along k̂ seeds ê₁; ŷ unless k̂ is close to it
    seed = np.where(np.abs(khat[:, 1:2]) < 0.9, [[0.0, 1.0, 0.0]], [[1.0, 0.0, 0.0]])
    e1 = np.cross(seed, khat)
    e1 /= np.linalg.norm(e1, axis=-1, keepdims=True)
    return e1, np.cross(khat, e1), khat
