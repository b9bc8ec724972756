"""The result of event generation: :class:`EventSample` (momenta, σ, unweighting statistics).

Made by :func:`millicharge.events.unweighting.generate_events`, written as LHE by
:func:`millicharge.events.lhe.write_lhe`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from millicharge.core.citations import cross_section_keys
from millicharge.core.results import csv_text, data_frame, fmt_error, html_fields, write_csv
from millicharge.core.vocab import Method

__all__ = ["EventSample"]


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
    seconds per stage. ``citations`` are the keys (in
    :data:`millicharge.core.citations.BIBTEX`) of what the sample rests on: the exact
    tree-level |M|² sampled with VEGAS, and the form factor used.
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
    def citations(self) -> tuple[str, ...]:
        """Reference keys of the paper's exact tree level, VEGAS (the events are drawn on
        its map) and the form factor, as for an ETL
        :class:`~millicharge.core.results.CrossSection`."""
        return cross_section_keys(Method.ETL, self.form_factor)

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
