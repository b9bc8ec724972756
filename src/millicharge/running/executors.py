"""Evaluate many cross sections: serially, on local processes or on a dask cluster.

Each job is a :class:`~millicharge.xsec.jobs.CrossSectionJob`. Finished points are read
from the on-disk cache (:mod:`millicharge.running.store`); the rest are computed (a worker
only computes) and this process writes every one to the cache the moment its result
arrives (atomically), so an interrupted scan, or one that loses a worker, resumes where it
stopped. Results do not depend on the backend: each point has its own seed, and the same
seed gives the same bits on any process or host. :class:`millicharge.running.runner.Runner`
holds these settings for the public API.

Backends
--------
``"serial"``
    this process, one point after another.
``"processes"`` (default)
    local worker processes, one per core, each computing one point at a time. They
    ignore Ctrl-C (the scan stops them) and die with the scan however it ends, even
    when it is killed with SIGKILL (:func:`millicharge.running.interrupt.tie_to_parent`).
``"dask"``
    :mod:`dask.distributed`: a running cluster at ``scheduler`` (``tcp://HOST:PORT``;
    ``tls://`` with the certificates set in the dask configuration), or, without an
    address, a ``LocalCluster`` of ``workers`` processes on this machine. Needs
    ``pip install 'millicharge[dask]'``. Tasks of a lost worker are rescheduled by dask;
    a cluster left with no worker at all fails the scan after ``no_worker_timeout``
    seconds. Every result is stored in the cache of the machine running the scan
    (:mod:`millicharge.running.dask_backend`).

Ctrl-C (or SIGTERM under the command line) stops any backend at once: pending points
are cancelled, worker processes killed, and :class:`~millicharge.running.interrupt.Interrupted`
says how many finished points are in the cache; a rerun computes only the others.
"""

from __future__ import annotations

import math
import operator
import os
import re
from collections.abc import Iterable, Sequence

from millicharge.core.errors import InputError
from millicharge.core.grammar import check_count
from millicharge.core.results import CrossSection
from millicharge.running import store as _store
from millicharge.running.interrupt import as_interrupted, tie_to_parent
from millicharge.running.processes import WorkerError, job_result, run_processes
from millicharge.running.progress import tqdm
from millicharge.xsec.jobs import CrossSectionJob

__all__ = [
    "BACKENDS",
    "CONNECT_TIMEOUT",
    "MAX_POINTS",
    "NO_WORKER_TIMEOUT",
    "SIZE_HINT",
    "WorkerError",
    "check_scheduler_address",
    "check_size",
    "compile_ahead",
    "evaluate",
]

