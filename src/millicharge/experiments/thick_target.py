r"""Thick targets: the muon's mean energy loss, integrated over the target depth.

The paper (Gninenko et al., Sec. II.2) neglects the muon's energy loss in the
40 X₀ lead target of NA64μ and evaluates Eq. (4) at the nominal beam energy E₀. With
``energy_loss = "mean"`` in the experiment file, the yield is instead

.. math::

    N = \mathrm{LOT}\,\frac{\rho N_A}{A}\int_0^{L_T} dz\;
        \sigma\big(E(z);\ x_\mathrm{lo}(z) \le x \le x_\mathrm{hi}(z)\big)\,\epsilon^2\eta,
    \qquad E(z) = E_0 - \langle dE/dx\rangle\, z ,

i.e. Eq. (4) with σ replaced by the depth average
:math:`\bar\sigma = L_T^{-1}\int_0^{L_T}\sigma\,dz`, computed with an n-point
Gauss–Legendre rule in z (``depth_points``, default 6; σ is smooth in z). Each node is an
ordinary cross section at beam energy E(z_i), so it is computed by the same engine (ETL or
WW) and cached like any other point.

The cut (decision, documented here and in the README)
-----------------------------------------------------
The experiment selects on the energy of the muon that *leaves* the target, relative to the
*nominal* beam energy: E_out < (1 − x_min)·E₀ (NA64μ: p_out < 80 GeV/c for 160 GeV,
Andreev et al., PRL 132 (2024) 211803). A muon that radiates at depth z has energy E(z)
before the vertex, (1 − x)·E(z) after it, with x = E_V/E(z) the local energy fraction of the
radiated vector (the variable of the cross section), and loses ⟨dE/dx⟩·(L_T − z) more on its
way out. So the local window is

.. math::

    x_\mathrm{lo}(z) = 1 - \frac{(1 - x_\mathrm{min})E_0 + \langle dE/dx\rangle (L_T - z)}{E(z)},
    \qquad
    x_\mathrm{hi}(z) = 1 - \frac{(1 - x_\mathrm{max})E_0 + \langle dE/dx\rangle (L_T - z)}{E(z)},

(x_hi also keeps the exiting muon's energy ≥ 0), clipped to the kinematic range; a node
whose window is empty contributes nothing. With ⟨dE/dx⟩ = 0 this reduces to the paper's
x_min ≤ x ≤ x_max at E₀.

Which dE/dx: the *continuous* (ionisation) loss. Radiative losses of muons in lead are
comparable in mean at 160 GeV but come in rare, large, visible showers that the
experiment's calorimeters see, so they do not shift the energy of the muons that make a
signal. NA64μ / Pb: 12.7 MeV/cm, the paper's value (Sec. II.2; = PDG minimum ionisation of
Pb, 1.122 MeV cm²/g × 11.35 g/cm³).

    >>> from millicharge.experiments.config import load_experiment
    >>> exp = with_energy_loss(load_experiment("na64mu"), True)
    >>> z, w = depth_nodes(exp)
    >>> round(float(w.sum()), 6) == round(exp.thickness_cm, 6)
    True
    >>> e, lo, hi = local_window(exp, 0.0)       # entry face: full dE/dx x L_T still to go
    >>> round(e, 3), round(lo, 5)
    (160.0, 0.49822)

Electron beams: the shower (``[target] transport = "shower"``)
-------------------------------------------------------------
An electron does not keep E₀ through a thick target: it showers, and every e± of the
shower above x_min·E₀ can emit the signal. :func:`shower_cross_sections` folds σ with the
shower's e± track length (Approximation A of cascade theory, Rossi & Greisen, Rev. Mod.
Phys. 13 (1941) 240, with Tsai's complete-screening spectra, Rev. Mod. Phys. 46 (1974) 815;
:mod:`millicharge.transport.shower`):

.. math::

    N = \mathrm{EOT}\,\frac{\rho N_A}{A}\,X_0\,\epsilon^2\eta\sum_{k} W_k\,
        \sigma\big(E_k;\ x_\mathrm{lo}(E_k) \le x \le x_\mathrm{hi}(E_k)\big),
    \qquad x_\mathrm{lo} = \frac{x_\mathrm{min}E_0}{E_k},\quad
    x_\mathrm{hi} = \min\Big(1, \frac{x_\mathrm{max}E_0}{E_k}\Big),

with the nodes E_k and weights W_k (in X₀) of :func:`millicharge.transport.shower.shower_rule`: the
cut stays on the missing energy relative to the nominal beam energy. It is Eq. 4 with σ
replaced by σ_eff = Σ W_k σ_k / L (L = L_T in X₀) and L_T unchanged. Node 0 is E₀ with the
nominal window, the thin-target σ itself (same job, same cache entry); for L → 0 the
weights tend to (L, 0, …, 0) and σ_eff → σ(E₀): paper Eq. 4. Muons do not shower; their
thick-target option is the mean energy loss above.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from millicharge.core import validation
from millicharge.core.errors import InputError
from millicharge.experiments.config import Experiment
from millicharge.kinematics.process import Process
from millicharge.target.formfactors import check_form_factor
from millicharge.xsec.etl import x_limits
from millicharge.xsec.jobs import CrossSectionJob, Evaluator, evaluate_serially

__all__ = [
    "ShowerCrossSections",
    "brem_cross_sections",
    "depth_nodes",
    "local_window",
    "shower_cross_sections",
    "shower_rule_for",
    "with_energy_loss",
    "with_transport",
]


def with_energy_loss(experiment: Experiment, on: bool) -> Experiment:
    """The same experiment with the mean energy loss switched on or off.

    Switching on needs ``dedx_gev_per_cm`` in the experiment (InputError otherwise).
    """
    return dataclasses.replace(experiment, energy_loss="mean" if on else "none")


def depth_nodes(experiment: Experiment) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Gauss–Legendre nodes z_i (cm) and weights w_i (cm) on [0, L_T]; Σ w_i = L_T."""
    xi, wi = np.polynomial.legendre.leggauss(experiment.depth_points)
    half = 0.5 * experiment.thickness_cm
    return half * (xi + 1.0), half * wi


