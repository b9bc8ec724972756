"""Public cross-section API: σ(x_min, x_max) and dσ/dx, exact tree level or WW.

    >>> from millicharge import cross_section
    >>> r = cross_section("mu", 160, "Pb", 0.1, 0.5, method="ww")
    >>> r.unit, r.method, r.sigma_pb > 0
    ('pb', 'ww', True)

``method="etl"`` (default) integrates the exact |M|² with VEGAS (:mod:`millicharge.xsec.etl`);
``method="ww"`` is the Weizsäcker–Williams approximation (:mod:`millicharge.xsec.ww`). Both
take and return the same things; σ ∝ ε² is applied at the end.

``form_factor`` chooses the atomic form factor G₂ of the target
(:mod:`millicharge.target.formfactors`): ``"elastic"`` (the paper's Eq. 10, the default, numbers
unchanged) or ``"elastic+inelastic"``, which adds the inelastic atomic term of Tsai,
Rev. Mod. Phys. 46 (1974) 815, Eq. (3.39) and Bjorken, Essig, Schuster, Toro, PRD 80
(2009) 075018, Eq. (A19) (about 1/Z of the elastic one for light vectors).
"""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from millicharge.core import validation
from millicharge.core.citations import cite
from millicharge.core.errors import InputError
from millicharge.core.results import CrossSection, Spectrum
from millicharge.kinematics.process import (
    MODELS,
    Process,
    check_model,
    closed_window_message,
    validate_x_range,
)
from millicharge.running import cache as _cache
from millicharge.target.formfactors import FormFactor, check_form_factor
from millicharge.target.materials import Material
from millicharge.xsec import etl

__all__ = ["METHODS", "MODELS", "cross_section", "remember", "spectrum"]

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


def _check_options(method: str, model: str, precision: float, epsilon: float,
                   seed: int | None, form_factor: str = FormFactor.ELASTIC,
                   ) -> tuple[float, float, int | None, FormFactor]:
    """Validate the options shared by :func:`cross_section` and :func:`spectrum`.

    ε must lie in :data:`~millicharge.core.validation.EPSILON_RANGE`: σ is computed at ε = 1
    and scaled by ε², which there can neither overflow nor underflow to 0.
    """
    precision = check_method(method, model, precision)
    eps_lo, eps_hi = validation.EPSILON_RANGE
    epsilon = validation.real("epsilon", epsilon, f"a number in [{eps_lo:g}, {eps_hi:g}]")
    if not eps_lo <= epsilon <= eps_hi:
        raise InputError(f"epsilon must lie in [{eps_lo:g}, {eps_hi:g}], got {epsilon!r}")
    return precision, epsilon, validation.seed(seed), check_form_factor(form_factor)


def _cite(method: str, form_factor: FormFactor) -> None:
    cite("gninenko2025", "lepage2021" if method == "etl" else "kim-tsai1973")
    if form_factor is FormFactor.ELASTIC_INELASTIC:
        cite("tsai1974", "bjorken2009")


def _target_name(target: str | Material) -> str:
    return target.symbol if isinstance(target, Material) else str(target)


