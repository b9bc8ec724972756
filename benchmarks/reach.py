"""Reach benchmark (issue: reach): the full default scan for NA64μ and LDMX at 0.5 %
precision, cold (empty cache) and warm (everything cached), on all local cores.

Prints wall time and peak resident memory (this process and its worker processes).
Targets on a 2-core machine: cold ≤ 60 s, warm ≤ 2 s, peak memory ≤ 1 GiB.

    python benchmarks/reach.py
"""

from __future__ import annotations

import os
import resource
import tempfile
import time


def main() -> None:
    os.environ["MILLICHARGE_CACHE_DIR"] = tempfile.mkdtemp(prefix="millicharge-bench-")
    from millicharge import reach
    from millicharge.limits.reach import default_masses

    masses = default_masses()
    for label in ("cold", "warm"):
        t0 = time.perf_counter()
        for exp in ("na64mu", "ldmx"):
            reach(exp, masses, precision=5e-3, progress=False)
        wall = time.perf_counter() - t0
        print(f"{label}: {2 * len(masses)} points in {wall:.2f} s")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: main process {own:.0f} MiB, largest worker {kids:.0f} MiB "
          f"(cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
