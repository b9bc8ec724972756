"""Projected reach ε(m_χ) of an experiment: cross sections → yields → limits.

For each mass the bremsstrahlung-like yield (paper Eq. 4) and the vector-meson yields
(Eqs. 5–8, 11) are computed at ε = 1; since every yield ∝ ε²,
ε_lim = √(s_up / N(ε = 1)) per channel and for their sum, with s_up from
:func:`millicharge.limits.statistics.upper_limit` for the experiment's background (and its
uncertainty) and CL. The experiment's signal efficiency (a constant or a table against
the mass) multiplies every channel at each mass.

The bremsstrahlung-like σ is the paper's (at E₀ through the whole target), or, for a
thick target, the muon's depth average (``energy_loss = "mean"``) or the electron shower's
fold (``[target] transport = "shower"``; :mod:`millicharge.experiments.thick_target`), which enter
Eq. 4 with L_T unchanged.

The cross sections are computed by the ``evaluator`` passed in (an
:data:`~millicharge.xsec.jobs.Evaluator`; default: each point here, no cache). The public
:func:`millicharge.reach` (:mod:`millicharge.running.api`) passes a
:class:`~millicharge.running.runner.Runner`: the on-disk cache, worker processes or dask.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from millicharge.core import validation
from millicharge.core.citations import SHOWER_KEYS, STATISTICS_KEYS, cross_section_keys
from millicharge.core.errors import InputError
from millicharge.core.grammar import read_masses
from millicharge.core.results import csv_text, data_frame, html_table, write_csv
from millicharge.experiments.config import Experiment, load_experiment
from millicharge.experiments.mesons import n_signal_meson
from millicharge.experiments.yields import epsilon_limit, n_signal_brem
from millicharge.kinematics.process import Process
from millicharge.limits.statistics import upper_limit
from millicharge.target.formfactors import check_form_factor
from millicharge.xsec.etl import x_limits
from millicharge.xsec.jobs import CrossSectionJob, Evaluator, check_method, evaluate_serially

__all__ = [
    "MAX_MASSES",
    "MESON_CHANNELS",
    "ReachTable",
    "check_masses",
    "default_masses",
    "parse_masses",
    "reach",
]

MESON_CHANNELS = ("rho", "omega", "phi")
MAX_MASSES = 100_000
"""Most masses a reach may ask for (each is a separate integration); a ``start:stop:n``
range is counted before it is allocated."""


def default_masses() -> np.ndarray:
    """The paper's range, 10 MeV … 1 GeV, 40 log-spaced points (GeV)."""
    return np.geomspace(0.01, 1.0, 40)


def parse_masses(spec: str) -> np.ndarray:
    """``"0.01:1:40"`` (log-spaced start:stop:n, GeV), ``"0.01,0.1,0.5"`` (a list) or both
    (``"0.01:0.1:3,1"``): the one mass grammar, :func:`millicharge.core.grammar.read_masses`,
    with at most :data:`MAX_MASSES` masses.

    >>> parse_masses("0.01:1:3").round(3).tolist()
    [0.01, 0.1, 1.0]
    """
    return read_masses(spec, limit=MAX_MASSES)


def check_masses(masses: ArrayLike) -> np.ndarray:
    """Validate a mass grid (GeV) in the one mass grammar
    (:func:`millicharge.core.grammar.read_masses`): numbers, a list or array, a string
    (``"0.01:1:40"``, ``"0.01,0.1"``) or a list mixing them; each mass finite and ≥ 1 eV,
    at most :data:`MAX_MASSES` in all. Returns a flat float array.

    >>> check_masses([-1])
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: masses must be positive numbers in GeV, each ≥ ...
    """
    return read_masses(masses, limit=MAX_MASSES)


