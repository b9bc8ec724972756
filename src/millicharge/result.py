"""Result objects: every Monte Carlo number carries its error and its inputs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = ["CrossSection", "Spectrum"]


@dataclass(frozen=True)
class CrossSection:
    """σ(x_min ≤ x ≤ x_max) in pb, with its Monte Carlo error.

    ``chi2_dof`` and ``n_eval`` describe the VEGAS run (``nan``/0 for a deterministic
    quadrature such as WW). ``epsilon`` has already been applied (σ ∝ ε²). ``wall_s``
    is the wall time of the original computation (kept in the cache, so a cached result
    reports it too) and ``cached`` says whether this result was read from the cache;
    neither takes part in ``==``. ``form_factor`` is the atomic form factor used
    (``"elastic"``, paper Eq. 10, or ``"elastic+inelastic"``; :mod:`millicharge.formfactors`).
    """

    sigma_pb: float
    error_pb: float
    method: str
    beam: str
    energy_gev: float
    target: str
    mass_gev: float
    x_min: float
    x_max: float
    epsilon: float = 1.0
    chi2_dof: float = float("nan")
    Q: float = float("nan")
    n_eval: int = 0
    model: str = "mcp"
    seed: int | None = None
    unit: str = "pb"
    form_factor: str = "elastic"
    wall_s: float = field(default=float("nan"), compare=False)
    cached: bool = field(default=False, compare=False)

    @property
    def relative_error(self) -> float:
        return self.error_pb / self.sigma_pb if self.sigma_pb else float("inf")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Spectrum:
    """dσ/dx at the points ``x`` in pb, with Monte Carlo errors, and the form factor used."""

    x: np.ndarray
    dsigma_dx_pb: np.ndarray
    error_pb: np.ndarray
    method: str
    beam: str
    energy_gev: float
    target: str
    mass_gev: float
    epsilon: float = 1.0
    model: str = "mcp"
    form_factor: str = "elastic"
    extra: dict = field(default_factory=dict)

    def rows(self) -> list[dict]:
        """One ``{x, dsigma_dx_pb, error_pb}`` dict per point."""
        return [
            {"x": float(x), "dsigma_dx_pb": float(v), "error_pb": float(e)}
            for x, v, e in zip(self.x, self.dsigma_dx_pb, self.error_pb, strict=True)
        ]
