"""The ``"processes"`` backend: the package's own worker processes on this machine.

Each worker computes one point at a time and sends the result back; the parent stores it
(:mod:`millicharge.running.executors` describes the backends). The workers ignore Ctrl-C
(the scan stops them), die with the scan however it ends, even on SIGKILL
(:func:`millicharge.running.interrupt.tie_to_parent`), and exit at once when told to stop.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait as wait_ready
from typing import TYPE_CHECKING, Any

from millicharge.core.errors import InputError
from millicharge.core.results import CrossSection
from millicharge.running.interrupt import signals_deferred, tie_to_parent
from millicharge.running.progress import tqdm
from millicharge.xsec.jobs import CrossSectionJob

if TYPE_CHECKING:
    from millicharge.running.executors import _Progress

__all__ = ["WorkerError", "job_result", "run_processes"]


def job_result(job: CrossSectionJob) -> CrossSection:
    """What a worker computes for one point (the pure physics)."""
    return job.compute()


class WorkerError(InputError):
    """A worker process died without reporting (killed, out of memory, …).

    Not bad input, but reported the same way: one line (the command line prints it
    without a traceback); the finished points are cached and a rerun resumes.
    """


class _RemoteTraceback(Exception):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _worker_loop(conn: Any, parent_pid: int) -> None:
    """A worker process: compute the points the parent sends, one at a time, until the
    parent sends ``None`` (or the pipe closes), and send each result back (the parent
    stores it in the cache). A forked worker holds copies of the parent's pipe ends, so
    closing them in the parent alone would not end it: the ``None`` does, at once."""
    tie_to_parent(parent_pid)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, job = message
        try:
            reply: tuple[int, bool, Any] = (index, True, job_result(job))
        except Exception as err:  # sent to the parent, raised there
            reply = (index, False, (err, traceback.format_exc()))
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception:  # an exception that does not pickle
            err, text = reply[2]
            conn.send((index, False, (RuntimeError(f"{type(err).__name__}: {err}"), text)))


_Finish = Callable[[int, CrossSection], None]


def run_processes(jobs: Sequence[CrossSectionJob], todo: list[int], finish: _Finish,
                   bar: tqdm, state: _Progress, n_workers: int) -> None:
    """Compute ``todo`` on ``n_workers`` local processes, one point per process at a
    time, in order; ``finish`` each result as it arrives; stop them all on the first
    error or an interrupt."""
    if any(jobs[i].method == "etl" for i in todo):
        from millicharge.xsec.kernels import warm_up

        warm_up()  # compile (announced) once here, before the workers fork
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    parent = os.getpid()
    procs: list[Any] = []
    conns: list[Any] = []
    queue = deque(todo)
    running: dict[Any, int] = {}  # connection -> index of the point it computes
    state.running = set()
    clean = False
    try:
        for _ in range(n_workers):
            here, there = ctx.Pipe()
            proc = ctx.Process(target=_worker_loop, args=(there, parent), daemon=True,
                               name="millicharge-worker")
            procs.append(proc)
            conns.append(here)
            proc.start()
            there.close()
        owner = {proc.sentinel: conn for proc, conn in zip(procs, conns, strict=True)}

        def died(conn: Any) -> WorkerError:
            proc = procs[conns.index(conn)]
            proc.join(1)
            return WorkerError(
                f"a worker process died (exit code {proc.exitcode}) computing point "
                f"{running[conn] + 1} of {len(jobs)}; finished points are cached, rerun "
                "to resume")

        def dispatch(conn: Any) -> None:
            if queue:
                i = queue.popleft()
                running[conn] = i
                state.running.add(i)
                try:
                    conn.send((i, jobs[i]))
                except OSError:
                    raise died(conn) from None

        for conn in conns:
            dispatch(conn)
        while running:
            for ready in wait_ready(list(running) + [p.sentinel for p in procs]):
                conn = owner.get(ready, ready)
                if conn not in running:
                    continue
                if ready is not conn and not conn.poll():
                    raise died(conn)  # without a reply
                try:
                    index, ok, payload = conn.recv()
                except (EOFError, OSError):
                    raise died(conn) from None
                del running[conn]
                state.running.discard(index)
                if not ok:
                    err, text = payload
                    raise err from _RemoteTraceback(text)
                finish(index, payload)
                bar.update()
                dispatch(conn)
        clean = True
    finally:
        with signals_deferred():
            _stop(procs, conns, kill=not clean)


def _stop(procs: list[Any], conns: list[Any], *, kill: bool) -> None:
    """End the worker processes: at once (``kill``) or by telling them to stop (``None``)."""
    for conn in conns:
        if not kill:
            with contextlib.suppress(OSError, ValueError):
                conn.send(None)
        conn.close()
    if kill:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
    deadline = time.monotonic() + 2.0
    for proc in procs:
        if proc.pid is None:
            continue  # never started
        proc.join(max(deadline - time.monotonic(), 0.0))
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)