@dataclass
class ReachTable:
    """Columns over the mass grid; ε columns hold ``nan`` where a channel is closed."""

    experiment: str
    columns: dict[str, np.ndarray]
    meta: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __len__(self) -> int:
        return len(self.columns["mass_gev"])

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    @property
    def citations(self) -> tuple[str, ...]:
        """Reference keys of what the table rests on (from ``meta``): the cross sections'
        method and form factor, the marginalised background uncertainty, the shower."""
        meta = self.meta
        keys = list(cross_section_keys(meta.get("method", ""),
                                       meta.get("form_factor", "elastic")))
        if float(meta.get("background_uncertainty") or 0.0) > 0.0:
            keys += STATISTICS_KEYS
        if meta.get("transport") == "shower" and "shower_beta" in meta:
            keys += SHOWER_KEYS
        return tuple(dict.fromkeys(keys))

    def rows(self) -> list[dict[str, float | None]]:
        """One dict per mass; closed channels are ``None``."""
        out = []
        for i in range(len(self)):
            row: dict[str, float | None] = {}
            for k, v in self.columns.items():
                val = float(v[i])
                row[k] = val if math.isfinite(val) else None
            out.append(row)
        return out

    def to_numpy(self) -> np.ndarray:
        """A NumPy structured array with one field per column."""
        dtype = [(k, float) for k in self.columns]
        return np.array([tuple(float(v[i]) for v in self.columns.values()) for i in
                         range(len(self))], dtype=dtype)

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one column per column (pandas is optional)."""
        return data_frame(self.columns)

    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV text (floats at full precision, closed channels empty); written atomically
        to ``path`` when given."""
        return write_csv(csv_text(self.names, [list(r.values()) for r in self.rows()]), path)

    def _summary(self) -> list[str]:
        masses = np.asarray(self.columns.get("mass_gev", []), float)
        span = (f"{len(self)} masses {masses.min():g}-{masses.max():g} GeV" if masses.size
                else "no masses")
        parts = []
        eps = [n for n in self.names if n.startswith("epsilon")]
        for name in ["epsilon_combined"] if "epsilon_combined" in eps else eps:
            if name == "mass_gev":
                continue
            v = np.asarray(self.columns[name], float)
            ok = np.isfinite(v)
            if ok.any():
                i = int(np.argmin(np.where(ok, v, np.inf)))
                parts.append(f"{name} min {v[i]:.3g} at {masses[i]:g} GeV")
            else:
                parts.append(f"{name} closed")
        return [span, *parts]

    def __repr__(self) -> str:
        return f"ReachTable({self.experiment}: " + "; ".join(self._summary()) + ")"

    def _repr_html_(self) -> str:
        title = f"ReachTable {self.experiment}: " + "; ".join(self._summary())
        rows = [list(r.values()) for r in self.rows()]
        return html_table(title, self.names, rows)

    def to_json(self) -> str:
        return json.dumps({"experiment": self.experiment, "meta": self.meta,
                           "rows": self.rows()}, indent=1)