def cross_section(
    beam: str,
    energy: float,
    target: str | Material,
    mass: float,
    x_min: float,
    x_max: float = 1.0,
    *,
    method: str = "etl",
    model: str = "mcp",
    epsilon: float = 1.0,
    precision: float = 1e-3,
    seed: int | None = 0,
    nucleus_mass: float | None = None,
    form_factor: str = "elastic",
    cache: bool = False,
    lookup_only: bool = False,
    backend: str | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> CrossSection | list[CrossSection] | None:
    """σ(l N → l N χχ̄; x_min ≤ x ≤ x_max) in pb, x = E_miss/E (paper Eq. 4).

    ``mass`` may also be a list or 1-d array of masses: then the points run through
    :func:`millicharge.running.executors.evaluate` (the runner of :func:`millicharge.reach`,
    with its progress bar, worker processes and, with ``cache=True``, the on-disk cache) and a
    list of :class:`CrossSection`, one per mass in order, is returned; each equals the
    result of the scalar call with that mass. ``backend``, ``workers`` and ``progress``
    are those of :func:`millicharge.running.executors.evaluate` and only matter then.

    Parameters
    ----------
    beam : ``"e"`` or ``"mu"``.
    energy : beam energy in GeV, above the lepton mass and at most 10⁵ GeV.
    target : material symbol (``"Pb"``, ``"Al"``, …) or a :class:`Material`.
    mass : m_χ in GeV (the A' mass for ``model="dark-photon"``), at least 10⁻⁹ GeV and
        below the threshold of the model (2m_χ or m_A' < E − m_l).
    x_min, x_max : missing-energy fraction window, 0 < x_min < x_max ≤ 1.
    method : ``"etl"`` (exact tree level, VEGAS) or ``"ww"``.
    model : ``"mcp"`` (χχ̄ via γ*) or ``"dark-photon"`` (invisible on-shell A').
    epsilon : charge (mixing) parameter, 10⁻³⁰ ≤ ε ≤ 10³; σ ∝ ε².
    precision : target relative Monte Carlo error (ETL), in (0, 1).
    seed : random seed (ETL), None or an integer ≥ 0; the same seed gives the same number.
    nucleus_mass : override M_N in GeV, > 0 (validation only).
    form_factor : ``"elastic"`` (paper Eq. 10, default) or ``"elastic+inelastic"``
        (adds the inelastic atomic term; module docstring).

    Every argument is checked before any work; a bad one raises
    :class:`~millicharge.core.errors.InputError` with one line naming it. Numbers must be
    ``int``/``float`` (NumPy scalars too), never ``bool`` or strings. A window that
    VEGAS only ever finds to be exactly 0 (next to a threshold) gives σ = 0 ± 0.
    cache : read/write the on-disk cache (:mod:`millicharge.running.cache`); the cached value is
        the ε = 1 result, so any ε reuses it.
    lookup_only : return the cached result, or None without computing anything (a
        single mass only).
    """
    if _is_mass_list(mass):
        return _cross_sections(
            beam, energy, target, mass, x_min, x_max, method=method, model=model,
            epsilon=epsilon, precision=precision, seed=seed, nucleus_mass=nucleus_mass,
            form_factor=form_factor, cache=cache, lookup_only=lookup_only, backend=backend,
            workers=workers, progress=progress)
    precision, epsilon, seed, form = _check_options(method, model, precision, epsilon, seed,
                                                    form_factor)
    x_min, x_max = validate_x_range(x_min, x_max)
    if nucleus_mass is not None:
        nucleus_mass = validation.real("nucleus_mass", nucleus_mass,
                                       "None or a positive number of GeV")
        if nucleus_mass <= 0:
            raise InputError(f"nucleus_mass must be None or a positive number of GeV, "
                             f"got {nucleus_mass!r}")
    cache = validation.flag("cache", cache)
    lookup_only = validation.flag("lookup_only", lookup_only)
    proc = Process.make(beam, energy, target, mass, model=model)
    lo, hi = etl.x_limits(proc, x_min, x_max, model)
    if lo >= hi:
        raise InputError(closed_window_message(proc, model, x_min, x_max))
    _cite(method, form)
    key = None
    if cache or lookup_only:
        key = _key(proc, x_min, x_max, method, model, precision, seed, nucleus_mass, form)
        record = _cache.load(key, _cache.CROSS_SECTION_RECORD)
        if record is not None:
            return _scaled(CrossSection(**{**record, "cached": True}), float(epsilon))
        if lookup_only:
            return None
    start = time.perf_counter()
    if method == "etl":
        f, dim = etl.make_integrand(proc, x_range=(lo, hi), model=model,
                                    nucleus_mass=nucleus_mass, form_factor=form)
        res = etl.integrate(f, dim, precision=precision, seed=seed)
        value, error = res.value, res.error
        extra = {"chi2_dof": res.chi2_dof, "Q": res.Q, "n_eval": res.n_eval}
    else:
        from millicharge.xsec import ww

        value, error = ww.cross_section(proc, lo, hi, model=model, form_factor=form)
        extra = {}
    result = CrossSection(
        sigma_pb=value, error_pb=error, method=method, beam=beam,
        energy_gev=float(energy), target=_target_name(target), mass_gev=float(mass),
        x_min=x_min, x_max=x_max, epsilon=1.0, model=model, seed=seed,
        form_factor=str(form), wall_s=time.perf_counter() - start, **extra,
    )
    if key is not None:
        _cache.store(key, result.to_dict())
    return _scaled(result, float(epsilon))


def _is_mass_list(mass: object) -> bool:
    """True for a list/tuple/array of masses (a 0-d array is a single mass)."""
    return isinstance(mass, (list, tuple, np.ndarray)) and np.ndim(mass) >= 1


def _mass_list(mass: object) -> list[float]:
    rule = "a positive number of GeV or a non-empty 1-d list of them"
    if np.ndim(mass) != 1 or len(mass) == 0:  # type: ignore[arg-type]
        raise InputError(f"mass must be {rule}, got {validation.show(mass)}")
    return [float(m) for m in validation.real_array("mass", mass, rule)]


def _cross_sections(beam: str, energy: float, target: str | Material, mass: object,
                    x_min: float, x_max: float, *, lookup_only: bool, backend: str | None,
                    workers: int | None, progress: bool, cache: bool,
                    **options: object) -> list[CrossSection]:
    """:func:`cross_section` at each of several masses through :func:`scan.evaluate`."""
    from millicharge.running.executors import evaluate

    if lookup_only:
        raise InputError("lookup_only needs a single mass, got a list of masses")
    masses = _mass_list(mass)
    cache = validation.flag("cache", cache)
    progress = validation.flag("progress", progress)
    jobs = [dict(beam=beam, energy=energy, target=target, mass=m, x_min=x_min, x_max=x_max,
                 **options) for m in masses]
    for job in jobs:  # every argument is checked before any work
        _check_job(**job)
    return evaluate(jobs, backend=backend, workers=workers, cache=cache, progress=progress,
                    description="cross sections")


def _check_job(beam: str, energy: float, target: str | Material, mass: float, x_min: float,
               x_max: float, *, method: str, model: str, epsilon: float, precision: float,
               seed: int | None, nucleus_mass: float | None, form_factor: str) -> None:
    """The checks :func:`cross_section` makes before any work, for one job."""
    _check_options(method, model, precision, epsilon, seed, form_factor)
    lo_x, hi_x = validate_x_range(x_min, x_max)
    if nucleus_mass is not None:
        value = validation.real("nucleus_mass", nucleus_mass, "None or a positive number of GeV")
        if value <= 0:
            raise InputError(f"nucleus_mass must be None or a positive number of GeV, "
                             f"got {nucleus_mass!r}")
    proc = Process.make(beam, energy, target, mass, model=model)
    lo, hi = etl.x_limits(proc, lo_x, hi_x, model)
    if lo >= hi:
        raise InputError(closed_window_message(proc, model, lo_x, hi_x))


def remember(job: dict, result: CrossSection) -> bool:
    """Store ``result`` of ``cross_section(**job)`` in this machine's cache if it is absent.

    For results computed elsewhere (a dask worker on another host): the cache of the
    machine that runs the scan then holds every finished point.

    Parameters
    ----------
    job : keyword arguments of :func:`cross_section` (without ``cache``).
    result : what ``cross_section(**job)`` returned.

    Returns
    -------
    bool
        True if the result was written, False if the cache already held it or cannot be
        written.
    """
    inputs = {k: v for k, v in job.items() if k not in ("cache", "lookup_only", "epsilon")}
    params = dict(inspect.signature(cross_section).parameters)
    bound = {name: p.default for name, p in params.items()
             if p.default is not inspect.Parameter.empty}
    bound.update(inputs)
    x_min, x_max = validate_x_range(bound["x_min"], bound["x_max"])
    proc = Process.make(bound["beam"], bound["energy"], bound["target"], bound["mass"],
                        model=None)  # already computed: no threshold check
    key = _key(proc, x_min, x_max, bound["method"], bound["model"], bound["precision"],
               bound["seed"], bound["nucleus_mass"], check_form_factor(bound["form_factor"]))
    if _cache.load(key, _cache.CROSS_SECTION_RECORD) is not None:
        return False
    record = dataclasses.replace(_scaled(result, 1.0), cached=False).to_dict()
    return _cache.store(key, record)


def _key(proc, x_min, x_max, method, model, precision, seed, nucleus_mass,
         form_factor: FormFactor = FormFactor.ELASTIC, kind: str = "cross_section") -> str:
    """Cache key: every physics input and the precision and seed (ETL); the engine
    fingerprint (code, data, library versions) is added by
    :func:`millicharge.running.cache.cache_key`.

    The form factor enters only when it is not ``"elastic"``, so the key of an elastic
    result is the one it had before the option existed."""
    inputs = {
        "kind": kind, "beam": proc.beam, "energy": proc.energy,
        "target": dataclasses.asdict(proc.target), "mass": proc.mass,
        "x_min": x_min, "x_max": x_max, "method": method, "model": model,
        "precision": float(precision) if method == "etl" else None,
        "seed": seed if method == "etl" else None, "nucleus_mass": nucleus_mass,
    }
    if form_factor is not FormFactor.ELASTIC:
        inputs["form_factor"] = str(form_factor)
    return _cache.cache_key(inputs)


def _scaled(result: CrossSection, epsilon: float) -> CrossSection:
    """σ ∝ ε²: rescale an ε = 1 result."""
    eps2 = epsilon**2 / result.epsilon**2
    return dataclasses.replace(
        result, sigma_pb=result.sigma_pb * eps2, error_pb=result.error_pb * eps2,
        epsilon=epsilon,
    )


def spectrum(
    beam: str,
    energy: float,
    target: str | Material,
    mass: float,
    x: ArrayLike | Sequence[float],
    *,
    method: str = "etl",
    model: str = "mcp",
    epsilon: float = 1.0,
    precision: float = 3e-3,
    seed: int | None = 0,
    form_factor: str = "elastic",
    cache: bool = False,
    progress: bool = True,
) -> Spectrum | list[Spectrum]:
    """dσ/dx in pb at each x (0 < x < 1); exactly 0 where kinematics forbids it.

    ETL points are independent VEGAS integrals with seeds ``seed + i``; with ``cache``
    each finished point is stored on disk (at ε = 1) and reused. The other arguments
    are those of :func:`cross_section` (``form_factor`` included).

    ``mass`` may also be a list or 1-d array of masses: then a list of :class:`Spectrum`,
    one per mass in order, is returned, each equal to the scalar call with that mass.
    The masses run one after the other in this process (with a progress bar unless
    ``progress=False``, and the on-disk cache with ``cache=True``).
    """
    if _is_mass_list(mass):
        from millicharge.running.progress import tqdm

        masses = _mass_list(mass)
        progress = validation.flag("progress", progress)
        for m in masses:  # every mass is checked before any work
            Process.make(beam, energy, target, m, model=model)
        return [spectrum(beam, energy, target, m, x, method=method, model=model,
                         epsilon=epsilon, precision=precision, seed=seed,
                         form_factor=form_factor, cache=cache)
                for m in tqdm(masses, desc="spectra", unit="mass", leave=False,
                              disable=not progress)]
    precision, epsilon, seed, form = _check_options(method, model, precision, epsilon, seed,
                                                    form_factor)
    xs = validation.real_array("x", x, "finite numbers in (0, 1)")
    if np.any((xs <= 0) | (xs >= 1)):
        raise InputError(f"x must be finite numbers in (0, 1), got {validation.show(x)}")
    cache = validation.flag("cache", cache)
    proc = Process.make(beam, energy, target, mass, model=model)
    lo, hi = etl.x_limits(proc, 0.0, 1.0, model)
    values, errors = np.zeros(xs.size), np.zeros(xs.size)
    if method == "ww":
        from millicharge.xsec import ww

        inside = (xs > lo) & (xs < hi)
        if inside.any():
            values[inside] = ww.dsigma_dx(proc, xs[inside], model=model, form_factor=form)
    else:
        for i, xi in enumerate(xs):
            if not lo < xi < hi:
                continue
            point_seed = None if seed is None else seed + i
            key = None
            if cache:
                key = _key(proc, float(xi), float(xi), method, model, precision, point_seed,
                           None, form, kind="dsigma_dx")
                record = _cache.load(key, _cache.DSIGMA_DX_RECORD)
                if record is not None:
                    values[i], errors[i] = record["value"], record["error"]
                    continue
            f, dim = etl.make_integrand(proc, x_fixed=float(xi), model=model,
                                        form_factor=form)
            res = etl.integrate(f, dim, precision=precision, seed=point_seed)
            values[i], errors[i] = res.value, res.error
            if key is not None:
                _cache.store(key, {"value": res.value, "error": res.error,
                                   "chi2_dof": res.chi2_dof, "n_eval": res.n_eval})
    _cite(method, form)
    eps2 = float(epsilon) ** 2
    return Spectrum(
        x=xs, dsigma_dx_pb=values * eps2, error_pb=errors * eps2, method=method, beam=beam,
        energy_gev=float(energy), target=_target_name(target), mass_gev=float(mass),
        epsilon=float(epsilon), model=model, form_factor=str(form),
    )
