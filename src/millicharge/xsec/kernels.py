r"""The compiled (numba) kernels of the exact tree-level integrand, and how they are run.

Two kernels carry the hot path of :mod:`millicharge.xsec.etl`:

* :func:`~millicharge.xsec.kernel_phase_space.three_body_kernel`: the 2 → 3 phase space
  (lab momenta and the dΦ₃ weight per unit of the cube), wrapped by
  :func:`three_body_events_fast` into :class:`~millicharge.kinematics.phase_space.Events`;
* :func:`~millicharge.xsec.kernel_amplitude.contraction_kernel`: the spin-summed
  lepton ⊗ nucleus contraction of the |M|², wrapped by :func:`contraction`.

**One path computes, the other checks.** The integrand always runs these kernels: there
is no switch and no numba-free fallback (numba is a hard dependency). The numpy
functions :func:`millicharge.kinematics.phase_space.three_body_events` and
``reduced_contraction(lepton_current(...))`` of
:mod:`millicharge.amplitudes.matrix_elements` are kept as the *independent reference*: the
gauge-invariance, Lorentz-invariance and phase-space tests run on them, and
tests/xsec/test_kernels.py checks the kernels against them (to ~1e-13 relative; the
kinematics bit for bit where the formulas allow). The kernels are event-by-event
transcriptions of those array formulas (numba cannot compile the numpy versions'
broadcasting and ``einsum``), except where one function serves both: 1 − β
(:func:`millicharge.kinematics.lorentz.one_minus_beta`) is compiled as it is. The numpy
current :func:`~millicharge.amplitudes.matrix_elements.lepton_current` also computes the
direct 2 → 4 integrand (a validation of the spectral reduction, and the event
generator's χ angles), which has no kernel.

Compilation happens once per installation (numba's cache, :data:`CACHE_DIR`, chosen by
:mod:`millicharge.xsec.jit`); :func:`warm_up` loads or compiles the kernels before worker
processes fork and announces a compilation on stderr in one line. It compiles them for the
argument types their wrappers pass (each kernel module's ``SIGNATURE``), the independent
pieces in forked processes at once (:func:`_compile_all`; the cost is measured by
benchmarks/first_use.py). A command that will need them starts that compilation in a
forked process as it begins (:func:`start_background_compile`, through
:func:`millicharge.running.executors.compile_ahead`), so that it overlaps the command's
imports and cache reads; :func:`warm_up` then waits for it. numba's cache is keyed
on each kernel's own source file: after editing :mod:`millicharge.kinematics.lorentz`
(compiled into both kernels) clear :data:`CACHE_DIR` or touch the kernel modules.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from millicharge.kinematics.phase_space import Events
from millicharge.xsec import kernel_amplitude, kernel_phase_space
from millicharge.xsec.jit import CACHE_DIR
from millicharge.xsec.kernel_amplitude import contraction_kernel
from millicharge.xsec.kernel_phase_space import three_body_kernel

__all__ = [
    "CACHE_DIR",
    "contraction",
    "contraction_kernel",
    "start_background_compile",
    "three_body_events_fast",
    "three_body_kernel",
    "warm_up",
]


def contraction(p: NDArray, pp: NDArray, k: NDArray, s: NDArray, nucleus: NDArray,
                t: NDArray, lepton_mass: float) -> NDArray[np.float64]:
    """C per event by :func:`contraction_kernel` (arrays made contiguous float64)."""
    warm_up()
    f8 = np.float64
    return contraction_kernel(
        np.ascontiguousarray(p, dtype=f8),
        np.ascontiguousarray(pp, dtype=f8),
        np.ascontiguousarray(k, dtype=f8),
        np.ascontiguousarray(s, dtype=f8),
        np.ascontiguousarray(nucleus, dtype=f8),
        np.ascontiguousarray(t, dtype=f8),
        float(lepton_mass),
    )


def three_body_events_fast(energy: float, lepton_mass: float, nucleus_mass: float,
                           x: NDArray, s: NDArray, u_rho: NDArray, u_t: NDArray,
                           phi: NDArray) -> Events:
    """:func:`~millicharge.kinematics.phase_space.three_body_events`, compiled:
    :func:`three_body_kernel`."""
    warm_up()
    f8 = np.float64
    s = np.ascontiguousarray(s, dtype=f8)
    p, pp, k, nucleus, recoil, t, weight = three_body_kernel(
        float(energy),
        float(lepton_mass),
        float(nucleus_mass),
        np.ascontiguousarray(x, dtype=f8),
        s,
        np.ascontiguousarray(u_rho, dtype=f8),
        np.ascontiguousarray(u_t, dtype=f8),
        np.ascontiguousarray(phi, dtype=f8),
    )
    return Events(p=p, pp=pp, k=k, nucleus=nucleus, recoil=recoil, s=s, t=t, weight=weight)


# ----------------------------------------------------------------- compile once, announced
_COMPILE_SECONDS = 3
"""Rough wait of :func:`warm_up` when it compiles, the number the announcement states:
2.6-3.3 s on two shared cores, against 0.6-0.8 s when it loads the kernels from the cache
(benchmarks/first_use.py)."""

_warm: bool = False

_ChildSetup = Callable[[int], None]
_child_setup: _ChildSetup | None = None
"""Called first thing in every compiling child with its parent's pid (set by
:func:`start_background_compile`: the running layer ties the child to its parent)."""

_background: int | None = None
"""The pid of the background compilation (:func:`start_background_compile`)."""


def _compiled_cache_present() -> bool:
    """True when numba's cache holds a valid index for both kernels (same source).

    numba offers no public API for this; its index loader returns an empty mapping when
    the index is missing, from another numba version or for changed source. Any surprise
    counts as "absent", which at worst prints the announcement once too often.
    """
    try:
        kernels: tuple[Any, ...] = (contraction_kernel, three_body_kernel)
        return all(bool(kernel._cache._cache_file._load_index()) for kernel in kernels)
    except Exception:  # private numba API: fail towards announcing
        return False


_Task = tuple[Any, tuple]
"""A compiled function (numba dispatcher) and the argument types to compile it for."""


def _compile(tasks: list[_Task]) -> None:
    """Compile each function for its signature, or load it from numba's cache."""
    for dispatcher, signature in tasks:
        dispatcher.compile(signature)


