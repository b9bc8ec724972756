r"""Elastic nuclear form factors F(t), t = −q² > 0 in GeV².

The default is the paper's Eq. (10) (Gninenko et al., "Probing millicharged particles
with NA64μ and LDMX"), atomic screening times nuclear size:

.. math::

    F(t) = \frac{a^2 t}{1 + a^2 t}\,\frac{1}{1 + t/d},\qquad
    a = \frac{111\,Z^{-1/3}}{m_e},\qquad d = 0.164\,A^{-2/3}\ \mathrm{GeV}^2 .

(Tsai, Rev. Mod. Phys. 46 (1974) 815, Eqs. (B38)–(B40); Bjorken, Essig, Schuster,
Toro, PRD 80 (2009) 075018, Eq. (A18) without the inelastic term.)
The cross section uses the squared charge form factor Z² F(t)².
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .constants import M_E

__all__ = ["elastic_form_factor", "nuclear_size_parameter", "screening_parameter"]


def screening_parameter(Z: float) -> float:
    """Atomic screening length a = 111 Z^(-1/3) / m_e in GeV⁻¹ (paper, below Eq. 10).

    >>> round(screening_parameter(1.0) * M_E, 6)
    111.0
    """
    return 111.0 * Z ** (-1.0 / 3.0) / M_E


def nuclear_size_parameter(A: float) -> float:
    """Nuclear size parameter d = 0.164 A^(-2/3) GeV² (paper, below Eq. 10).

    >>> round(nuclear_size_parameter(1.0), 3)
    0.164
    """
    return 0.164 * A ** (-2.0 / 3.0)


def elastic_form_factor(t: ArrayLike, Z: float, A: float) -> NDArray[np.float64]:
    """Paper Eq. (10): F(t) = [a²t/(1+a²t)]·[1/(1+t/d)], vectorised in t (GeV²).

    F → 0 for t ≪ 1/a² (the atom is neutral) and F ≈ 1 between atomic and nuclear scales.

    >>> float(elastic_form_factor(1e-6, 82, 207)) > 0.99
    True
    >>> float(elastic_form_factor(1e-14, 82, 207)) < 1e-3
    True
    """
    t = np.asarray(t, dtype=float)
    a2t = screening_parameter(Z) ** 2 * t
    return a2t / (1.0 + a2t) / (1.0 + t / nuclear_size_parameter(A))
