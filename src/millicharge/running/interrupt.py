"""Clean stops on Ctrl-C (SIGINT) and SIGTERM, and worker processes that never outlive
their parent.

Ctrl-C raises :class:`KeyboardInterrupt` in the main thread, as Python always does;
:func:`handle_signals` makes SIGTERM raise :class:`Terminated` there too, so both unwind
the same way: a scan cancels what is pending, kills its worker processes and raises
:class:`Interrupted`, whose message says how many finished points are in the cache. The
command line prints that one line and exits with 128 + the signal number (130 for
SIGINT, 143 for SIGTERM), as a shell does for a process killed by a signal.

Worker processes (see :mod:`millicharge.running.executors`) ignore SIGINT, so the terminal's Ctrl-C
reaches only the parent, which then kills them; on Linux the kernel kills them when the
parent dies however it dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), elsewhere a
watchdog thread does when their parent process is gone.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

__all__ = [
    "Interrupted",
    "Terminated",
    "as_interrupted",
    "exit_on_interrupt",
    "handle_signals",
    "signals_deferred",
    "tie_to_parent",
]


class Interrupted(KeyboardInterrupt):
    """The work was stopped by a signal (Ctrl-C or SIGTERM).

    A :class:`KeyboardInterrupt`, so code that handles Ctrl-C handles it too.
    ``str(exc)`` is the one line to show, e.g. ``interrupted: 3 finished points are
    cached``; ``exit_status`` is 128 + the signal number.
    """

    def __init__(self, message: str = "interrupted", signum: int = signal.SIGINT) -> None:
        super().__init__(message)
        self.signum = int(signum)

    @property
    def exit_status(self) -> int:
        return 128 + self.signum

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "interrupted"


class Terminated(Interrupted):
    """Raised in the main thread by SIGTERM while :func:`handle_signals` is active."""

    def __init__(self, message: str = "interrupted", signum: int = signal.SIGTERM) -> None:
        super().__init__(message, signum)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum=signum)


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """While active, SIGTERM raises :class:`Terminated` in the main thread.

    Does nothing outside the main thread (only it can set signal handlers). SIGINT is
    left as it is: Python's default raises :class:`KeyboardInterrupt`, and a process
    started with SIGINT ignored (``nohup``) keeps ignoring it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Ignore SIGINT and SIGTERM (e.g. a second Ctrl-C) while cleaning up after a stop.

    The stop is already under way, so such a signal is dropped. Only effective in the
    main thread (the only one that may set handlers); elsewhere a plain block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for name in ("SIGINT", "SIGTERM"):
        signum = getattr(signal, name, None)
        if signum is not None:
            previous[signum] = signal.signal(signum, _ignore)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _ignore(signum: int, frame: object) -> None:
    """A Python-level no-op handler (unlike SIG_IGN it is restored exactly)."""


def as_interrupted(exc: BaseException) -> Interrupted | None:
    """The interrupt behind ``exc``, or None if ``exc`` is not one.

    Besides :class:`Interrupted` and :class:`KeyboardInterrupt` themselves, this finds an
    interrupt that surfaced as another exception: a signal handler raising while a
    compiled (numba) function returns gives ``SystemError: … returned a result with an
    exception set`` whose context is the :class:`KeyboardInterrupt`; so does anything
    raised while an interrupt was being handled.
    """
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, Interrupted):
            return e
        if isinstance(e, KeyboardInterrupt):
            return Interrupted(signum=signal.SIGINT)
        e = e.__cause__ or e.__context__
    return None


@contextlib.contextmanager
def exit_on_interrupt(write=None) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """For a command line: SIGTERM handled as above; an interrupt prints its one line
    (``write``, default stderr) and exits with status 128 + signal (``SystemExit``)."""
    try:
        with handle_signals():
            yield
    except BaseException as exc:
        stop = as_interrupted(exc)
        if stop is None:
            raise
        with signals_deferred():
            line = str(stop)
            if write is None:
                sys.stderr.write(line + "\n")
                sys.stderr.flush()
            else:
                write(line)
            _exit_quickly()
        raise SystemExit(stop.exit_status) from None


_quick_exit_armed = False


def _exit_quickly() -> None:
    """Skip the garbage collections of interpreter shutdown (seconds with scipy and numba
    loaded): the process is stopping on a signal. Freezing happens at exit, so a caller
    that goes on (a test runner) keeps its ordinary garbage collection."""
    global _quick_exit_armed
    if not _quick_exit_armed:
        atexit.register(gc.freeze)
        _quick_exit_armed = True


# --- worker processes -------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def _set_parent_death_signal() -> bool:
    """Linux: ask the kernel to SIGKILL this process when its parent exits."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int, interval: float) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(interval)


def tie_to_parent(parent_pid: int, *, interval: float = 0.5) -> None:
    """Make this (worker) process die with ``parent_pid``, however the parent dies.

    Also makes it ignore SIGINT (Ctrl-C in the terminal goes to the whole process group;
    the parent alone decides) and restores the default SIGTERM action. Call it first
    thing in a worker process.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _set_parent_death_signal():
        threading.Thread(target=_watch_parent, args=(parent_pid, interval), daemon=True,
                         name="millicharge-parent-watchdog").start()
    # the parent may have died before prctl took effect: then we are orphaned already
    if os.getppid() != parent_pid:
        os._exit(1)
