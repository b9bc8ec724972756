r"""Hard bremsstrahlung photons per beam electron: f_brem of paper Eq. (5).

*f_brem* is the number of bremsstrahlung photons per beam electron that can make a
vector meson inside the signal window. In forward exclusive photoproduction the meson
carries the photon energy less the nucleon recoil |t|/(2m_N); with dσ/dt ∝ e^{−b|t|}
(ρ: b ≈ 6.5 GeV⁻² at 2.8–9.3 GeV, Ballam et al., PRD 5 (1972) 545; b = 9.1 GeV⁻² at
20–70 GeV, Aston et al., Nucl. Phys. B 209 (1982) 56), the recoil takes ≈ 1/(2 b m_N) ≈
0.07 GeV, negligible next to the window (5.6 GeV at LDMX, 50 GeV at NA64e). So
E_miss = E_V ≈ k and the window x_min·E₀ ≤ E_miss ≤ x_max·E₀ needs photons with
y = k/E₀ in [x_min, x_max]. Two ways to count them, both with the spectra of one
:class:`~millicharge.transport.shower.Cascade` — the target's, β of its Z
(:attr:`millicharge.experiments.config.Experiment.cascade`), the same the e± transport
of a thick target uses:

* ``"thin"`` (T ≪ 1 X₀; the paper's idealisation, like its Eq. 4): the beam keeps E₀
  and radiates dN_γ = T φ(y) dy photons, φ(y) = [c(1 − y) + y²]/y, c = 4/3 + 2β
  (Tsai, Rev. Mod. Phys. 46 (1974) 815, Eq. 3.83, complete screening; β = 0 is PDG's
  form, "Passage of particles through matter", Eq. 34.29), so

  .. math::

      f_\mathrm{brem} = T\left[c\ln\frac{x_\max}{x_\min} - c\,(x_\max - x_\min)
      + \tfrac12(x_\max^2 - x_\min^2)\right]

  (0.0331 for T = 0.1, x_min = 0.7, β = 0);
* ``"shower"`` (any thickness): every e± of the shower radiates (Approximation A of
  cascade theory, :mod:`millicharge.transport.shower`). With T_γ(L) the photon track
  length (X₀) in the window over the depth [0, L] (:func:`photon_track_length`) and the
  pair-conversion probability σ₀ = 7/9 − β/3 per X₀, the photons produced are
  f_brem = dT_γ/dL + σ₀ T_γ(L) (those leaving the back face plus those converted
  inside). For T → 0 this tends to the thin formula.

    >>> round(brem_photons(0.7, 0.1), 4)      # thin target, 0.1 X0, photons above 0.7 E0
    0.0331
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from millicharge.core.errors import InputError
from millicharge.core.validation import real
from millicharge.core.vocab import Transport, parse

if TYPE_CHECKING:
    from millicharge.transport.shower import Cascade

__all__ = ["PHOTON_METHODS", "THIN_MAX_X0", "brem_photon_spectrum", "brem_photons",
           "photon_track_length"]

PHOTON_METHODS = tuple(str(t) for t in Transport)
"""How hard photons are counted (:class:`~millicharge.core.vocab.Transport`): the thin-target
formula or the shower's track length."""

THIN_MAX_X0 = 1.0
"""Thickest target (X₀) for the thin-target photon count: beyond it the beam's energy loss
makes T·∫φ dy wrong by a factor ≳ 2 (it is 2.0 at 1 X₀ and x_min = 0.5)."""


def _cascade(cascade: Cascade | None) -> Cascade:
    """``cascade``, or β = 0 (PDG's complete-screening spectra) when None."""
    from millicharge.transport.shower import Cascade

    if cascade is None:
        return Cascade()
    if not isinstance(cascade, Cascade):
        raise InputError(f"cascade must be a millicharge.transport.shower.Cascade, got "
                         f"{type(cascade).__name__}")
    return cascade


def _check_window(x_lo: float, x_hi: float) -> tuple[float, float]:
    lo = real("x_min", x_lo, "a number in (0, 1)")
    hi = real("x_max", x_hi, "a number in (0, 1]")
    if not 0.0 < lo < hi <= 1.0:
        raise InputError(f"need 0 < x_min < x_max <= 1 for the photon window, got x_min={lo!r},"
                         f" x_max={hi!r}")
    return lo, hi


