"""Physical constants, each with its value, source and edition.

Masses come from the :mod:`particle` package (the PDG table it ships and loads; the
edition is read from the loaded table's name into :data:`PDG_EDITION`). Everything is in
GeV (:mod:`millicharge.core.units`).

    >>> round(1 / ALPHA, 3)
    137.036
    >>> round(M_MU / M_E, 2)
    206.77
"""

from __future__ import annotations

import math
import re

from hepunits import constants as _hc
from particle import Particle
from particle import __version__ as _particle_version

from millicharge.core.units import HEPUNITS_GEV

__all__ = [
    "ALPHA",
    "AMU",
    "AVOGADRO",
    "E_CHARGE",
    "E_CHARGE_SQ",
    "M_E",
    "M_MU",
    "M_P",
    "PDG_EDITION",
    "lepton_mass",
    "pdg_mass",
]


def pdg_mass(pdgid: int) -> float:
    """Mass in GeV of the particle ``pdgid`` in the PDG table of :mod:`particle` (which
    gives MeV: read with :data:`~millicharge.core.units.HEPUNITS_GEV`).

    >>> round(pdg_mass(2212), 6)
    0.938272
    """
    mass = Particle.from_pdgid(pdgid).mass
    if mass is None:
        raise ValueError(f"the PDG table has no mass for {pdgid}")
    return mass / HEPUNITS_GEV


M_E: float = pdg_mass(11)
"""Electron mass in GeV (PDG, via `particle`, which gives MeV: read with
:data:`~millicharge.core.units.HEPUNITS_GEV`)."""
M_MU: float = pdg_mass(13)
"""Muon mass in GeV (PDG, via `particle`)."""
M_P: float = pdg_mass(2212)
"""Proton mass in GeV (PDG, via `particle`)."""


def _pdg_edition() -> str:
    """The edition of the particle table `particle` loaded (read from its file name)."""
    tables = Particle.table_names()  # e.g. ('particle2026.csv', 'nuclei2026.csv')
    years = sorted({m.group(0) for name in tables for m in [re.search(r"(19|20)\d\d", name)]
                    if m})
    edition = f"PDG {'/'.join(years)}" if years else "PDG (edition not recorded)"
    return f"{edition} table {tables[0] if tables else '?'} of particle {_particle_version}"


PDG_EDITION: str = _pdg_edition()
"""Which PDG edition the masses come from, as loaded by `particle` (not typed by hand).

    >>> PDG_EDITION.startswith("PDG 20")
    True
"""

ALPHA: float = 1.0 / 137.035999084
"""Fine-structure constant at q² = 0 (CODATA 2018; PDG 2024 'Physical constants')."""

E_CHARGE_SQ: float = 4.0 * math.pi * ALPHA
"""e² = 4πα in natural (Heaviside–Lorentz) units."""

E_CHARGE: float = E_CHARGE_SQ**0.5
"""Elementary charge in natural (Heaviside–Lorentz) units, e = √(4πα)."""

AVOGADRO: float = float(_hc.Avogadro * _hc.mole)
"""Avogadro's number N_A in mol⁻¹ (exact, SI 2019, via hepunits)."""

AMU: float = 0.93149410242
"""Atomic mass unit in GeV (CODATA 2018); nucleus mass M_N ≈ A · AMU (docs/physics.md §2)."""


_LEPTONS = {"e": M_E, "mu": M_MU}


def lepton_mass(beam: str) -> float:
    """Mass in GeV of the beam lepton ``"e"`` or ``"mu"`` (:class:`~millicharge.core.vocab.Beam`).

    >>> lepton_mass("mu") == M_MU
    True
    """
    try:
        return _LEPTONS[beam]
    except KeyError:
        raise ValueError(f"unknown beam {beam!r}: allowed are 'e' and 'mu'") from None