def _fork(work: Callable[[], None]) -> int | None:
    """Fork a process that runs ``work`` (compiling into numba's on-disk cache) and exits;
    its pid, or None where processes cannot fork (then the caller does the work)."""
    if os.name != "posix":
        return None
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        return pid
    status = 1
    try:  # the child: compile, save to the cache, leave without running any exit handler
        if _child_setup is not None:
            _child_setup(parent)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numba's caching warnings: the parent's to give
            work()
        status = 0
    finally:
        os._exit(status)


def _compile_in_child(tasks: list[_Task]) -> int | None:
    """:func:`_fork` a process that compiles ``tasks``."""
    return _fork(lambda: _compile(tasks))


def _reap(pid: int | None, kill: bool = False) -> None:
    """Wait for a compiling child (stopping it first with ``kill``); its exit status is not
    needed: what it did not cache, the parent compiles."""
    if pid is None:
        return
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _compile_all() -> None:
    """Compile both kernels for the signatures the integrand uses, three processes at once.

    Each compiled function has its own entry in numba's cache, which lets independent ones
    compile in forked processes: the parent compiles the helper both kernels share, forks
    one child for :func:`three_body_kernel` and one for two of
    :func:`contraction_kernel`'s helpers, compiles the other helpers, then compiles
    :func:`contraction_kernel` (loading the child's helpers from the cache) and loads
    :func:`three_body_kernel`. Anything a child failed to cache is compiled here instead,
    so the result never depends on the children (only the time does). Same signatures,
    same machine code: the numbers are those of a serial compilation.
    """
    helpers = list(kernel_amplitude.HELPER_SIGNATURES.items())
    _compile([(kernel_amplitude.stable_dot_kernel, kernel_amplitude.STABLE_DOT_SIGNATURE)])
    phase_space = _compile_in_child([(three_body_kernel, kernel_phase_space.SIGNATURE)])
    some_helpers = _compile_in_child(helpers[:1] + helpers[-1:])
    done = False
    try:
        _compile(helpers[1:-1])
        _reap(some_helpers)
        _compile(helpers[:1] + helpers[-1:] + [(contraction_kernel, kernel_amplitude.SIGNATURE)])
        _reap(phase_space)
        _compile([(three_body_kernel, kernel_phase_space.SIGNATURE)])
        done = True
    finally:
        if not done:  # interrupted: stop the children
            _reap(some_helpers, kill=True)
            _reap(phase_space, kill=True)


