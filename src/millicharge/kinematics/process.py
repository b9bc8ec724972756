"""Process definition and kinematic checks shared by every cross-section method.

A :class:`Process` is l N → l N γ*(→ χχ̄) for beam lepton ``beam`` of lab energy
``energy`` (GeV) on a nucleus at rest, with χ mass ``mass`` (GeV). Building one
validates the input and raises :class:`~millicharge.core.errors.InputError` with a one-line
message on anything unphysical.

The threshold is the model's (:meth:`millicharge.models.base.Model.threshold`): the
smallest invariant mass √s of what is radiated is 2m_χ for a millicharged pair
(``"mcp"``) and m_A' for an on-shell dark photon (``"dark-photon"``), so the smallest
energy fraction is x = √s_min / E (:func:`x_threshold`), and a requested x window is
intersected with kinematics by :func:`x_limits`. Every cross-section method, the reach,
the scans and the event generator use these functions; ``model`` is a name or a
:class:`~millicharge.models.base.Model`.

    >>> p = Process.make("mu", 160.0, "Pb", 0.1)
    >>> p.lepton_mass > 0.1, p.pair_threshold, p.threshold("dark-photon")
    (True, 0.2, 0.1)
    >>> Process.make("e", 8.0, "Al", 4.5, model="dark-photon").is_open("mcp")
    False
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from millicharge.core import validation
from millicharge.core.constants import lepton_mass
from millicharge.core.errors import InputError
from millicharge.core.vocab import Beam, choices
from millicharge.kinematics.lorentz import one_minus_beta
from millicharge.models import MODELS, Model, get_model
from millicharge.target.materials import Material, get_material

__all__ = [
    "BEAMS",
    "MODELS",
    "Process",
    "check_model",
    "closed_window_message",
    "kallen",
    "one_minus_beta",
    "transverse_basis",
    "validate_x_range",
    "x_limits",
    "x_threshold",
]

BEAMS: tuple[str, ...] = choices(Beam)
"""The beam leptons' strings (:class:`~millicharge.core.vocab.Beam`)."""

X_THRESHOLD_MARGIN = 1e-12
"""Relative margin kept above the x threshold by :func:`x_limits`: at x = √s_min/E exactly
the radiated system has no phase space, and the integrands' maps divide by it."""


def check_model(model: object) -> str:
    """The name of ``model`` (a name or a Model); InputError otherwise
    (:func:`~millicharge.models.get_model`)."""
    return get_model(model).name  # type: ignore[arg-type]


@dataclass(frozen=True)
class Process:
    """l N → l N χχ̄ (or A') at fixed beam energy. Energies and masses in GeV."""

    beam: str
    energy: float
    target: Material
    mass: float

    @classmethod
    def make(
        cls,
        beam: str,
        energy: float,
        target: str | Material,
        mass: float,
        model: str | Model | None = "mcp",
    ) -> Process:
        """Validate and build. ``mass`` is m_χ (or the vector mass for a dark photon).

        Beam energy: above the lepton mass and at most
        :data:`~millicharge.core.validation.ENERGY_MAX_GEV`; mass: at least
        :data:`~millicharge.core.validation.MASS_MIN_GEV`. With ``model`` given, the process
        must also be open for it (:meth:`is_open`); ``model=None`` skips that check, for
        callers that treat a closed process as a result rather than an error.
        """
        if not isinstance(beam, str) or beam not in BEAMS:
            raise InputError(f"unknown beam {validation.show(beam)}: allowed are 'e' and 'mu'")
        m_l = lepton_mass(beam)
        e_max = validation.ENERGY_MAX_GEV
        energy = validation.real("energy", energy, "a number of GeV")
        e_min = validation.ENERGY_MIN_GEV
        if not (m_l < energy and e_min <= energy <= e_max):
            raise InputError(f"energy must exceed the {beam} mass {m_l:.6g} GeV and lie in "
                             f"[{e_min:g}, {e_max:g}] GeV (plain GeV numbers; hepunits: "
                             f"energy=160*GeV/GeV), got {energy!r}")
        mass = validation.real("mass", mass, "a number of GeV")
        if not mass >= validation.MASS_MIN_GEV:
            raise InputError(f"mass must be positive and at least {validation.MASS_MIN_GEV:g} "
                             f"GeV, got {mass!r}")
        material = get_material(target)
        proc = cls(beam, energy, material, mass)
        if model is not None and not proc.is_open(model):
            thr = proc.threshold(model)
            raise InputError(
                f"{get_model(model).threshold_name} = {thr:.6g} GeV is above the largest missing "
                f"energy {proc.max_missing_energy:.6g} GeV at E = {energy:g} GeV, so no x is "
                "kinematically allowed: lower the mass or raise the energy"
            )
        return proc

    @property
    def lepton_mass(self) -> float:
        return lepton_mass(self.beam)

    @property
    def pair_threshold(self) -> float:
        """2 m_χ: the smallest invariant mass √s of the pair (:meth:`threshold` for MCP)."""
        return 2.0 * self.mass

    def threshold(self, model: str | Model = "mcp") -> float:
        """Smallest invariant mass √s (GeV) of the radiated system: 2m_χ (MCP) or m_A'."""
        return get_model(model).threshold(self.mass)

    def is_open(self, model: str | Model = "mcp") -> bool:
        """True if the threshold lies below the largest missing energy E − m_l."""
        return self.threshold(model) < self.max_missing_energy

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
        """Smallest x for the pair (MCP): it must carry its rest energy 2m_χ."""
        return self.pair_threshold / self.energy


