r"""Unweighted signal events l N → l N γ*(→ χχ̄) from the exact tree-level |M|², as LHE.

Method
------
1. **Integrand.** The full 2 → 4 integrand of :func:`millicharge.xsec.etl.make_integrand`
   (``direct_2to4=True``): |M₄|² = e⁸ε²Z²F²/(4t²s²)·L_αβX^{αβ} with the χ current tensor
   L_αβ = Tr[(k̸₁+m)γ_α(k̸₂−m)γ_β] (docs/physics.md §4), on dΦ₄ = dΦ₃(s) ds/2π dΦ₂ over
   the experiment's window x_min ≤ x ≤ x_max, x = (E_χ + E_χ̄)/E (paper Eq. 4). The χ
   angles therefore follow the exact |M|², not the angle-averaged reduction. Variables:
   x, s, ρ, t, φ, cos θ*, φ* (7-dimensional). For ``model="dark-photon"`` the on-shell
   l N → l N A' integrand (4-dimensional: x, ρ, t, φ) is used and the A' is written as one particle.
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

Momenta are rebuilt from the kept cube points with :func:`millicharge.xsec.etl.event_momenta`
(the same maps as the integrand), so every event conserves four-momentum to rounding, and
each event is rotated by a uniform azimuth about the beam (the phase space fixes k⃗ in the
x–z plane; dσ is independent of that azimuth for an unpolarised beam).

LHE file (Les Houches Event format version 3.0; Alwall et al., Comput. Phys. Commun.
176 (2007) 300, hep-ph/0609017; Boos et al., hep-ph/0109068)
------------------------------------------------------------------------------------------
* Fixed target, lab frame, beam along +z. LHE assumes two beams; here beam 1 is the
  lepton (IDBMUP = 13 for μ⁻, 11 for e⁻; EBMUP1 = E) and beam 2 the target nucleus **at
  rest** (IDBMUP = PDG nuclear code 100ZZZAAA0, e.g. 1000822070 for ²⁰⁷Pb; EBMUP2 = M_N =
  A·u, the nucleus mass used in the calculation). No PDFs (PDFGUP = PDFSUP = 0).
* One process, IDPRUP = LPRUP = 1. IDWTUP = 3: unweighted events, every event has
  XWGTUP = XSECUP/N (pb), so the weights sum to σ; XMAXUP = XWGTUP. XSECUP ± XERRUP is
  σ(x_min ≤ x ≤ x_max) in pb at the requested ε (σ ∝ ε²).
* Each event: SCALUP = √s (the γ*/A' mass, GeV), AQEDUP = α, AQCDUP = −1 (not used).
  Particles (IDUP ISTUP MOTHUP1 MOTHUP2 ICOLUP1 ICOLUP2 px py pz E m VTIMUP SPINUP):
  1 l (−1), 2 N (−1), 3 l' (1, mothers 1 2), 4 N' (1, mothers 1 2), 5 γ* (PDG 22,
  status 2 = intermediate, mothers 1 2, m = √s), 6 χ (PDG 9000001, 1, mother 5),
  7 χ̄ (PDG −9000001, 1, mother 5). Dark photon: 5 A' (PDG 9000005, status 1), no 6, 7.
  Colours 0, VTIMUP 0, SPINUP 9 (unpolarised). Momenta with 17 significant digits
  (exact binary64 round trip), so the file conserves four-momentum as well as the
  calculation does (~10⁻¹⁵ relative).
* ``<header>`` holds a ``<millicharge>`` block: version, every input (experiment, beam,
  energy, target Z, A, M_N, mass, model, ε, x window, seed, generator settings), the PDG
  conventions and the run statistics (σ, efficiency, overweight fractions). It holds no
  timestamps: the same inputs and seed give a byte-identical file.
* A path ending in ``.gz`` is written gzip-compressed (fixed mtime, still reproducible).

    >>> s = generate_events("ldmx", 0.05, 20, neval=2000, train_iterations=2,
    ...                     prerun_passes=1, seed=3)
    >>> s.n_events, sorted(s.momenta)[:3], bool(0.7 <= s.x.min() and s.x.max() <= 1)
    (20, ['chi', 'chibar', 'lepton_in'], True)
"""

