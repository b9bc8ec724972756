"""Cross-section benchmark (issue: ETL engine): wall time, evaluations and achieved error.

For LDMX (e, 8 GeV, Al, x ≥ 0.7) and NA64μ (μ, 160 GeV, Pb, x ≥ 0.5) at m_χ = 0.01, 0.1
and 1 GeV, at 1 % and 0.1 % requested precision, on one core (serial). The first call
(numba compilation or cache load) is timed separately. Targets: 0.1 % in ≤ 2 s, 1 % in
≤ 0.3 s per point.

    python benchmarks/xsec.py
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import millicharge as mc

CASES = [("LDMX", "e", 8.0, "Al", 0.7), ("NA64mu", "mu", 160.0, "Pb", 0.5)]
MASSES = [0.01, 0.1, 1.0]


def main() -> None:
    t0 = time.perf_counter()
    mc.cross_section("e", 8.0, "Al", 0.1, 0.7, precision=0.05, cache=False)
    print(f"warm-up (import of compiled kernels + first integral): "
          f"{time.perf_counter() - t0:.2f} s\n")
    print(f"{'setup':8} {'m [GeV]':>8} {'prec':>6} {'sigma [pb]':>12} {'rel.err':>8} "
          f"{'chi2/dof':>8} {'n_eval':>9} {'wall [s]':>8}")
    for precision in (1e-2, 1e-3):
        for name, beam, energy, target, x_min in CASES:
            for mass in MASSES:
                t0 = time.perf_counter()
                r = mc.cross_section(beam, energy, target, mass, x_min, precision=precision,
                                     cache=False)
                wall = time.perf_counter() - t0
                print(f"{name:8} {mass:8.3g} {precision:6.0e} {r.sigma_pb:12.5g} "
                      f"{r.relative_error:8.2e} {r.chi2_dof:8.2f} {r.n_eval:9d} {wall:8.2f}")


if __name__ == "__main__":
    main()
