"""First use after a fresh wheel install: what the kernel compilation costs the main job.

Run: ``python benchmarks/first_use.py [--keep DIR]`` from the repository root (minutes).

1. builds a wheel of the working tree (``pip wheel --no-deps``);
2. installs it into a fresh virtual environment: offline with ``--no-index --find-links``
   when the dependencies are available as wheels there, otherwise the wheel alone
   (``--no-deps``) with the dependencies taken from the environment running this script
   (a ``.pth`` file; the fresh venv's own site-packages still comes first, so the wheel's
   ``millicharge`` is the one imported and numba caches next to it);
3. runs README's main job twice in that venv, each with an empty result cache: the first
   compiles the kernels, the second loads them from numba's cache.

Prints both wall times and the compilation overhead (first - second) / second, which
should stay under 20 %.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN_JOB = ["plot", "reach", "--experiment", "na64mu", "ldmx", "--out", "fig4.png"]


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return proc


def install(work: Path) -> Path:
    """Build the wheel and install it into ``work/venv``; return the venv's python."""
    wheels = work / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
         str(ROOT)])  # the build backend (hatchling) comes from the index, as for any user
    wheel = next(wheels.glob("millicharge-*.whl"))
    run([sys.executable, "-m", "venv", str(work / "venv")])
    python = work / "venv" / "bin" / "python"
    offline = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index",
                              "--find-links", str(wheels), str(wheel)],
                             capture_output=True, text=True, check=False)
    if offline.returncode == 0:
        print("installed offline from wheels")
        return python
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)])
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    deps = sysconfig.get_path("purelib")  # this environment's dependencies, appended last
    (Path(site.stdout.strip()) / "_first_use_deps.pth").write_text(deps + "\n")
    print(f"installed the wheel alone; dependencies from {deps}")
    return python


def main_job(python: Path, work: Path, label: str) -> float:
    """Wall time of the main job in a fresh folder with an empty result cache."""
    folder = Path(tempfile.mkdtemp(prefix=label, dir=work))
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "PYTHONPATH")}
    env["MILLICHARGE_CACHE_DIR"] = str(folder / "cache")
    exe = [str(python), "-m", "millicharge", *MAIN_JOB, "--no-progress"]
    t0 = time.perf_counter()
    proc = subprocess.run(exe, cwd=folder, env=env, capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{label}: main job failed:\n{proc.stderr}")
    announced = [line for line in proc.stderr.splitlines() if "compiling kernels" in line]
    print(f"{label}: {elapsed:7.1f} s  {announced[0] if announced else '(no compilation)'}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep
    else:
        work = Path(tempfile.mkdtemp(prefix="millicharge-first-use-"))
    python = install(work)
    first = main_job(python, work, "first run (compiles)")
    second = main_job(python, work, "second run (cached)")
    print(f"compilation overhead: {100.0 * (first - second) / second:.0f} % "
          f"(target <= 20 %) in {work}")


if __name__ == "__main__":
    main()