from __future__ import annotations

import gzip
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

import numpy as np
import vegas
from numpy.typing import NDArray

from millicharge.core import validation
from millicharge.core.atomic import atomic_path, check_output_path
from millicharge.core.constants import ALPHA
from millicharge.core.errors import InputError
from millicharge.core.results import csv_text, data_frame, fmt_error, html_fields, write_csv
from millicharge.core.units import GEV2_TO_PB
from millicharge.experiments.config import Experiment, load_experiment
from millicharge.kinematics.process import Process, closed_window_message
from millicharge.target.formfactors import check_form_factor
from millicharge.xsec import etl

__all__ = [
    "CHI_PDG",
    "DARK_PHOTON_PDG",
    "LHE_SUFFIXES",
    "MAX_EVENTS",
    "EventSample",
    "generate_events",
    "nucleus_pdg",
    "write_lhe",
]

CHI_PDG = 9000001
"""PDG-style code of χ (χ̄ is −9000001); a BSM code outside the PDG table."""
DARK_PHOTON_PDG = 9000005
"""Code of an on-shell invisible dark photon A' (``model="dark-photon"``)."""
PHOTON_PDG = 22
LEPTON_PDG = {"e": 11, "mu": 13}
MAX_EVENTS = 10_000_000
"""Largest sample one call generates (memory: the momenta are held in RAM)."""
MODELS = ("mcp", "dark-photon")


def nucleus_pdg(z: float, a: float) -> int:
    """PDG nuclear code 10LZZZAAAI = 1000000000 + 10000·Z + 10·A (L = I = 0).

    Z and A are rounded to integers (A in g/mol, e.g. 207.2 → 207).

    >>> nucleus_pdg(82, 207.2), nucleus_pdg(13, 26.98)
    (1000822070, 1000130270)
    """
    return 1_000_000_000 + 10_000 * round(z) + 10 * round(a)


