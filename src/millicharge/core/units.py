"""The package's one unit system: natural units with energies in GeV.

Energies, momenta and masses are plain floats in GeV (``ħ = c = 1``); Mandelstam
invariants and ``t`` are in GeV². Cross sections are computed in GeV⁻² and reported
in picobarn. Lengths that describe targets are in cm, densities in g/cm³.

Conversion factors are derived from :mod:`hepunits` (CODATA values), so no other
module hard-codes one. Multiply to attach a unit, divide to read one::

    >>> round(0.5 * MeV, 6)
    0.0005
    >>> round(GEV2_TO_PB / 1e9, 6)   # (ħc)² = 0.3894 mb GeV²
    0.389379
"""

from __future__ import annotations

import hepunits as _hu
from hepunits import constants as _hc

__all__ = ["GEV2_TO_PB", "HBARC_GEV_CM", "HEPUNITS_GEV", "PB_TO_CM2", "GeV", "MeV", "cm", "keV",
           "pb"]

GeV: float = 1.0
"""One GeV (the internal energy unit)."""
MeV: float = 1e-3 * GeV
keV: float = 1e-6 * GeV

HEPUNITS_GEV: float = _hu.GeV
"""One GeV in :mod:`hepunits`' units, whose energy unit is the MeV (so 1000): an energy
from hepunits or from `particle` (masses in MeV) divided by this reads in GeV.

    >>> 105.6583755 / HEPUNITS_GEV
    0.1056583755
"""

cm: float = 1.0
"""One centimetre (the internal unit for target lengths)."""

HBARC_GEV_CM: float = _hc.hbarc / (_hu.GeV * _hu.cm)
"""ħc in GeV·cm (CODATA, via hepunits): converts GeV⁻¹ to cm."""

GEV2_TO_PB: float = (_hc.hbarc**2) / (_hu.GeV**2 * _hu.picobarn)
"""(ħc)² in GeV²·pb: a cross section in GeV⁻² times this is in pb."""

pb: float = 1.0 / GEV2_TO_PB
"""One picobarn in GeV⁻²: ``sigma / pb`` reads a GeV⁻² value in pb."""

PB_TO_CM2: float = _hu.picobarn / _hu.cm2
"""One picobarn in cm² (1 pb = 10⁻³⁶ cm², via hepunits): σ[cm²] = σ[pb] · PB_TO_CM2."""
