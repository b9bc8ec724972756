r"""Vector mesons V = ρ, ω, φ and their invisible branching fraction, paper Eq. (11).

.. math::

    \mathrm{Br}(V\to\chi\bar\chi) = \epsilon^2\, \mathrm{Br}(V\to e^+e^-)
    \left(1 + \frac{2m_\chi^2}{m_V^2}\right)\sqrt{1 - \frac{4m_\chi^2}{m_V^2}},

exactly zero at and above threshold 2m_χ ≥ m_V. Masses are from the :mod:`particle`
package (PDG tables shipped with it). The default Br(V → e⁺e⁻) are the values the paper
uses: 4.72·10⁻⁵, 7.38·10⁻⁵, 2.979·10⁻⁴ (the paper does not state the PDG edition).
``br_set="pdg2026"`` selects PDG 2026 (from the offline ``pdg`` package: 4.723·10⁻⁵,
7.41·10⁻⁵, 2.963·10⁻⁴).

    >>> m = get_meson("rho")
    >>> round(m.mass, 5), m.br_ee
    (0.77526, 4.72e-05)
    >>> float(branching_chi("rho", 0.0, epsilon=1e-3)) == 1e-6 * 4.72e-5
    True
    >>> float(branching_chi("rho", 0.4))      # 2 m_chi > m_rho: closed
    0.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from millicharge.core.constants import pdg_mass
from millicharge.core.errors import InputError
from millicharge.core.validation import EPSILON_RANGE, real, show

__all__ = ["BR_EE", "MESONS", "VectorMeson", "branching_chi", "get_meson"]

_PDGID = {"rho": 113, "omega": 223, "phi": 333}

BR_EE: dict[str, dict[str, float]] = {
    # Values used by the seed paper (Sec. V, Eq. 11). The paper cites the PDG without
    # naming the edition.
    "paper": {"rho": 4.72e-5, "omega": 7.38e-5, "phi": 2.979e-4},
    # PDG 2026 (offline `pdg` package).
    "pdg2026": {"rho": 4.723e-5, "omega": 7.41e-5, "phi": 2.963e-4},
}
"""Br(V → e⁺e⁻) by source: ``"paper"`` (default) and ``"pdg2026"``."""

_BR_SOURCE = {
    "paper": "PDG as used by the paper (Gninenko et al., Sec. V; edition not stated)",
    "pdg2026": "PDG 2026 via the offline `pdg` package",
}


@dataclass(frozen=True)
class VectorMeson:
    """A neutral vector meson. ``mass`` in GeV; ``br_ee`` = Br(V → e⁺e⁻)."""

    name: str
    pdgid: int
    mass: float
    br_ee: float
    br_source: str


def _build(name: str, br_set: str) -> VectorMeson:
    pdgid = _PDGID[name]
    return VectorMeson(
        name=name,
        pdgid=pdgid,
        mass=pdg_mass(pdgid),
        br_ee=BR_EE[br_set][name],
        br_source=_BR_SOURCE[br_set],
    )


MESONS: dict[str, VectorMeson] = {name: _build(name, "paper") for name in _PDGID}
"""ρ(770)⁰, ω(782), φ(1020) with the paper's Br(V → e⁺e⁻)."""


def get_meson(meson: str | VectorMeson, br_set: str = "paper") -> VectorMeson:
    """The meson ``"rho"``, ``"omega"`` or ``"phi"`` with Br(V→ee) from ``br_set``."""
    if isinstance(meson, VectorMeson):
        return meson
    if not isinstance(meson, str) or meson not in _PDGID:
        raise InputError(f"unknown meson {meson!r}: allowed are {', '.join(_PDGID)}")
    if not isinstance(br_set, str) or br_set not in BR_EE:
        raise InputError(f"unknown br_set {br_set!r}: allowed are {', '.join(BR_EE)}")
    return MESONS[meson] if br_set == "paper" else _build(meson, br_set)


def branching_chi(
    meson: str | VectorMeson, mass: ArrayLike, epsilon: float = 1.0, br_set: str = "paper"
) -> NDArray[np.float64]:
    """Br(V → χχ̄) of paper Eq. (11), vectorised over the χ mass ``mass`` (GeV).

    Zero where 2m_χ ≥ m_V. At m_χ → 0 it tends to ε² Br(V → e⁺e⁻).

    >>> br = branching_chi("phi", [0.0, 0.3, 0.6])
    >>> bool(br[0] > br[1] > br[2] == 0.0)
    True
    """
    v = get_meson(meson, br_set)
    bad = InputError(f"mass must be finite numbers >= 0 (GeV), got {show(mass)}")
    if isinstance(mass, str | bytes | bool | np.bool_) or mass is None:
        raise bad
    try:
        m = np.asarray(mass, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise bad from None
    if not np.all(np.isfinite(m)) or np.any(m < 0):
        raise bad
    eps_lo, eps_hi = EPSILON_RANGE
    epsilon = real("epsilon", epsilon, f"a real number in [{eps_lo:g}, {eps_hi:g}]")
    if not eps_lo <= epsilon <= eps_hi:
        raise InputError(f"epsilon must be a real number in [{eps_lo:g}, {eps_hi:g}], "
                         f"got {epsilon!r}")
    r = m * m / (v.mass * v.mass)
    beta = np.sqrt(np.maximum(1.0 - 4.0 * r, 0.0))
    return np.where(4.0 * r < 1.0, epsilon**2 * v.br_ee * (1.0 + 2.0 * r) * beta, 0.0)