def x_threshold(proc: Process, model: str | Model = "mcp") -> float:
    """Smallest x = E_miss/E for ``model``: √s_min / E (:meth:`Process.threshold`).

    >>> p = Process.make("e", 8.0, "Al", 0.4)
    >>> x_threshold(p, "mcp"), x_threshold(p, "dark-photon")
    (0.1, 0.05)
    """
    return proc.threshold(model) / proc.energy


def x_limits(proc: Process, x_min: float, x_max: float,
             model: str | Model) -> tuple[float, float]:
    """The x range intersected with kinematics: x > √s_min/E, x ≤ 1 − m_l/E.

    The lower end is :func:`x_threshold` raised by :data:`X_THRESHOLD_MARGIN` (relative);
    lo ≥ hi means the window is closed. The one x window of every engine (ETL, WW), the
    reach, the scans and the event generator.

    >>> p = Process.make("e", 8.0, "Al", 0.4)
    >>> lo, hi = x_limits(p, 0.0, 1.0, "dark-photon")
    >>> lo > 0.05 and round(lo, 9) == 0.05, hi == 1.0 - p.lepton_mass / 8.0
    (True, True)
    """
    lo = max(x_min, x_threshold(proc, model) * (1.0 + X_THRESHOLD_MARGIN))
    hi = min(x_max, 1.0 - proc.lepton_mass / proc.energy)
    return lo, hi


def _distinct(value: float, others: tuple[float, ...]) -> str:
    """``value`` with the fewest digits (≥ 6) that tell it apart from each of ``others``."""
    for digits in range(6, 18):
        text = f"{value:.{digits}g}"
        if all(text != f"{o:.{digits}g}" for o in others if o != value):
            return text
    return repr(value)


def closed_window_message(proc: Process, model: str | Model, x_min: float,
                          x_max: float) -> str:
    """One line: the requested x window misses the kinematic one (printed with enough digits).

    >>> p = Process.make("e", 8.0, "Al", 0.1)
    >>> closed_window_message(p, "mcp", 0.9999999, 1.0).split(": ")[1]
    'the kinematic window there is 0.025 < x ≤ 0.999936'
    """
    lo, hi = x_threshold(proc, model), proc.x_max_kinematic
    given = (x_min, x_max)
    return (
        f"x window [{x_min:.12g}, {x_max:.12g}] is kinematically closed for "
        f"m = {proc.mass:.12g} GeV at E = {proc.energy:.12g} GeV: the kinematic window "
        f"there is {_distinct(lo, given)} < x ≤ {_distinct(hi, given)}"
        + (" (empty)" if lo >= hi else "")
    )


def validate_x_range(x_min: float, x_max: float) -> tuple[float, float]:
    """Check 0 < x_min < x_max ≤ 1 and return the pair as floats."""
    x_min = validation.real("x_min", x_min, "a number in (0, 1)")
    x_max = validation.real("x_max", x_max, "a number in (0, 1]")
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
