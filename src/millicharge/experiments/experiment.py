"""The :class:`Experiment` type: a lepton fixed-target missing-energy experiment.

Its attributes are validated by the schema (:data:`millicharge.experiments.schema.FIELDS`:
ranges and vocabularies) and by the checks below that tie several attributes together,
run in the order of :data:`CHECKS`. The file layout, the detector response and the target
transport are described in :mod:`millicharge.experiments.config`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from millicharge.core.constants import lepton_mass
from millicharge.core.errors import InputError
from millicharge.core.validation import ENERGY_MAX_GEV, show
from millicharge.core.vocab import Beam, Channel, EnergyLoss, MesonSource, Transport, choices
from millicharge.experiments.meson_table import MESON_REFERENCE, MesonYields
from millicharge.experiments.schema import check, check_rules, default
from millicharge.target.formfactors import FormFactor
from millicharge.target.materials import Material, get_material

if TYPE_CHECKING:
    from millicharge.transport.shower import Cascade

__all__ = ["CHECKS", "Experiment"]

_CHANNELS = choices(Channel)


@dataclass(frozen=True)
class Experiment:
    """A lepton fixed-target missing-energy experiment (paper Sec. II, Eq. 4).

    Energies in GeV, lengths in cm. ``thickness`` is in units of ``thickness_unit``
    (``"cm"`` or ``"X0"``); use :attr:`thickness_cm` for the length L_T of Eq. 4.
    ``target_overrides`` replaces Z, A, density or X0 of the shipped material.
    ``form_factor`` is the target's atomic form factor (``"elastic"`` or
    ``"elastic+inelastic"``, :mod:`millicharge.target.formfactors`). ``transport`` is ``"thin"``
    (paper Eq. 4) or ``"shower"`` (electron beams; ``shower_nodes`` energy nodes in the
    fold, :mod:`millicharge.experiments.config`).

    Detector response: ``efficiency`` is a constant in (0, 1], or ``None`` when
    ``efficiency_masses_gev``/``efficiency_values`` give a table (use
    :meth:`efficiency_at`); ``background_uncertainty`` is the absolute uncertainty of
    ``background`` in events. Vocabulary attributes (beam, channels, energy_loss,
    form_factor, transport) accept the strings or the :mod:`millicharge.core.vocab` members
    and are stored as plain strings.
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
    x_max: float = default("x_max")
    channels: tuple[str, ...] = ("brem",)
    efficiency: float | None = default("efficiency")
    background: float = default("background")
    cl: float = default("cl")
    target_overrides: tuple[tuple[str, float], ...] = ()
    mesons: MesonYields | None = None
    energy_loss: str = default("energy_loss")
    dedx_gev_per_cm: float | None = default("dedx_gev_per_cm")
    depth_points: int = default("depth_points")
    form_factor: str = default("target.form_factor")
    efficiency_masses_gev: tuple[float, ...] = default("efficiency_masses_gev")
    efficiency_values: tuple[float, ...] = default("efficiency_values")
    background_uncertainty: float = default("background_uncertainty")
    transport: str = default("target.transport")
    shower_nodes: int = default("target.shower_nodes")
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for check_one in CHECKS:
            check_one(self)

    @property
    def material(self) -> Material:
        """The target :class:`~millicharge.target.materials.Material`, overrides applied."""
        base = get_material(self.target)
        if not self.target_overrides:
            return base
        overrides: dict[str, Any] = dict(self.target_overrides)
        return dataclasses.replace(base, **overrides)

    @property
    def cascade(self) -> Cascade:
        """The target's cascade (Approximation A with β of its Z, Tsai 1974 Eq. 3.83;
        :meth:`millicharge.transport.shower.Cascade.for_element`): the one place that maps
        an experiment to the spectra of its shower, used by the e± transport and by the
        photon count of the vector-meson yields alike."""
        from millicharge.transport.shower import Cascade

        return Cascade.for_element(self.material.Z)

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
        return tuple(c for c in self.channels if Channel(c).is_meson)

    def meson_yield(self, meson: str) -> float:
        """N_V for this experiment's LOT: typed (paper Eq. 7, linear in LOT) or computed
        (paper Eqs. 5-6); see :func:`millicharge.experiments.mesons.meson_yield`."""
        from millicharge.experiments.mesons import meson_yield

        return meson_yield(self, meson)

    def efficiency_at(self, mass: ArrayLike) -> NDArray[np.float64] | float:
        """Signal efficiency η at ``mass`` (GeV; a number or an array).

        The constant ``efficiency``, or the table interpolated linearly in ln m and held
        constant beyond its ends (a mass ≤ 0 takes the first value).

        >>> from millicharge.experiments.config import load_experiment
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

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the inputs and the derived target quantities, for listings/JSON."""
        mat = self.material
        target = {"material": self.target, "Z": mat.Z, "A": mat.A, "density": mat.density,
                  "X0": mat.X0, "thickness_cm": self.thickness_cm,
                  "thickness_x0": self.thickness_x0, "form_factor": self.form_factor,
                  "transport": self.transport, "shower_nodes": self.shower_nodes}
        out: dict[str, Any] = {
            "name": self.name, "description": self.description,
            "references": list(self.references), "beam": self.beam,
            "energy_gev": self.energy_gev, "leptons_on_target": self.leptons_on_target,
            "target": target, "x_min": self.x_min, "x_max": self.x_max,
            "channels": list(self.channels), "efficiency": self.efficiency,
            "background": self.background,
            "background_uncertainty": self.background_uncertainty, "cl": self.cl,
            "energy_loss": self.energy_loss, "dedx_gev_per_cm": self.dedx_gev_per_cm,
            "depth_points": self.depth_points, "source": self.source,
        }
        if self.efficiency is None:
            out["efficiency_masses_gev"] = list(self.efficiency_masses_gev)
            out["efficiency_values"] = list(self.efficiency_values)
        if self.mesons is not None:
            out["mesons"] = dataclasses.asdict(self.mesons)
        elif self.meson_channels:
            out["mesons"] = {"source": "computed"}
        return out


