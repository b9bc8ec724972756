"""The public functions: :func:`cross_section`, :func:`spectrum` and :func:`reach`.

Thin facades over the pure physics (:mod:`millicharge.xsec.api`,
:mod:`millicharge.limits.reach`) that add what a user wants from one call: a list of
masses, the on-disk cache (on by default, as on the command line) and parallel execution,
all held by a :class:`~millicharge.running.runner.Runner`. Pass ``runner=`` to choose
these once (then leave ``cache``, ``backend``, ``workers``, ``scheduler`` and
``progress`` unset), or set them per call. The numbers are those of the pure functions:
with the same inputs and seed a cached, parallel or remote result equals the one computed
here.

    >>> import millicharge as mc
    >>> r = mc.cross_section("mu", 160, "Pb", 0.1, 0.5, method="ww", cache=False)
    >>> r.citations
    ('gninenko2025', 'kim-tsai1973')

Every result carries its ``citations`` (keys of :data:`millicharge.core.citations.BIBTEX`,
derived from what it was computed with, wherever it was computed); the command line's
``--cite`` prints those of the results a command produced.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from millicharge.core import validation
from millicharge.core.errors import InputError
from millicharge.core.results import CrossSection, Spectrum
from millicharge.experiments.config import Experiment
from millicharge.limits import reach as _reach
from millicharge.running.executors import compile_ahead
from millicharge.running.progress import tqdm
from millicharge.running.runner import Runner
from millicharge.target.materials import Material
from millicharge.xsec.jobs import CrossSectionJob, SpectrumJob

__all__ = ["Runner", "cross_section", "reach", "spectrum"]


def make_runner(runner: Runner | None, *, cache: bool | None, progress: bool | None,
                default_progress: bool = True, **where: Any) -> Runner:
    """``runner``, or a new :class:`Runner` from the per-call settings (not both)."""
    given = {k: v for k, v in {"cache": cache, "progress": progress, **where}.items()
             if v is not None}
    if runner is not None:
        if not isinstance(runner, Runner):
            raise InputError(f"runner must be None or a millicharge.running.runner.Runner, "
                             f"got {validation.show(runner)}")
        if given:
            raise InputError(f"pass either runner= or {', '.join(sorted(given))}, not both "
                             "(the runner holds them)")
        return runner
    return Runner(cache=True if cache is None else cache,
                  progress=default_progress if progress is None else progress, **where)


def _compile_ahead(method: object, runner: Runner | None, backend: str | None,
                   scheduler: str | None = None) -> None:
    """Start compiling the ETL kernels in the background if this call will need them and
    they are not cached (:func:`millicharge.running.executors.compile_ahead`): they then
    compile while the call reads its inputs and the cache."""
    if isinstance(runner, Runner):
        backend, scheduler = runner.backend, runner.scheduler
    if isinstance(method, str) and isinstance(backend, str | None) \
            and isinstance(scheduler, str | None):
        compile_ahead(method, backend, scheduler)


def _is_mass_list(mass: object) -> bool:
    """True for a list/tuple/array of masses (a 0-d array is a single mass)."""
    return isinstance(mass, list | tuple | np.ndarray) and np.ndim(mass) >= 1


def _mass_list(mass: object) -> list[float]:
    rule = "a positive number of GeV or a non-empty 1-d list of them"
    if np.ndim(mass) != 1 or len(mass) == 0:  # type: ignore[arg-type]
        raise InputError(f"mass must be {rule}, got {validation.show(mass)}")
    return [float(m) for m in validation.real_array("mass", mass, rule)]


def cross_section(
    beam: str,
    energy: float,
    target: str | Material,
    mass: float | Sequence[float] | np.ndarray,
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
    cache: bool | None = None,
    runner: Runner | None = None,
    backend: str | None = None,
    workers: int | None = None,
    progress: bool | None = None,
) -> CrossSection | list[CrossSection]:
    """σ(x_min ≤ x ≤ x_max) in pb: :func:`millicharge.xsec.api.cross_section` (the
    physics arguments are its own) through a :class:`Runner`.

    ``mass`` may be a list or 1-d array: then a list of :class:`CrossSection`, one per
    mass in order, each equal to the single-mass result, computed on ``backend`` with
    ``workers`` (:mod:`millicharge.running.executors`; a progress bar unless
    ``progress=False``). ``cache`` (default True) reads and writes the on-disk cache
    (:mod:`millicharge.running.cache`), which holds the ε = 1 result so any ε reuses it;
    ``result.cached`` says where a result came from. Every point is checked before any
    work.
    """
    _compile_ahead(method, runner, backend)
    options = dict(method=method, model=model, epsilon=epsilon, precision=precision,
                   seed=seed, nucleus_mass=nucleus_mass, form_factor=form_factor)
    several = _is_mass_list(mass)
    masses = _mass_list(mass) if several else [mass]
    run = make_runner(runner, cache=cache, progress=progress, default_progress=several,
                      backend=backend, workers=workers)
    jobs = [CrossSectionJob.make(beam, energy, target, m, x_min, x_max,  # type: ignore[arg-type]
                                 **options) for m in masses]  # type: ignore[arg-type]
    results = run(jobs)
    return results if several else results[0]


def spectrum(
    beam: str,
    energy: float,
    target: str | Material,
    mass: float | Sequence[float] | np.ndarray,
    x: ArrayLike | Sequence[float],
    *,
    method: str = "etl",
    model: str = "mcp",
    epsilon: float = 1.0,
    precision: float = 3e-3,
    seed: int | None = 0,
    form_factor: str = "elastic",
    cache: bool | None = None,
    runner: Runner | None = None,
    progress: bool | None = None,
) -> Spectrum | list[Spectrum]:
    """dσ/dx in pb at each x: :func:`millicharge.xsec.api.spectrum` through a
    :class:`Runner`, whose cache (default on) holds each ETL point at ε = 1.

    ``mass`` may be a list or 1-d array: then a list of :class:`Spectrum`, one per mass in
    order, each equal to the single-mass result; the masses run one after the other in
    this process (with a progress bar unless ``progress=False``).
    """
    _compile_ahead(method, runner, "serial")
    several = _is_mass_list(mass)
    masses = _mass_list(mass) if several else [mass]
    run = make_runner(runner, cache=cache, progress=progress, default_progress=several)
    jobs = [SpectrumJob.make(beam, energy, target, m, x, method=method,  # type: ignore[arg-type]
                             model=model, epsilon=epsilon, precision=precision, seed=seed,
                             form_factor=form_factor) for m in masses]
    results = [run.spectrum(job) for job in tqdm(
        jobs, desc="spectra", unit="mass", leave=False, disable=not (several and run.progress))]
    return results if several else results[0]


def reach(
    experiment: str | Path | Experiment,
    masses: ArrayLike | None = None,
    *,
    cl: float | None = None,
    method: str = "etl",
    model: str = "mcp",
    precision: float = 5e-3,
    seed: int = 0,
    backend: str | None = None,
    workers: int | None = None,
    cache: bool | None = None,
    progress: bool | None = None,
    energy_loss: bool | None = None,
    scheduler: str | None = None,
    form_factor: str | None = None,
    transport: str | None = None,
    runner: Runner | None = None,
) -> _reach.ReachTable:
    """Projected ε_lim(m) of ``experiment``: :func:`millicharge.limits.reach.reach` (the
    physics arguments and the table are its own) with its cross sections computed by a
    :class:`Runner`: the on-disk cache (``cache``, default True) and ``backend`` /
    ``workers`` / ``scheduler`` (see :mod:`millicharge.running.executors`; a
    ``tcp://HOST:PORT`` scheduler means dask), a progress bar unless ``progress=False``.
    """
    _compile_ahead(method, runner, backend, scheduler)
    run = make_runner(runner, cache=cache, progress=progress, backend=backend,
                      workers=workers, scheduler=scheduler)
    return _reach.reach(experiment, masses, cl=cl, method=method, model=model,
                        precision=precision, seed=seed, energy_loss=energy_loss,
                        form_factor=form_factor, transport=transport, evaluator=run)
