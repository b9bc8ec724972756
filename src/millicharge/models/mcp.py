r"""Millicharged particles: l N → l N γ*(→ χχ̄), a fermion pair of charge εe.

The pair is radiated through an off-shell photon of invariant mass² s ≥ 4m_χ². The χ
current is conserved, so integrating the pair's internal angles leaves the 2 → 3 cross
section of a vector of mass² s times the pair spectral density (docs/physics.md §4; the
paper, arXiv:2505.04295, Eqs. 1–4):

.. math::

    \frac{d\sigma_{2\to4}}{ds} = \sigma_{2\to3}(m_V^2 = s)\,
        \frac{\alpha\varepsilon^2}{3\pi s}\Big(1 + \frac{2m_\chi^2}{s}\Big)
        \sqrt{1 - \frac{4m_\chi^2}{s}},\qquad s \ge 4m_\chi^2,

the imaginary part of the fermion loop in the photon propagator, Im Π(s)/(πs) (Peskin &
Schroeder Eq. 7.91 with the charge εe). :func:`spectral_density` is this factor at ε = 1,
the one copy used by the exact tree-level engine and the Weizsäcker–Williams one; the
latter integrates s with s = 4m_χ² cosh²u, which turns √(1 − 4m²/s) into tanh u and ds/s
into 2 tanh u du, and takes the density in that variable from
:func:`spectral_density_du` (the same formula with the substitution made analytically,
so no 0·∞ at threshold; the two agree to rounding, tests/models/test_models.py).

    >>> MODEL.threshold(0.1), MODEL.integration_variables
    (0.2, ('s', 'rho', 't', 'phi'))
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from millicharge.core.constants import ALPHA
from millicharge.models.base import LheParticle, Model

__all__ = ["CHI_PDG", "MODEL", "MillichargedPair", "spectral_density", "spectral_density_du"]

CHI_PDG = 9000001
"""PDG-style code of χ (χ̄ is −9000001); a BSM code outside the PDG table."""
PHOTON_PDG = 22


def spectral_density(s: ArrayLike, mass: float) -> NDArray[np.float64]:
    r"""α/(3πs)·(1 + 2m²/s)·√(1 − 4m²/s) in GeV⁻²: dσ₂→₄/ds per σ₂→₃ at ε = 1.

    Zero at and below the threshold s = 4m² (module docstring for the formula).

    >>> float(spectral_density(np.array(1.0), 0.5))
    0.0
    >>> round(float(spectral_density(1.0, 0.0) * 3 * math.pi / ALPHA), 12)
    1.0
    """
    s = np.asarray(s, dtype=float)
    r = 4.0 * mass * mass / s
    beta = np.sqrt(np.clip(1.0 - r, 0.0, None))
    return ALPHA / (3.0 * math.pi * s) * (1.0 + 0.5 * r) * beta


def spectral_density_du(s: ArrayLike, mass: float, tanh_u: ArrayLike) -> NDArray[np.float64]:
    r""":func:`spectral_density` times ds/du for s = 4m² cosh²u: α/(3π)(1 + 2m²/s)·2 tanh²u.

    With β = √(1 − 4m²/s) = tanh u and ds = 2s tanh u du (``tanh_u`` given, so that the
    caller's u fixes both s and β).

    >>> u = 0.7; s = 4 * 0.1**2 * math.cosh(u)**2
    >>> a = spectral_density_du(s, 0.1, math.tanh(u))
    >>> b = spectral_density(s, 0.1) * 2 * s * math.tanh(u)
    >>> bool(abs(a / b - 1) < 1e-14)
    True
    """
    s = np.asarray(s, dtype=float)
    th = np.asarray(tanh_u, dtype=float)
    m2x4 = 4.0 * mass * mass
    return ALPHA / (3.0 * np.pi) * (1.0 + m2x4 / (2.0 * s)) * 2.0 * th * th


class MillichargedPair(Model):
    """The millicharged pair χχ̄ radiated through γ* (the paper's signal)."""

    name = "mcp"
    order = 0
    title = "millicharged particle pair"
    mass_label = r"$m_\chi$"
    mass_text = "m_chi"
    coupling_label = r"$\epsilon$"
    coupling_text = "epsilon = chi charge / e"
    threshold_name = "pair threshold 2·m"
    integrates_mass = True
    decay_variables = ("cos_theta_star", "phi_star")
    lhe_particles = (
        LheParticle(PHOTON_PDG, 2, "vector", "pair", name="gamma*"),
        LheParticle(CHI_PDG, 1, "chi", "model", parent=0, name="chi"),
        LheParticle(-CHI_PDG, 1, "chibar", "model", parent=0, name="chibar"),
    )

    def threshold(self, mass: float) -> float:
        """2 m_χ: the pair is at rest in its own frame at threshold."""
        return 2.0 * mass

    def spectral_factor(self, s: ArrayLike, mass: float) -> NDArray[np.float64]:
        """:func:`spectral_density`."""
        return spectral_density(s, mass)

    def spectral_factor_du(self, s: ArrayLike, mass: float, tanh_u: ArrayLike
                           ) -> NDArray[np.float64]:
        """:func:`spectral_density_du` (the substitution made analytically)."""
        return spectral_density_du(s, mass, tanh_u)


MODEL = MillichargedPair()
