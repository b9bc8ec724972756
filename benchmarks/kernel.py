"""The ETL integrand's hot path: the compiled (numba) kernels against their numpy reference.

Run: ``python benchmarks/kernel.py [N]`` (default N = 1e5) from the repository root.

For an electron on aluminium and a muon on lead, on N random points spread over the whole
x and s range (down to 1e-10 GeV²), it prints

* the first call of each kernel (a JIT compilation, or a load from numba's on-disk cache,
  :data:`millicharge.xsec.kernels.CACHE_DIR`), timed apart from the per-event figures;
* µs/event of the kernels and of their numpy references
  (:func:`millicharge.kinematics.phase_space.three_body_events`;
  ``reduced_contraction(lepton_current(...))`` of
  :mod:`millicharge.amplitudes.matrix_elements`), best of several repeats, and the largest
  relative difference between the two (the tests in tests/xsec/test_kernels.py hold them to
  1e-10 for the contraction, 1e-12 for the phase space);
* µs/event of the whole integrand of :func:`millicharge.xsec.etl.make_integrand` as it
  runs (kernels), and with the numpy references put in their place for the measurement.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from millicharge.amplitudes.matrix_elements import lepton_current, reduced_contraction
from millicharge.kinematics.phase_space import Events, three_body_events
from millicharge.kinematics.process import Process
from millicharge.xsec import etl
from millicharge.xsec import kernels as _kernels

CASES = [("e", 8.0, "Al"), ("mu", 160.0, "Pb")]
"""(beam, energy in GeV, target) of NA64e/LDMX-like and NA64μ-like points."""


def best_of(f: Callable[[], object], repeat: int = 5) -> float:
    """The shortest wall time of ``repeat`` calls of ``f``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


def first_call(dispatcher, *args) -> tuple[float, str]:
    """Time of a kernel's first call, and whether numba compiled it or loaded it."""
    t0 = time.perf_counter()
    dispatcher(*args)
    dt = time.perf_counter() - t0
    how = "cache load" if sum(dispatcher.stats.cache_hits.values()) else "JIT compile"
    return dt, how


def contraction_numpy(p, pp, k, s, nucleus, t, lepton_mass):
    """The numpy reference of :func:`millicharge.xsec.kernels.contraction`."""
    return reduced_contraction(lepton_current(p, pp, k, lepton_mass, s), k, s, nucleus, t)


def max_relative(a: np.ndarray, b: np.ndarray) -> float:
    """max |a − b| / |b| (per row of four-vectors: over the row's largest component)."""
    if a.ndim == 1:
        return float(np.max(np.abs(a - b) / np.abs(b)))
    return float(np.max(np.abs(a - b) / np.max(np.abs(b), axis=1, keepdims=True)))


def integrand_time(f: Callable, u: np.ndarray, contraction: Callable,
                   phase_space: Callable[..., Events]) -> float:
    """µs/event of ``f(u)`` with the given contraction and phase space in etl's hands."""
    saved = _kernels.contraction, _kernels.three_body_events_fast
    _kernels.contraction, _kernels.three_body_events_fast = contraction, phase_space
    try:
        return best_of(lambda: f(u), 3) / len(u) * 1e6
    finally:
        _kernels.contraction, _kernels.three_body_events_fast = saved


def main(n: int = 100_000) -> None:
    rng = np.random.default_rng(0)
    print(f"numba cache: {_kernels.CACHE_DIR}")
    for beam, energy, target in CASES:
        proc = Process.make(beam, energy, target, 0.01)
        m, big_m = proc.lepton_mass, proc.target.nucleus_mass
        x = 1.0 - 10.0 ** rng.uniform(-3, np.log10(0.99), n)
        s = 10.0 ** rng.uniform(-10, 0, n) * 0.5 * (x * energy) ** 2
        ps_args = (energy, m, big_m, x, s, rng.random(n), rng.random(n), 2 * np.pi * rng.random(n))
        ev = three_body_events(*ps_args)
        ok = ev.weight > 0
        amp = [np.ascontiguousarray(getattr(ev, f)[ok])
               for f in ("p", "pp", "k", "s", "nucleus", "t")]
        n_ok = int(ok.sum())
        print(f"{beam} {energy:g} GeV on {target}: N = {n} ({n_ok} in phase space)")
        if beam == CASES[0][0]:
            dt, how = first_call(_kernels.three_body_kernel, *ps_args[:3],
                                 *(a[:2] for a in ps_args[3:]))
            print(f"  first three_body_kernel call ({how}): {dt:.2f} s")
            dt, how = first_call(_kernels.contraction_kernel, *(a[:2] for a in amp), m)
            print(f"  first contraction_kernel call ({how}): {dt:.2f} s")

        ref = contraction_numpy(*amp, m)
        fast = _kernels.contraction(*amp, m)
        t_np = best_of(lambda: contraction_numpy(*amp, m), 3) / n_ok * 1e6  # noqa: B023
        t_nb = best_of(lambda: _kernels.contraction(*amp, m)) / n_ok * 1e6  # noqa: B023
        print(f"  |M|² contraction: numpy {t_np:7.3f} µs/ev, numba {t_nb:7.3f} "
              f"(×{t_np / t_nb:.1f}); max rel. difference {max_relative(fast, ref):.1e}")

        fast_ev = _kernels.three_body_events_fast(*ps_args)
        if not np.array_equal(fast_ev.weight > 0, ok):
            raise SystemExit("the kernel and numpy disagree on which points are in phase space")
        diff = max(max_relative(getattr(fast_ev, f)[ok], getattr(ev, f)[ok])
                   for f in ("p", "pp", "k", "nucleus", "recoil", "t", "weight"))
        p_np = best_of(lambda: three_body_events(*ps_args)) / n * 1e6  # noqa: B023
        p_nb = best_of(lambda: _kernels.three_body_events_fast(*ps_args)) / n * 1e6  # noqa: B023
        print(f"  phase space     : numpy {p_np:7.3f} µs/ev, numba {p_nb:7.3f} "
              f"(×{p_np / p_nb:.1f}); max rel. difference {diff:.1e}")

        f, dim = etl.make_integrand(proc, x_range=(0.01, 0.999), model="mcp")
        u = rng.random((n, dim))
        kernel_path = (_kernels.contraction, _kernels.three_body_events_fast)
        res = {
            "numpy references": integrand_time(f, u, contraction_numpy, three_body_events),
            "numba |M|², numpy phase space": integrand_time(f, u, kernel_path[0],
                                                            three_body_events),
            "numba (as it runs)": integrand_time(f, u, *kernel_path),
        }
        base = res["numpy references"]
        for label, t in res.items():
            print(f"  integrand, {label:30s}: {t:7.3f} µs/event  (×{base / t:.1f})")


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 100_000)
