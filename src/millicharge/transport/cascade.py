"""Approximation A of cascade theory for one material: the constants of the e± and photon
equations and the primary's energy distribution with depth.

The theory, its references and its validation are described in
:mod:`millicharge.transport.shower`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.special
from numpy.typing import ArrayLike, NDArray

from millicharge.core.errors import InputError

__all__ = ["COMPONENTS", "FRACTION_MIN", "THICKNESS_MAX", "Cascade", "tsai_primary_density"]

#: What a track length counts. ``total``: all e± (primary + secondaries); ``primary``: the
#: beam particle; ``secondary``: e± from photon conversions (all generations);
#: ``positron``: the secondary positrons (half the secondaries: pairs are charge
#: symmetric); ``secondary1``: first generation only (e± from photons of the primary);
#: ``photon``: photons; ``primary-tsai``: the primary in the Bethe–Heitler/Tsai
#: approximation :func:`tsai_primary_density` with b = c.
COMPONENTS = ("total", "primary", "secondary", "positron", "secondary1", "photon",
              "primary-tsai")

FRACTION_MIN = 1e-4     # E/E0 >= 1e-4 (u <= 9.2): the double-precision Talbot range
THICKNESS_MAX = 1000.0  # X0


def _real(name: str, value: object, rule: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"{name} must be {rule}, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise InputError(f"{name} must be {rule}, got {value!r}")
    return out


def _thickness(value: object) -> float:
    rule = f"a number of radiation lengths in (0, {THICKNESS_MAX:g}]"
    out = _real("thickness", value, rule)
    if not 0.0 < out <= THICKNESS_MAX:
        raise InputError(f"thickness must be {rule}, got {value!r}")
    return out


def _component(value: object) -> str:
    if value not in COMPONENTS:
        raise InputError(f"component must be one of {', '.join(COMPONENTS)}; got {value!r}")
    return str(value)


# --------------------------------------------------------------------------------------
# The cascade model
# --------------------------------------------------------------------------------------


def _radiation_logs(z: int) -> tuple[float, float]:
    """Tsai's L_rad, L'_rad (Rev. Mod. Phys. 46 (1974) 815, Table B.2; Z ≥ 5 formula)."""
    table = {1: (5.31, 6.144), 2: (4.79, 5.621), 3: (4.74, 5.805), 4: (4.71, 5.924)}
    if z in table:
        return table[z]
    return math.log(184.15 * z ** (-1 / 3)), math.log(1194.0 * z ** (-2 / 3))


def _coulomb_correction(z: int) -> float:
    """f(Z), Davies–Bethe–Maximon, as parameterised in PDG (a = αZ)."""
    a2 = (z / 137.035999084) ** 2
    return a2 * (1 / (1 + a2) + 0.20206 - 0.0369 * a2 + 0.0083 * a2**2 - 0.002 * a2**3)


@dataclass(frozen=True)
class Cascade:
    """Approximation A with complete-screening spectra; ``beta`` is the Z-dependent term.

    β = 0: the spectra as quoted by PDG, (4/3 − 4y/3 + y²)/y and 1 − 4x(1 − x)/3.
    :meth:`for_element` adds Tsai's (1/9)(1 − y)(Z² + Z) term (module docstring).
    """

    beta: float = 0.0

    def __post_init__(self) -> None:
        rule = "a number in [0, 0.1] (Z-dependent complete-screening term; Pb: 0.016)"
        b = _real("beta", self.beta, rule)
        if not 0.0 <= b <= 0.1:
            raise InputError(f"beta must be {rule}, got {self.beta!r}")
        object.__setattr__(self, "beta", b)

    @classmethod
    def for_element(cls, z: int) -> Cascade:
        """β from Tsai's Eq. 3.83: 2β = (Z² + Z)/{9[Z²(L_rad − f) + Z L'_rad]}.

        >>> round(Cascade.for_element(82).beta, 4)
        0.0162
        """
        if isinstance(z, bool) or not isinstance(z, int | np.integer) or not 1 <= z <= 118:
            raise InputError(f"Z must be an integer from 1 to 118, got {z!r}")
        z = int(z)
        lrad, lrad1 = _radiation_logs(z)
        norm = z * z * (lrad - _coulomb_correction(z)) + z * lrad1
        return cls(beta=(z * z + z) / (18.0 * norm))

    @property
    def c(self) -> float:
        """Coefficient of the soft 1/y term of the bremsstrahlung spectrum, 4/3 + 2β."""
        return 4.0 / 3.0 + 2.0 * self.beta

    @property
    def sigma0(self) -> float:
        """Pair-conversion probability per X₀, 7/9 − β/3."""
        return 7.0 / 9.0 - self.beta / 3.0

    def brem_spectrum(self, y: ArrayLike) -> NDArray[np.float64]:
        """φ(y) = [c(1 − y) + y²]/y per X₀, y = k/E (Tsai Eq. 3.83, complete screening)."""
        y = np.asarray(y, dtype=float)
        return (self.c * (1.0 - y) + y * y) / y

    def pair_spectrum(self, x: ArrayLike) -> NDArray[np.float64]:
        """ψ(x) = 1 − c x(1 − x) per X₀, x = E₋/k (Bethe–Heitler, complete screening)."""
        x = np.asarray(x, dtype=float)
        return 1.0 - self.c * x * (1.0 - x)

    def functions(
        self, s: NDArray[np.complex128]
    ) -> tuple[NDArray[np.complex128], NDArray[np.complex128], NDArray[np.complex128], float]:
        """Rossi's A(s), B(s), C(s) and σ₀ (module docstring), for complex s."""
        c = self.c
        harmonic = scipy.special.psi(s + 1.0) + np.euler_gamma
        a = c * (harmonic - s / (s + 1.0)) + 0.5 - 1.0 / ((s + 1.0) * (s + 2.0))
        b = c / s - c / (s + 1.0) + 1.0 / (s + 2.0)
        cc = 2.0 / (s + 1.0) - 2.0 * c / ((s + 2.0) * (s + 3.0))
        return a, b, cc, self.sigma0


