"""Experiments: beam, statistics, target, cut, efficiency and background, read from TOML.

Shipped experiments live in ``data/experiments/*.toml`` (one file per experiment, every
line commented with its source); a user file with the same layout is loaded from a path.
Values for NA64μ and LDMX are those of the seed paper (Gninenko et al., "Probing
millicharged particles with NA64μ and LDMX", Sec. II).

File layout (all energies in GeV, lengths in cm, densities in g/cm³)::

    name = "NA64mu"                 # required, string
    description = "..."             # required, string
    references = ["..."]            # required, list of strings (or one string)
    beam = "mu"                     # "e" or "mu"
    energy_gev = 160.0              # > lepton mass
    leptons_on_target = 1e14        # LOT (MOT/EOT), > 0
    x_min = 0.5                     # 0 < x_min < x_max
    x_max = 1.0                     # optional, default 1; x_max <= 1
    channels = ["brem"]             # subset of brem, rho, omega, phi
    efficiency = 1.0                # optional, 0 < eff <= 1 (a constant), or instead a table:
    efficiency_masses_gev = [0.001, 0.1, 1.0]   #   masses (GeV, > 0, strictly increasing)
    efficiency_values = [0.5, 0.7, 0.6]         #   efficiency at each mass, 0 <= eff <= 1
    background = 0.0                # optional, expected events >= 0
    background_uncertainty = 0.0    # optional, absolute (events) >= 0; needs background > 0
    cl = 0.95                       # optional, 0 < cl < 1
    energy_loss = "none"            # optional: "none" (paper) or "mean" (muon beams only)
    dedx_gev_per_cm = 12.7e-3       # needed with energy_loss = "mean": mean dE/dx, GeV/cm
    depth_points = 6                # optional: Gauss-Legendre points in depth (1 ... 32)

    [target]
    material = "Pb"                 # symbol from data/materials.toml
    A = 207.0                       # optional overrides: Z, A, density, X0
    thickness_x0 = 40.0             # exactly one of thickness_x0, thickness_cm
    form_factor = "elastic"         # optional: "elastic" (paper Eq. 10) or "elastic+inelastic"
    transport = "thin"              # optional: "thin" (paper Eq. 4 at E0 over L_T) or "shower"
                                    #   (e- beams: the shower's e+-, millicharge.transport)
    shower_nodes = 8                # optional: energy nodes of the shower fold (even, 2 ... 32)

    [mesons]                        # optional; without it meson yields are computed
    source = "paper-eq7"            # "paper-eq7"/"typed" (yields below) or "computed"
    reference_lot = 2e16            # typed: the setup the yields hold for (paper Eq. 7);
    reference_energy_gev = 8.0      #   energy, material, thickness and x_min must match
    reference_material = "Al"       #   this experiment's (an InputError otherwise);
    reference_thickness_x0 = 0.4    #   N_V scales linearly with LOT (paper Eq. 5)
    reference_x_min = 0.7
    n_rho = 6e10
    # computed (paper Eqs. 5-6, millicharge.experiments.mesons): optional sigma0_ub_<V> (μb per
    # nucleon) and f_nuc_<V> replace the shipped photoproduction inputs

Target transport. ``"thin"`` (the default, the paper's idealisation): Eq. 4 with the beam
at E₀ through the whole target. ``"shower"``: an electron beam showers, and every e± of
the shower above x_min·E₀ can emit the signal; Eq. 4 is folded with the shower's e± track
length (Approximation A of cascade theory, Rossi & Greisen, Rev. Mod. Phys. 13 (1941) 240;
:mod:`millicharge.transport.shower`,
:func:`millicharge.experiments.thick_target.shower_cross_sections`). It needs
an electron beam (muons do not shower: ``energy_loss = "mean"`` is their thick-target
option) and the target's X₀.

Any problem raises :class:`~millicharge.core.errors.InputError` with a one-line message that
names the file, the field and what is allowed.

Detector response. The signal efficiency η multiplies every channel's yield (paper Eq. 4
for the bremsstrahlung-like channel, Eq. 8 for the mesons). It is either one number or a
table against the mass (m_χ, or m_A' for the dark photon): η(m) is interpolated linearly
in ln m between the points and held constant beyond the first and the last one
(:meth:`Experiment.efficiency_at`). The expected background b may carry an absolute
uncertainty σ_b, which the limit marginalises with a Gamma prior of mean b and standard
deviation σ_b (:func:`millicharge.limits.statistics.upper_limit`); σ_b = 0 is the plain Poisson
case.

    >>> exp = load_experiment("na64mu")
    >>> exp.beam, exp.energy_gev, f"{exp.leptons_on_target:.0e}"
    ('mu', 160.0, '1e+14')
    >>> round(exp.thickness_cm, 3)      # 40 X0 of Pb, X0 = 0.5612 cm
    22.448
    >>> load_experiment("ldmx").meson_yield("rho")
    60000000000.0
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from millicharge.core.constants import lepton_mass
from millicharge.core.errors import InputError
from millicharge.core.validation import ENERGY_MAX_GEV, show
from millicharge.target.formfactors import FORM_FACTORS, FormFactor
from millicharge.target.materials import Material, get_material

__all__ = [
    "CHANNELS",
    "ENERGY_LOSS_MODELS",
    "MESON_CHANNELS",
    "MESON_YIELD_SOURCES",
    "TRANSPORTS",
    "Experiment",
    "MesonYields",
    "experiment_from_dict",
    "experiment_names",
    "load_experiment",
]

CHANNELS = ("brem", "rho", "omega", "phi")
"""Signal channels: bremsstrahlung-like l N → l N χχ̄ (Eq. 4) and V → χχ̄ (Eqs. 5–8)."""
MESON_CHANNELS = ("rho", "omega", "phi")

_TOP_REQUIRED = (
    "name", "description", "references", "beam", "energy_gev", "leptons_on_target",
    "x_min", "channels", "target",
)
_TOP_OPTIONAL = ("x_max", "efficiency", "efficiency_masses_gev", "efficiency_values",
                 "background", "background_uncertainty", "cl", "mesons", "energy_loss",
                 "dedx_gev_per_cm", "depth_points")
ENERGY_LOSS_MODELS = ("none", "mean")
"""Muon energy loss in the target: neglected (the paper) or the mean continuous loss,
integrated over depth by :mod:`millicharge.experiments.thick_target`."""
TRANSPORTS = ("thin", "shower")
"""``[target] transport``: the beam keeps E₀ through the target (paper Eq. 4) or showers
(electron beams, :mod:`millicharge.transport.shower`)."""
SHOWER_NODES_MAX = 32
"""Most energy nodes of the shower fold. The weights are integrated with a 48-point Gauss
rule (:func:`millicharge.transport.shower.shower_rule`), exact up to 32 nodes; at 64 nodes they lose
accuracy (L_eff of NA64e off by 7·10⁻⁴, against 3·10⁻⁶ between 32 and 48 nodes)."""
_TARGET_KEYS = ("material", "Z", "A", "density", "X0", "thickness_cm", "thickness_x0",
                "form_factor", "transport", "shower_nodes")
_MESON_REFERENCE = ("reference_energy_gev", "reference_material", "reference_thickness_x0",
                    "reference_x_min")
_MESON_PHOTO = tuple(f"{k}_{m}" for k in ("sigma0_ub", "f_nuc") for m in ("rho", "omega", "phi"))
_MESON_KEYS = ("source", "reference_lot", "n_rho", "n_omega", "n_phi", *_MESON_REFERENCE,
               *_MESON_PHOTO)
MESON_YIELD_SOURCES = ("paper-eq7", "typed", "computed")
"""``[mesons] source``: yields typed for a reference setup (the paper's Eq. 7, or others) or
computed from the target (paper Eqs. 5-6, :mod:`millicharge.experiments.mesons`)."""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class MesonYields:
    """The ``[mesons]`` table: typed yields N_V for a reference setup, or computed ones.

    Typed (``source`` ``"paper-eq7"`` or ``"typed"``): N_V at ``reference_lot`` leptons on
    target (paper Eq. 7); N_V = LOT · f_brem · P_V (paper Eq. 5) is linear in LOT, so the
    yield for another LOT is N_V · LOT / ``reference_lot``. A meson with no yield is
    ``None``. The ``reference_*`` fields record the setup the yields hold for; an
    :class:`Experiment` refuses typed yields whose setup is not its own.
    Computed (``source = "computed"``): no yields; ``sigma0_ub`` and ``f_nuc`` ((meson,
    value) pairs) replace the shipped photoproduction inputs of paper Eq. 6.
    """

    reference_lot: float | None = None
    n_rho: float | None = None
    n_omega: float | None = None
    n_phi: float | None = None
    source: str = "typed"
    reference_energy_gev: float | None = None
    reference_material: str | None = None
    reference_thickness_x0: float | None = None
    reference_x_min: float | None = None
    sigma0_ub: tuple[tuple[str, float], ...] = ()
    f_nuc: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        if self.source not in MESON_YIELD_SOURCES:
            raise InputError(f"mesons.source must be one of {', '.join(MESON_YIELD_SOURCES)},"
                             f" got {self.source!r}")
        for name, pairs in (("sigma0_ub", self.sigma0_ub), ("f_nuc", self.f_nuc)):
            for meson, value in pairs:
                if meson not in MESON_CHANNELS or not (_is_number(value) and 0 < value < math.inf):
                    raise InputError(f"mesons.{name}_{meson} must be a positive number, "
                                     f"got {value!r}")
        if self.source == "computed":
            typed = [k for k in ("reference_lot", "n_rho", "n_omega", "n_phi", *_MESON_REFERENCE)
                     if getattr(self, k) is not None]
            if typed:
                raise InputError(f"mesons.{typed[0]} is for typed yields; with source ="
                                 " 'computed' N_V comes from paper Eqs. 5-6 (remove it)")
            return
        if self.sigma0_ub or self.f_nuc:
            key = "sigma0_ub" if self.sigma0_ub else "f_nuc"
            raise InputError(f"mesons.{key}_* is for source = 'computed'; typed yields"
                             f" ({self.source!r}) do not use it")
        if not (_is_number(self.reference_lot) and 0 < self.reference_lot < math.inf):
            raise InputError(
                f"mesons.reference_lot must be a positive number, got {self.reference_lot!r}"
            )
        for meson in MESON_CHANNELS:
            value = getattr(self, f"n_{meson}")
            if value is not None and not (_is_number(value) and 0 <= value < math.inf):
                raise InputError(
                    f"mesons.n_{meson} must be a number >= 0, got {value!r}"
                )
        for key in _MESON_REFERENCE:
            value = getattr(self, key)
            ok = isinstance(value, str) if key == "reference_material" else (
                _is_number(value) and 0 < value < math.inf)
            if value is not None and not ok:
                raise InputError(f"mesons.{key} must be a "
                                 f"{'string' if key == 'reference_material' else 'positive number'}"
                                 f", got {value!r}")

    def sigma0_ub_for(self, meson: str) -> float | None:
        """σ₀ (μb) given for ``meson`` (computed yields), or None."""
        return dict(self.sigma0_ub).get(meson)

    def f_nuc_for(self, meson: str) -> float | None:
        """f_nuc given for ``meson`` (computed yields), or None."""
        return dict(self.f_nuc).get(meson)

    def scaled(self, meson: str, leptons_on_target: float) -> float:
        """N_V for ``leptons_on_target`` (paper Eq. 5: N_V ∝ LOT).

        >>> MesonYields(2e16, n_rho=6e10).scaled("rho", 1e16)
        30000000000.0
        """
        if meson not in MESON_CHANNELS:
            raise InputError(f"unknown meson {meson!r}: allowed are {', '.join(MESON_CHANNELS)}")
        n = getattr(self, f"n_{meson}")
        if n is None or self.reference_lot is None:
            raise InputError(f"no yield n_{meson} given in [mesons]")
        return float(n) * leptons_on_target / self.reference_lot


@dataclass(frozen=True)
class Experiment:
    """A lepton fixed-target missing-energy experiment (paper Sec. II, Eq. 4).

    Energies in GeV, lengths in cm. ``thickness`` is in units of ``thickness_unit``
    (``"cm"`` or ``"X0"``); use :attr:`thickness_cm` for the length L_T of Eq. 4.
    ``target_overrides`` replaces Z, A, density or X0 of the shipped material.
    ``form_factor`` is the target's atomic form factor (``"elastic"`` or
    ``"elastic+inelastic"``, :mod:`millicharge.target.formfactors`). ``transport`` is ``"thin"``
    (paper Eq. 4) or ``"shower"`` (electron beams; ``shower_nodes`` energy nodes in the
    fold, module docstring).

    Detector response (module docstring): ``efficiency`` is a constant in (0, 1], or
    ``None`` when ``efficiency_masses_gev``/``efficiency_values`` give a table (use
    :meth:`efficiency_at`); ``background_uncertainty`` is the absolute uncertainty of
    ``background`` in events.
    """

    name: str
    description: str
    references: tuple[str, ...]
    beam: str
    energy_gev: float
    leptons_on_target: float
    target: str
    thickness: float
    thickness_unit: str
    x_min: float
    x_max: float = 1.0
    channels: tuple[str, ...] = ("brem",)
    efficiency: float | None = 1.0
    background: float = 0.0
    cl: float = 0.95
    target_overrides: tuple[tuple[str, float], ...] = ()
    mesons: MesonYields | None = None
    energy_loss: str = "none"
    dedx_gev_per_cm: float | None = None
    depth_points: int = 6
    form_factor: str = "elastic"
    efficiency_masses_gev: tuple[float, ...] = ()
    efficiency_values: tuple[float, ...] = ()
    background_uncertainty: float = 0.0
    transport: str = "thin"
    shower_nodes: int = 8
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.beam not in ("e", "mu"):
            raise InputError(f"beam must be 'e' or 'mu', got {self.beam!r}")
        _positive("energy_gev", self.energy_gev)
        if not lepton_mass(self.beam) < self.energy_gev <= ENERGY_MAX_GEV:
            raise InputError(
                f"energy_gev must exceed the {self.beam} mass {lepton_mass(self.beam):.6g} GeV"
                f" and be at most {ENERGY_MAX_GEV:g} GeV, got {self.energy_gev}"
            )
        _positive("leptons_on_target", self.leptons_on_target)
        if self.thickness_unit not in ("cm", "X0"):
            raise InputError(f"thickness_unit must be 'cm' or 'X0', got {self.thickness_unit!r}")
        _positive(f"target.thickness_{self.thickness_unit.lower()}", self.thickness)
        if not (_is_number(self.x_min) and 0.0 < self.x_min < 1.0):
            raise InputError(f"x_min must be a number in (0, 1), got {self.x_min!r}")
        if not (_is_number(self.x_max) and 0.0 < self.x_max <= 1.0):
            raise InputError(f"x_max must be a number in (0, 1], got {self.x_max!r}")
        if self.x_min >= self.x_max:
            raise InputError(
                f"x_min must be below x_max, got x_min={self.x_min} >= x_max={self.x_max}"
            )
        if not self.channels:
            raise InputError(f"channels must list at least one of {', '.join(CHANNELS)}")
        for channel in self.channels:
            if channel not in CHANNELS:
                raise InputError(
                    f"channels: unknown channel {channel!r}, allowed are {', '.join(CHANNELS)}"
                )
        if len(set(self.channels)) != len(self.channels):
            raise InputError(f"channels must not repeat a channel, got {list(self.channels)}")
        self._check_detector()
        self._check_form_factor()
        if not (_is_number(self.cl) and 0.0 < self.cl < 1.0):
            raise InputError(f"cl must be a number in (0, 1), got {self.cl!r}")
        material = self.material  # validates the symbol and the overrides
        if self.thickness_unit == "X0" and not math.isfinite(material.X0):
            raise InputError(
                f"target.thickness_x0 needs the radiation length X0 of {self.target!r}:"
                " give target.X0 (cm) or use thickness_cm"
            )
        if not math.isfinite(material.density):
            raise InputError(f"target.density of {self.target!r} is unknown: give it in g/cm^3")
        self._check_energy_loss()
        self._check_transport()
        self._check_mesons()

    def _check_mesons(self) -> None:
        """Meson channels: typed yields need their reference setup, and it must be ours.

        Typed yields (paper Eq. 7) hold for one beam energy, target and window; reusing them
        for another setup would be silently wrong, so it is refused (rescaling with the
        leptons on target is allowed). Without typed yields N_V is computed (paper Eqs. 5-6,
        :mod:`millicharge.experiments.mesons`), which needs an electron beam.
        """
        channels = self.meson_channels
        mesons = self.mesons
        if not channels:
            return
        if mesons is None or mesons.source == "computed":
            if self.beam != "e":
                raise InputError(
                    f"channels {list(channels)}: computed vector-meson yields (paper Eqs. 5-6)"
                    " are for electron beams (meson production by muons is negligible, paper"
                    " Sec. II); drop the meson channels or type yields in [mesons]")
            from millicharge.experiments.mesons import PHOTOPRODUCTION

            for meson in channels:
                given = mesons.sigma0_ub_for(meson) if mesons is not None else None
                if given is None and PHOTOPRODUCTION[meson].sigma0_ub is None:
                    raise InputError(
                        f"channel {meson!r}: no photoproduction cross section for {meson!r} is"
                        f" shipped; give mesons.sigma0_ub_{meson} (μb per nucleon, with its"
                        f" source) for computed yields, or drop {meson!r} from channels")
            return
        for meson in channels:
            if getattr(mesons, f"n_{meson}") is None:
                raise InputError(
                    f"channel {meson!r} needs mesons.n_{meson} and mesons.reference_lot"
                    " (or mesons.source = 'computed')"
                )
        missing = [k for k in _MESON_REFERENCE if getattr(mesons, k) is None]
        if missing:
            raise InputError(
                f"typed meson yields need the setup they hold for: mesons.{missing[0]} is"
                f" missing (give all of {', '.join(_MESON_REFERENCE)}), or set"
                " mesons.source = 'computed'")
        ref = (mesons.reference_energy_gev, mesons.reference_material,
               mesons.reference_thickness_x0, mesons.reference_x_min)
        ours = (self.energy_gev, self.target, self.thickness_x0, self.x_min)
        same = (math.isclose(ref[0], ours[0], rel_tol=1e-6) and ref[1] == ours[1]
                and math.isclose(ref[2], ours[2], rel_tol=1e-3)
                and math.isclose(ref[3], ours[3], rel_tol=1e-6))
        if not same:
            raise InputError(
                f"[mesons] yields were typed for {ref[0]:g} GeV on {ref[1]} {ref[2]:g} X0 with"
                f" x_min = {ref[3]:g}, but this experiment is {ours[0]:g} GeV on {ours[1]}"
                f" {ours[2]:.4g} X0 with x_min = {ours[3]:g}: set mesons.source = 'computed'"
                " (paper Eqs. 5-6) and remove the typed yields, or type yields for this setup")

    def _check_form_factor(self) -> None:
        if self.form_factor not in FORM_FACTORS:
            raise InputError(f"target.form_factor must be one of "
                             f"{', '.join(repr(f) for f in FORM_FACTORS)}, got "
                             f"{show(self.form_factor)}")
        object.__setattr__(self, "form_factor", str(FormFactor(self.form_factor)))

    def _check_detector(self) -> None:
        """Validate the efficiency (constant or table) and the background and its
        uncertainty; a table is stored as tuples of floats and ``efficiency`` as None."""
        masses, values = self.efficiency_masses_gev, self.efficiency_values
        if masses == () and values == ():
            if not (_is_number(self.efficiency) and 0.0 < self.efficiency <= 1.0):
                raise InputError(f"efficiency must be a number in (0, 1], got "
                                 f"{show(self.efficiency)}")
        else:
            if self.efficiency not in (None, 1.0):
                raise InputError("give either efficiency (a constant) or efficiency_masses_gev"
                                 " with efficiency_values (a table), not both")
            masses = _number_tuple("efficiency_masses_gev", masses)
            values = _number_tuple("efficiency_values", values)
            if len(masses) != len(values):
                raise InputError(f"efficiency_masses_gev and efficiency_values must have the "
                                 f"same length, got {len(masses)} and {len(values)}")
            if len(masses) < 2:
                raise InputError("an efficiency table needs at least 2 points (one constant:"
                                 " use efficiency)")
            if not all(0.0 < m < math.inf for m in masses):
                raise InputError(f"efficiency_masses_gev must be positive masses in GeV, got "
                                 f"{show(list(masses))}")
            if not np.all(np.diff(masses) > 0):
                raise InputError(f"efficiency_masses_gev must be strictly increasing, got "
                                 f"{show(list(masses))}")
            if not all(0.0 <= v <= 1.0 for v in values):
                raise InputError(f"efficiency_values must each lie in [0, 1], got "
                                 f"{show(list(values))}")
            object.__setattr__(self, "efficiency_masses_gev", masses)
            object.__setattr__(self, "efficiency_values", values)
            object.__setattr__(self, "efficiency", None)
        if not (_is_number(self.background) and 0.0 <= self.background < math.inf):
            raise InputError(f"background must be a number >= 0, got {self.background!r}")
        sigma_b = self.background_uncertainty
        if not (_is_number(sigma_b) and 0.0 <= sigma_b < math.inf):
            raise InputError(f"background_uncertainty must be a number >= 0 (events), got "
                             f"{show(sigma_b)}")
        if sigma_b > 0 and self.background == 0:
            raise InputError("background_uncertainty > 0 needs background > 0 (the Gamma "
                             "prior of the background has mean background)")

    def efficiency_at(self, mass: ArrayLike) -> NDArray[np.float64] | float:
        """Signal efficiency η at ``mass`` (GeV; a number or an array).

        The constant ``efficiency``, or the table interpolated linearly in ln m and held
        constant beyond its ends (a mass ≤ 0 takes the first value).

        >>> exp = dataclasses.replace(load_experiment("na64mu"), efficiency=None,
        ...     efficiency_masses_gev=(0.01, 1.0), efficiency_values=(0.4, 0.8))
        >>> round(exp.efficiency_at(0.1), 12), exp.efficiency_at([0.001, 10.0]).tolist()
        (0.6, [0.4, 0.8])
        """
        m = np.asarray(mass, dtype=float)
        if self.efficiency is not None:
            eta = np.full(m.shape, float(self.efficiency))
        else:
            log_m = np.log(np.where(m > 0, m, self.efficiency_masses_gev[0]))
            eta = np.interp(log_m, np.log(self.efficiency_masses_gev),
                            np.asarray(self.efficiency_values, dtype=float))
        return float(eta) if eta.ndim == 0 else eta

    def _check_energy_loss(self) -> None:
        """Validate energy_loss, dedx_gev_per_cm and depth_points (thick-target option)."""
        if self.energy_loss not in ENERGY_LOSS_MODELS:
            raise InputError(
                f"energy_loss must be one of {', '.join(ENERGY_LOSS_MODELS)},"
                f" got {self.energy_loss!r}"
            )
        if isinstance(self.depth_points, bool) or not isinstance(self.depth_points, int) \
                or not 1 <= self.depth_points <= 32:
            raise InputError(f"depth_points must be an integer in 1 ... 32, got "
                             f"{self.depth_points!r}")
        if self.energy_loss == "none":
            if self.dedx_gev_per_cm is not None:
                _positive("dedx_gev_per_cm", self.dedx_gev_per_cm)
            return
        if self.beam != "mu":
            raise InputError(
                "energy_loss = 'mean' is for muon beams only: electrons lose energy by"
                " bremsstrahlung showers, which a mean dE/dx does not describe"
            )
        if self.dedx_gev_per_cm is None:
            raise InputError("energy_loss = 'mean' needs dedx_gev_per_cm (GeV/cm, > 0)")
        _positive("dedx_gev_per_cm", self.dedx_gev_per_cm)
        loss = self.dedx_gev_per_cm * self.thickness_cm
        if loss >= 0.5 * self.energy_gev:
            raise InputError(
                f"mean energy loss through the target, dedx_gev_per_cm x L_T = {loss:.4g} GeV,"
                f" must stay below half the beam energy ({0.5 * self.energy_gev:.4g} GeV)"
            )

    def _check_transport(self) -> None:
        """Validate transport and shower_nodes: the shower is for electron beams with a
        known X₀, a thickness and a window the fold can take (:func:`shower_rule`)."""
        if not isinstance(self.transport, str) or self.transport not in TRANSPORTS:
            allowed = ", ".join(repr(t) for t in TRANSPORTS)
            raise InputError(f"target.transport must be one of {allowed}, got "
                             f"{show(self.transport)}")
        nodes = self.shower_nodes
        if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes % 2 \
                or not 2 <= nodes <= SHOWER_NODES_MAX:
            raise InputError(f"target.shower_nodes must be an even integer from 2 to "
                             f"{SHOWER_NODES_MAX}, got {show(nodes)}")
        if self.transport == "thin":
            return
        if self.beam != "e":
            raise InputError(
                "target.transport = 'shower' is for electron beams: muons do not shower"
                " (for a muon's loss in a thick target use energy_loss = 'mean')")
        if self.energy_loss != "none":
            raise InputError("target.transport = 'shower' cannot be combined with energy_loss"
                             f" = {self.energy_loss!r} (the shower already degrades the beam)")
        if not math.isfinite(self.material.X0):
            raise InputError(f"target.transport = 'shower' needs the radiation length X0 of "
                             f"{self.target!r}: give target.X0 (cm)")
        from millicharge.transport.shower import FRACTION_MIN, THICKNESS_MAX

        if self.thickness_x0 > THICKNESS_MAX:
            raise InputError(f"target.transport = 'shower' takes targets up to "
                             f"{THICKNESS_MAX:g} X0, got {self.thickness_x0:.4g} X0")
        if not FRACTION_MIN <= self.x_min <= 0.999:
            raise InputError(f"target.transport = 'shower' needs x_min in [{FRACTION_MIN:g}, "
                             f"0.999], got {self.x_min!r}")

    @property
    def material(self) -> Material:
        """The target :class:`~millicharge.target.materials.Material`, overrides applied."""
        base = get_material(self.target)
        if not self.target_overrides:
            return base
        return dataclasses.replace(base, **dict(self.target_overrides))

    @property
    def thickness_cm(self) -> float:
        """Target length L_T in cm (paper Eq. 4)."""
        if self.thickness_unit == "cm":
            return float(self.thickness)
        return float(self.thickness) * self.material.X0

    @property
    def thickness_x0(self) -> float:
        """Target length in radiation lengths."""
        if self.thickness_unit == "X0":
            return float(self.thickness)
        return float(self.thickness) / self.material.X0

    @property
    def meson_channels(self) -> tuple[str, ...]:
        """The vector-meson channels among :attr:`channels`."""
        return tuple(c for c in self.channels if c in MESON_CHANNELS)

    def meson_yield(self, meson: str) -> float:
        """N_V for this experiment's LOT: typed (paper Eq. 7, linear in LOT) or computed
        (paper Eqs. 5-6); see :func:`millicharge.experiments.mesons.meson_yield`."""
        from millicharge.experiments.mesons import meson_yield

        return meson_yield(self, meson)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the inputs and the derived target quantities, for listings/JSON."""
        mat = self.material
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "references": list(self.references),
            "beam": self.beam,
            "energy_gev": self.energy_gev,
            "leptons_on_target": self.leptons_on_target,
            "target": {
                "material": self.target,
                "Z": mat.Z,
                "A": mat.A,
                "density": mat.density,
                "X0": mat.X0,
                "thickness_cm": self.thickness_cm,
                "thickness_x0": self.thickness_x0,
                "form_factor": self.form_factor,
                "transport": self.transport,
                "shower_nodes": self.shower_nodes,
            },
            "x_min": self.x_min,
            "x_max": self.x_max,
            "channels": list(self.channels),
            "efficiency": self.efficiency,
            "background": self.background,
            "background_uncertainty": self.background_uncertainty,
            "cl": self.cl,
            "energy_loss": self.energy_loss,
            "dedx_gev_per_cm": self.dedx_gev_per_cm,
            "depth_points": self.depth_points,
            "source": self.source,
        }
        if self.efficiency is None:
            out["efficiency_masses_gev"] = list(self.efficiency_masses_gev)
            out["efficiency_values"] = list(self.efficiency_values)
        if self.mesons is not None:
            out["mesons"] = dataclasses.asdict(self.mesons)
        elif self.meson_channels:
            out["mesons"] = {"source": "computed"}
        return out