@dataclass(frozen=True, eq=False)
class EventSample:
    """Unweighted events and how they were made.

    ``momenta`` maps ``lepton_in``, ``nucleus_in``, ``lepton_out``, ``nucleus_out``,
    ``vector`` (γ* or A'), and for MCPs ``chi``, ``chibar`` to (N, 4) arrays of lab
    four-momenta (E, px, py, pz) in GeV, beam along +z, nucleus at rest.
    ``sigma_pb`` ± ``error_pb`` is σ(x_min ≤ x ≤ x_max) at ``epsilon``; ``efficiency``
    is kept/evaluated points in production; ``overweight_fraction`` the fraction of the
    returned events whose weight exceeded w_max; ``truncated_fraction`` the part of σ
    above w_max in production (the bound on the normalisation bias); ``timing`` wall
    seconds per stage.
    """

    experiment: str
    beam: str
    energy_gev: float
    target: str
    Z: float
    A: float
    nucleus_mass_gev: float
    lepton_mass_gev: float
    mass_gev: float
    model: str
    epsilon: float
    seed: int | None
    x_min: float
    x_max: float
    sigma_pb: float
    error_pb: float
    efficiency: float
    overweight_fraction: float
    truncated_fraction: float
    n_evaluated: int
    settings: dict[str, Any]
    momenta: dict[str, NDArray] = field(repr=False)
    timing: dict[str, float] = field(default_factory=dict, repr=False)
    form_factor: str = "elastic"

    @property
    def n_events(self) -> int:
        """Number of events."""
        return int(self.momenta["lepton_in"].shape[0])

    @property
    def x(self) -> NDArray:
        """x = (E_χ + E_χ̄)/E = E_miss/E of every event (paper Eq. 4)."""
        return self.momenta["vector"][:, 0] / self.energy_gev

    @property
    def pair_mass(self) -> NDArray:
        """√s, the invariant mass of γ* (= χχ̄) or the A' mass, GeV."""
        k = self.momenta["vector"]
        return np.sqrt(np.maximum(k[:, 0] ** 2 - np.sum(k[:, 1:] ** 2, axis=1), 0.0))

    @property
    def events_per_second(self) -> float:
        """Events per wall second, training and pre-run included."""
        total = sum(self.timing.values())
        return self.n_events / total if total > 0 else math.inf

    def columns(self) -> dict[str, NDArray]:
        """One array per event column: ``x``, ``pair_mass_gev`` and, per particle,
        ``<particle>_E, _px, _py, _pz`` in GeV (the columns of :meth:`to_pandas`)."""
        out: dict[str, NDArray] = {"x": self.x, "pair_mass_gev": self.pair_mass}
        for name, p in self.momenta.items():
            for j, comp in enumerate(("E", "px", "py", "pz")):
                out[f"{name}_{comp}"] = p[:, j]
        return out

    def _fields(self) -> dict[str, Any]:
        return {"experiment": self.experiment, "events": self.n_events,
                "beam": f"{self.beam} {self.energy_gev:g} GeV", "target": self.target,
                "model": self.model, "mass_gev": self.mass_gev, "epsilon": self.epsilon,
                "x range": f"{self.x_min:g} - {self.x_max:g}",
                "sigma_pb": fmt_error(self.sigma_pb, self.error_pb),
                "efficiency": self.efficiency, "overweight_fraction": self.overweight_fraction,
                "truncated_fraction": self.truncated_fraction, "seed": self.seed}

    def __repr__(self) -> str:
        return (f"EventSample({self.n_events} {self.model} events, {self.beam} "
                f"{self.energy_gev:g} GeV on {self.target}, m={self.mass_gev:g} GeV, "
                f"eps={self.epsilon:g}, sigma = {fmt_error(self.sigma_pb, self.error_pb)} pb, "
                f"{self.x_min:g} <= x <= {self.x_max:g})")

    def _repr_html_(self) -> str:
        return html_fields("EventSample", self._fields())

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per event, columns of :meth:`columns`."""
        return data_frame(self.columns())

    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV text, one row per event (columns of :meth:`columns`, full precision);
        written atomically to ``path`` when given. For generator input use :func:`write_lhe`."""
        cols = self.columns()
        rows = zip(*(c.tolist() for c in cols.values()), strict=True)
        return write_csv(csv_text(list(cols), list(rows)), path)


