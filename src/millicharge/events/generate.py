"""Signal event generation, as one import: unweighting (:mod:`millicharge.events.unweighting`),
the sample (:mod:`millicharge.events.sample`) and the Les Houches writer
(:mod:`millicharge.events.lhe`).

    generate_events(experiment, mass, n_events, *, model="mcp", epsilon=1.0,
                    x_min=None, x_max=None, precision=None, seed=0, neval=20_000,
                    train_iterations=10, prerun_passes=5, max_truncation=1e-4,
                    form_factor=None) -> EventSample
    write_lhe(sample, path) -> Path
"""

from __future__ import annotations

from millicharge.events.lhe import (
    CHI_PDG,
    DARK_PHOTON_PDG,
    LEPTON_PDG,
    LHE_SUFFIXES,
    nucleus_pdg,
    write_lhe,
)
from millicharge.events.sample import EventSample
from millicharge.events.unweighting import MAX_EVENTS, generate_events

__all__ = [
    "CHI_PDG",
    "DARK_PHOTON_PDG",
    "LEPTON_PDG",
    "LHE_SUFFIXES",
    "MAX_EVENTS",
    "EventSample",
    "generate_events",
    "nucleus_pdg",
    "write_lhe",
]
