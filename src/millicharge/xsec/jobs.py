"""One cross-section computation as data: its validated inputs, how to compute it, its key.

A :class:`CrossSectionJob` is the normalised, checked inputs of one σ(x_min ≤ x ≤ x_max)
(paper Eq. 4 at one mass); :meth:`CrossSectionJob.compute` evaluates it in this process and
touches neither the disk nor an executor. :meth:`CrossSectionJob.key_inputs` is the stable
dict a cache keys on (:mod:`millicharge.running.cache` adds the engine fingerprint), so
every runner and cache keys on the same thing. A :class:`SpectrumJob` is the same for
dσ/dx at a list of x, split into independent :class:`SpectrumPoint` integrals (ETL).

An :data:`Evaluator` turns jobs into results; the physics above this layer (thick targets,
the reach) takes one as an argument, so where and how the points run (serially, on worker
processes, on dask, through a cache: :mod:`millicharge.running`) is chosen by the caller.
:func:`evaluate_serially` is the default: each job computed here, one after the other.

    >>> job = CrossSectionJob.make("mu", 160, "Pb", 0.1, 0.5, method="ww")
    >>> job.key_inputs()["kind"], job.compute().method
    ('cross_section', 'ww')
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from millicharge.core import validation
from millicharge.core.errors import InputError
from millicharge.core.results import CrossSection, Spectrum
from millicharge.kinematics.process import (
    Process,
    check_model,
    closed_window_message,
    validate_x_range,
)
from millicharge.models import get_model
from millicharge.target.formfactors import FormFactor, check_form_factor
from millicharge.target.materials import Material
from millicharge.xsec import etl

__all__ = [
    "METHODS",
    "CrossSectionJob",
    "Evaluator",
    "SpectrumJob",
    "SpectrumPoint",
    "check_method",
    "check_options",
    "evaluate_serially",
]

METHODS = ("etl", "ww")


def check_method(method: str, model: str, precision: float) -> float:
    """Validate the engine options every computation takes; returns the precision."""
    if not isinstance(method, str) or method not in METHODS:
        raise InputError(f"unknown method {validation.show(method)}: allowed are 'etl' and 'ww'")
    check_model(model)
    precision = validation.real("precision", precision, "a number in (0, 1)")
    if not 0.0 < precision < 1.0:
        raise InputError(f"precision must lie in (0, 1) (relative Monte Carlo error), "
                         f"got {precision!r}")
    return precision


def check_options(method: str, model: str, precision: float, epsilon: float,
                  seed: int | None, form_factor: str = FormFactor.ELASTIC,
                  ) -> tuple[float, float, int | None, FormFactor]:
    """Validate the options shared by cross sections and spectra.

    ε must lie in :data:`~millicharge.core.validation.EPSILON_RANGE`: σ is computed at ε = 1
    and scaled by ε², which there can neither overflow nor underflow to 0.
    """
    precision = check_method(method, model, precision)
    eps_lo, eps_hi = validation.EPSILON_RANGE
    epsilon = validation.real("epsilon", epsilon, f"a number in [{eps_lo:g}, {eps_hi:g}]")
    if not eps_lo <= epsilon <= eps_hi:
        raise InputError(f"epsilon must lie in [{eps_lo:g}, {eps_hi:g}], got {epsilon!r}")
    return precision, epsilon, validation.seed(seed), check_form_factor(form_factor)


def _target_name(target: str | Material) -> str:
    return target.symbol if isinstance(target, Material) else str(target)


def _key_inputs(kind: str, proc: Process, x_min: float, x_max: float, method: str,
                model: str, precision: float, seed: int | None, nucleus_mass: float | None,
                form_factor: FormFactor) -> dict[str, Any]:
    """The cache-key inputs: every physics input, and the precision and seed (ETL).

    The form factor enters only when it is not ``"elastic"``, so the key of an elastic
    result is the one it had before the option existed."""
    inputs: dict[str, Any] = {
        "kind": kind, "beam": proc.beam, "energy": proc.energy,
        "target": dataclasses.asdict(proc.target), "mass": proc.mass,
        "x_min": x_min, "x_max": x_max, "method": method, "model": get_model(model).name,
        "precision": float(precision) if method == "etl" else None,
        "seed": seed if method == "etl" else None, "nucleus_mass": nucleus_mass,
    }
    if form_factor is not FormFactor.ELASTIC:
        inputs["form_factor"] = str(form_factor)
    return inputs


@dataclass(frozen=True)
class CrossSectionJob:
    """The validated inputs of one σ(x_min ≤ x ≤ x_max) in pb (build with :meth:`make`)."""

    beam: str
    energy: float
    target: Material
    mass: float
    x_min: float
    x_max: float
    method: str
    model: str
    epsilon: float
    precision: float
    seed: int | None
    nucleus_mass: float | None
    form_factor: FormFactor
    target_name: str

    @classmethod
    def make(cls, beam: str, energy: float, target: str | Material, mass: float,
             x_min: float, x_max: float = 1.0, *, method: str = "etl", model: str = "mcp",
             epsilon: float = 1.0, precision: float = 1e-3, seed: int | None = 0,
             nucleus_mass: float | None = None, form_factor: str = "elastic",
             ) -> CrossSectionJob:
        """Check every input (one-line :class:`InputError` naming a bad one) and build.

        The arguments are those of :func:`millicharge.xsec.api.cross_section`; a window
        that kinematics closes at this mass is an error.
        """
        precision, epsilon, seed, form = check_options(method, model, precision, epsilon,
                                                       seed, form_factor)
        x_min, x_max = validate_x_range(x_min, x_max)
        if nucleus_mass is not None:
            nucleus_mass = validation.real("nucleus_mass", nucleus_mass,
                                           "None or a positive number of GeV")
            if nucleus_mass <= 0:
                raise InputError(f"nucleus_mass must be None or a positive number of GeV, "
                                 f"got {nucleus_mass!r}")
        proc = Process.make(beam, energy, target, mass, model=model)
        lo, hi = etl.x_limits(proc, x_min, x_max, model)
        if lo >= hi:
            raise InputError(closed_window_message(proc, model, x_min, x_max))
        return cls(proc.beam, proc.energy, proc.target, proc.mass, x_min, x_max, method,
                   model, epsilon, precision, seed, nucleus_mass, form, _target_name(target))

    def process(self) -> Process:
        return Process(self.beam, self.energy, self.target, self.mass)

    def at_unit_epsilon(self) -> CrossSectionJob:
        """The same job at ε = 1 (what a cache stores: σ ∝ ε²)."""
        return self if self.epsilon == 1.0 else dataclasses.replace(self, epsilon=1.0)

    def key_inputs(self) -> dict[str, Any]:
        """The cache-key inputs (ε excluded: the cache holds the ε = 1 result)."""
        return _key_inputs("cross_section", self.process(), self.x_min, self.x_max,
                           self.method, self.model, self.precision, self.seed,
                           self.nucleus_mass, self.form_factor)

    def compute(self) -> CrossSection:
        """σ in pb, here and now: ETL (VEGAS, :mod:`millicharge.xsec.etl`) or WW
        (:mod:`millicharge.xsec.ww`), computed at ε = 1 and scaled by ε²."""
        proc = self.process()
        lo, hi = etl.x_limits(proc, self.x_min, self.x_max, self.model)
        start = time.perf_counter()
        extra: dict[str, Any] = {}
        if self.method == "etl":
            f, dim = etl.make_integrand(proc, x_range=(lo, hi), model=self.model,
                                        nucleus_mass=self.nucleus_mass,
                                        form_factor=self.form_factor)
            res = etl.integrate(f, dim, precision=self.precision, seed=self.seed)
            value, error = res.value, res.error
            extra = {"chi2_dof": res.chi2_dof, "Q": res.Q, "n_eval": res.n_eval}
        else:
            from millicharge.xsec import ww

            value, error = ww.cross_section(proc, lo, hi, model=self.model,
                                            form_factor=self.form_factor)
        result = CrossSection(
            sigma_pb=value, error_pb=error, method=self.method, beam=self.beam,
            energy_gev=float(self.energy), target=self.target_name,
            mass_gev=float(self.mass), x_min=self.x_min, x_max=self.x_max, epsilon=1.0,
            model=get_model(self.model).name, seed=self.seed,
            form_factor=str(self.form_factor),
            wall_s=time.perf_counter() - start, **extra,
        )
        return result.with_epsilon(self.epsilon)


Evaluator: TypeAlias = Callable[[Sequence[CrossSectionJob]], list[CrossSection]]
"""Computes jobs and returns their results in order (:func:`evaluate_serially`, or a
runner of :mod:`millicharge.running`)."""


def evaluate_serially(jobs: Sequence[CrossSectionJob]) -> list[CrossSection]:
    """Each job computed in this process, one after the other (no cache)."""
    return [job.compute() for job in jobs]


@dataclass(frozen=True)
class SpectrumPoint:
    """One ETL integral of dσ/dx at a fixed x (ε = 1), part of a :class:`SpectrumJob`."""

    process: Process
    x: float
    model: str
    precision: float
    seed: int | None
    form_factor: FormFactor

    def key_inputs(self) -> dict[str, Any]:
        return _key_inputs("dsigma_dx", self.process, self.x, self.x, "etl", self.model,
                           self.precision, self.seed, None, self.form_factor)

    def compute(self) -> dict[str, Any]:
        """``{"value", "error", "chi2_dof", "n_eval"}``: dσ/dx in pb at ε = 1."""
        f, dim = etl.make_integrand(self.process, x_fixed=self.x, model=self.model,
                                    form_factor=self.form_factor)
        res = etl.integrate(f, dim, precision=self.precision, seed=self.seed)
        return {"value": res.value, "error": res.error, "chi2_dof": res.chi2_dof,
                "n_eval": res.n_eval}


@dataclass(frozen=True)
class SpectrumJob:
    """The validated inputs of dσ/dx at the points ``x`` (build with :meth:`make`)."""

    process: Process
    x: tuple[float, ...]
    method: str
    model: str
    epsilon: float
    precision: float
    seed: int | None
    form_factor: FormFactor
    target_name: str

    @classmethod
    def make(cls, beam: str, energy: float, target: str | Material, mass: float,
             x: ArrayLike | Sequence[float], *, method: str = "etl", model: str = "mcp",
             epsilon: float = 1.0, precision: float = 3e-3, seed: int | None = 0,
             form_factor: str = "elastic") -> SpectrumJob:
        """Check every input; the arguments are those of
        :func:`millicharge.xsec.api.spectrum`."""
        precision, epsilon, seed, form = check_options(method, model, precision, epsilon,
                                                       seed, form_factor)
        xs = validation.real_array("x", x, "finite numbers in (0, 1)")
        if np.any((xs <= 0) | (xs >= 1)):
            raise InputError(f"x must be finite numbers in (0, 1), got {validation.show(x)}")
        proc = Process.make(beam, energy, target, mass, model=model)
        return cls(proc, tuple(float(v) for v in xs), method, model, epsilon, precision,
                   seed, form, _target_name(target))

    def points(self) -> list[tuple[int, SpectrumPoint]]:
        """(index, point) of each ETL integral inside the kinematic window (seed + index);
        none for WW, a quadrature done in :meth:`assemble`."""
        if self.method != "etl":
            return []
        lo, hi = etl.x_limits(self.process, 0.0, 1.0, self.model)
        return [(i, SpectrumPoint(self.process, xi, self.model, self.precision,
                                  None if self.seed is None else self.seed + i,
                                  self.form_factor))
                for i, xi in enumerate(self.x) if lo < xi < hi]

    def assemble(self, records: Mapping[int, Mapping[str, Any]]) -> Spectrum:
        """The :class:`Spectrum` from the finished points (``records[index]``, as
        :meth:`SpectrumPoint.compute` returns); 0 where kinematics forbids x."""
        xs = np.array(self.x, dtype=float)
        values, errors = np.zeros(xs.size), np.zeros(xs.size)
        if self.method == "ww":
            from millicharge.xsec import ww

            lo, hi = etl.x_limits(self.process, 0.0, 1.0, self.model)
            inside = (xs > lo) & (xs < hi)
            if inside.any():
                values[inside] = ww.dsigma_dx(self.process, xs[inside], model=self.model,
                                              form_factor=self.form_factor)
        for i, record in records.items():
            values[i], errors[i] = record["value"], record["error"]
        eps2 = float(self.epsilon) ** 2
        proc = self.process
        return Spectrum(
            x=xs, dsigma_dx_pb=values * eps2, error_pb=errors * eps2, method=self.method,
            beam=proc.beam, energy_gev=float(proc.energy), target=self.target_name,
            mass_gev=float(proc.mass), epsilon=float(self.epsilon),
            model=get_model(self.model).name,
            form_factor=str(self.form_factor),
        )

    def compute(self) -> Spectrum:
        """dσ/dx here and now, point after point (no cache)."""
        return self.assemble({i: p.compute() for i, p in self.points()})
