"""µs/event of the ETL integrand hot path: numpy reference vs numba kernels.

Run: ``python benchmarks/kernel.py [N]`` (default N = 1e5). The first kernel call
(JIT compile, or load from numba's on-disk cache) is timed separately and excluded from
the per-event numbers; timings are the best of several repeats.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from millicharge.kinematics.phase_space import three_body_events
from millicharge.kinematics.process import Process
from millicharge.xsec import etl
from millicharge.xsec import kernels as _kernels


def best_of(f, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


def first_call(dispatcher, *args):
    t0 = time.perf_counter()
    dispatcher(*args)
    dt = time.perf_counter() - t0
    how = "cache load" if dispatcher.stats.cache_hits else "JIT compile"
    return dt, how


def main(n: int = 100_000) -> None:
    rng = np.random.default_rng(0)
    for beam, energy, target in [("e", 8.0, "Al"), ("mu", 160.0, "Pb")]:
        proc = Process.make(beam, energy, target, 0.01)
        m, big_m = proc.lepton_mass, proc.target.nucleus_mass
        x = 1.0 - 10.0 ** rng.uniform(-3, np.log10(0.99), n)
        s = 10.0 ** rng.uniform(-10, 0, n) * 0.5 * (x * energy) ** 2
        ps_args = (energy, m, big_m, x, s, rng.random(n), rng.random(n), 2 * np.pi * rng.random(n))
        ev = three_body_events(*ps_args)
        ok = ev.weight > 0
        amp = [
            np.ascontiguousarray(getattr(ev, f)[ok]) for f in ("p", "pp", "k", "s", "nucleus", "t")
        ]
        n_ok = int(ok.sum())
        print(f"{beam} {energy:g} GeV on {target}: N = {n} ({n_ok} in phase space)")
        if _kernels.HAVE_NUMBA:
            dt, how = first_call(_kernels.contraction_kernel, *(a[:2] for a in amp), m)
            print(f"  first contraction_kernel call ({how}): {dt:.2f} s")
            dt, how = first_call(
                _kernels.three_body_kernel, *ps_args[:3], *(a[:2] for a in ps_args[3:])
            )
            print(f"  first three_body_kernel call ({how}): {dt:.2f} s")
        t_np = best_of(lambda: _kernels.contraction_numpy(*amp, m), 3) / n_ok * 1e6  # noqa: B023
        t_nb = best_of(lambda: _kernels.contraction_kernel(*amp, m)) / n_ok * 1e6  # noqa: B023
        print(
            f"  |M|² contraction: numpy {t_np:7.3f} µs/ev, numba {t_nb:7.3f} (×{t_np / t_nb:.1f})"
        )
        p_np = best_of(lambda: three_body_events(*ps_args)) / n * 1e6  # noqa: B023
        p_nb = best_of(lambda: _kernels.three_body_events_fast(*ps_args)) / n * 1e6  # noqa: B023
        print(
            f"  phase space     : numpy {p_np:7.3f} µs/ev, numba {p_nb:7.3f} (×{p_np / p_nb:.1f})"
        )

        f, dim = etl.make_integrand(proc, x_range=(0.01, 0.999), model="mcp")
        u = rng.random((n, dim))
        f(u[:10])
        old_flag, old_ps = _kernels.USE_KERNEL, etl.three_body_events
        try:
            res = {}
            for label, flag, ps in [
                ("numpy", False, old_ps),
                ("numba |M|²", True, old_ps),
                ("numba |M|² + phase space", True, _kernels.three_body_events_fast),
            ]:
                _kernels.USE_KERNEL, etl.three_body_events = flag, ps
                res[label] = best_of(lambda: f(u)) / n * 1e6  # noqa: B023
        finally:
            _kernels.USE_KERNEL, etl.three_body_events = old_flag, old_ps
        base = res["numpy"]
        for label, t in res.items():
            print(f"  integrand, {label:26s}: {t:7.3f} µs/event  (×{base / t:.1f})")


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 100_000)
