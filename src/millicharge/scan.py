"""Evaluate many cross sections: serially or on local processes, cache first, with progress.

Each job is the keyword arguments of :func:`millicharge.cross_section`. Finished points
are read from the on-disk cache; the rest are computed and every one is written to the
cache the moment it finishes (atomically), so an interrupted scan resumes where it
stopped. Results do not depend on the backend: each point has its own seed.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from tqdm.auto import tqdm

from .cross_sections import cross_section
from .errors import InputError
from .result import CrossSection

__all__ = ["BACKENDS", "evaluate"]

BACKENDS = ("serial", "processes")


def _run(job: dict[str, Any], cache: bool) -> CrossSection:
    return cross_section(**job, cache=cache)


def evaluate(
    jobs: Sequence[dict[str, Any]],
    *,
    backend: str = "processes",
    workers: int | None = None,
    cache: bool = True,
    progress: bool = True,
    description: str = "cross sections",
) -> list[CrossSection]:
    """Compute ``cross_section(**job)`` for every job; results in the order of ``jobs``."""
    if backend not in BACKENDS:
        raise InputError(f"unknown backend {backend!r}: allowed are {', '.join(BACKENDS)}")
    results: list[CrossSection | None] = [None] * len(jobs)
    todo: list[int] = []
    for i, job in enumerate(jobs):
        if cache:
            hit = _cached(job)
            if hit is not None:
                results[i] = hit
                continue
        todo.append(i)
    bar = tqdm(
        total=len(jobs), initial=len(jobs) - len(todo), desc=description, unit="pt",
        disable=not progress, leave=False,
    )
    n_workers = min(workers or os.cpu_count() or 1, max(len(todo), 1))
    try:
        if backend == "serial" or n_workers == 1 or len(todo) <= 1:
            for i in todo:
                results[i] = _run(jobs[i], cache)
                bar.update()
        else:
            ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
            with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx) as pool:
                futures = {pool.submit(_run, jobs[i], cache): i for i in todo}
                for fut in as_completed(futures):
                    results[futures[fut]] = fut.result()
                    bar.update()
    finally:
        bar.close()
    return [r for r in results if r is not None]


def _cached(job: dict[str, Any]) -> CrossSection | None:
    """The cached result of ``job`` without computing anything (None if absent)."""
    return cross_section(**job, lookup_only=True)
