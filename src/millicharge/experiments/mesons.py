r"""Vector-meson channel V → χχ̄ (V = ρ, ω, φ) at electron fixed-target experiments.

Bremsstrahlung photons photoproduce vector mesons in the target, γN → NV, and V decays
invisibly to a millicharged pair (paper Sec. II and V, after Schuster, Toro, Zhou,
PRD 105 (2022) 035036, arXiv:2112.02104):

* yield, paper Eq. (5)–(6): :math:`N_V = \mathrm{EOT}\, f_\mathrm{brem}\, P_V` with
  :math:`P_V \simeq \tfrac97\, \sigma_0^V X_0 f^V_\mathrm{nuc} / m_p`. Either typed in for a
  reference setup (the paper's Eq. 7 for LDMX: N_ρ = 6·10¹⁰, N_ω = 6·10⁹, N_φ = 10⁹ at
  EOT = 2·10¹⁶), rescaled linearly with EOT, or computed from the target
  (:func:`computed_meson_yield`, "Vector-meson yields" below);
* branching fraction, paper Eq. (11):

  .. math::

      \mathrm{Br}(V\to\chi\bar\chi) = \epsilon^2\, \mathrm{Br}(V\to e^+e^-)
      \left(1 + \frac{2m_\chi^2}{m_V^2}\right)\sqrt{1 - \frac{4m_\chi^2}{m_V^2}},

  exactly zero at and above threshold 2m_χ ≥ m_V;
* signal, paper Eq. (8): :math:`N = N_V\, \mathrm{Br}(V\to\chi\bar\chi)` (times the
  detector efficiency of the experiment).

The meson masses and Br(V → e⁺e⁻) and Eq. 11 live in :mod:`millicharge.experiments.branching`,
the photon count f_brem in :mod:`millicharge.experiments.photons`; both are re-exported here.

Vector-meson yields from the target (paper Eqs. 5–6)
----------------------------------------------------
*f_brem* is the number of bremsstrahlung photons per beam electron in the signal window,
counted with the target's own cascade spectra (:mod:`millicharge.experiments.photons`:
``"thin"``, paper-like, or ``"shower"`` for any thickness, following the experiment's
``[target] transport``).

*P_V*, Eq. 6, is the chance that such a photon photoproduces V before it converts, with X₀
in g/cm² of the target (every photon is taken to end in material of the target's X₀: exact
for an active thick target, the paper's assumption for a thin one). σ₀^V and f_nuc^V are
meant to be those of Schuster, Toro, Zhou (2022); their values could not be read for this
package, so the shipped defaults (:data:`PHOTOPRODUCTION`) are the measured exclusive γp
cross sections of Aston et al. (Nucl. Phys. B 209 (1982) 56: σ(γp → ρ⁰p) = 9.4 ± 0.1 ± 1 μb
averaged over 20–70 GeV, σ(γp → ωp) = 1.2 ± 0.1 ± 0.2 μb over 20–45 GeV) with f_nuc = 1
(the seed paper calls f_nuc "an order-one correction factor"). No φ value is shipped: a
computed φ yield needs ``sigma0_ub_phi`` in the experiment's ``[mesons]`` table. σ₀ is
taken energy independent, as in Eq. 6; at a few GeV σ(γp → ρ⁰p) is larger than its
20–70 GeV average ("a cross section decreasing slowly with energy", Ballam et al.).

    >>> from millicharge.experiments.config import load_experiment
    >>> round(float(n_signal_meson(load_experiment("ldmx"), "rho", 0.0)) / (6e10 * 4.72e-5), 12)
    1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import hepunits as _hu
import numpy as np
from hepunits import constants as _hc
from numpy.typing import ArrayLike, NDArray

from millicharge.core.constants import M_P
from millicharge.core.errors import InputError
from millicharge.core.validation import show
from millicharge.core.vocab import Beam, MesonSource, Transport
from millicharge.experiments.branching import (
    BR_EE,
    MESONS,
    VectorMeson,
    branching_chi,
    get_meson,
)
from millicharge.experiments.experiment import Experiment
from millicharge.experiments.photons import (
    PHOTON_METHODS,
    THIN_MAX_X0,
    brem_photon_spectrum,
    brem_photons,
    photon_track_length,
)

__all__ = [
    "BR_EE",
    "MESONS",
    "PHOTON_METHODS",
    "PHOTOPRODUCTION",
    "THIN_MAX_X0",
    "MesonYieldInputs",
    "Photoproduction",
    "VectorMeson",
    "branching_chi",
    "brem_photon_spectrum",
    "brem_photons",
    "computed_meson_yield",
    "get_meson",
    "meson_yield",
    "meson_yield_inputs",
    "n_signal_meson",
    "photon_track_length",
    "photoproduction_probability",
    "vector_meson_yield",
]

_GEV_IN_GRAM: float = _hu.GeV / _hc.c_light**2 / _hu.gram
"""1 GeV/c² in grams (hepunits/CODATA)."""


def photoproduction_probability(sigma0_cm2: float, X0_g_cm2: float, f_nuc: float = 1.0) -> float:
    """P_V ≃ (9/7) σ₀ X₀ f_nuc / m_p, paper Eq. (6) (Schuster, Toro, Zhou 2022).

    Probability that a bremsstrahlung photon converts to V by exclusive photoproduction
    before it converts to e⁺e⁻ (the 9/7 is X₀ over the pair-conversion length).

    Parameters
    ----------
    sigma0_cm2
        Exclusive photoproduction cross section per nucleon σ₀^V, cm².
    X0_g_cm2
        Radiation length of the target in g/cm² (mass thickness; X₀[cm] · ρ).
    f_nuc
        Order-one nuclear correction factor f_nuc^V.

    Examples
    --------
    σ₀ = 10 μb in tungsten (X₀ = 6.76 g/cm²):

    >>> round(photoproduction_probability(10e-30, 6.76), 7)
    5.2e-05
    """
    for name, value in (("sigma0_cm2", sigma0_cm2), ("X0_g_cm2", X0_g_cm2), ("f_nuc", f_nuc)):
        if not (np.isfinite(value) and value >= 0):
            raise InputError(f"{name} must be a finite number >= 0, got {value!r}")
    m_p_gram = M_P * _GEV_IN_GRAM
    return 9.0 / 7.0 * sigma0_cm2 * X0_g_cm2 * f_nuc / m_p_gram


def vector_meson_yield(leptons_on_target: float, f_brem: float, p_v: float) -> float:
    """N_V = EOT · f_brem · P_V, paper Eq. (5) (f_brem = 0.03 for LDMX, paper Sec. II).

    >>> f"{vector_meson_yield(2e16, 0.03, 1e-4):.1e}"
    '6.0e+10'
    """
    return float(leptons_on_target) * f_brem * p_v


@dataclass(frozen=True)
class Photoproduction:
    """σ₀^V (μb, per nucleon) and f_nuc^V of paper Eq. 6 for one meson, with their source.

    ``sigma0_ub`` is None where no value is shipped.
    """

    sigma0_ub: float | None
    f_nuc: float
    source: str


_ASTON = "Aston et al. (Omega Photon), Nucl. Phys. B 209 (1982) 56"
PHOTOPRODUCTION: dict[str, Photoproduction] = {
    "rho": Photoproduction(9.4, 1.0, f"sigma0: sigma(gamma p -> rho0 p) = 9.4 +- 0.1 +- 1 ub, "
                                     f"20-70 GeV, {_ASTON}; f_nuc = 1 assumed"),
    "omega": Photoproduction(1.2, 1.0, f"sigma0: sigma(gamma p -> omega p) = 1.2 +- 0.1 +- 0.2 "
                                       f"ub, 20-45 GeV, {_ASTON}; f_nuc = 1 assumed"),
    "phi": Photoproduction(None, 1.0, "none shipped (no verified sigma(gamma p -> phi p) at "
                                      "fixed-target energies): give mesons.sigma0_ub_phi"),
}
"""Default σ₀^V, f_nuc^V of Eq. 6 (module docstring: not Schuster, Toro, Zhou's values,
which could not be read; measured γp cross sections and f_nuc = 1)."""

@dataclass(frozen=True)
class MesonYieldInputs:
    """What :func:`computed_meson_yield` multiplies: N_V = EOT · f_brem · P_V (Eqs. 5–6)."""

    meson: str
    leptons_on_target: float
    f_brem: float
    method: str
    sigma0_ub: float
    f_nuc: float
    X0_g_cm2: float
    p_v: float
    source: str

    @property
    def n_v(self) -> float:
        """N_V of paper Eq. 5."""
        return vector_meson_yield(self.leptons_on_target, self.f_brem, self.p_v)


def _photon_method(experiment: Experiment) -> str:
    return str(Transport(experiment.transport))


def meson_yield_inputs(experiment: Experiment, meson: str,
                       method: str | None = None) -> MesonYieldInputs:
    """The factors of the computed N_V of ``meson`` for ``experiment`` (paper Eqs. 5–6).

    ``method`` (``"thin"`` or ``"shower"``) defaults to the experiment's target transport
    (``"shower"`` where the experiment follows the shower, else ``"thin"``). σ₀ and f_nuc
    come from the experiment's ``[mesons]`` table (``sigma0_ub_<V>``, ``f_nuc_<V>``) or
    :data:`PHOTOPRODUCTION`.
    """
    if not isinstance(experiment, Experiment):
        raise InputError(f"experiment must be an Experiment, got {show(experiment)}")
    get_meson(meson)
    if experiment.beam != Beam.ELECTRON:
        raise InputError(
            f"computed vector-meson yields (paper Eqs. 5-6) are for electron beams; "
            f"{experiment.name!r} has a {experiment.beam!r} beam (meson production by muons is "
            "negligible, paper Sec. II)")
    method = _photon_method(experiment) if method is None else method
    default = PHOTOPRODUCTION[meson]
    mesons = experiment.mesons
    sigma0 = mesons.sigma0_ub_for(meson) if mesons is not None else None
    f_nuc = mesons.f_nuc_for(meson) if mesons is not None else None
    source = default.source if sigma0 is None else "sigma0 from the experiment's [mesons]"
    if f_nuc is not None:
        source += "; f_nuc from the experiment's [mesons]"
    sigma0 = default.sigma0_ub if sigma0 is None else sigma0
    if sigma0 is None:
        raise InputError(
            f"no photoproduction cross section for {meson!r} is shipped: give "
            f"mesons.sigma0_ub_{meson} (μb per nucleon, with its source) in {experiment.name!r}"
            f" or drop {meson!r} from channels")
    f_nuc = default.f_nuc if f_nuc is None else f_nuc
    f_brem = brem_photons(experiment.x_min, experiment.thickness_x0, experiment.x_max, method,
                          cascade=experiment.cascade)
    mat = experiment.material
    x0_g_cm2 = mat.X0 * mat.density
    p_v = photoproduction_probability(sigma0 * 1e-30, x0_g_cm2, f_nuc)
    return MesonYieldInputs(meson, float(experiment.leptons_on_target), f_brem, method,
                            float(sigma0), float(f_nuc), x0_g_cm2, p_v, source)


def computed_meson_yield(experiment: Experiment, meson: str, method: str | None = None) -> float:
    """N_V = EOT · f_brem · P_V (paper Eqs. 5–6) from the experiment's target and window.

    See :func:`meson_yield_inputs` and the module docstring.

    >>> from millicharge.experiments.config import load_experiment
    >>> f"{computed_meson_yield(load_experiment('ldmx-phase1'), 'rho'):.2e}"
    '6.50e+08'
    """
    return meson_yield_inputs(experiment, meson, method).n_v


def meson_yield(experiment: Experiment, meson: str) -> float:
    """N_V for ``experiment``: typed yields scaled to its LOT, or computed (Eqs. 5–7).

    An experiment whose ``[mesons]`` table types yields (``source = "paper-eq7"`` or
    ``"typed"``) uses them, rescaled linearly with its leptons on target (the reference
    setup is checked when the experiment is loaded); otherwise N_V is
    :func:`computed_meson_yield`.
    """
    get_meson(meson)
    mesons = experiment.mesons
    if mesons is not None and mesons.source != MesonSource.COMPUTED:
        return mesons.scaled(meson, experiment.leptons_on_target)
    return computed_meson_yield(experiment, meson)


def n_signal_meson(
    experiment: Experiment,
    meson: str,
    mass: ArrayLike,
    epsilon: float = 1.0,
    br_set: str = "paper",
) -> NDArray[np.float64]:
    """Signal events N_V · Br(V → χχ̄) · efficiency, paper Eq. (8) with Eq. (11).

    >>> from millicharge.experiments.config import load_experiment
    >>> n = n_signal_meson(load_experiment("ldmx"), "rho", 0.0)
    >>> round(float(n) / (6e10 * 4.72e-5), 12)
    1.0
    """
    return (
        meson_yield(experiment, meson)
        * branching_chi(meson, mass, epsilon, br_set)
        * experiment.efficiency_at(mass)  # constant, or the table η(m_χ)
    )
