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

Masses are from the :mod:`particle` package (PDG tables shipped with it). The default
Br(V → e⁺e⁻) are the values the paper uses: 4.72·10⁻⁵, 7.38·10⁻⁵, 2.979·10⁻⁴ (the paper
does not state the PDG edition). ``br_set="pdg2026"`` selects PDG 2026 (from the offline
``pdg`` package: 4.723·10⁻⁵, 7.41·10⁻⁵, 2.963·10⁻⁴).

Vector-meson yields from the target (paper Eqs. 5–6)
----------------------------------------------------
*f_brem* is the number of bremsstrahlung photons per beam electron that can make a meson
inside the signal window. In forward exclusive photoproduction the meson carries the photon
energy less the nucleon recoil |t|/(2m_N); with dσ/dt ∝ e^{−b|t|} (ρ: b ≈ 6.5 GeV⁻² at
2.8–9.3 GeV, Ballam et al., SLAC hydrogen bubble chamber, cf. PRD 5 (1972) 545; b = 9.1
GeV⁻² at 20–70 GeV, Aston et al., Nucl. Phys. B 209 (1982) 56), the recoil takes
≈ 1/(2 b m_N) ≈ 0.07 GeV, which is
negligible next to the window (5.6 GeV at LDMX, 50 GeV at NA64e). So E_miss = E_V ≈ k and
the window x_min·E₀ ≤ E_miss ≤ x_max·E₀ needs photons with y = k/E₀ in [x_min, x_max].
Two ways to count them:

* ``"thin"`` (a target of T ≪ 1 X₀; the paper's idealisation, like its Eq. 4): the beam
  keeps E₀ through the target and radiates dN_γ = T φ(y) dy photons, φ(y) = (4/3 − 4y/3 +
  y²)/y the complete-screening spectrum per X₀ (Tsai, Rev. Mod. Phys. 46 (1974) 815,
  Eq. 3.83; PDG "Passage of particles through matter", Eq. 34.29), so

  .. math::

      f_\mathrm{brem} = T\left[\tfrac43\ln\frac{x_\max}{x_\min} - \tfrac43(x_\max - x_\min)
      + \tfrac12(x_\max^2 - x_\min^2)\right]

  (0.0331 for T = 0.1, x_min = 0.7);
* ``"shower"`` (any thickness): every e± of the shower radiates (Approximation A of cascade
  theory, :mod:`millicharge.transport.shower`). With T_γ(L) the track length (in X₀) of photons in
  the window over the depth [0, L] (:func:`photon_track_length`) and the pair-conversion
  probability 7/9 per X₀, the photons produced are f_brem = dT_γ/dL + (7/9)·T_γ(L) (those
  leaving the back face plus those converted inside). For T → 0 this tends to the thin
  formula; for a thick target dT_γ/dL → 0 and f_brem·(9/7) = T_γ.

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

    >>> m = get_meson("rho")
    >>> round(m.mass, 5), m.br_ee
    (0.77526, 4.72e-05)
    >>> float(branching_chi("rho", 0.0, epsilon=1e-3)) == 1e-6 * 4.72e-5
    True
    >>> float(branching_chi("rho", 0.4))      # 2 m_chi > m_rho: closed
    0.0
    >>> round(brem_photons(0.7, 0.1), 4)      # thin target, 0.1 X0, photons above 0.7 E0
    0.0331
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import hepunits as _hu
import numpy as np
from hepunits import constants as _hc
from numpy.typing import ArrayLike, NDArray
from particle import Particle

from millicharge.core.constants import M_P
from millicharge.core.errors import InputError
from millicharge.core.validation import EPSILON_RANGE, real, show
from millicharge.experiments.config import Experiment

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
        mass=float(Particle.from_pdgid(pdgid).mass) / 1e3,  # MeV -> GeV
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

PHOTON_METHODS = ("thin", "shower")
"""How hard photons are counted: the thin-target formula or the shower's track length."""

THIN_MAX_X0 = 1.0
"""Thickest target (X₀) for the thin-target photon count: beyond it the beam's energy loss
makes T·∫φ dy wrong by a factor ≳ 2 (it is 2.0 at 1 X₀ and x_min = 0.5)."""


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


def brem_photon_spectrum(y: ArrayLike) -> NDArray[np.float64]:
    """φ(y) = (4/3 − 4y/3 + y²)/y: photons per X₀ per unit y = k/E (complete screening).

    Tsai, Rev. Mod. Phys. 46 (1974) 815, Eq. 3.83 without its small (Z² + Z)/9 term, as
    quoted by PDG, "Passage of particles through matter", Eq. 34.29.

    >>> float(brem_photon_spectrum(1.0))
    1.0
    """
    y = np.asarray(y, dtype=float)
    return (4.0 / 3.0 - 4.0 * y / 3.0 + y * y) / y


@lru_cache(maxsize=256)
def _photon_track_length(x_lo: float, x_hi: float, thickness_x0: float) -> float:
    from millicharge.transport.shower import track_length_cdf

    low = float(track_length_cdf(x_lo, thickness_x0, component="photon"))
    high = 0.0 if x_hi >= 1.0 else float(track_length_cdf(x_hi, thickness_x0,
                                                         component="photon"))
    return low - high


def photon_track_length(x_min: float, thickness_x0: float, x_max: float = 1.0) -> float:
    """T_γ: track length (X₀) of photons with k/E₀ in [x_min, x_max] over the target depth.

    Approximation A of cascade theory with the complete-screening spectra of
    :func:`brem_photon_spectrum` (all generations of the shower;
    :mod:`millicharge.transport.shower`,
    Rossi & Greisen, Rev. Mod. Phys. 13 (1941) 240). Photons that leave the back face are
    not followed. In a thick target the photons above x_min·E₀ are all absorbed, and
    T_γ = (9/7) f_brem.

    >>> round(photon_track_length(0.5, 40.0), 3)       # NA64e: 40 X0, photons above E0/2
    0.473
    """
    lo, hi = _check_window(x_min, x_max)
    return _photon_track_length(lo, hi, _check_thickness(thickness_x0))


def brem_photons(x_min: float, thickness_x0: float, x_max: float = 1.0,
                 method: str = "thin") -> float:
    r"""f_brem of paper Eq. 5: photons per beam electron with k/E₀ in [x_min, x_max].

    ``method="thin"``: T ∫ φ(y) dy in closed form (module docstring), for T ≤
    :data:`THIN_MAX_X0`. ``method="shower"``: the photons produced in the shower of a
    target of any thickness, dT_γ/dL + (7/9) T_γ(L) (:func:`photon_track_length`; the
    derivative by a central difference of step 10⁻³ L).

    >>> round(brem_photons(0.7, 0.1, method="shower"), 4)   # the beam degrades: -10 %
    0.0297
    """
    lo, hi = _check_window(x_min, x_max)
    t = _check_thickness(thickness_x0)
    if method not in PHOTON_METHODS:
        raise InputError(f"unknown photon method {show(method)}: allowed are "
                         f"{', '.join(PHOTON_METHODS)}")
    if method == "thin":
        if t > THIN_MAX_X0:
            raise InputError(
                f"the thin-target photon count needs thickness_x0 <= {THIN_MAX_X0:g}, got "
                f"{t:g}: use the shower's photon track length (method 'shower')")
        return t * (4.0 / 3.0 * math.log(hi / lo) - 4.0 / 3.0 * (hi - lo)
                    + 0.5 * (hi * hi - lo * lo))
    h = 1e-3 * t
    slope = (_photon_track_length(lo, hi, t + h) - _photon_track_length(lo, hi, t - h)) / (2 * h)
    return slope + 7.0 / 9.0 * _photon_track_length(lo, hi, t)


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
    transport = getattr(experiment, "transport", "thin")
    return "shower" if transport == "shower" else "thin"


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
    if experiment.beam != "e":
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
    f_brem = brem_photons(experiment.x_min, experiment.thickness_x0, experiment.x_max, method)
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
    '6.46e+08'
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
    if mesons is not None and mesons.source != "computed":
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