def _set(exp: Experiment, name: str, value: object) -> None:
    object.__setattr__(exp, name, value)


def _check_fields(exp: Experiment) -> None:
    """The schema's rule of every field (ranges, vocabularies); vocabulary members are
    stored as their strings."""
    check_rules(exp, "")
    check_rules(exp, "target")
    for name, kind in (("beam", Beam), ("energy_loss", EnergyLoss),
                       ("form_factor", FormFactor), ("transport", Transport)):
        _set(exp, name, str(kind(getattr(exp, name))))


def _check_beam_energy(exp: Experiment) -> None:
    mass = lepton_mass(exp.beam)
    if not mass < exp.energy_gev <= ENERGY_MAX_GEV:
        raise InputError(
            f"energy_gev must exceed the {exp.beam} mass {mass:.6g} GeV"
            f" and be at most {ENERGY_MAX_GEV:g} GeV, got {exp.energy_gev}")


def _check_thickness(exp: Experiment) -> None:
    if exp.thickness_unit not in ("cm", "X0"):
        raise InputError(f"thickness_unit must be 'cm' or 'X0', got {exp.thickness_unit!r}")
    check(f"target.thickness_{exp.thickness_unit.lower()}", exp.thickness)


def _check_window(exp: Experiment) -> None:
    if exp.x_min >= exp.x_max:
        raise InputError(
            f"x_min must be below x_max, got x_min={exp.x_min} >= x_max={exp.x_max}")


def _check_channels(exp: Experiment) -> None:
    if not exp.channels:
        raise InputError(f"channels must list at least one of {', '.join(_CHANNELS)}")
    for channel in exp.channels:
        if channel not in _CHANNELS:
            raise InputError(
                f"channels: unknown channel {channel!r}, allowed are {', '.join(_CHANNELS)}")
    if len(set(exp.channels)) != len(exp.channels):
        raise InputError(f"channels must not repeat a channel, got {list(exp.channels)}")
    _set(exp, "channels", tuple(str(Channel(c)) for c in exp.channels))


def _check_detector(exp: Experiment) -> None:
    """The efficiency (constant or table), the background and its uncertainty; a table is
    stored as tuples of floats and ``efficiency`` as None."""
    masses, values = exp.efficiency_masses_gev, exp.efficiency_values
    if masses == () and values == ():
        check("efficiency", exp.efficiency)
    else:
        if exp.efficiency not in (None, 1.0):
            raise InputError("give either efficiency (a constant) or efficiency_masses_gev"
                             " with efficiency_values (a table), not both")
        from millicharge.experiments.schema import field

        masses = field("efficiency_masses_gev").read(masses)
        values = field("efficiency_values").read(values)
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
        _set(exp, "efficiency_masses_gev", masses)
        _set(exp, "efficiency_values", values)
        _set(exp, "efficiency", None)
    if exp.background_uncertainty > 0 and exp.background == 0:
        raise InputError("background_uncertainty > 0 needs background > 0 (the Gamma "
                         "prior of the background has mean background)")


def _check_material(exp: Experiment) -> None:
    material = exp.material  # validates the symbol and the overrides
    _check_overrides_match(exp)
    if exp.thickness_unit == "X0" and not math.isfinite(material.X0):
        raise InputError(f"target.thickness_x0 needs the radiation length X0 of "
                         f"{exp.target!r}: give target.X0 (cm) or use thickness_cm")
    if not math.isfinite(material.density):
        raise InputError(f"target.density of {exp.target!r} is unknown: give it in g/cm^3")


def _check_overrides_match(exp: Experiment) -> None:
    """Overrides refine the named material; they may not turn it into another element.

    A copied file that keeps ``Z = 13, A = 27`` under ``material = "W"`` would otherwise
    compute aluminium silently: Z must be the material's, and A within 10 % of its A.
    """
    overrides = dict(exp.target_overrides)
    if not overrides:
        return
    base = get_material(exp.target)
    advice = ("overrides may only refine the same element (A, density, X0): drop them or "
              "change them together with the material")
    if "Z" in overrides and int(overrides["Z"]) != base.Z:
        raise InputError(f"target.Z = {overrides['Z']:g} contradicts material {exp.target!r} "
                         f"(Z = {base.Z}): {advice}")
    if "A" in overrides and abs(overrides["A"] / base.A - 1.0) > 0.1:
        raise InputError(f"target.A = {overrides['A']:g} contradicts material "
                         f"{exp.target!r} (A = {base.A:g}): {advice}")