# --------------------------------------------------------------------------------------
# Tsai's (Bethe–Heitler) distribution of the primary
# --------------------------------------------------------------------------------------


def tsai_primary_density(
    energy: ArrayLike, e0: float, depth: float, b: float = 4.0 / 3.0
) -> NDArray[np.float64] | float:
    r"""Energy distribution of the beam electron after ``depth`` X₀, in 1/GeV.

    .. math::

        I_e(E_0, E, t) = \frac{1}{E_0}\,\frac{[\ln(E_0/E)]^{bt-1}}{\Gamma(bt)}

    (Bethe & Heitler, Proc. R. Soc. A 146 (1934) 83; Tsai, Rev. Mod. Phys. 46 (1974) 815).
    It is exact for the spectrum b/ln[1/(1 − y)], which has the soft limit b/y of the
    complete-screening spectrum (so b = c = 4/3 + 2β matches :class:`Cascade` for soft
    photons), but loses energy at the rate b ln 2 per X₀ instead of 1 + β. In u = ln(E₀/E) it
    is the Gamma(bt) distribution times e⁻ᵘ, so ∫₀^{E₀} I_e dE = 1 at every depth; the delta
    at E₀ for t → 0 is not representable here (E < E₀ only).
    """
    e0 = _real("e0", e0, "a positive energy in GeV")
    t = _real("depth", depth, "a depth in X0, > 0")
    b = _real("b", b, "a positive number")
    if e0 <= 0 or t <= 0 or b <= 0:
        raise InputError(f"need e0 > 0, depth > 0 and b > 0; got {e0}, {t}, {b}")
    e = np.asarray(energy, dtype=float)
    if np.any(~np.isfinite(e)) or np.any(e <= 0) or np.any(e >= e0):
        raise InputError("energy must lie in (0, e0) GeV")
    u = np.log(e0 / e)
    out = np.exp((b * t - 1.0) * np.log(u) - scipy.special.gammaln(b * t)) / e0
    return float(out) if out.ndim == 0 else out