def start_background_compile(child_setup: _ChildSetup | None = None) -> bool:
    """Start compiling the kernels into numba's cache in a forked process, now, if they
    are not cached yet; True when it started.

    For a command that will compute ETL cross sections: the compilation
    (:func:`_compile_all`, the same code and signatures as :func:`warm_up`'s) then runs
    while this process goes on importing and preparing, and :func:`warm_up` waits for
    it and loads the kernels from the cache (or compiles what it did not cache). Cheap
    when the kernels are cached (their index is read); nothing happens where processes
    cannot fork, after :func:`warm_up`, or while a compilation already runs.
    ``child_setup(parent_pid)`` runs first in the compiling processes (e.g. to make them
    die with their parent).
    """
    global _background, _child_setup
    if _warm or os.name != "posix":
        return False
    if _background is not None:
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(_background, os.WNOHANG)[0] == 0:
                return False  # still compiling
        _background = None  # finished before anyone waited (reaped now)
    if _compiled_cache_present():
        return False
    _child_setup = child_setup
    _prepare_numba()  # needed here too: done once, before the fork, not in both processes
    pid = _fork(_compile_all)
    if pid is None:
        return False
    _background = pid
    return True


def _announce() -> None:
    """Say on stderr, in one line, that the kernels compile (and roughly how long)."""
    print(
        f"millicharge: compiling kernels, once: ~{_COMPILE_SECONDS} s "
        f"(cached in {CACHE_DIR})",
        file=sys.stderr,
        flush=True,
    )


def _prepare_numba() -> None:
    """Load numba's lowering registries now: the ~0.6 s that a process's first compilation
    or cache load spends before anything else. Done before forking a compiling process,
    it is done once for both. Private numba API: on any surprise it is left to the first
    compilation."""
    with contextlib.suppress(Exception):
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()


def _await_background(pid: int) -> None:
    """Wait for the background compilation and load its kernels; compile here what it did
    not cache (it failed, was killed, or could not write the cache)."""
    announced = False
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == 0:  # still compiling: say so, and wait
            _announce()
            announced = True
            done = False
            try:
                _reap(pid)
                done = True
            finally:
                if not done:  # interrupted: stop it
                    _reap(pid, kill=True)
    if _compiled_cache_present():
        _compile([(contraction_kernel, kernel_amplitude.SIGNATURE),
                  (three_body_kernel, kernel_phase_space.SIGNATURE)])
    else:
        if not announced:
            _announce()
        _compile_all()


def warm_up() -> None:
    """Compile the kernels now (or load them from numba's cache), in this process.

    Called before worker processes fork, so that they inherit compiled kernels instead of
    each compiling its own, and on the first use of a kernel. When the compiled cache is
    absent it says so on stderr in one line and compiles the kernels for the signatures
    their callers use (:func:`_compile_all`); calls with other argument types would still
    compile on demand. After :func:`start_background_compile` it waits for that
    compilation instead (announced the same way while it runs) and loads its kernels.
    Does nothing once it has succeeded.
    """
    global _warm, _background
    if _warm:
        return
    if _background is not None:
        background, _background = _background, None
        _await_background(background)
    elif not _compiled_cache_present():
        _announce()
        _compile_all()
    else:
        _compile([(contraction_kernel, kernel_amplitude.SIGNATURE),
                  (three_body_kernel, kernel_phase_space.SIGNATURE)])
    _warm = True  # not before: an interrupted warm-up is done again by the next call
