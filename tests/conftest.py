"""Shared fixtures: physical event samples for amplitude-level checks."""

from __future__ import annotations

import numpy as np
import pytest

from millicharge.core.constants import M_E, M_MU
from millicharge.kinematics.phase_space import three_body_events
from millicharge.target.materials import get_material

CASES = {
    # beam energy, lepton mass, target, vector mass²
    "e8-Al": (8.0, M_E, "Al", 0.01**2),
    "mu160-Pb": (160.0, M_MU, "Pb", 0.2**2),
    "mu160-Pb-light": (160.0, M_MU, "Pb", 1e-6),
}


def make_events(case: str, n: int = 200, seed: int = 1, nucleus_mass: float | None = None):
    energy, m, target, s = CASES[case]
    rng = np.random.default_rng(seed)
    big_m = get_material(target).nucleus_mass if nucleus_mass is None else nucleus_mass
    x = rng.uniform(0.3, 0.99, n)
    u = rng.random((n, 3))
    ev = three_body_events(
        energy, m, big_m, x, np.full(n, s), u[:, 0], u[:, 1], 2 * np.pi * u[:, 2]
    )
    keep = ev.weight > 0
    from millicharge.kinematics.phase_space import Events

    return Events(**{f: getattr(ev, f)[keep] for f in ev.__dataclass_fields__}), m


@pytest.fixture(params=sorted(CASES))
def events(request):
    return make_events(request.param)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own empty result cache (never the user's)."""
    monkeypatch.setenv("MILLICHARGE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened (only where pyplot is in use)."""
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    before = set(plt.get_fignums()) if plt else set()
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        for num in set(plt.get_fignums()) - before:
            plt.close(num)
