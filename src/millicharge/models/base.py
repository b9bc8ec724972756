r"""What every physics model (mediator) of l N → l N + invisible knows about itself.

A model is the thing radiated by the beam lepton in the Coulomb field of the nucleus
(the paper's Fig. 1, arXiv:2505.04295): a virtual photon splitting into a millicharged
pair (:mod:`millicharge.models.mcp`) or an on-shell invisible dark photon
(:mod:`millicharge.models.dark_photon`). The cross-section engines ask the model, not its
name, for

* its **threshold** √s_min, the smallest invariant mass of the radiated system (2m_χ or
  m_A'), from which the smallest energy fraction x = √s_min / E follows
  (:func:`millicharge.kinematics.process.x_threshold`);
* whether that invariant mass is **integrated over** (:attr:`Model.integrates_mass`) and so
  which variables the exact tree-level integrand has (:attr:`Model.integration_variables`);
* its **spectral factor** dσ_{2→4}/ds per σ_{2→3}(m_V² = s) when it is (docs/physics.md §4);
* the **particles** an event file lists for it (:attr:`Model.lhe_particles`);
* its **labels**: the mass symbol of plot axes, the coupling's symbol and a title.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["BASE_INTEGRATION_VARIABLES", "LheParticle", "Model"]

BASE_INTEGRATION_VARIABLES: tuple[str, ...] = ("rho", "t", "phi")
"""The 2 → 3 phase-space variables every model shares after x (docs/physics.md §5.1):
ρ = 1 − cos θ_V, the momentum transfer t and the recoil azimuth φ."""


@dataclass(frozen=True)
class LheParticle:
    """One particle of the radiated system as an event file lists it (LHE, hep-ph/0609017).

    ``momentum`` names the event momentum (``"vector"`` for the radiated γ*/A', ``"chi"``,
    ``"chibar"``); ``status`` is ISTUP (1 final, 2 intermediate); ``parent`` is the index,
    in the model's :attr:`Model.lhe_particles`, of the particle it decays from (None: made
    in the hard process, mothers 1 and 2); ``mass`` says which mass the file writes:
    ``"pair"`` (the event's invariant mass √s) or ``"model"`` (the model's mass).
    """

    pdg: int
    status: int
    momentum: str
    mass: str
    parent: int | None = None
    name: str = ""


class Model(abc.ABC):
    """A mediator model. Subclasses set the class attributes and :meth:`threshold`.

    An instance compares equal to another instance of the same class and prints as its
    :attr:`name` (the string the API, TOML files and command line take).
    """

    name: ClassVar[str]
    """The model's string, e.g. ``"mcp"``."""
    order: ClassVar[int] = 100
    """Position in :data:`millicharge.models.MODELS` (smaller first; the default model 0)."""
    title: ClassVar[str]
    """Human title, e.g. ``"millicharged particle pair"``."""
    mass_label: ClassVar[str]
    """Mass symbol for plot axes (matplotlib mathtext), e.g. ``r"$m_\\chi$"``."""
    mass_text: ClassVar[str]
    """Mass symbol in plain text (file headers, messages), e.g. ``"m_chi"``."""
    coupling_label: ClassVar[str]
    """Coupling symbol for plot axes, e.g. ``r"$\\epsilon$"``."""
    coupling_text: ClassVar[str]
    """What ε means for this model, in words (file headers)."""
    threshold_name: ClassVar[str]
    """The threshold in words for messages, e.g. ``"pair threshold 2·m"``."""
    integrates_mass: ClassVar[bool]
    """True when the radiated invariant mass s is an integration variable (an off-shell
    γ* → pair), False when it is fixed (an on-shell mediator)."""
    decay_variables: ClassVar[tuple[str, ...]] = ()
    """Angles of the radiated system's decay, integrated in the direct 2 → 4 check and
    drawn for events (empty for an invisible on-shell mediator)."""
    lhe_particles: ClassVar[tuple[LheParticle, ...]]
    """The radiated system in event-file order (:class:`LheParticle`)."""

    @abc.abstractmethod
    def threshold(self, mass: float) -> float:
        """√s_min in GeV: the smallest invariant mass of the radiated system for ``mass``."""

    def spectral_factor(self, s: ArrayLike, mass: float) -> NDArray:
        """dσ_{2→4}/ds per σ_{2→3}(m_V² = s) at unit coupling, GeV⁻² (models that integrate s)."""
        raise NotImplementedError(f"model {self.name!r} has a fixed invariant mass")

    def spectral_factor_du(self, s: ArrayLike, mass: float, tanh_u: ArrayLike) -> NDArray:
        """:meth:`spectral_factor` times ds/du in the Weizsäcker–Williams engine's mass
        variable u, s = (2m)² cosh²u, so ds/du = 2s tanh u (:mod:`millicharge.xsec.ww`,
        which integrates pair-like models, threshold 2m, over u). A model may override it
        with the substitution made analytically (the millicharged pair does)."""
        s_arr = np.asarray(s, dtype=float)
        return self.spectral_factor(s_arr, mass) * 2.0 * s_arr * np.asarray(tanh_u, dtype=float)

    @property
    def integration_variables(self) -> tuple[str, ...]:
        """The model's variables of the exact tree-level integrand after x, in cube order."""
        return ("s",) * self.integrates_mass + BASE_INTEGRATION_VARIABLES

    @property
    def event_momenta(self) -> tuple[str, ...]:
        """The momenta an event of this model carries beyond the beam and the target."""
        return tuple(p.momentum for p in self.lhe_particles)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<model {self.name!r}: {self.title}>"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.name))
