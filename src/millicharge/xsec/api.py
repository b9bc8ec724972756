"""Pure cross-section API: σ(x_min, x_max) and dσ/dx, exact tree level or WW.

    >>> from millicharge.xsec.api import cross_section
    >>> r = cross_section("mu", 160, "Pb", 0.1, 0.5, method="ww")
    >>> r.unit, r.method, r.sigma_pb > 0
    ('pb', 'ww', True)

One mass in, one result out, computed in this process: nothing here reads or writes the
cache or starts a worker. The top-level :func:`millicharge.cross_section` and
:func:`millicharge.spectrum` (:mod:`millicharge.running.api`) add mass lists, the on-disk
cache and parallel execution on top of these.

``method="etl"`` (default) integrates the exact |M|² with VEGAS (:mod:`millicharge.xsec.etl`);
``method="ww"`` is the Weizsäcker–Williams approximation (:mod:`millicharge.xsec.ww`). Both
take and return the same things; σ ∝ ε² is applied at the end.

``form_factor`` chooses the atomic form factor G₂ of the target
(:mod:`millicharge.target.formfactors`): ``"elastic"`` (the paper's Eq. 10, the default, numbers
unchanged) or ``"elastic+inelastic"``, which adds the inelastic atomic term of Tsai,
Rev. Mod. Phys. 46 (1974) 815, Eq. (3.39) and Bjorken, Essig, Schuster, Toro, PRD 80
(2009) 075018, Eq. (A19) (about 1/Z of the elastic one for light vectors).
"""

from __future__ import annotations

from collections.abc import Sequence

from numpy.typing import ArrayLike

from millicharge.core.results import CrossSection, Spectrum
from millicharge.kinematics.process import MODELS
from millicharge.target.materials import Material
from millicharge.xsec.jobs import (
    METHODS,
    CrossSectionJob,
    Evaluator,
    SpectrumJob,
    check_method,
    evaluate_serially,
)

__all__ = [
    "METHODS",
    "MODELS",
    "CrossSectionJob",
    "Evaluator",
    "SpectrumJob",
    "check_method",
    "cross_section",
    "evaluate_serially",
    "spectrum",
]


def cross_section(
    beam: str,
    energy: float,
    target: str | Material,
    mass: float,
    x_min: float,
    x_max: float = 1.0,
    *,
    method: str = "etl",
    model: str = "mcp",
    epsilon: float = 1.0,
    precision: float = 1e-3,
    seed: int | None = 0,
    nucleus_mass: float | None = None,
    form_factor: str = "elastic",
) -> CrossSection:
    """σ(l N → l N χχ̄; x_min ≤ x ≤ x_max) in pb, x = E_miss/E (paper Eq. 4).

    Parameters
    ----------
    beam : ``"e"`` or ``"mu"``.
    energy : beam energy in GeV, above the lepton mass and at most 10⁵ GeV.
    target : material symbol (``"Pb"``, ``"Al"``, …) or a :class:`Material`.
    mass : m_χ in GeV (the A' mass for ``model="dark-photon"``), at least 10⁻⁹ GeV and
        below the threshold of the model (2m_χ or m_A' < E − m_l).
    x_min, x_max : missing-energy fraction window, 0 < x_min < x_max ≤ 1.
    method : ``"etl"`` (exact tree level, VEGAS) or ``"ww"``.
    model : ``"mcp"`` (χχ̄ via γ*) or ``"dark-photon"`` (invisible on-shell A').
    epsilon : charge (mixing) parameter, 10⁻³⁰ ≤ ε ≤ 10³; σ ∝ ε².
    precision : target relative Monte Carlo error (ETL), in (0, 1).
    seed : random seed (ETL), None or an integer ≥ 0; the same seed gives the same number.
    nucleus_mass : override M_N in GeV, > 0 (validation only).
    form_factor : ``"elastic"`` (paper Eq. 10, default) or ``"elastic+inelastic"``
        (adds the inelastic atomic term; module docstring).

    Every argument is checked before any work; a bad one raises
    :class:`~millicharge.core.errors.InputError` with one line naming it. Numbers must be
    ``int``/``float`` (NumPy scalars too), never ``bool`` or strings. A window that
    VEGAS only ever finds to be exactly 0 (next to a threshold) gives σ = 0 ± 0.
    """
    return CrossSectionJob.make(
        beam, energy, target, mass, x_min, x_max, method=method, model=model,
        epsilon=epsilon, precision=precision, seed=seed, nucleus_mass=nucleus_mass,
        form_factor=form_factor).compute()


def spectrum(
    beam: str,
    energy: float,
    target: str | Material,
    mass: float,
    x: ArrayLike | Sequence[float],
    *,
    method: str = "etl",
    model: str = "mcp",
    epsilon: float = 1.0,
    precision: float = 3e-3,
    seed: int | None = 0,
    form_factor: str = "elastic",
) -> Spectrum:
    """dσ/dx in pb at each x (0 < x < 1); exactly 0 where kinematics forbids it.

    ETL points are independent VEGAS integrals with seeds ``seed + i``. The other
    arguments are those of :func:`cross_section` (``form_factor`` included).
    """
    return SpectrumJob.make(beam, energy, target, mass, x, method=method, model=model,
                            epsilon=epsilon, precision=precision, seed=seed,
                            form_factor=form_factor).compute()
