"""Evaluate many cross sections: serially, on local processes or on a dask cluster.

Each job is the keyword arguments of :func:`millicharge.cross_section`. Finished points
are read from the on-disk cache; the rest are computed and every one is written to the
cache the moment it finishes (atomically), so an interrupted scan, or one that loses a
worker, resumes where it stopped. Results do not depend on the backend: each point has
its own seed, and the same seed gives the same bits on any process or host.

Backends
--------
``"serial"``
    this process, one point after another.
``"processes"`` (default)
    a pool of local processes, one per core.
``"dask"``
    :mod:`dask.distributed`: a running cluster at ``scheduler`` (``tcp://HOST:PORT``),
    or, without an address, a ``LocalCluster`` of ``workers`` processes on this machine.
    Needs ``pip install 'millicharge[dask]'``. Tasks of a lost worker are rescheduled by
    dask; every result is also stored in the cache of the machine running the scan.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import socket
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from tqdm.auto import tqdm

from . import cache as _cache
from .cross_sections import cross_section, remember
from .errors import InputError
from .result import CrossSection

__all__ = ["BACKENDS", "CONNECT_TIMEOUT", "check_scheduler_address", "evaluate"]

BACKENDS = ("serial", "processes", "dask")

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a dask scheduler before giving up (``connect_timeout``)."""

_ADDRESS = re.compile(r"^(?:(tcp|tls)://)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")


def _run(job: dict[str, Any], cache: bool) -> CrossSection:
    return cross_section(**job, cache=cache)


def _task_key(job: dict[str, Any]) -> str:
    """A dask key naming the point by its inputs (identical points share one task)."""
    return "millicharge-xsec-" + _cache.cache_key({k: job[k] for k in sorted(job)})[:32]


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


def evaluate(
    jobs: Sequence[dict[str, Any]],
    *,
    backend: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    cache: bool = True,
    progress: bool = True,
    description: str = "cross sections",
) -> list[CrossSection]:
    """Compute ``cross_section(**job)`` for every job; results in the order of ``jobs``.

    Parameters
    ----------
    jobs : keyword arguments of :func:`millicharge.cross_section`, one dict per point.
    backend : ``"serial"``, ``"processes"`` or ``"dask"``; default ``"dask"`` when a
        ``scheduler`` is given, else ``"processes"``.
    workers : local processes (``"processes"``, or the dask ``LocalCluster`` started when
        no scheduler is given); default: all cores.
    scheduler : address of a running dask scheduler, ``tcp://HOST:PORT``.
    connect_timeout : seconds to wait for that scheduler before failing.
    cache : read finished points from the on-disk cache and store new ones as they
        finish.
    progress : show a progress bar (points done / total, rate and ETA).
    description : label of the progress bar.

    Returns
    -------
    list of CrossSection
        ``result.cached`` tells which came from the cache, ``result.wall_s`` how long
        each took to compute.
    """
    if backend is None:
        backend = "dask" if scheduler else "processes"
    if backend not in BACKENDS:
        raise InputError(f"unknown backend {backend!r}: allowed are {', '.join(BACKENDS)}")
    if scheduler is not None and backend != "dask":
        raise InputError(f"--scheduler needs the dask backend, not {backend!r}")
    if workers is not None and int(workers) < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    if backend == "dask":
        client_factory = _dask_client_factory(scheduler, workers, float(connect_timeout))
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
        if backend == "dask":
            if todo:
                _run_dask(client_factory, jobs, todo, results, cache, bar)
        elif backend == "serial" or n_workers == 1 or len(todo) <= 1:
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


_ClientFactory = Callable[[], tuple[Any, Any]]


def _dask_client_factory(scheduler: str | None, workers: int | None,
                         timeout: float) -> _ClientFactory:
    """Check what can be checked now (dask installed, address well formed, scheduler
    answering) and return a function that opens ``(client, cluster)``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            "the dask backend needs dask.distributed: pip install 'millicharge[dask]'"
        ) from None
    if not timeout > 0:
        raise InputError(f"connect timeout must be positive, got {timeout}")
    if scheduler is None:
        n = workers or os.cpu_count() or 1

        def local() -> tuple[Any, Any]:
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None,
                                   scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                                   silence_logs=logging.ERROR)
            return Client(cluster, set_as_default=False), cluster

        return local
    address, host, port = check_scheduler_address(scheduler)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except TimeoutError:
        raise InputError(
            f"dask scheduler at {address} did not answer within {timeout:g} s"
        ) from None
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(
            f"cannot reach dask scheduler at {address}: {reason} "
            "(start one with `dask scheduler`)"
        ) from None

    try:
        identity = _identity(address, timeout)
    except (OSError, TimeoutError):
        raise InputError(
            f"no dask scheduler answered at {address} within {timeout:g} s"
        ) from None
    if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
        raise InputError(f"{address} answers but is not a dask scheduler")

    def remote() -> tuple[Any, None]:
        try:
            return Client(address, timeout=timeout, set_as_default=False), None
        except (OSError, TimeoutError):
            raise InputError(
                f"no dask scheduler answered at {address} within {timeout:g} s"
            ) from None

    return remote


def _identity(address: str, timeout: float) -> Any:
    """Ask ``address`` who it is, all within ``timeout`` seconds (dask's own connect
    timeout does not bound the handshake with a server that accepts and stays silent).

    Runs on its own event loop in a helper thread, so it works inside Jupyter too.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect

    async def ask() -> Any:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> Any:
        return await asyncio.wait_for(ask(), timeout)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, bounded()).result()


def _run_dask(client_factory: _ClientFactory, jobs: Sequence[dict[str, Any]], todo: list[int],
              results: list[CrossSection | None], cache: bool, bar: tqdm) -> None:
    """Submit the points in ``todo`` to dask; store each result as it arrives."""
    from distributed import as_completed as dask_completed

    client, cluster = client_factory()
    try:
        futures = {}
        for i in todo:
            fut = client.submit(_run, jobs[i], cache, key=_task_key(jobs[i]), pure=False)
            futures.setdefault(fut.key, (fut, []))[1].append(i)
        for fut in dask_completed([f for f, _ in futures.values()], loop=client.loop):
            result = fut.result()
            if cache:  # this machine's cache too (a remote worker may have its own)
                remember(jobs[futures[fut.key][1][0]], result)
            for i in futures[fut.key][1]:
                results[i] = result
                bar.update()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
