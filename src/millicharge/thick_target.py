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

    >>> from millicharge.experiments import load_experiment
    >>> exp = with_energy_loss(load_experiment("na64mu"), True)
    >>> z, w = depth_nodes(exp)
    >>> round(float(w.sum()), 6) == round(exp.thickness_cm, 6)
    True
    >>> e, lo, hi = local_window(exp, 0.0)       # entry face: full dE/dx x L_T still to go
    >>> round(e, 3), round(lo, 5)
    (160.0, 0.49822)
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import validation
from .errors import InputError
from .etl import x_limits
from .experiments import Experiment
from .formfactors import check_form_factor
from .kinematics import Process

__all__ = [
    "brem_cross_sections",
    "depth_nodes",
    "local_window",
    "with_energy_loss",
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
               precision: float, seed: int, form_factor: str = "elastic",
               ) -> list[tuple[dict[str, Any] | None, float]]:
    """One cross-section job (or None where closed) and its weight/L_T per depth node."""
    out: list[tuple[dict[str, Any] | None, float]] = []
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
                    job = dict(beam=experiment.beam, energy=energy, target=experiment.material,
                               mass=mass, x_min=lo, x_max=hi, method=method, model=model,
                               precision=precision, seed=seed, form_factor=form_factor)
        out.append((job, float(wi) / experiment.thickness_cm))
    return out


def brem_cross_sections(
    experiment: Experiment,
    masses: NDArray[np.float64],
    *,
    method: str = "etl",
    model: str = "mcp",
    precision: float = 5e-3,
    seed: int = 0,
    backend: str | None = "processes",
    workers: int | None = None,
    cache: bool = True,
    progress: bool = False,
    scheduler: str | None = None,
    form_factor: str | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Depth-averaged σ̄(m) in pb (ε = 1) and its error, for Eq. (4) with L_T unchanged.

    σ̄ = Σ_i (w_i / L_T) σ(E(z_i); x_lo(z_i), x_hi(z_i)). The nodes share one seed, so
    their Monte Carlo errors are correlated; the error is added linearly (conservative).
    With ``energy_loss = "none"`` every node equals the nominal σ and σ̄ = σ(E₀).
    ``form_factor`` None takes the experiment's (``[target] form_factor``).
    """
    from .scan import evaluate

    jobs: list[dict[str, Any]] = []
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
    results = evaluate(jobs, backend=backend, workers=workers, scheduler=scheduler,
                       cache=cache, progress=progress, description=f"{experiment.name} σ(z)")
    sigma = np.zeros(len(masses))
    err = np.zeros(len(masses))
    for (i, weight), r in zip(where, results, strict=True):
        sigma[i] += weight * r.sigma_pb
        err[i] += weight * r.error_pb
    return sigma, err
