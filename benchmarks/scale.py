"""Scaling benchmark (issue: dask backend): how scan time falls with dask workers.

Runs the same cold scan (empty cache) on a dask ``LocalCluster`` of 1 and then 2 worker
processes (one thread each) on 127.0.0.1, through the scheduler address exactly as a
remote cluster is used, and prints the wall time of the scan, the speed-up and the
cluster start-up time (not included). Each worker first computes one throw-away point,
so the numba kernel load (≈ 1 s per process) is not counted either. Every run checks
that the numbers are the same bits as with one worker.

    python benchmarks/scale.py [--points 24] [--precision 1e-3] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time


def _warm() -> None:
    from millicharge import cross_section

    cross_section("mu", 160.0, "Pb", 0.3, 0.55, precision=3e-2, cache=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=24, help="masses in the grid")
    parser.add_argument("--precision", type=float, default=1e-3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    from millicharge.running.grid import make_grid, scan

    grid = make_grid("mu", 160, "Pb", f"0.01:1:{args.points}", 0.5, precision=args.precision)
    print(f"grid: {len(grid)} points (mu 160 GeV on Pb, x >= 0.5, precision "
          f"{args.precision:g}); cores: {os.cpu_count()}")
    reference = None
    base = None
    for n in args.workers:
        os.environ["MILLICHARGE_CACHE_DIR"] = tempfile.mkdtemp(prefix="millicharge-scale-")
        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None,
                               scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                               silence_logs=logging.ERROR)
        client = Client(cluster, set_as_default=False)
        client.run(_warm)
        startup = time.perf_counter() - t0
        try:
            t0 = time.perf_counter()
            table = scan(grid, scheduler=cluster.scheduler_address, progress=False)
            wall = time.perf_counter() - t0
        finally:
            client.close()
            cluster.close()
        assert table.counts()["computed"] == len(grid)
        numbers = (table["sigma_pb"], table["error_pb"], table["n_eval"])
        if reference is None:
            reference, base = numbers, wall
        assert numbers == reference, "results differ between worker counts"
        cpu = sum(table["wall_s"])
        print(f"{n} worker(s): scan {wall:6.2f} s  ({len(grid) / wall:5.2f} points/s, "
              f"speed-up x{base / wall:4.2f}, summed point time {cpu:6.2f} s, "
              f"cluster start {startup:4.1f} s)")


if __name__ == "__main__":
    main()