def _check_thickness(thickness_x0: float) -> float:
    t = real("thickness_x0", thickness_x0, "a positive number of radiation lengths")
    if not t > 0.0:
        raise InputError(f"thickness_x0 must be a positive number of radiation lengths, got {t!r}")
    return t


def brem_photon_spectrum(y: ArrayLike, cascade: Cascade | None = None) -> NDArray[np.float64]:
    """φ(y) = [c(1 − y) + y²]/y: photons per X₀ per unit y = k/E (complete screening).

    Tsai, Rev. Mod. Phys. 46 (1974) 815, Eq. 3.83, as
    :meth:`millicharge.transport.shower.Cascade.brem_spectrum` (the one copy); β = 0 (the
    default) is PDG's form, "Passage of particles through matter", Eq. 34.29.

    >>> float(brem_photon_spectrum(1.0))
    1.0
    """
    return _cascade(cascade).brem_spectrum(y)


@lru_cache(maxsize=256)
def _photon_track_length(x_lo: float, x_hi: float, thickness_x0: float, beta: float) -> float:
    from millicharge.transport.shower import Cascade, track_length_cdf

    cascade = Cascade(beta)
    low = float(track_length_cdf(x_lo, thickness_x0, component="photon", cascade=cascade))
    high = 0.0 if x_hi >= 1.0 else float(track_length_cdf(x_hi, thickness_x0,
                                                         component="photon", cascade=cascade))
    return low - high


def photon_track_length(x_min: float, thickness_x0: float, x_max: float = 1.0,
                        cascade: Cascade | None = None) -> float:
    """T_γ: track length (X₀) of photons with k/E₀ in [x_min, x_max] over the target depth.

    Approximation A of cascade theory with the complete-screening spectra of ``cascade``
    (default β = 0; an experiment passes its target's,
    :attr:`~millicharge.experiments.config.Experiment.cascade`), all generations of the
    shower (:func:`millicharge.transport.shower.track_length_cdf`; Rossi & Greisen, Rev.
    Mod. Phys. 13 (1941) 240). Photons that leave the back face are not followed.

    >>> round(photon_track_length(0.5, 40.0), 3)       # NA64e: 40 X0, photons above E0/2
    0.473
    """
    lo, hi = _check_window(x_min, x_max)
    return _photon_track_length(lo, hi, _check_thickness(thickness_x0), _cascade(cascade).beta)


def brem_photons(x_min: float, thickness_x0: float, x_max: float = 1.0,
                 method: str = "thin", cascade: Cascade | None = None) -> float:
    r"""f_brem of paper Eq. 5: photons per beam electron with k/E₀ in [x_min, x_max].

    ``method="thin"``: T ∫ φ(y) dy in closed form (module docstring), for T ≤
    :data:`THIN_MAX_X0`. ``method="shower"``: the photons produced in the shower of a
    target of any thickness, dT_γ/dL + σ₀ T_γ(L) (:func:`photon_track_length`; the
    derivative by a central difference of step 10⁻³ L). Both use the spectra of
    ``cascade`` (default β = 0).

    >>> round(brem_photons(0.7, 0.1, method="shower"), 4)   # the beam degrades: -10 %
    0.0297
    """
    lo, hi = _check_window(x_min, x_max)
    t = _check_thickness(thickness_x0)
    method = parse(Transport, method, "photon method")
    shower = _cascade(cascade)
    if method is Transport.THIN:
        if t > THIN_MAX_X0:
            raise InputError(
                f"the thin-target photon count needs thickness_x0 <= {THIN_MAX_X0:g}, got "
                f"{t:g}: use the shower's photon track length (method 'shower')")
        c = shower.c
        return t * (c * math.log(hi / lo) - c * (hi - lo) + 0.5 * (hi * hi - lo * lo))
    h = 1e-3 * t
    beta = shower.beta
    slope = (_photon_track_length(lo, hi, t + h, beta)
             - _photon_track_length(lo, hi, t - h, beta)) / (2 * h)
    return slope + shower.sigma0 * _photon_track_length(lo, hi, t, beta)