BACKENDS = ("serial", "processes", "dask")

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a dask scheduler before giving up (``connect_timeout``)."""

NO_WORKER_TIMEOUT = 60.0
"""Seconds a dask scan waits while the cluster has no worker at all before failing."""

MAX_POINTS = 100_000
"""Most points a grid (or a ``start:stop:n`` mass list) may have unless the caller raises
the limit (``max_points=``, ``--max-points``): a slip such as ``0.01:1:1000000000`` fails
at once instead of filling the memory."""


def check_size(n: int, max_points: int | None = None, what: str = "the grid") -> None:
    """Refuse more than ``max_points`` (default :data:`MAX_POINTS`) points, before
    anything is allocated.

    >>> check_size(10)
    >>> check_size(10**9)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: the grid has 1000000000 points, more than the limit of ...
    """
    try:
        limit = MAX_POINTS if max_points is None else operator.index(max_points)
    except TypeError:
        limit = 0
    if isinstance(max_points, bool) or limit < 1:
        raise InputError(f"bad --max-points value {max_points!r}: must be a positive integer")
    check_count(n, limit, what, SIZE_HINT)


SIZE_HINT = ": raise it with --max-points (max_points=) or split the scan"
"""What to do about a grid over the limit (the tail of the size messages)."""

_ADDRESS = re.compile(r"^(?:(tcp|tls)://)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")


def check_scheduler_address(address: str) -> tuple[str, str, int]:
    """Split ``tcp://HOST:PORT`` (or ``tls://…``, or bare ``HOST:PORT``) into its parts.

    >>> check_scheduler_address("127.0.0.1:8786")
    ('tcp://127.0.0.1:8786', '127.0.0.1', 8786)
    """
    m = _ADDRESS.match(str(address).strip())
    port = int(m.group(3)) if m else 0
    if m is None or not 0 < port < 65536:
        raise InputError(f"bad --scheduler address {address!r}: use tcp://HOST:PORT")
    scheme, host = m.group(1) or "tcp", m.group(2)
    return f"{scheme}://{host}:{port}", host.strip("[]"), port


def compile_ahead(methods: Iterable[str] | str, backend: str | None = None,
                  scheduler: str | None = None) -> bool:
    """Start compiling the ETL kernels now, in a background process, when ``methods``
    include ``"etl"`` and they will run on this machine (not on dask) and numba's cache
    lacks them; True when it started (:func:`millicharge.xsec.kernels.start_background_compile`).

    Called by a command or public function as soon as it knows it will compute ETL cross
    sections, so that the compilation overlaps its imports and preparations; the
    process's :func:`~millicharge.xsec.kernels.warm_up` (before the workers fork, or the
    first kernel call) then waits for it and loads the kernels. The compiling processes die
    with this one (:func:`~millicharge.running.interrupt.tie_to_parent`).
    """
    wanted = {str(m) for m in ([methods] if isinstance(methods, str) else methods)}
    if "etl" not in wanted or backend == "dask" or scheduler is not None:
        return False
    from millicharge.xsec.kernels import start_background_compile

    return start_background_compile(tie_to_parent)


def evaluate(
    jobs: Sequence[CrossSectionJob],
    *,
    backend: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    no_worker_timeout: float | None = NO_WORKER_TIMEOUT,
    cache: bool = True,
    progress: bool = True,
    description: str = "cross sections",
) -> list[CrossSection]:
    """Compute every job; results in the order of ``jobs``.

    Parameters
    ----------
    jobs : the points, :class:`~millicharge.xsec.jobs.CrossSectionJob` each.
    backend : ``"serial"``, ``"processes"`` or ``"dask"``; default ``"dask"`` when a
        ``scheduler`` is given, else ``"processes"``.
    workers : local processes (``"processes"``, or the dask ``LocalCluster`` started when
        no scheduler is given); default: all cores.
    scheduler : address of a running dask scheduler, ``tcp://HOST:PORT``.
    connect_timeout : seconds to wait for that scheduler before failing.
    no_worker_timeout : dask: seconds to go on waiting while the cluster has no worker
        at all before failing (finished points stay cached); None waits forever.
    cache : read finished points from the on-disk cache and store new ones (here, in
        this process) as they arrive.
    progress : show a progress bar (points done / total, rate and ETA).
    description : label of the progress bar.

    Returns
    -------
    list of CrossSection
        ``result.cached`` tells which came from the cache, ``result.wall_s`` how long
        each took to compute.

    Raises
    ------
    millicharge.running.interrupt.Interrupted
        on Ctrl-C (a :class:`KeyboardInterrupt`) or, under the command line, SIGTERM:
        pending points are cancelled, worker processes killed, and the message says how
        many finished points are in the cache.
    """
    if any(not isinstance(job, CrossSectionJob) for job in jobs):
        raise InputError("jobs must be CrossSectionJob objects "
                         "(millicharge.xsec.jobs.CrossSectionJob.make)")
    if backend is None:
        backend = "dask" if scheduler else "processes"
    if backend not in BACKENDS:
        raise InputError(f"unknown backend {backend!r}: allowed are {', '.join(BACKENDS)}")
    if scheduler is not None and backend != "dask":
        raise InputError(f"--scheduler needs the dask backend, not {backend!r}")
    if workers is not None and int(workers) < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    if no_worker_timeout is not None:
        try:
            wait_s = float(no_worker_timeout)
        except (TypeError, ValueError):
            wait_s = math.nan
        if isinstance(no_worker_timeout, bool) or not wait_s > 0:
            raise InputError(f"no-worker timeout must be positive seconds (or None to wait "
                             f"forever), got {no_worker_timeout!r}")
    if backend == "dask":
        from millicharge.running import dask_backend

        client_factory = dask_backend.client_factory(scheduler, workers,
                                                     float(connect_timeout))
    else:  # the kernels compile while the cache is read (if they are not cached yet)
        compile_ahead({job.method for job in jobs}, backend)
    wanted, jobs = jobs, [job.at_unit_epsilon() for job in jobs]  # the cache holds ε = 1
    results: list[CrossSection | None] = [None] * len(jobs)
    state = _Progress(jobs, results, cache)

    def finish(i: int, result: CrossSection) -> None:
        if cache:
            _store.store(jobs[i], result)
        results[i] = result

    try:
        todo = _lookup(jobs, results, cache, progress, description)
        n_workers = min(workers or os.cpu_count() or 1, max(len(todo), 1))
        bar = tqdm(
            total=len(jobs), initial=len(jobs) - len(todo), desc=description, unit="pt",
            disable=not progress, leave=False,
        )
        try:
            if backend == "dask":
                if todo:
                    dask_backend.run(client_factory, jobs, todo, finish, bar, state,
                                     no_worker_timeout)
            elif backend == "serial" or n_workers == 1 or len(todo) <= 1:
                for i in todo:
                    state.running = {i}
                    finish(i, job_result(jobs[i]))
                    bar.update()
            else:
                run_processes(jobs, todo, finish, bar, state, n_workers)
        finally:
            bar.close()
    except BaseException as exc:
        stop = as_interrupted(exc)
        if stop is None:
            raise
        raise type(stop)(state.interrupted_line(), stop.signum) from None
    return [r.with_epsilon(job.epsilon) if job.epsilon != 1.0 else r
            for r, job in zip(results, wanted, strict=True) if r is not None]


class _Progress:
    """What is finished and what is running, to say what an interrupt leaves behind."""

    def __init__(self, jobs: Sequence[CrossSectionJob], results: list[CrossSection | None],
                 cache: bool) -> None:
        self.jobs, self.results, self.cache = jobs, results, cache
        self.running: set[int] = set()

    def finished(self) -> int:
        """Points finished: read from the cache or arrived (and, with the cache, stored)."""
        return sum(r is not None for r in self.results)

    def cached_line(self) -> str:
        done = self.finished()
        return (f"{done} finished point{'' if done == 1 else 's'} "
                f"{'is' if done == 1 else 'are'} cached")

    def interrupted_line(self) -> str:
        if not self.cache:
            return (f"interrupted: {self.finished()} of {len(self.jobs)} points had finished "
                    "(not cached: the cache is off)")
        line = self.cached_line()
        left = len(self.jobs) - int(line.split()[0])
        return f"interrupted: {line} ({left} of {len(self.jobs)} left)"


def _lookup(jobs: Sequence[CrossSectionJob], results: list[CrossSection | None], cache: bool,
            progress: bool, description: str) -> list[int]:
    """Fill ``results`` from the cache; the indices still to compute (a bar shows the
    lookups of a big scan)."""
    if not cache:
        return list(range(len(jobs)))
    todo: list[int] = []
    with tqdm(total=len(jobs), desc=f"{description}: cache", unit="pt", leave=False,
              disable=not progress or len(jobs) < 1000, mininterval=0.5) as bar:
        for i, job in enumerate(jobs):
            hit = _store.load(job)
            if hit is None:
                todo.append(i)
            else:
                results[i] = hit
            bar.update()
    return todo
