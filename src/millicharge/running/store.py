"""The on-disk cache of jobs: look a :class:`~millicharge.xsec.jobs.CrossSectionJob` (or
a :class:`~millicharge.xsec.jobs.SpectrumPoint`) up, and store its result.

A job's key is :func:`millicharge.running.cache.cache_key` of its
:meth:`~millicharge.xsec.jobs.CrossSectionJob.key_inputs` (every physics input, the
precision and seed of ETL, the engine fingerprint). A cross section is stored at ε = 1
(σ ∝ ε², so any ε reuses it) as :data:`~millicharge.running.cache.CROSS_SECTION_RECORD`;
a dσ/dx point as :data:`~millicharge.running.cache.DSIGMA_DX_RECORD`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from millicharge.core.results import CrossSection
from millicharge.running import cache as _cache
from millicharge.xsec.jobs import CrossSectionJob, SpectrumPoint

__all__ = ["job_key", "load", "load_point", "store", "store_point"]


def job_key(job: CrossSectionJob | SpectrumPoint) -> str:
    """The cache key of ``job``."""
    return _cache.cache_key(job.key_inputs())


def load(job: CrossSectionJob) -> CrossSection | None:
    """The cached result of ``job`` at its ε (``cached=True``), or None if absent."""
    record = _cache.load(job_key(job), _cache.CROSS_SECTION_RECORD)
    if record is None:
        return None
    return CrossSection(**{**record, "cached": True}).with_epsilon(job.epsilon)


def store(job: CrossSectionJob, result: CrossSection) -> bool:
    """Store ``result`` of ``job`` (any ε) as its ε = 1 record; False if the cache cannot
    be written (after one warning)."""
    unit = result if result.epsilon == 1.0 else result.with_epsilon(1.0)
    return _cache.store(job_key(job), dataclasses.replace(unit, cached=False).to_dict())


def load_point(point: SpectrumPoint) -> dict[str, Any] | None:
    """The cached dσ/dx record of ``point``, or None."""
    return _cache.load(job_key(point), _cache.DSIGMA_DX_RECORD)


def store_point(point: SpectrumPoint, record: dict[str, Any]) -> bool:
    """Store the dσ/dx record of ``point``."""
    return _cache.store(job_key(point), record)
