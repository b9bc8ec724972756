"""Record or compare fixed-seed cross sections, so a refactor can prove it changes no number.

    python benchmarks/fixed_seed.py record before.json   # on the old code
    python benchmarks/fixed_seed.py compare before.json  # on the new code: bit-identical?

``fixed_seed_reference.json`` holds the numbers of main before the reliability and
layering work (December 2026).

Points: the paper's two setups (NA64mu 160 GeV mu on Pb, x >= 0.5; LDMX 8 GeV e on Al,
x >= 0.7) at 10, 100 and 500 MeV, MCP and dark photon, ETL (seed 1, 1 % precision) and WW.
The cache is not used.
"""

from __future__ import annotations

import json
import sys

import millicharge as mc

SETUPS = [("mu", 160.0, "Pb", 0.5), ("e", 8.0, "Al", 0.7)]
MASSES = [0.01, 0.1, 0.5]


def points() -> dict[str, list[float]]:
    out = {}
    for beam, energy, target, x_min in SETUPS:
        for model in ("mcp", "dark-photon"):
            for method in ("etl", "ww"):
                for mass in MASSES:
                    r = mc.cross_section(beam, energy, target, mass, x_min, method=method,
                                         model=model, precision=1e-2, seed=1,
                                         cache=False)
                    key = f"{beam} {energy:g} {target} {model} {method} m={mass:g}"
                    out[key] = [r.sigma_pb, r.error_pb]
                    print(f"{key:40s} {r.sigma_pb!r:>24} ± {r.error_pb!r}", flush=True)
    return out


def main() -> int:
    mode, path = sys.argv[1], sys.argv[2]
    now = points()
    if mode == "record":
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(now, fh, indent=1)
        return 0
    with open(path, encoding="utf-8") as fh:
        before = json.load(fh)
    bad = [k for k in before if before[k] != now.get(k)]
    for k in bad:
        print(f"DIFFERS {k}: {before[k]} -> {now.get(k)}")
    print(f"{len(before) - len(bad)}/{len(before)} points bit-identical")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