def _positive(name: str, value: object) -> None:
    if not (_is_number(value) and 0.0 < value < math.inf):  # type: ignore[operator]
        raise InputError(f"{name} must be a positive number, got {value!r}")


def _number_tuple(name: str, value: object) -> tuple[float, ...]:
    """A list/tuple of finite numbers as a tuple of floats, else a one-line InputError."""
    if not (isinstance(value, list | tuple) and all(_is_number(v) for v in value)
            and all(math.isfinite(v) for v in value)):
        raise InputError(f"{name} must be a list of finite numbers, got {show(value)}")
    return tuple(float(v) for v in value)


def _check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise InputError(f"unknown key '{where}{key}': allowed are {', '.join(allowed)}")


def _get(table: Mapping[str, Any], key: str, kind: str, where: str) -> Any:
    value = table[key]
    ok = {
        "str": isinstance(value, str),
        "number": _is_number(value),
        "table": isinstance(value, Mapping),
    }[kind]
    if not ok:
        raise InputError(f"{where}{key} must be a {kind}, got {value!r}")
    return float(value) if kind == "number" else value


def _string_list(value: Any, field_name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(f"{field_name} must be a string or a list of strings, got {value!r}")


def experiment_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Experiment:
    """Validate a parsed TOML table and build an :class:`Experiment`.

    Every error message starts with ``source`` (the file name).
    """
    try:
        return _from_dict(data, source)
    except InputError as err:
        raise InputError(f"{source}: {err}") from None


def _from_dict(data: Mapping[str, Any], source: str) -> Experiment:
    _check_keys(data, _TOP_REQUIRED + _TOP_OPTIONAL, "")
    for key in _TOP_REQUIRED:
        if key not in data:
            raise InputError(f"missing required field {key!r}")
    target = _get(data, "target", "table", "")
    _check_keys(target, _TARGET_KEYS, "target.")
    if "material" not in target:
        raise InputError("missing required field 'target.material' (a symbol such as 'Pb')")
    thick = [k for k in ("thickness_cm", "thickness_x0") if k in target]
    if len(thick) != 1:
        raise InputError(
            "target needs exactly one of thickness_cm and thickness_x0, got "
            + (" and ".join(thick) if thick else "neither")
        )
    overrides = []
    for key in ("Z", "A", "density", "X0"):
        if key in target:
            value = _get(target, key, "number", "target.")
            overrides.append((key, int(value) if key == "Z" and value.is_integer() else value))
    mesons = None
    if "mesons" in data:
        table = _get(data, "mesons", "table", "")
        _check_keys(table, _MESON_KEYS, "mesons.")
        kinds = {"source": "str", "reference_material": "str"}
        values = {k: _get(table, k, kinds.get(k, "number"), "mesons.")
                  for k in _MESON_KEYS if k in table}
        typed = any(k in values for k in ("n_rho", "n_omega", "n_phi"))
        values.setdefault("source", "typed" if typed else "computed")
        if values["source"] != "computed" and "reference_lot" not in table:
            raise InputError("missing required field 'mesons.reference_lot'")
        photo = {name: tuple((k.rsplit("_", 1)[1], values.pop(k)) for k in _MESON_PHOTO
                             if k.startswith(name) and k in values)
                 for name in ("sigma0_ub", "f_nuc")}
        mesons = MesonYields(**values, **photo)
    optional: dict[str, Any] = {
        k: _get(data, k, "number", "") for k in ("x_max", "efficiency", "background", "cl",
                                                 "dedx_gev_per_cm", "background_uncertainty")
        if k in data
    }
    table_keys = [k for k in ("efficiency_masses_gev", "efficiency_values") if k in data]
    if table_keys:
        if "efficiency" in data:
            raise InputError("give either efficiency (a constant) or efficiency_masses_gev "
                             "with efficiency_values (a table), not both")
        if len(table_keys) == 1:
            raise InputError("an efficiency table needs both efficiency_masses_gev and "
                             "efficiency_values")
        optional["efficiency"] = None
        for k in table_keys:
            optional[k] = _number_tuple(k, data[k])
    if "form_factor" in target:
        optional["form_factor"] = _get(target, "form_factor", "str", "target.")
    if "energy_loss" in data:
        optional["energy_loss"] = _get(data, "energy_loss", "str", "")
    if "transport" in target:
        optional["transport"] = _get(target, "transport", "str", "target.")
    if "shower_nodes" in target:
        nodes = target["shower_nodes"]
        if isinstance(nodes, bool) or not isinstance(nodes, int):
            raise InputError(f"target.shower_nodes must be an even integer from 2 to "
                             f"{SHOWER_NODES_MAX}, got {nodes!r}")
        optional["shower_nodes"] = nodes
    if "depth_points" in data:
        points = data["depth_points"]
        if isinstance(points, bool) or not isinstance(points, int):
            raise InputError(f"depth_points must be an integer in 1 ... 32, got {points!r}")
        optional["depth_points"] = points
    channels = data["channels"]
    if not (isinstance(channels, list) and all(isinstance(c, str) for c in channels)):
        raise InputError(
            f"channels must be a list of strings from {', '.join(CHANNELS)}, got {channels!r}"
        )
    return Experiment(
        name=_get(data, "name", "str", ""),
        description=_get(data, "description", "str", ""),
        references=_string_list(data["references"], "references"),
        beam=_get(data, "beam", "str", ""),
        energy_gev=_get(data, "energy_gev", "number", ""),
        leptons_on_target=_get(data, "leptons_on_target", "number", ""),
        target=_get(target, "material", "str", "target."),
        thickness=_get(target, thick[0], "number", "target."),
        thickness_unit="cm" if thick[0] == "thickness_cm" else "X0",
        x_min=_get(data, "x_min", "number", ""),
        channels=tuple(channels),
        target_overrides=tuple(overrides),
        mesons=mesons,
        source=source,
        **optional,
    )


def _experiments_dir() -> Any:
    return resources.files("millicharge.data").joinpath("experiments")


@cache
def experiment_names() -> list[str]:
    """Names (file stems) of the shipped experiments, e.g. ``['ldmx', 'na64mu', ...]``."""
    return sorted(
        p.name[: -len(".toml")] for p in _experiments_dir().iterdir() if p.name.endswith(".toml")
    )


def _parse(text: str, source: str) -> Experiment:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{source}: TOML syntax error: {err}") from None
    return experiment_from_dict(data, source)


def load_experiment(name_or_path: str | Path) -> Experiment:
    """A shipped experiment by name (case-insensitive) or a user TOML file by path.

    A string is taken as a path when it ends in ``.toml`` or names an existing file.

    >>> load_experiment("LDMX").x_min
    0.7
    """
    if not isinstance(name_or_path, str | Path):
        raise InputError(
            f"experiment must be a shipped name, the path of a .toml file or an Experiment, "
            f"got {show(name_or_path)}"
        )
    path = Path(name_or_path)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        is_file = False
    if isinstance(name_or_path, Path) or str(name_or_path).endswith(".toml") or is_file:
        if not is_file:
            raise InputError(f"experiment file {str(path)!r} not found")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"cannot read experiment file {str(path)!r}: {err}") from None
        return _parse(text, str(path))
    key = str(name_or_path).lower()
    if key not in experiment_names():
        raise InputError(
            f"unknown experiment {show(str(name_or_path))}: shipped are "
            f"{', '.join(experiment_names())} (or give the path of a .toml file)"
        )
    text = _experiments_dir().joinpath(f"{key}.toml").read_text(encoding="utf-8")
    return _parse(text, f"{key}.toml")