def reach(
    experiment: str | Path | Experiment,
    masses: ArrayLike | None = None,
    *,
    cl: float | None = None,
    method: str = "etl",
    model: str = "mcp",
    precision: float = 5e-3,
    seed: int | None = 0,
    energy_loss: bool | None = None,
    form_factor: str | None = None,
    transport: str | None = None,
    evaluator: Evaluator | None = None,
) -> ReachTable:
    """Projected ε_lim(m) of ``experiment`` (name, TOML path or :class:`Experiment`).

    ``masses`` (GeV): None for the paper's 40 masses from 10 MeV to 1 GeV
    (:func:`default_masses`), or the one mass grammar (:func:`check_masses`): numbers, a
    list or array, ``"0.01:1:40"`` (log-spaced start:stop:n), ``"0.01,0.1"``, or a list
    mixing them. The table has one row per distinct mass, in increasing order.

    ``model="dark-photon"``: ε is the kinetic mixing of an invisible A' of mass m
    (Br(A' → invisible) = 1), same Eq. (4); the meson channels are MCP-only.
    ``evaluator``: computes the cross sections (an :data:`~millicharge.xsec.jobs.Evaluator`;
    None computes each here, without the cache; :func:`millicharge.reach` passes a
    :class:`~millicharge.running.runner.Runner`).
    ``energy_loss``: True/False switches the muon's mean energy loss in the target on/off
    (:mod:`millicharge.experiments.thick_target`); None keeps the experiment file's setting.
    ``form_factor``: ``"elastic"`` or ``"elastic+inelastic"``
    (:mod:`millicharge.target.formfactors`);
    None keeps the experiment's (``[target] form_factor``, default ``"elastic"``).
    ``transport``: ``"thin"`` (paper Eq. 4 at E₀) or ``"shower"`` (an electron beam's
    shower, :func:`millicharge.experiments.thick_target.shower_cross_sections`); None keeps the
    experiment's (``[target] transport``, default ``"thin"``). With ``"shower"``,
    ``sigma_pb`` is σ_eff = Σ W_k σ_k / L (Eq. 4 with L_T unchanged) and the table gains
    ``l_eff_x0``, the effective thickness in X₀.

    ``meta`` records what the numbers rest on: the beam, its energy, the target (symbol,
    Z, thickness in cm) and the leptons on target, CL and s_up, method, model, precision, seed,
    the background and its uncertainty, the efficiency (a number, or the table as
    ``{"masses_gev": [...], "values": [...]}``), the channels, the form factor, the energy
    loss and the transport (with the shower: its nodes, β, the largest relative quadrature
    error of the fold).

    Returns a :class:`ReachTable` with columns ``mass_gev``, ``sigma_pb``,
    ``sigma_error_pb``, ``n_signal_eps1_<channel>``, ``epsilon_<channel>`` and
    ``epsilon_combined``.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    # one row per mass, in increasing order (a table, and the curve drawn from it)
    m = default_masses() if masses is None else np.unique(check_masses(masses))
    precision, seed = _check_options(method, model, precision, seed, energy_loss)
    run = evaluate_serially if evaluator is None else evaluator
    form = str(check_form_factor(exp.form_factor if form_factor is None else form_factor))
    if transport is not None:
        from millicharge.experiments.config import TRANSPORTS
        from millicharge.experiments.thick_target import with_transport

        if not isinstance(transport, str) or transport not in TRANSPORTS:
            raise InputError(f"transport must be None or one of "
                             f"{', '.join(repr(t) for t in TRANSPORTS)}, got "
                             f"{validation.show(transport)}")
        exp = with_transport(exp, transport)
    if energy_loss is not None:
        from millicharge.experiments.thick_target import with_energy_loss

        exp = with_energy_loss(exp, bool(energy_loss))
    confidence = exp.cl if cl is None else validation.real("cl", cl, "None or a number in (0, 1)")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"cl must lie in (0, 1), got {confidence!r}")
    s_up = upper_limit(background=exp.background, cl=confidence,
                       background_uncertainty=exp.background_uncertainty)
    n_points = len(m)
    cols: dict[str, np.ndarray] = {"mass_gev": m}
    total = np.zeros(n_points)
    channels = list(exp.channels)
    shower = None
    if "brem" in channels and exp.transport == "shower":
        from millicharge.experiments.thick_target import shower_cross_sections

        shower = shower_cross_sections(exp, m, method=method, model=model,
                                       precision=precision, seed=seed, form_factor=form,
                                       evaluator=run)
        sigma, err = shower.sigma_pb, shower.error_pb
    elif "brem" in channels and exp.energy_loss == "mean":
        from millicharge.experiments.thick_target import brem_cross_sections

        sigma, err = brem_cross_sections(exp, m, method=method, model=model,
                                         precision=precision, seed=seed, form_factor=form,
                                         evaluator=run)
    elif "brem" in channels:
        sigma, err = _brem_cross_sections(exp, m, method, model, precision, seed, form, run)
    if "brem" in channels:
        n_brem = np.asarray(n_signal_brem(exp, sigma, mass=m)) * np.ones(n_points)
        cols["sigma_pb"], cols["sigma_error_pb"] = sigma, err
        if shower is not None:
            cols["l_eff_x0"] = shower.l_eff_x0
        cols["n_signal_eps1_brem"] = n_brem
        total += n_brem
    for meson in MESON_CHANNELS:
        if meson in channels and model == "mcp":
            n_v = np.asarray(n_signal_meson(exp, meson, m), dtype=float) * np.ones(n_points)
            cols[f"n_signal_eps1_{meson}"] = n_v
            total += n_v
    for ch in ["brem", *MESON_CHANNELS]:
        key = f"n_signal_eps1_{ch}"
        if key in cols:
            cols[f"epsilon_{ch}"] = _eps(cols[key], s_up)
        else:
            cols[f"epsilon_{ch}"] = np.full(n_points, np.nan)
    cols["epsilon_combined"] = _eps(total, s_up)
    efficiency: float | dict[str, list[float]] = exp.efficiency if exp.efficiency is not None \
        else {"masses_gev": list(exp.efficiency_masses_gev),
              "values": list(exp.efficiency_values)}
    material = exp.material
    meta = {"beam": exp.beam, "energy_gev": exp.energy_gev, "target": material.symbol,
            "target_Z": material.Z, "thickness_cm": exp.thickness_cm,
            "leptons_on_target": exp.leptons_on_target,
            "cl": confidence, "s_up": s_up, "method": method, "model": model,
            "precision": precision, "seed": seed, "background": exp.background,
            "background_uncertainty": exp.background_uncertainty,
            "efficiency": efficiency, "channels": channels,
            "energy_loss": exp.energy_loss, "form_factor": form,
            "transport": exp.transport}
    if exp.transport == "shower":
        meta["shower_nodes"] = exp.shower_nodes
        if shower is not None:
            meta["shower_beta"] = shower.rule.beta
            rel = np.divide(shower.quad_error_pb, shower.sigma_pb,
                            out=np.zeros(n_points), where=shower.sigma_pb > 0)
            meta["shower_quad_error_rel_max"] = float(np.max(rel, initial=0.0))
    return ReachTable(experiment=exp.name, columns=cols, meta=meta)


def _check_options(method: str, model: str, precision: float, seed: int | None,
                   energy_loss: bool | None) -> tuple[float, int | None]:
    """Validate the options of :func:`reach` before any work; (precision, seed)."""
    precision = check_method(method, model, precision)
    if energy_loss is not None:
        validation.flag("energy_loss", energy_loss)
    return precision, validation.seed(seed)


def _eps(n: np.ndarray, s_up: float) -> np.ndarray:
    out = np.asarray(epsilon_limit(n, s_up), dtype=float)
    return np.where(np.isfinite(out), out, np.nan)


def _brem_cross_sections(exp: Experiment, masses: np.ndarray, method: str, model: str,
                         precision: float, seed: int | None, form_factor: str,
                         evaluator: Evaluator) -> tuple[np.ndarray, np.ndarray]:
    """σ(x_min, x_max) at ε = 1 for each open mass; 0 where the channel is closed."""
    sigma = np.zeros(len(masses))
    err = np.zeros(len(masses))
    jobs, index = [], []
    for i, mass in enumerate(masses):
        proc = Process.make(exp.beam, exp.energy_gev, exp.material, float(mass), model=None)
        if not proc.is_open(model):
            continue  # threshold (2m, or m_A' for a dark photon) above E − m_l: closed
        lo, hi = x_limits(proc, exp.x_min, exp.x_max, model)
        if lo >= hi:
            continue  # the signal window is kinematically closed at this mass
        jobs.append(CrossSectionJob.make(
            exp.beam, exp.energy_gev, exp.material, float(mass), exp.x_min, exp.x_max,
            method=method, model=model, precision=precision, seed=seed,
            form_factor=form_factor))
        index.append(i)
    results = evaluator(jobs)
    for i, r in zip(index, results, strict=True):
        sigma[i], err[i] = r.sigma_pb, r.error_pb
    return sigma, err
