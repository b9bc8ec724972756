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
should stay under 20 %. ``--repeat N`` measures N such pairs in the same venv (numba's
cache of the kernels emptied before each pair) and prints the spread, since on a shared
machine one pair says little; ``--keep DIR`` works in DIR and reuses a venv already there.
It also times the import and :func:`millicharge.xsec.kernels.warm_up` alone, compiling and
from the cache (less noisy than the whole job).

Measured on the development machine (2 cores shared with other jobs, load 1-3), wheel
installs of the commit before and after the kernels compiled in parallel
(:func:`millicharge.xsec.kernels._compile_all`):

* before (serial compilation on the first call): overhead per pair 55, 14, 40, 25, 42, 38,
  20 % (median 38 %; medians of 3 pairs: 25.4 s vs 19.2 s and 22.3 s vs 16.0 s); import +
  warm_up alone 3.0-3.8 s compiling against 0.6-0.9 s from the cache.
* after (compiled for the callers' signatures, three processes at once): overhead per pair
  15, -3, -24, 16, 21, 29, 11, 12, 31 % (median 15 %; medians of 3 pairs: 18.8 s vs
  15.5 s and 18.8 s vs 16.8 s); import + warm_up alone 2.6-3.2 s compiling (interleaved
  with the runs before: median 2.8 s against 3.5 s) against 0.6-0.8 s from the cache.

* then, with the machine busier (load 1-1.5 from other jobs), the same code: overhead per
  pair 27-38 % (first 13-16 s, second 10-12 s); in the job the kernels compiled from the
  moment warm_up was reached (~1 s in), so nothing overlapped the compilation.
* after (compiled in the background from the start of the command,
  :func:`millicharge.running.executors.compile_ahead`; warm_up waits for that process and
  loads its kernels), same load: overhead per pair 15, 18, 25 % (medians 12.5 s vs
  10.4 s: 20 %) and 25, 21, 13 % (medians 12.4 s vs 10.9 s: 13 %); import + warm_up
  alone unchanged (2.9-3.2 s compiling, 0.9-1.0 s from the cache: it does not start the
  background compilation).

The compilation itself costs about 2.2 s instead of 2.8 s here, more on a busy machine (the
forked compilations then share the same cores); on a quiet machine where the cached job
takes 11.7 s that is about 19 % instead of 24 %. Started with the command, it overlaps the
~1 s the job spends before its first kernel call (imports, experiments, cache reads), so
the job waits ~1.5-2 s for it instead of ~2.5-3.5 s; with two cores shared by three
compiling processes and the command's own imports, that is the most overlap there is.
Single pairs scatter by ±10 points on a shared machine: use ``--repeat``.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
    if (work / "venv" / "bin" / "python").exists():
        print(f"reusing {work / 'venv'}")
        return work / "venv" / "bin" / "python"
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


def clear_kernel_cache(python: Path) -> int:
    """Delete numba's cached kernels of the installed package; return how many files."""
    where = run([str(python), "-c", "import millicharge, pathlib; "
                 "print(pathlib.Path(millicharge.__file__).parent / 'xsec' / '__pycache__')"])
    files = [f for f in Path(where.stdout.strip()).glob("*.nb[ic]")]
    for f in files:
        f.unlink()
    return len(files)


WARM_UP = ("import time; t = time.perf_counter(); from millicharge.xsec import kernels; "
           "kernels.warm_up(); print(time.perf_counter() - t)")


def warm_up_seconds(python: Path) -> tuple[float, float]:
    """Import and :func:`~millicharge.xsec.kernels.warm_up` alone, in a fresh process:
    with numba's cache of the kernels emptied (compiles), then again (loads)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "PYTHONPATH")}
    clear_kernel_cache(python)
    cold = float(run([str(python), "-c", WARM_UP], env=env).stdout)
    cached = float(run([str(python), "-c", WARM_UP], env=env).stdout)
    print(f"import + warm_up alone: {cold:.2f} s compiling, {cached:.2f} s from the cache")
    return cold, cached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--repeat", type=int, default=1, help="pairs of runs (default 1)")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep
    else:
        work = Path(tempfile.mkdtemp(prefix="millicharge-first-use-"))
    python = install(work)
    for _ in range(args.repeat):
        warm_up_seconds(python)
    firsts, seconds, overheads = [], [], []
    for _ in range(args.repeat):
        clear_kernel_cache(python)
        firsts.append(main_job(python, work, "first run (compiles)"))
        seconds.append(main_job(python, work, "second run (cached)"))
        overheads.append(100.0 * (firsts[-1] - seconds[-1]) / seconds[-1])
        print(f"compilation overhead: {overheads[-1]:.0f} % (target <= 20 %)")
    if len(overheads) > 1:
        first, second = statistics.median(firsts), statistics.median(seconds)
        print(f"{len(overheads)} pairs: median first {first:.1f} s, median second "
              f"{second:.1f} s: overhead {100.0 * (first - second) / second:.0f} % "
              f"(per pair {min(overheads):.0f} to {max(overheads):.0f} %)")
    print(f"in {work}")


if __name__ == "__main__":
    main()
