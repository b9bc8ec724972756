"""Start-up time of ``import millicharge`` and ``millicharge --help``.

Run: ``python benchmarks/startup.py [REPEATS]`` (default 5). Prints, for each, the best
wall time of REPEATS fresh interpreters, and the cumulative import time of the
``millicharge`` package from ``python -X importtime`` (best of REPEATS). The target is
under 0.3 s for both; heavy libraries (numba, scipy, vegas) load only on first use.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

HEAVY = ("numba", "scipy", "vegas", "matplotlib")


def wall(cmd: list[str], repeats: int) -> float:
    """Best wall time, in seconds, of running ``cmd`` ``repeats`` times."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def import_time(module: str, repeats: int) -> float:
    """Best cumulative ``-X importtime`` figure of ``module``, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                             check=True, capture_output=True, text=True).stderr
        for line in err.splitlines():
            fields = [f.strip() for f in line.removeprefix("import time:").split("|")]
            if len(fields) == 3 and fields[2] == module:
                best = min(best, int(fields[1]) / 1e6)
    return best


def heavy_loaded(module: str) -> list[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True).stdout.split())
    return [name for name in HEAVY if name in loaded]


def main(repeats: int = 5) -> None:
    baseline = wall([sys.executable, "-c", "pass"], repeats)
    print(f"python -c pass           : {baseline:6.3f} s wall (interpreter alone)")
    t_import = wall([sys.executable, "-c", "import millicharge"], repeats)
    print(f"import millicharge       : {t_import:6.3f} s wall, "
          f"{import_time('millicharge', repeats):6.3f} s -X importtime; "
          f"heavy modules loaded: {heavy_loaded('millicharge') or 'none'}")
    exe = shutil.which("millicharge")
    help_cmd = [exe, "--help"] if exe else [sys.executable, "-m", "millicharge", "--help"]
    print(f"millicharge --help       : {wall(help_cmd, repeats):6.3f} s wall, "
          f"{import_time('millicharge.cli.main', repeats):6.3f} s -X importtime "
          "(millicharge.cli.main); "
          f"heavy modules loaded: {heavy_loaded('millicharge.cli.main') or 'none'}")
    print(f"(best of {repeats}; target < 0.3 s each)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
