r"""Unweighted signal events of l N → l N + (the model's radiated system) from the exact
tree-level |M|² (written as LHE by :mod:`millicharge.events.lhe`).

Method
------
1. **Integrand.** The full 2 → 4 integrand of :func:`millicharge.xsec.etl.make_integrand`
   (``direct_2to4=True``): |M₄|² = e⁸ε²Z²F²/(4t²s²)·L_αβX^{αβ} with the χ current tensor
   L_αβ = Tr[(k̸₁+m)γ_α(k̸₂−m)γ_β] (docs/physics.md §4), on dΦ₄ = dΦ₃(s) ds/2π dΦ₂ over
   the experiment's window x_min ≤ x ≤ x_max, x = (E_χ + E_χ̄)/E (paper Eq. 4). The χ
   angles therefore follow the exact |M|², not the angle-averaged reduction. Variables:
   x, s, ρ, t, φ, cos θ*, φ* (7-dimensional). Which integrand is the model's
   (:mod:`millicharge.models`): a model with decay products (the pair) uses the direct
   2 → 4 one, an on-shell invisible mediator (``model="dark-photon"``) the
   l N → l N A' integrand (4-dimensional: x, ρ, t, φ); the event keeps the momenta of the
   model's :attr:`~millicharge.models.base.Model.lhe_particles`.
2. **Map.** A :class:`vegas.Integrator` (Lepage, J. Comput. Phys. 27 (1978) 192;
   arXiv:2009.05112) is trained for ``train_iterations`` × ``neval`` points, with
   ``beta=0`` (no adaptive redistribution of points between hypercubes, so every point
   has the plain importance weight w = J(y)·f/N and the spread of w is that of f/p),
   then frozen.
3. **Weighted events.** Each pass of ``Integrator.random_batch()`` over the frozen map
   gives points u with weights w_i = wgt_i·f(u_i); Σ_i w_i is an unbiased estimate of σ
   and {(u_i, w_i)} a weighted sample of dσ.
4. **Maximum weight.** ``prerun_passes`` passes (not used as events) fix w_max as the
   smallest w with Σ_i max(w_i − w, 0) ≤ ``max_truncation``·Σ_i w_i: events above w_max
   ("overweight") are kept with weight 1 instead of w/w_max, which biases the sample's
   normalisation by at most that fraction (default 10⁻⁴; ``max_truncation=0`` takes the
   pre-run maximum). The fraction actually truncated in production is reported.
5. **Hit or miss.** In production passes a point is kept when r·w_max < w, r ~ U(0, 1)
   (von Neumann), until at least ``n_events`` are kept; then ``n_events`` of the kept
   events are drawn at random without replacement (complete passes only, so the
   truncation to ``n_events`` does not favour early hypercubes), in random order.
6. **Cross section.** σ is the mean of the pass integrals over all frozen-grid passes
   (pre-run and production), its error from vegas' stratified variance per pass,
   Var = Σ_h (n_h Σ w² − (Σ w)²)/(n_h − 1) over hypercubes h, combined as Var/n_pass².
   With ``precision`` given, further frozen-map passes (not used as events) are added
   until error ≤ precision · σ (at most :data:`MAX_EXTRA_PASSES`).

Momenta are rebuilt from the kept cube points with :func:`millicharge.xsec.etl.event_momenta`
(the same maps as the integrand), so every event conserves four-momentum to rounding, and
each event is rotated by a uniform azimuth about the beam (the phase space fixes k⃗ in the
x–z plane; dσ is independent of that azimuth for an unpolarised beam).

    >>> s = generate_events("ldmx", 0.05, 20, neval=2000, train_iterations=2,
    ...                     prerun_passes=1, seed=3)
    >>> s.n_events, sorted(s.momenta)[:3], bool(0.7 <= s.x.min() and s.x.max() <= 1)
    (20, ['chi', 'chibar', 'lepton_in'], True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import vegas
from numpy.typing import NDArray

from millicharge.core import validation
from millicharge.core.errors import InputError
from millicharge.core.units import GEV2_TO_PB
from millicharge.events.sample import EventSample
from millicharge.experiments.config import Experiment, load_experiment
from millicharge.kinematics.process import (
    Process,
    closed_window_message,
    validate_x_range,
    x_limits,
)
from millicharge.models import Model, get_model
from millicharge.target.formfactors import check_form_factor
from millicharge.xsec import etl

__all__ = ["MAX_EVENTS", "MAX_EXTRA_PASSES", "generate_events"]

MAX_EVENTS = 10_000_000
"""Largest sample one call generates (memory: the momenta are held in RAM)."""
MAX_EXTRA_PASSES = 1000
"""Most frozen-map passes added after the events to reach ``precision`` (step 6)."""


def _check_inputs(n_events: Any, epsilon: Any, max_truncation: Any, neval: Any,
                  train_iterations: Any, prerun_passes: Any, precision: Any) -> None:
    if isinstance(n_events, bool) or not isinstance(n_events, int | np.integer):
        raise InputError(f"events must be a whole number, got {n_events!r}")
    if not 1 <= n_events <= MAX_EVENTS:
        raise InputError(f"events must lie in [1, {MAX_EVENTS}], got {n_events}")
    try:
        eps = float(epsilon)
        trunc = float(max_truncation)
    except (TypeError, ValueError):
        raise InputError("epsilon and max_truncation must be numbers") from None
    if not (math.isfinite(eps) and eps > 0):
        raise InputError(f"epsilon must be a positive number, got {epsilon!r}")
    if not 0.0 <= trunc < 0.1:
        raise InputError(f"max_truncation must lie in [0, 0.1), got {max_truncation!r}")
    for name, value, low in (("neval", neval, 1000), ("train_iterations", train_iterations, 1),
                             ("prerun_passes", prerun_passes, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise InputError(f"{name} must be a whole number >= {low}, got {value!r}")
    if precision is not None and not (validation.is_real(precision) and 0 < precision <= 0.1):
        raise InputError(f"precision must be a number in (0, 0.1] or None, got {precision!r}")


def _truncation_max(w: NDArray, max_truncation: float) -> float:
    """Smallest w_max with Σ max(w − w_max, 0) ≤ max_truncation · Σ w (0: the maximum).

    >>> _truncation_max(np.array([1.0, 1.0, 1.0, 10.0]), 0.0)
    10.0
    >>> _truncation_max(np.array([1.0, 1.0, 1.0, 10.0]), 0.5)   # 10 − 3.5 = 0.5 · 13
    3.5
    """
    ws = np.sort(w[w > 0])[::-1]
    if ws.size == 0:
        return 0.0
    allowed = max_truncation * ws.sum()
    if allowed <= 0:
        return float(ws[0])
    # Excess above ws[k] is c_k = Σ_{i≤k} ws[i] − (k+1)·ws[k], non-decreasing in k; take the
    # last k with c_k ≤ allowed and solve Σ_{i≤k} ws[i] − (k+1)·w = allowed for w in between.
    csum = np.cumsum(ws)
    excess = csum - np.arange(1, ws.size + 1) * ws
    k = int(np.searchsorted(excess, allowed, side="right")) - 1
    return float(max((csum[k] - allowed) / (k + 1), ws[min(k + 1, ws.size - 1)]))


def _rotate_about_beam(momenta: dict[str, NDArray], phi: NDArray) -> dict[str, NDArray]:
    """Rotate every event's outgoing momenta by its own azimuth φ about the beam (z) axis.

    The phase space puts k⃗ in the x–z plane (its azimuth about the beam is integrated
    analytically, docs/physics.md §3.2); for an unpolarised beam and a target at rest
    dσ does not depend on it, so a uniform φ per event restores the full distribution.
    The incoming momenta lie on the axis and are not passed in.
    """
    c, s = np.cos(phi), np.sin(phi)
    out = {}
    for key, p in momenta.items():
        q = p.copy()
        q[:, 1] = c * p[:, 1] - s * p[:, 2]
        q[:, 2] = s * p[:, 1] + c * p[:, 2]
        out[key] = q
    return out


@dataclass
class _Pass:
    u: NDArray
    w: NDArray
    integral: float
    variance: float


def _one_pass(integ: vegas.Integrator, f, dim: int) -> _Pass:
    """One pass of ``random_batch`` on the frozen map: points, weights w = wgt·f, Σw, Var."""
    us, ws, cubes = [], [], []
    for x, wgt, hcube in integ.random_batch(yield_hcube=True):
        us.append(np.array(x, dtype=float))  # vegas reuses its buffers: copy
        ws.append(np.asarray(wgt, dtype=float) * f(us[-1]))
        cubes.append(np.array(hcube))
    u, w, hc = np.concatenate(us), np.concatenate(ws), np.concatenate(cubes)
    # vegas' stratified variance: Σ_h (n_h Σ_h w² − (Σ_h w)²)/(n_h − 1).
    _, inv = np.unique(hc, return_inverse=True)
    n_h = np.bincount(inv).astype(float)
    s1 = np.bincount(inv, weights=w)
    s2 = np.bincount(inv, weights=w * w)
    multi = n_h > 1
    var = float(np.sum((n_h[multi] * s2[multi] - s1[multi] ** 2) / (n_h[multi] - 1.0)))
    return _Pass(u=u.reshape(-1, dim), w=w, integral=float(w.sum()), variance=max(var, 0.0))


def generate_events(
    experiment: str | Path | Experiment,
    mass: float,
    n_events: int,
    *,
    model: str | Model = "mcp",
    epsilon: float = 1.0,
    x_min: float | None = None,
    x_max: float | None = None,
    precision: float | None = None,
    seed: int | None = 0,
    neval: int = 20_000,
    train_iterations: int = 10,
    prerun_passes: int = 5,
    max_truncation: float = 1e-4,
    form_factor: str | None = None,
) -> EventSample:
    """Draw ``n_events`` unweighted events of l N → l N γ*(→ χχ̄) in the experiment's x window.

    Parameters
    ----------
    experiment : shipped name (``"na64mu"``, ``"ldmx"``, …), a TOML path, or an
        :class:`~millicharge.experiments.config.Experiment`; gives beam, energy, target and
        the window x_min ≤ x ≤ x_max.
    mass : m_χ in GeV (the A' mass for ``model="dark-photon"``).
    n_events : number of events, 1 … :data:`MAX_EVENTS`.
    model : ``"mcp"`` (χχ̄ from the exact 2 → 4 |M|²) or ``"dark-photon"`` (on-shell A'),
        or a :class:`~millicharge.models.base.Model`.
    epsilon : charge (mixing) ε; only scales σ (∝ ε²), not the events.
    x_min, x_max : the x = E_miss/E window; None takes the experiment's (clipped to
        kinematics either way, :func:`~millicharge.kinematics.process.x_limits`).
    precision : requested relative error of σ (adds frozen-map passes, step 6); None:
        σ from the passes the events needed.
    seed : seeds the VEGAS points and the hit-or-miss draws; the same seed gives the same
        events (None: fresh entropy).
    neval : points per training iteration and per sampling pass.
    train_iterations : adaptive VEGAS iterations that train the map (discarded).
    prerun_passes : frozen-map passes that fix w_max (they enter σ, not the events).
    max_truncation : largest fraction of σ allowed above w_max (module docstring, step 4).
    form_factor : ``"elastic"`` or ``"elastic+inelastic"`` (:mod:`millicharge.target.formfactors`);
        None takes the experiment's ``[target] form_factor``.

    Returns
    -------
    EventSample
        The events' momenta, σ ± error in pb and the unweighting statistics.

    Raises
    ------
    InputError
        Bad number of events, unknown experiment or model, a mass that is not
        kinematically allowed, or an x window that is closed for this mass.
    """
    _check_inputs(n_events, epsilon, max_truncation, neval, train_iterations, prerun_passes,
                  precision)
    model = get_model(model)
    n_events = int(n_events)
    seed = validation.seed(seed)
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    form = check_form_factor(exp.form_factor if form_factor is None else form_factor)
    want_lo, want_hi = validate_x_range(exp.x_min if x_min is None else x_min,
                                        exp.x_max if x_max is None else x_max)
    material = exp.material
    proc = Process.make(exp.beam, exp.energy_gev, material, mass, model=model)
    lo, hi = x_limits(proc, want_lo, want_hi, model)
    if lo >= hi:
        raise InputError(f"{exp.name}: {closed_window_message(proc, model, want_lo, want_hi)}")
    direct = bool(model.decay_variables)
    f, dim = etl.make_integrand(proc, x_range=(lo, hi), model=model, direct_2to4=direct,
                                form_factor=form)
    vegas_seq, accept_seq = np.random.SeedSequence(seed).spawn(2)
    vegas_rng, accept_rng = np.random.default_rng(vegas_seq), np.random.default_rng(accept_seq)
    timing: dict[str, float] = {}

    t0 = time.perf_counter()
    integ = vegas.Integrator(dim * [[0.0, 1.0]], ran_array_generator=vegas_rng.random, beta=0.0)
    integ(vegas.lbatchintegrand(f), nitn=int(train_iterations), neval=int(neval))
    timing["train"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    prerun = [_one_pass(integ, f, dim) for _ in range(int(prerun_passes))]
    passes = [(p.integral, p.variance, p.w.size) for p in prerun]  # all frozen-map passes
    w_pre = np.concatenate([p.w for p in prerun])
    del prerun
    if not np.any(w_pre > 0):
        raise InputError(
            f"the cross section vanishes for m = {mass} GeV in {exp.name}'s x window: "
            "no events can be generated"
        )
    w_max = _truncation_max(w_pre, float(max_truncation))
    timing["prerun"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    kept_u, kept_over = [], []
    n_kept = n_prod = 0
    w_prod = excess = 0.0
    while n_kept < n_events:  # production
        p = _one_pass(integ, f, dim)
        passes.append((p.integral, p.variance, p.w.size))
        hit = accept_rng.random(p.w.size) * w_max < p.w
        kept_u.append(p.u[hit])
        kept_over.append(p.w[hit] > w_max)
        n_kept += int(hit.sum())
        n_prod += p.w.size
        w_prod += p.integral
        excess += float(np.sum(np.clip(p.w - w_max, 0.0, None)))
    u_all, over_all = np.concatenate(kept_u), np.concatenate(kept_over)
    n_passes_min = len(passes)
    pick = accept_rng.choice(u_all.shape[0], size=n_events, replace=False)
    while precision is not None and len(passes) < n_passes_min + MAX_EXTRA_PASSES:
        sigma = float(np.mean([p[0] for p in passes]))
        if sigma > 0 and math.sqrt(sum(p[1] for p in passes)) / len(passes) <= precision * sigma:
            break
        p = _one_pass(integ, f, dim)
        passes.append((p.integral, p.variance, p.w.size))
    timing["sample"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    mom = etl.event_momenta(proc, u_all[pick], x_range=(lo, hi), model=model,
                            direct_2to4=direct, form_factor=form)
    if not np.all(mom["weight"] > 0):  # f > 0 implies a physical point; never expected
        raise RuntimeError("an accepted point lies outside phase space")
    keys = ["lepton_in", "nucleus_in", "lepton_out", "nucleus_out", *model.event_momenta]
    momenta = {k: mom[k] for k in keys}
    momenta.update(_rotate_about_beam({k: momenta[k] for k in keys[2:]},
                                      2.0 * np.pi * accept_rng.random(n_events)))
    timing["momenta"] = time.perf_counter() - t0

    n_pass = len(passes)
    sigma = float(np.mean([p[0] for p in passes]))
    error = math.sqrt(sum(p[1] for p in passes)) / n_pass
    eps2 = float(epsilon) ** 2
    return EventSample(
        experiment=exp.name, beam=exp.beam, energy_gev=float(exp.energy_gev),
        target=material.symbol, Z=float(material.Z), A=float(material.A),
        nucleus_mass_gev=float(material.nucleus_mass), lepton_mass_gev=proc.lepton_mass,
        mass_gev=float(mass), model=model.name, epsilon=float(epsilon), seed=seed,
        x_min=float(lo), x_max=float(hi),
        sigma_pb=sigma * GEV2_TO_PB * eps2, error_pb=error * GEV2_TO_PB * eps2,
        efficiency=n_kept / n_prod,
        overweight_fraction=float(np.mean(over_all[pick])),
        truncated_fraction=excess / w_prod if w_prod > 0 else 0.0,
        n_evaluated=int(sum(p[2] for p in passes)) + int(train_iterations) * int(neval),
        settings={"neval": int(neval), "train_iterations": int(train_iterations),
                  "prerun_passes": int(prerun_passes), "max_truncation": float(max_truncation),
                  "vegas_beta": 0.0, "precision": precision},
        momenta=momenta, timing=timing, form_factor=str(form),
    )