def local_window(experiment: Experiment, z: float) -> tuple[float, float, float]:
    """(E(z), x_lo(z), x_hi(z)) at depth z in cm (module docstring); x_lo ≥ x_hi: closed."""
    length = experiment.thickness_cm
    if not 0.0 <= z <= length:
        raise InputError(f"depth z must lie in [0, L_T = {length:.4g} cm], got {z}")
    dedx = experiment.dedx_gev_per_cm if experiment.energy_loss == "mean" else 0.0
    dedx = float(dedx or 0.0)
    e0 = experiment.energy_gev
    energy = e0 - dedx * z
    after = dedx * (length - z)
    x_lo = 1.0 - ((1.0 - experiment.x_min) * e0 + after) / energy
    x_hi = 1.0 - ((1.0 - experiment.x_max) * e0 + after) / energy
    return energy, max(x_lo, 1e-12), min(x_hi, 1.0)


def _node_jobs(experiment: Experiment, mass: float, method: str, model: str,
               precision: float, seed: int | None, form_factor: str = "elastic",
               ) -> list[tuple[CrossSectionJob | None, float]]:
    """One cross-section job (or None where closed) and its weight/L_T per depth node."""
    out: list[tuple[CrossSectionJob | None, float]] = []
    z, w = depth_nodes(experiment)
    for zi, wi in zip(z, w, strict=True):
        energy, lo, hi = local_window(experiment, float(zi))
        job = None
        if lo < hi:
            proc = Process.make(experiment.beam, energy, experiment.material, mass,
                                model=None)
            if proc.is_open(model):  # else the threshold is above E(z): closed at this depth
                klo, khi = x_limits(proc, lo, hi, model)
                if klo < khi:
                    job = _job(experiment, energy, mass, lo, hi, method, model, precision,
                               seed, form_factor)
        out.append((job, float(wi) / experiment.thickness_cm))
    return out


