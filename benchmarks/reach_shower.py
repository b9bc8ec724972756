"""Thick-target reach benchmark: NA64e with the electron shower, 40 masses, 0.5 % ETL.

``reach("na64e")`` (100 GeV e⁻, 40 X₀ Pb, ``[target] transport = "shower"``) over the
default 40 masses (10 MeV … 1 GeV, MCP, ETL at 0.5 %), cold (empty cache) and warm
(everything cached), on all local cores. Each mass needs the thin-target σ(E₀) plus one
cross section per open node of the energy fold (``shower_nodes`` = 8: 7 more, minus the
nodes a heavy mass cannot reach). Prints the wall times, the number of cross sections,
the largest quadrature error of the fold relative to σ_eff, and the peak memory.
Targets on a 2-core machine: cold ≤ 60 s, warm ≤ 1 s.

    python benchmarks/reach_shower.py [--nodes N] [--model mcp|dark-photon]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=None, help="shower_nodes (default: file's)")
    parser.add_argument("--model", default="mcp", choices=["mcp", "dark-photon"])
    args = parser.parse_args()
    os.environ["MILLICHARGE_CACHE_DIR"] = tempfile.mkdtemp(prefix="millicharge-bench-")
    from millicharge import reach
    from millicharge.experiments.config import load_experiment
    from millicharge.experiments.thick_target import shower_rule_for
    from millicharge.limits.reach import default_masses

    exp = load_experiment("na64e")
    if args.nodes is not None:
        exp = dataclasses.replace(exp, shower_nodes=args.nodes)
    masses = default_masses()
    rule = shower_rule_for(exp)   # what the rule itself costs (a cold process)
    t0 = time.perf_counter()
    rule = shower_rule_for(dataclasses.replace(exp, thickness=exp.thickness * (1 + 1e-9)))
    t_rule = time.perf_counter() - t0
    print(f"{exp.name}: {exp.energy_gev:g} GeV e- on {exp.thickness_x0:g} X0 "
          f"{exp.material.symbol}, transport {exp.transport}, {exp.shower_nodes} nodes "
          f"(weights in {t_rule:.2f} s), {len(masses)} masses, model {args.model}, "
          f"ETL 0.5 %, cores: {os.cpu_count()}")
    n_open = int(rule.open.sum())
    for label in ("cold", "warm"):
        t0 = time.perf_counter()
        table = reach(exp, masses, precision=5e-3, model=args.model, progress=False)
        wall = time.perf_counter() - t0
        print(f"{label}: {len(masses)} masses (≤ {len(masses) * n_open} cross sections) "
              f"in {wall:.2f} s")
    meta = table.meta
    rel = table["sigma_error_pb"] / table["sigma_pb"]
    print(f"fold quadrature error ≤ {100 * meta['shower_quad_error_rel_max']:.3f} % of σ_eff; "
          f"total error (quadrature + MC, linear) ≤ {100 * max(rel):.2f} %; "
          f"L_eff = {min(table['l_eff_x0']):.3f}–{max(table['l_eff_x0']):.3f} X0")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: main process {own:.0f} MiB, largest worker {kids:.0f} MiB")


if __name__ == "__main__":
    main()
