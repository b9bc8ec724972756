"""Where and how cross sections run: the cache and the executors, in one object.

The physics computes one point at a time (:class:`~millicharge.xsec.jobs.CrossSectionJob`,
:func:`millicharge.xsec.api.cross_section`); a :class:`Runner` decides whether finished
points are read from and stored in the on-disk cache (:mod:`millicharge.running.store`)
and where the others run (:func:`millicharge.running.executors.evaluate`: serially, on
local processes or on dask). A runner is an
:data:`~millicharge.xsec.jobs.Evaluator`: pass it to the physics that takes one
(:func:`millicharge.limits.reach.reach`,
:func:`millicharge.experiments.thick_target.brem_cross_sections`, …), or to the public
functions as ``runner=``.

    >>> from millicharge.xsec.jobs import CrossSectionJob
    >>> runner = Runner(cache=False, backend="serial", progress=False)
    >>> [r.method for r in runner([CrossSectionJob.make("e", 8, "Al", 0.1, 0.7, method="ww")])]
    ['ww']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from millicharge.core import validation
from millicharge.core.errors import InputError
from millicharge.core.results import CrossSection, Spectrum
from millicharge.running import store as _store
from millicharge.running.executors import (
    BACKENDS,
    CONNECT_TIMEOUT,
    NO_WORKER_TIMEOUT,
    evaluate,
)
from millicharge.xsec.jobs import CrossSectionJob, SpectrumJob

__all__ = ["Runner"]


@dataclass(frozen=True)
class Runner:
    """Cache and execution settings (all checked when the runner is made).

    Parameters
    ----------
    cache : read finished points from the on-disk cache and store new ones
        (:mod:`millicharge.running.cache`); the cached value is the ε = 1 result, so any
        ε reuses it.
    backend : ``"serial"``, ``"processes"`` or ``"dask"``; default ``"dask"`` with a
        ``scheduler``, else ``"processes"`` (:mod:`millicharge.running.executors`).
    workers : local processes (or dask ``LocalCluster`` workers); default all cores.
    scheduler : ``tcp://HOST:PORT`` of a running dask scheduler.
    connect_timeout, no_worker_timeout : as for
        :func:`millicharge.running.executors.evaluate`.
    progress : show a progress bar.
    description : the progress bar's label.
    """

    cache: bool = True
    backend: str | None = None
    workers: int | None = None
    scheduler: str | None = None
    progress: bool = True
    connect_timeout: float = CONNECT_TIMEOUT
    no_worker_timeout: float | None = NO_WORKER_TIMEOUT
    description: str = "cross sections"

    def __post_init__(self) -> None:
        backend, workers, scheduler = self.backend, self.workers, self.scheduler
        if backend is not None and (not isinstance(backend, str) or backend not in BACKENDS):
            raise InputError(f"unknown backend {validation.show(backend)}: allowed are "
                             f"{', '.join(BACKENDS)}")
        if workers is not None and (isinstance(workers, bool | np.bool_)
                                    or not isinstance(workers, int | np.integer)
                                    or workers < 1):
            raise InputError(f"workers must be None or an integer ≥ 1, got "
                             f"{validation.show(workers)}")
        if scheduler is not None and not isinstance(scheduler, str):
            raise InputError(f"scheduler must be None or an address tcp://HOST:PORT, got "
                             f"{validation.show(scheduler)}")
        object.__setattr__(self, "cache", validation.flag("cache", self.cache))
        object.__setattr__(self, "progress", validation.flag("progress", self.progress))

    def __call__(self, jobs: Sequence[CrossSectionJob]) -> list[CrossSection]:
        """The results of ``jobs`` in order (an :data:`~millicharge.xsec.jobs.Evaluator`)."""
        return self.evaluate(jobs)

    def evaluate(self, jobs: Sequence[CrossSectionJob],
                 description: str | None = None) -> list[CrossSection]:
        """The results of ``jobs`` in order: cached ones read, the others computed where
        the backend says and stored as they arrive."""
        return evaluate(
            list(jobs), backend=self.backend, workers=self.workers, scheduler=self.scheduler,
            connect_timeout=self.connect_timeout, no_worker_timeout=self.no_worker_timeout,
            cache=self.cache, progress=self.progress,
            description=self.description if description is None else description)

    def lookup(self, job: CrossSectionJob) -> CrossSection | None:
        """The cached result of ``job`` (at its ε), or None; nothing is computed."""
        return _store.load(job) if self.cache else None

    def remember(self, job: CrossSectionJob, result: CrossSection) -> bool:
        """Store ``result`` of ``job`` if the cache is on and lacks it (a result computed
        elsewhere); True if it was written."""
        if not self.cache or _store.load(job) is not None:
            return False
        return _store.store(job, result)

    def spectrum(self, job: SpectrumJob) -> Spectrum:
        """dσ/dx of ``job``; its ETL points one after the other in this process, each
        read from or stored in the cache (at ε = 1) when the cache is on."""
        records = {}
        for i, point in job.points():
            record = _store.load_point(point) if self.cache else None
            if record is None:
                record = point.compute()
                if self.cache:
                    _store.store_point(point, record)
            records[i] = record
        return job.assemble(records)