def _check_inputs(n_events: Any, model: str, epsilon: Any, max_truncation: Any,
                  neval: Any, train_iterations: Any, prerun_passes: Any) -> None:
    if isinstance(n_events, bool) or not isinstance(n_events, int | np.integer):
        raise InputError(f"events must be a whole number, got {n_events!r}")
    if not 1 <= n_events <= MAX_EVENTS:
        raise InputError(f"events must lie in [1, {MAX_EVENTS}], got {n_events}")
    if model not in MODELS:
        raise InputError(f"unknown model {model!r}: allowed are 'mcp' and 'dark-photon'")
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
    model: str = "mcp",
    epsilon: float = 1.0,
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
    model : ``"mcp"`` (χχ̄ from the exact 2 → 4 |M|²) or ``"dark-photon"`` (on-shell A').
    epsilon : charge (mixing) ε; only scales σ (∝ ε²), not the events.
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
    _check_inputs(n_events, model, epsilon, max_truncation, neval, train_iterations,
                  prerun_passes)
    n_events = int(n_events)
    seed = validation.seed(seed)
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    form = check_form_factor(exp.form_factor if form_factor is None else form_factor)
    material = exp.material
    proc = Process.make(exp.beam, exp.energy_gev, material, mass, model=model)
    lo, hi = etl.x_limits(proc, exp.x_min, exp.x_max, model)
    if lo >= hi:
        raise InputError(f"{exp.name}: {closed_window_message(proc, model, exp.x_min, exp.x_max)}")
    direct = model == "mcp"
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
    while n_kept < n_events:
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
    pick = accept_rng.choice(u_all.shape[0], size=n_events, replace=False)
    timing["sample"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    mom = etl.event_momenta(proc, u_all[pick], x_range=(lo, hi), model=model,
                            direct_2to4=direct, form_factor=form)
    if not np.all(mom["weight"] > 0):  # f > 0 implies a physical point; never expected
        raise RuntimeError("an accepted point lies outside phase space")
    keys = ["lepton_in", "nucleus_in", "lepton_out", "nucleus_out", "vector"]
    keys += ["chi", "chibar"] if direct else []
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
        mass_gev=float(mass), model=model, epsilon=float(epsilon), seed=seed,
        x_min=float(lo), x_max=float(hi),
        sigma_pb=sigma * GEV2_TO_PB * eps2, error_pb=error * GEV2_TO_PB * eps2,
        efficiency=n_kept / n_prod,
        overweight_fraction=float(np.mean(over_all[pick])),
        truncated_fraction=excess / w_prod if w_prod > 0 else 0.0,
        n_evaluated=int(sum(p[2] for p in passes)) + int(train_iterations) * int(neval),
        settings={"neval": int(neval), "train_iterations": int(train_iterations),
                  "prerun_passes": int(prerun_passes), "max_truncation": float(max_truncation),
                  "vegas_beta": 0.0},
        momenta=momenta, timing=timing, form_factor=str(form),
    )


# ---------------------------------------------------------------------------------------
# Les Houches Event file


def _particles(sample: EventSample) -> list[tuple[int, int, int, int, str, float | NDArray]]:
    """(IDUP, ISTUP, MOTHUP1, MOTHUP2, momentum key, mass) in file order."""
    lep = LEPTON_PDG[sample.beam]
    nuc = nucleus_pdg(sample.Z, sample.A)
    rows: list[tuple[int, int, int, int, str, float | NDArray]] = [
        (lep, -1, 0, 0, "lepton_in", sample.lepton_mass_gev),
        (nuc, -1, 0, 0, "nucleus_in", sample.nucleus_mass_gev),
        (lep, 1, 1, 2, "lepton_out", sample.lepton_mass_gev),
        (nuc, 1, 1, 2, "nucleus_out", sample.nucleus_mass_gev),
    ]
    if sample.model == "mcp":
        rows += [
            (PHOTON_PDG, 2, 1, 2, "vector", sample.pair_mass),
            (CHI_PDG, 1, 5, 5, "chi", sample.mass_gev),
            (-CHI_PDG, 1, 5, 5, "chibar", sample.mass_gev),
        ]
    else:
        rows.append((DARK_PHOTON_PDG, 1, 1, 2, "vector", sample.mass_gev))
    return rows


def _header(sample: EventSample) -> str:
    from millicharge._version import __version__

    lines = [
        f"millicharge {__version__}: l N -> l N gamma*(-> chi chibar), exact tree-level |M|^2",
        "frame = lab, fixed target: beam 1 = lepton along +z, beam 2 = nucleus at rest"
        " (EBMUP2 = M_N)",
        f"experiment = {sample.experiment}",
        f"beam = {sample.beam}",
        f"energy_gev = {sample.energy_gev!r}",
        f"target = {sample.target}",
        f"Z = {sample.Z!r}",
        f"A = {sample.A!r}",
        f"nucleus_mass_gev = {sample.nucleus_mass_gev!r}",
        f"model = {sample.model}",
        f"form_factor = {sample.form_factor}",
        f"mass_gev = {sample.mass_gev!r}",
        f"epsilon = {sample.epsilon!r}",
        f"x_min = {sample.x_min!r}",
        f"x_max = {sample.x_max!r}  (the window, clipped to kinematics: x <= 1 - m_l/E)",
        "x = (E_chi + E_chibar)/E = E_miss/E",
        f"events = {sample.n_events}",
        f"seed = {sample.seed}",
        *(f"{k} = {v!r}" for k, v in sample.settings.items()),
        f"sigma_pb = {sample.sigma_pb!r}",
        f"sigma_error_pb = {sample.error_pb!r}",
        f"unweighting_efficiency = {sample.efficiency!r}",
        f"overweight_event_fraction = {sample.overweight_fraction!r}",
        f"truncated_sigma_fraction = {sample.truncated_fraction!r}",
        f"evaluations = {sample.n_evaluated}",
        f"pdg: chi = {CHI_PDG}, chibar = {-CHI_PDG}, dark photon = {DARK_PHOTON_PDG},"
        " gamma* = 22 (status 2), nucleus = 100ZZZAAA0",
        "weights: IDWTUP = 3 (unweighted), XWGTUP = XSECUP/N in pb",
    ]
    body = "\n".join(escape(line) for line in lines)
    version = escape(__version__)
    return f'<header>\n<millicharge version="{version}">\n{body}\n</millicharge>\n</header>\n'


def _init(sample: EventSample) -> str:
    weight = sample.sigma_pb / sample.n_events
    return (
        "<init>\n"
        f"{LEPTON_PDG[sample.beam]} {nucleus_pdg(sample.Z, sample.A)} "
        f"{sample.energy_gev:.16e} {sample.nucleus_mass_gev:.16e} 0 0 0 0 3 1\n"
        f"{sample.sigma_pb:.16e} {sample.error_pb:.16e} {weight:.16e} 1\n"
        "</init>\n"
    )


def _event_blocks(sample: EventSample, chunk: int = 2000) -> Iterator[str]:
    rows = _particles(sample)
    n = sample.n_events
    weight = sample.sigma_pb / n
    scale = sample.pair_mass
    head = f"<event>\n{len(rows)} 1 {weight:.10e} {{:.10e}} {ALPHA:.10e} -1.0000000000e+00\n"
    fmt = "{:>10d} {:>2d} {:>4d} {:>4d} 0 0 {:+.16e} {:+.16e} {:+.16e} {:+.16e} {:.16e} 0. 9.\n"
    masses = [np.broadcast_to(np.asarray(m, dtype=float), (n,)) for *_, m in rows]
    mom = [sample.momenta[key] for *_, key, _ in rows]
    for start in range(0, n, chunk):
        out = []
        for i in range(start, min(start + chunk, n)):
            out.append(head.format(scale[i]))
            for (pid, status, m1, m2, _, _), p, m in zip(rows, mom, masses, strict=True):
                out.append(fmt.format(pid, status, m1, m2, p[i, 1], p[i, 2], p[i, 3],
                                      p[i, 0], m[i]))
            out.append("</event>\n")
        yield "".join(out)


def _write_stream(sample: EventSample, fh: IO[bytes]) -> None:
    fh.write(b'<LesHouchesEvents version="3.0">\n')
    fh.write(_header(sample).encode())
    fh.write(_init(sample).encode())
    for block in _event_blocks(sample):
        fh.write(block.encode())
    fh.write(b"</LesHouchesEvents>\n")


LHE_SUFFIXES = (".lhe", ".lhe.gz")
"""The names :func:`write_lhe` accepts: plain LHE, or gzip-compressed LHE."""


def write_lhe(sample: EventSample, path: str | Path) -> Path:
    """Write ``sample`` as a Les Houches Event file (format: module docstring).

    ``path`` must end in ``.lhe``, or ``.lhe.gz`` for a gzip-compressed file. The write is
    atomic (:mod:`millicharge.core.atomic`): the events go to a temporary file beside ``path``
    that replaces it when complete, so an interrupted run leaves neither a truncated file
    nor a temporary one; the file's mode follows the umask.
    """
    path = check_output_path(path, suffixes=LHE_SUFFIXES, what="LHE output")
    try:
        with atomic_path(path) as tmp, open(tmp, "xb") as raw:
            if path.name.lower().endswith(".gz"):
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                    _write_stream(sample, gz)
            else:
                _write_stream(sample, raw)
    except OSError as err:
        raise InputError(f"cannot write {str(path)!r}: {err.strerror or err}") from None
    return path
