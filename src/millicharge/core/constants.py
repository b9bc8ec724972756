"""Physical constants, each with its value, source and edition.

Masses come from the :mod:`particle` package (PDG tables shipped with it; the
edition is recorded in :data:`PDG_EDITION`). Everything is in GeV.

    >>> round(1 / ALPHA, 3)
    137.036
    >>> round(M_MU / M_E, 2)
    206.77
"""

from __future__ import annotations

from hepunits import constants as _hc
from particle import Particle

__all__ = [
    "ALPHA",
    "AMU",
    "AVOGADRO",
    "E_CHARGE",
    "M_E",
    "M_MU",
    "M_P",
    "PDG_EDITION",
    "lepton_mass",
]

PDG_EDITION = "PDG 2024 tables as shipped with `particle`"

ALPHA: float = 1.0 / 137.035999084
"""Fine-structure constant at q² = 0 (CODATA 2018; PDG 2024 'Physical constants')."""

E_CHARGE: float = (4.0 * 3.141592653589793 * ALPHA) ** 0.5
"""Elementary charge in natural (Heaviside–Lorentz) units, e = √(4πα)."""

AVOGADRO: float = float(_hc.Avogadro * _hc.mole)
"""Avogadro's number N_A in mol⁻¹ (exact, SI 2019, via hepunits)."""

AMU: float = 0.93149410242
"""Atomic mass unit in GeV (CODATA 2018); nucleus mass M_N ≈ A · AMU (docs/physics.md §2)."""

M_E: float = Particle.from_pdgid(11).mass / 1e3
"""Electron mass in GeV (PDG, via `particle`)."""
M_MU: float = Particle.from_pdgid(13).mass / 1e3
"""Muon mass in GeV (PDG, via `particle`)."""
M_P: float = Particle.from_pdgid(2212).mass / 1e3
"""Proton mass in GeV (PDG, via `particle`)."""

_LEPTONS = {"e": M_E, "mu": M_MU}


def lepton_mass(beam: str) -> float:
    """Mass in GeV of the beam lepton ``"e"`` or ``"mu"``.

    >>> lepton_mass("mu") == M_MU
    True
    """
    try:
        return _LEPTONS[beam]
    except KeyError:
        raise ValueError(f"unknown beam {beam!r}: allowed are 'e' and 'mu'") from None
