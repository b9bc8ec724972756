"""Scans over any grid of physics inputs: beams × energies × targets × masses × x_min.

    >>> from millicharge.running.grid import make_grid
    >>> g = make_grid("mu", [100, 160], ["Pb", "W"], "0.01:1:3", [0.3, 0.5])
    >>> len(g), g.masses
    (24, (0.01, 0.1, 1.0))

:func:`scan` evaluates every point with a :class:`~millicharge.running.runner.Runner`
(serial, local processes or a dask cluster), cache first, and returns a
:class:`ScanTable` with one row per point: inputs, ``sigma_pb``, ``error_pb``,
``chi2_dof``, ``n_eval``, ``wall_s`` and ``status`` (``computed``, ``cached`` or ``closed``
where kinematics forbids the window).

The grid grammar (:func:`make_grid`, :func:`parse_masses`, :func:`parse_target`,
:class:`Grid`) lives in :mod:`millicharge.running.grid_spec` and the table
(:class:`ScanTable`, :data:`COLUMNS`, :data:`OUTPUT_FORMATS`, :func:`check_output`) in
:mod:`millicharge.running.scan_table`; both are re-exported here, so
``from millicharge.running.grid import make_grid, scan, parse_target`` keeps working.
"""

from __future__ import annotations

import math
import time
from typing import Any

from millicharge.core.constants import lepton_mass
from millicharge.core.errors import InputError
from millicharge.kinematics.process import Process
from millicharge.running.executors import CONNECT_TIMEOUT, NO_WORKER_TIMEOUT
from millicharge.running.grid_spec import Grid, make_grid, parse_masses, parse_target
from millicharge.running.runner import Runner
from millicharge.running.scan_table import COLUMNS, OUTPUT_FORMATS, ScanTable, check_output
from millicharge.xsec.etl import x_limits
from millicharge.xsec.jobs import CrossSectionJob

__all__ = ["COLUMNS", "OUTPUT_FORMATS", "Grid", "ScanTable", "check_output", "make_grid",
           "parse_masses", "parse_target", "scan"]

def _is_open(point: dict[str, Any]) -> bool:
    """False where the beam energy, the threshold or the x window closes the point.

    The threshold follows the model (:meth:`~millicharge.kinematics.process.Process.threshold`:
    2m for a pair, m_A' for a dark photon). A beam energy at or below the lepton mass
    (possible when a grid mixes e and μ beams) is closed too; any other bad input raises.
    """
    if point["energy"] <= lepton_mass(point["beam"]):
        return False
    proc = Process.make(point["beam"], point["energy"], point["target"], point["mass"],
                        model=None)
    if not proc.is_open(point["model"]):
        return False
    lo, hi = x_limits(proc, point["x_min"], point["x_max"], point["model"])
    return lo < hi


def scan(
    grid: Grid,
    *,
    backend: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    no_worker_timeout: float | None = NO_WORKER_TIMEOUT,
    cache: bool = True,
    progress: bool = True,
    runner: Runner | None = None,
) -> ScanTable:
    """σ at every point of ``grid``; one row per point, in grid order.

    Parameters
    ----------
    grid : from :func:`make_grid`.
    backend : ``"serial"``, ``"processes"`` (default) or ``"dask"`` (default when a
        ``scheduler`` is given); see :mod:`millicharge.running.executors`.
    workers : local processes (or LocalCluster workers); default all cores.
    scheduler : ``tcp://HOST:PORT`` of a running dask scheduler.
    connect_timeout : seconds to wait for that scheduler.
    no_worker_timeout : dask: seconds to wait while the cluster has no worker before
        failing (finished points stay cached); None waits forever.
    cache : read and write the on-disk cache (each point is stored as it finishes, so
        a killed scan resumes).
    progress : show a progress bar with points done / total and the ETA.
    runner : a :class:`~millicharge.running.runner.Runner` holding all of the above
        instead (they are then ignored).

    Returns
    -------
    ScanTable
        Identical numbers whichever backend ran it (``wall_s`` and ``status`` aside).
    """
    if not isinstance(grid, Grid):
        raise InputError("scan needs a Grid: build one with millicharge.running.grid.make_grid")
    points = grid.points()
    from millicharge.running.progress import tqdm

    with tqdm(points, desc="scan: kinematics", unit="pt", leave=False, mininterval=0.5,
              disable=not progress or len(points) < 10_000) as checking:  # big grids only
        open_index = [i for i, p in enumerate(checking) if _is_open(p)]
    if runner is None:
        runner = Runner(cache=cache, backend=backend, workers=workers, scheduler=scheduler,
                        progress=progress, connect_timeout=connect_timeout,
                        no_worker_timeout=no_worker_timeout)
    jobs = [CrossSectionJob.make(**points[i]) for i in open_index]
    start = time.perf_counter()
    results = runner.evaluate(jobs, description="scan")
    elapsed = time.perf_counter() - start
    rows = []
    by_index = dict(zip(open_index, results, strict=True))
    for i, p in enumerate(points):
        row: dict[str, Any] = {
            "beam": p["beam"], "energy_gev": p["energy"], "target": p["target"].symbol,
            "mass_gev": p["mass"], "x_min": p["x_min"], "x_max": p["x_max"],
            "method": p["method"], "model": p["model"], "form_factor": p["form_factor"],
            "precision": p["precision"], "seed": p["seed"],
        }
        r = by_index.get(i)
        if r is None:
            row.update(sigma_pb=0.0, error_pb=0.0, chi2_dof=math.nan, n_eval=0,
                       wall_s=0.0, status="closed")
        else:
            row.update(sigma_pb=r.sigma_pb, error_pb=r.error_pb, chi2_dof=r.chi2_dof,
                       n_eval=r.n_eval, wall_s=r.wall_s,
                       status="cached" if r.cached else "computed")
        rows.append(row)
    meta = {"points": len(points), "backend": runner.backend or (
                "dask" if runner.scheduler else "processes"),
            "scheduler": runner.scheduler, "elapsed_s": elapsed}
    return ScanTable(rows, meta)