def _check_energy_loss(exp: Experiment) -> None:
    """energy_loss, dedx_gev_per_cm and depth_points (the muon thick-target option)."""
    if exp.energy_loss == EnergyLoss.NONE:
        return
    if exp.beam != Beam.MUON:
        raise InputError("energy_loss = 'mean' is for muon beams only: electrons lose energy"
                         " by bremsstrahlung showers, which a mean dE/dx does not describe")
    if exp.dedx_gev_per_cm is None:
        raise InputError("energy_loss = 'mean' needs dedx_gev_per_cm (GeV/cm, > 0)")
    loss = exp.dedx_gev_per_cm * exp.thickness_cm
    if loss >= 0.5 * exp.energy_gev:
        raise InputError(
            f"mean energy loss through the target, dedx_gev_per_cm x L_T = {loss:.4g} GeV,"
            f" must stay below half the beam energy ({0.5 * exp.energy_gev:.4g} GeV)")


def _check_transport(exp: Experiment) -> None:
    """The shower is for electron beams with a known X₀, a thickness and a window the fold
    can take (:func:`millicharge.transport.shower.shower_rule`)."""
    if exp.transport == Transport.THIN:
        return
    if exp.beam != Beam.ELECTRON:
        raise InputError(
            "target.transport = 'shower' is for electron beams: muons do not shower"
            " (for a muon's loss in a thick target use energy_loss = 'mean')")
    if exp.energy_loss != EnergyLoss.NONE:
        raise InputError("target.transport = 'shower' cannot be combined with energy_loss"
                         f" = {exp.energy_loss!r} (the shower already degrades the beam)")
    if not math.isfinite(exp.material.X0):
        raise InputError(f"target.transport = 'shower' needs the radiation length X0 of "
                         f"{exp.target!r}: give target.X0 (cm)")
    from millicharge.transport.shower import FRACTION_MIN, THICKNESS_MAX

    if exp.thickness_x0 > THICKNESS_MAX:
        raise InputError(f"target.transport = 'shower' takes targets up to "
                         f"{THICKNESS_MAX:g} X0, got {exp.thickness_x0:.4g} X0")
    if not FRACTION_MIN <= exp.x_min <= 0.999:
        raise InputError(f"target.transport = 'shower' needs x_min in [{FRACTION_MIN:g}, "
                         f"0.999], got {exp.x_min!r}")


def _check_mesons(exp: Experiment) -> None:
    """Typed yields (paper Eq. 7) hold for one beam energy, target and window; reusing them
    for another setup would be silently wrong, so it is refused (rescaling with the leptons
    on target is allowed). Without typed yields N_V is computed (paper Eqs. 5-6,
    :mod:`millicharge.experiments.mesons`), which needs an electron beam."""
    channels, mesons = exp.meson_channels, exp.mesons
    if not channels:
        return
    if mesons is None or mesons.source == MesonSource.COMPUTED:
        if exp.beam != Beam.ELECTRON:
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
            raise InputError(f"channel {meson!r} needs mesons.n_{meson} and "
                             "mesons.reference_lot (or mesons.source = 'computed')")
    missing = [k for k in MESON_REFERENCE if getattr(mesons, k) is None]
    if missing:
        raise InputError(
            f"typed meson yields need the setup they hold for: mesons.{missing[0]} is"
            f" missing (give all of {', '.join(MESON_REFERENCE)}), or set"
            " mesons.source = 'computed'")
    ref = (mesons.reference_energy_gev, mesons.reference_material,
           mesons.reference_thickness_x0, mesons.reference_x_min)
    ours = (exp.energy_gev, exp.target, exp.thickness_x0, exp.x_min)
    same = (math.isclose(ref[0], ours[0], rel_tol=1e-6) and ref[1] == ours[1]  # type: ignore[arg-type]
            and math.isclose(ref[2], ours[2], rel_tol=1e-3)  # type: ignore[arg-type]
            and math.isclose(ref[3], ours[3], rel_tol=1e-6))  # type: ignore[arg-type]
    if not same:
        raise InputError(
            f"[mesons] yields were typed for {ref[0]:g} GeV on {ref[1]} {ref[2]:g} X0 with"
            f" x_min = {ref[3]:g}, but this experiment is {ours[0]:g} GeV on {ours[1]}"
            f" {ours[2]:.4g} X0 with x_min = {ours[3]:g}: set mesons.source = 'computed'"
            " (paper Eqs. 5-6) and remove the typed yields, or type yields for this setup")


CHECKS = (_check_fields, _check_beam_energy, _check_thickness, _check_window,
          _check_channels, _check_detector, _check_material,
          _check_energy_loss, _check_transport, _check_mesons)
"""The checks of an :class:`Experiment`, in order: the schema's per-field rules first,
then the checks that tie fields together."""
