"""The dask backend of :func:`millicharge.running.executors.evaluate`.

A running cluster at ``scheduler`` (``tcp://HOST:PORT``; ``tls://`` with the certificates
set in the dask configuration), or, without an address, a ``LocalCluster`` of ``workers``
processes on this machine. The workers only compute
(:meth:`~millicharge.xsec.jobs.CrossSectionJob.compute`); each result is handed to the
caller's ``finish`` (which stores it in this machine's cache) as it arrives. Tasks of a
lost worker are rescheduled by dask; a cluster left with no worker at all fails the scan
after ``no_worker_timeout`` seconds. Needs ``pip install 'millicharge[dask]'``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from typing import Any

from millicharge.core.errors import InputError
from millicharge.core.results import CrossSection
from millicharge.running import store as _store
from millicharge.running.executors import check_scheduler_address
from millicharge.running.interrupt import signals_deferred
from millicharge.xsec.jobs import CrossSectionJob

__all__ = ["client_factory", "run"]

_Finish = Callable[[int, CrossSection], None]


def _task_key(job: CrossSectionJob) -> str:
    """A dask key naming the point by its inputs (identical points share one task)."""
    return "millicharge-xsec-" + _store.job_key(job)[:32]


_ClientFactory = Callable[[], tuple[Any, Any]]


def client_factory(scheduler: str | None, workers: int | None,
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
    security = _tls_security(address) if address.startswith("tls://") else None
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
        identity = _identity(address, timeout, security)
    except ssl.SSLError as err:
        raise InputError(f"TLS handshake with {address} failed: {err.reason or err} (check "
                         "the certificates in the dask configuration)") from None
    except (OSError, TimeoutError):
        raise InputError(
            f"no dask scheduler answered at {address} within {timeout:g} s"
        ) from None
    if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
        raise InputError(f"{address} answers but is not a dask scheduler")

    def remote() -> tuple[Any, None]:
        try:
            return Client(address, timeout=timeout, set_as_default=False,
                          security=security), None
        except (OSError, TimeoutError):
            raise InputError(
                f"no dask scheduler answered at {address} within {timeout:g} s"
            ) from None

    return remote


def _tls_security(address: str) -> Any:
    """The dask ``Security`` for a ``tls://`` scheduler, from the dask configuration
    (``distributed.comm.tls.ca-file``, ``.client.cert``, ``.client.key``)."""
    from distributed.security import Security

    security = Security()
    if not security.tls_ca_file or not security.tls_client_cert:
        raise InputError(
            f"{address} needs TLS certificates: set distributed.comm.tls.ca-file, "
            ".client.cert and .client.key in the dask configuration, or use tcp://")
    try:
        security.get_connection_args("client")
    except (OSError, ValueError) as err:
        raise InputError(f"bad TLS certificates in the dask configuration: {err}") from None
    return security


def _identity(address: str, timeout: float, security: Any = None) -> Any:
    """Ask ``address`` who it is, all within ``timeout`` seconds (dask's own connect
    timeout does not bound the handshake with a server that accepts and stays silent).

    Runs on its own event loop in a helper thread, so it works inside Jupyter too.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect

    async def ask() -> Any:
        args = security.get_connection_args("client") if security is not None else {}
        comm = await connect(address, timeout=timeout, **args)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> Any:
        return await asyncio.wait_for(ask(), timeout)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, bounded()).result()


def run(client_factory: _ClientFactory, jobs: Sequence[CrossSectionJob], todo: list[int],
        finish: _Finish, bar: Any, state: Any, no_worker_timeout: float | None) -> None:
    """Submit the points in ``todo`` to dask; ``finish`` each result as it arrives.

    Fails after ``no_worker_timeout`` seconds during which the cluster had no worker at
    all (dask itself would wait for one forever); None waits forever.
    """
    client, cluster = client_factory()
    clean = False
    try:
        futures = {}
        for i in todo:
            fut = client.submit(CrossSectionJob.compute, jobs[i], key=_task_key(jobs[i]),
                               pure=False)
            futures.setdefault(fut.key, (fut, []))[1].append(i)
        state.running = set(todo)
        arrived: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for fut, _ in futures.values():
            # dask's callback thread only hands the finished future over: a result fetched
            # there can deadlock with the client's own callbacks
            fut.add_done_callback(arrived.put)
        left = len(futures)
        alone_since: float | None = None
        while left:
            try:
                fut = arrived.get(timeout=_DASK_POLL_S)
                payload = fut.result(timeout=_DASK_FETCH_S)  # a task's error is raised as is
            except queue.Empty:
                pass
            except TimeoutError:
                # its holder may be gone: dask recomputes it and the callback hands it over
                # again; meanwhile check that the cluster still has workers
                fut.add_done_callback(arrived.put)
            else:
                left -= 1
                for i in futures[fut.key][1]:
                    finish(i, payload)
                    state.running.discard(i)
                    bar.update()
                alone_since = None
                continue
            if no_worker_timeout is None:
                continue
            now = time.monotonic()
            if _n_workers(client) > 0:
                alone_since = None
            elif alone_since is None:
                alone_since = now
            elif now - alone_since >= no_worker_timeout:
                raise InputError(
                    f"no dask workers for {no_worker_timeout:g} s: {state.cached_line()} "
                    "(start workers and rerun, or wait longer with --no-worker-timeout)")
        clean = True
    finally:
        with signals_deferred():
            timeout = None if clean else 3
            if not clean and cluster is not None:
                _kill_local_workers(cluster)  # their graceful close can take many seconds
            try:
                client.close(timeout=timeout)
            finally:
                if cluster is not None:
                    cluster.close(timeout=timeout)


def _kill_local_workers(cluster: Any) -> None:
    """SIGKILL the worker processes of our own ``LocalCluster`` (after an error or an
    interrupt: nothing of theirs is needed any more)."""
    for nanny in list(getattr(cluster, "workers", {}).values()):
        pid = getattr(getattr(nanny, "process", None), "pid", None)
        if pid:
            with contextlib.suppress(OSError):
                os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))


_DASK_POLL_S = 1.0
"""How often a dask scan checks that the cluster still has workers (seconds)."""

_DASK_FETCH_S = 10.0
"""How long one fetch of a finished result may take before the workers are checked."""


def _n_workers(client: Any) -> int:
    """Workers the scheduler knows now (0 if it does not answer within a few seconds)."""
    try:
        return len(client.nthreads(callback_timeout=5))
    except Exception:  # an unreachable scheduler has no workers for us
        return 0