def _job(experiment: Experiment, energy: float, mass: float, x_min: float, x_max: float,
         method: str, model: str, precision: float, seed: int | None, form_factor: str,
         ) -> CrossSectionJob:
    """One ordinary cross section at a depth or shower node."""
    return CrossSectionJob.make(experiment.beam, energy, experiment.material, mass, x_min,
                                x_max, method=method, model=model, precision=precision,
                                seed=seed, form_factor=form_factor)


def brem_cross_sections(
    experiment: Experiment,
    masses: NDArray[np.float64],
    *,
    method: str = "etl",
    model: str = "mcp",
    precision: float = 5e-3,
    seed: int | None = 0,
    form_factor: str | None = None,
    evaluator: Evaluator | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Depth-averaged σ̄(m) in pb (ε = 1) and its error, for Eq. (4) with L_T unchanged.

    σ̄ = Σ_i (w_i / L_T) σ(E(z_i); x_lo(z_i), x_hi(z_i)). The nodes share one seed, so
    their Monte Carlo errors are correlated; the error is added linearly (conservative).
    With ``energy_loss = "none"`` every node equals the nominal σ and σ̄ = σ(E₀).
    ``form_factor`` None takes the experiment's (``[target] form_factor``). ``evaluator``
    computes the cross sections (an :data:`~millicharge.xsec.jobs.Evaluator`; None: each
    here, without the cache; :func:`millicharge.reach` passes its runner).
    """
    jobs: list[CrossSectionJob] = []
    where: list[tuple[int, float]] = []
    masses = validation.real_array("masses", masses, "real masses in GeV")
    form = str(check_form_factor(experiment.form_factor if form_factor is None
                                 else form_factor))
    for i, mass in enumerate(masses):
        for job, weight in _node_jobs(experiment, float(mass), method, model, precision,
                                      seed, form):
            if job is not None:
                jobs.append(job)
                where.append((i, weight))
    results = (evaluate_serially if evaluator is None else evaluator)(jobs)
    sigma = np.zeros(len(masses))
    err = np.zeros(len(masses))
    for (i, weight), r in zip(where, results, strict=True):
        sigma[i] += weight * r.sigma_pb
        err[i] += weight * r.error_pb
    return sigma, err


# --------------------------------------------------------------------------------------
# Electron beams: the shower's e± track length (module docstring)
# --------------------------------------------------------------------------------------


def with_transport(experiment: Experiment, transport: str) -> Experiment:
    """The same experiment with ``[target] transport`` set to ``"thin"`` or ``"shower"``.

    Re-validated: ``"shower"`` on a muon beam is an InputError (muons do not shower).
    """
    return dataclasses.replace(experiment, transport=transport)


def shower_rule_for(experiment: Experiment) -> Any:
    """The energy-fold rule of ``experiment``'s target
    (:func:`millicharge.transport.shower.shower_rule`):
    L = thickness in X₀, x_min, x_max, ``shower_nodes`` nodes, β of the target's Z."""
    from millicharge.transport.shower import Cascade, shower_rule

    return shower_rule(experiment.x_min, experiment.thickness_x0, x_max=experiment.x_max,
                       n=experiment.shower_nodes,
                       cascade=Cascade.for_element(experiment.material.Z))


@dataclass(frozen=True)
class ShowerCrossSections:
    """What :func:`shower_cross_sections` returns, one value per mass (pb unless noted).

    ``sigma_pb``: σ_eff = Σ W_k σ_k / L, for Eq. 4 with L_T unchanged; ``error_pb``: its
    error, quadrature (|Q_n − Q_{n/2}|) plus the nodes' Monte Carlo errors, added
    linearly, over L; ``quad_error_pb`` the quadrature part alone; ``l_eff_x0``: the
    effective thickness Σ W_k σ_k / σ(E₀) in X₀ (NaN where σ(E₀) = 0); ``rule``: the
    :class:`~millicharge.transport.shower.ShowerRule` used.
    """

    sigma_pb: NDArray[np.float64]
    error_pb: NDArray[np.float64]
    quad_error_pb: NDArray[np.float64]
    l_eff_x0: NDArray[np.float64]
    rule: Any


def _shower_jobs(experiment: Experiment, rule: Any, mass: float, method: str, model: str,
                 precision: float, seed: int | None, form_factor: str,
                 ) -> list[tuple[int, CrossSectionJob]]:
    """(node index, cross-section job) for each node whose window is open at ``mass``."""
    out = []
    e0 = experiment.energy_gev
    for k in np.flatnonzero(rule.open):
        if k == 0:  # E0 with the nominal window: exactly the thin-target job
            energy, lo, hi = e0, experiment.x_min, experiment.x_max
        else:
            energy, lo, hi = (float(rule.fraction[k] * e0), float(rule.x_lo[k]),
                              float(rule.x_hi[k]))
        proc = Process.make(experiment.beam, energy, experiment.material, mass, model=None)
        if not proc.is_open(model):
            continue  # threshold above E_k − m_e: closed at this node
        klo, khi = x_limits(proc, lo, hi, model)
        if klo >= khi:
            continue
        out.append((int(k), _job(experiment, energy, mass, lo, hi, method, model, precision,
                                 seed, form_factor)))
    return out


def shower_cross_sections(
    experiment: Experiment,
    masses: NDArray[np.float64],
    *,
    method: str = "etl",
    model: str = "mcp",
    precision: float = 5e-3,
    seed: int | None = 0,
    form_factor: str | None = None,
    evaluator: Evaluator | None = None,
) -> ShowerCrossSections:
    """σ_eff(m) in pb (ε = 1) of an electron beam showering in the target (module docstring).

    One ordinary cross section (ETL or WW) per mass and open node of
    :func:`shower_rule_for`, all in one call of ``evaluator`` (an
    :data:`~millicharge.xsec.jobs.Evaluator`; None: each here, without the cache;
    :func:`millicharge.reach` passes its runner: cached, parallel, resumable); node 0 is
    the thin-target σ(E₀). Per mass the fold Σ W_k σ_k
    (:meth:`millicharge.transport.shower.ShowerRule.fold`) divided by L gives σ_eff, so that paper
    Eq. 4 with L_T unchanged is N = EOT·(ρN_A/A)·X₀·Σ W_k σ_k·ε²η. The nodes share one seed;
    their Monte Carlo errors are added linearly (conservative), and so is the quadrature
    error. ``form_factor`` None takes the experiment's. The shower's references are
    :data:`millicharge.core.citations.SHOWER_KEYS` (carried by the reach table).
    """
    if experiment.beam != "e":
        raise InputError("the shower transport is for electron beams: muons do not shower "
                         "(use energy_loss = 'mean')")
    masses = validation.real_array("masses", masses, "real masses in GeV")
    form = str(check_form_factor(experiment.form_factor if form_factor is None
                                 else form_factor))
    rule = shower_rule_for(experiment)
    jobs: list[CrossSectionJob] = []
    where: list[tuple[int, int]] = []
    for i, mass in enumerate(masses):
        for k, job in _shower_jobs(experiment, rule, float(mass), method, model, precision,
                                   seed, form):
            jobs.append(job)
            where.append((i, k))
    results = (evaluate_serially if evaluator is None else evaluator)(jobs)
    nodes = rule.weights.size
    vals = np.zeros((len(masses), nodes))
    errs = np.zeros((len(masses), nodes))
    for (i, k), r in zip(where, results, strict=True):
        vals[i, k], errs[i, k] = r.sigma_pb, r.error_pb
    length = rule.thickness
    sigma = np.zeros(len(masses))
    error = np.zeros(len(masses))
    quad = np.zeros(len(masses))
    l_eff = np.full(len(masses), np.nan)
    for i in range(len(masses)):
        fold = rule.fold(vals[i], errs[i])
        sigma[i] = fold.value / length
        error[i] = fold.error / length
        quad[i] = fold.quad_error / length
        if vals[i, 0] > 0:
            l_eff[i] = fold.value / vals[i, 0]
    return ShowerCrossSections(sigma, error, quad, l_eff, rule)
