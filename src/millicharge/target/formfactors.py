r"""Atomic form factors of the target, t = −q² > 0 in GeV².

The nucleus enters every cross section through G₂(t), the squared charge form factor
of the atom seen by a space-like photon.

**Elastic (default).** The paper's Eq. (10) (Gninenko et al., "Probing millicharged
particles with NA64μ and LDMX"), atomic screening times nuclear size:

.. math::

    G_2^{\rm el}(t) = Z^2 F(t)^2,\qquad
    F(t) = \frac{a^2 t}{1 + a^2 t}\,\frac{1}{1 + t/d},\qquad
    a = \frac{111\,Z^{-1/3}}{m_e},\qquad d = 0.164\,A^{-2/3}\ \mathrm{GeV}^2 .

(Tsai, Rev. Mod. Phys. 46 (1974) 815, Eqs. (B38)–(B40); Bjorken, Essig, Schuster,
Toro, PRD 80 (2009) 075018, Eq. (A18).)

**Elastic + inelastic.** The photon can also excite the atom; the incoherent sum over
its Z electrons and Z protons adds (Tsai 1974, Eqs. (3.38)–(3.39); Bjorken et al.
2009, Eq. (A19))

.. math::

    G_2^{\rm inel}(t) = Z\Big(\frac{a'^2 t}{1 + a'^2 t}\Big)^2
        \Big(\frac{1 + t(\mu_p^2 - 1)/(4m_p^2)}{(1 + t/0.71\ \mathrm{GeV}^2)^4}\Big)^2,
    \qquad a' = \frac{773\,Z^{-2/3}}{m_e},

so G₂ = G₂^el + G₂^inel. Where both are saturated (a²t ≫ 1, t ≪ d) the inelastic
term is 1/Z of the elastic one; at t ≫ d it dominates (the proton form factor falls
much later than the nucleus's). :class:`FormFactor` names the two choices.
"""

from __future__ import annotations

import enum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from millicharge.core.constants import M_E, M_P
from millicharge.core.errors import InputError

__all__ = [
    "FORM_FACTORS",
    "PROTON_DIPOLE_SCALE",
    "PROTON_MAGNETIC_MOMENT",
    "FormFactor",
    "check_form_factor",
    "elastic_form_factor",
    "inelastic_g2",
    "inelastic_screening_parameter",
    "nuclear_size_parameter",
    "screening_parameter",
    "squared_form_factor",
]


class FormFactor(enum.StrEnum):
    """Which atomic form factor G₂ enters the cross section.

    >>> FormFactor("elastic+inelastic") is FormFactor.ELASTIC_INELASTIC
    True
    >>> str(FormFactor.ELASTIC)
    'elastic'
    """

    ELASTIC = "elastic"
    """Paper Eq. (10): G₂ = Z²F(t)² (the default everywhere)."""
    ELASTIC_INELASTIC = "elastic+inelastic"
    """G₂ = Z²F(t)² + G₂^inel(t) (Tsai 1974 Eq. 3.39; Bjorken et al. 2009 Eq. A19)."""


FORM_FACTORS: tuple[str, ...] = tuple(f.value for f in FormFactor)
"""The allowed ``form_factor`` values, default first."""

PROTON_MAGNETIC_MOMENT: float = 2.79
"""μ_p in nuclear magnetons, as in Bjorken et al. 2009, Eq. (A19)."""

PROTON_DIPOLE_SCALE: float = 0.71
"""Dipole scale of the proton form factors in GeV² (Bjorken et al. 2009, Eq. (A19))."""


def check_form_factor(value: object) -> FormFactor:
    """``value`` as a :class:`FormFactor`, or a one-line :class:`InputError`.

    >>> check_form_factor("elastic")
    <FormFactor.ELASTIC: 'elastic'>
    >>> check_form_factor("inelastic")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: unknown form factor 'inelastic': allowed are ...
    """
    try:
        return FormFactor(value)  # type: ignore[arg-type]  # any object: ValueError below
    except ValueError:
        allowed = " and ".join(repr(f) for f in FORM_FACTORS)
        raise InputError(f"unknown form factor {value!r}: allowed are {allowed}") from None


def screening_parameter(Z: float) -> float:
    """Atomic screening length a = 111 Z^(-1/3) / m_e in GeV⁻¹ (paper, below Eq. 10).

    >>> round(screening_parameter(1.0) * M_E, 6)
    111.0
    """
    return 111.0 * Z ** (-1.0 / 3.0) / M_E


def inelastic_screening_parameter(Z: float) -> float:
    """Screening length of the inelastic term, a' = 773 Z^(-2/3) / m_e in GeV⁻¹.

    (Tsai 1974, Eq. (3.39); Bjorken et al. 2009, below Eq. (A19).)

    >>> round(inelastic_screening_parameter(1.0) * M_E, 6)
    773.0
    """
    return 773.0 * Z ** (-2.0 / 3.0) / M_E


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


def inelastic_g2(t: ArrayLike, Z: float) -> NDArray[np.float64]:
    r"""G₂^inel(t) of the atom (includes the factor Z), vectorised in t (GeV²).

    Tsai 1974, Eq. (3.39); Bjorken et al. 2009, Eq. (A19): the formula in the module
    docstring, with μ_p = 2.79, m_p the proton mass and the 0.71 GeV² dipole.

    >>> float(inelastic_g2(1e-16, 82)) < 1e-6
    True
    >>> round(float(inelastic_g2(1e-6, 82)) / 82, 3)
    1.0
    """
    t = np.asarray(t, dtype=float)
    ap2t = inelastic_screening_parameter(Z) ** 2 * t
    proton = (1.0 + t * (PROTON_MAGNETIC_MOMENT**2 - 1.0) / (4.0 * M_P * M_P)) / (
        1.0 + t / PROTON_DIPOLE_SCALE
    ) ** 4
    return Z * (ap2t / (1.0 + ap2t) * proton) ** 2


def squared_form_factor(
    t: ArrayLike, Z: float, A: float, form_factor: str = FormFactor.ELASTIC
) -> NDArray[np.float64]:
    """G₂(t) = Z²F(t)² (``"elastic"``) or Z²F(t)² + G₂^inel(t) (``"elastic+inelastic"``).

    >>> t = 1e-6
    >>> el = float(squared_form_factor(t, 82, 207))
    >>> both = float(squared_form_factor(t, 82, 207, "elastic+inelastic"))
    >>> round((both - el) / el * 82, 2)   # saturated region: the inelastic part is 1/Z
    1.0
    """
    option = check_form_factor(form_factor)
    g2 = Z**2 * elastic_form_factor(t, Z, A) ** 2
    if option is FormFactor.ELASTIC_INELASTIC:
        g2 = g2 + inelastic_g2(t, Z)
    return g2
