"""The ETL kernels compile in the background from the start of a command that needs them
(millicharge.running.executors.compile_ahead), overlapping its imports: which commands
start it and when, that ``--help`` and ``--method ww`` start nothing, and that the
compiling processes never outlive the command (normal end, error, Ctrl-C, SIGTERM, SIGKILL).
psutil comes with dask.distributed (a test dependency)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the compilation forks only on POSIX")

# Runs the command line in this process with os.fork watched: a fork by the kernels'
# background compilation prints which heavy modules are loaded at that moment, then ends
# the process at once (nothing is compiled); other forks (worker pools) go ahead.
_WATCH_FORK = """
import os, sys
real_fork = os.fork
def fork():
    caller = sys._getframe(1)
    if caller.f_code.co_name == "_fork" and caller.f_globals["__name__"].endswith("kernels"):
        loaded = [m for m in ("matplotlib", "scipy.optimize") if m in sys.modules]
        print("compile forked; loaded:", *loaded, flush=True)
        os._exit(0)
    return real_fork()
os.fork = fork
from millicharge.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    print("exit", stop.code, flush=True)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    """An empty numba cache (the kernels must compile) and an empty result cache."""
    return dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"),
                MILLICHARGE_CACHE_DIR=str(tmp_path / "results"))


def _watched(args: list[str], tmp_path: Path) -> str:
    proc = subprocess.run([sys.executable, "-c", _WATCH_FORK, *args], capture_output=True,
                          text=True, env=_env(tmp_path), cwd=tmp_path, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


XSEC = ["xsec", "--beam", "mu", "--energy", "160", "--target", "Pb", "--masses", "0.1",
        "--x-min", "0.5", "--precision", "1e-2", "--no-progress"]
ETL_COMMANDS = {
    "xsec": XSEC,
    "spectrum": ["spectrum", "--beam", "mu", "--energy", "160", "--target", "Pb",
                 "--masses", "0.1", "--x", "0.7"],
    "reach": ["reach", "--experiment", "na64mu", "--masses", "0.1"],
    "scan": ["scan", "--beam", "mu", "--energy", "160", "--target", "Pb", "--masses", "0.1",
             "--x-min", "0.5"],
    "generate": ["generate", "--experiment", "na64mu", "--masses", "0.1", "--events", "10",
                 "-o", "events.lhe"],
    "plot spectrum": ["plot", "spectrum", "--experiment", "na64mu", "--masses", "0.1",
                      "-o", "fig2.png"],
    "plot xsec": ["plot", "xsec", "--experiment", "na64mu", "--masses", "0.1", "-o", "fig3.png"],
    "plot reach": ["plot", "reach", "--experiment", "na64mu", "ldmx", "-o", "fig4.png"],
}


@pytest.mark.parametrize("command", list(ETL_COMMANDS))
def test_etl_commands_start_compiling_before_the_heavy_imports(command, tmp_path):
    out = _watched(ETL_COMMANDS[command], tmp_path)
    assert out.startswith("compile forked; loaded:"), out
    assert "matplotlib" not in out and "scipy.optimize" not in out, out


@pytest.mark.parametrize("args", [
    [*XSEC, "--method", "ww"],
    ["reach", "--experiment", "na64mu", "--masses", "0.1", "--method", "ww", "--no-progress"],
    ["plot", "xsec", "--experiment", "na64mu", "--masses", "0.1", "--method", "ww",
     "-o", "fig3.png", "--no-progress"],
], ids=["xsec", "reach", "plot xsec"])
def test_weizsacker_williams_commands_compile_nothing(args, tmp_path):
    out = _watched(args, tmp_path)
    assert "compile forked" not in out and out.rstrip().endswith("exit 0"), out
    assert not list((tmp_path / "numba").rglob("*.nbi"))


@pytest.mark.parametrize("args", [["--help"], ["xsec", "--help"], ["plot", "reach", "--help"],
                                  ["reach", "-h"]])
def test_help_starts_nothing(args, tmp_path):
    code = _WATCH_FORK + "print('heavy:', *[m for m in ('numba', 'scipy') if m in sys.modules])\n"
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=_env(tmp_path), check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-2:] == ["exit 0", "heavy:"], proc.stdout


# ----------------------------------------------------------------------- no orphans
def _gone(pids: list[int], timeout: float = 1.5) -> list[int]:
    """The pids among ``pids`` still alive (not zombies) after up to ``timeout`` s: less
    than the compilation takes, so a process that merely finished its work is not gone."""
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for pid in pids:
            try:
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def test_an_early_exit_leaves_no_compiling_process(tmp_path):
    """A command that stops (here on bad input) while the kernels compile in the background
    ends them with it: no process of the compilation outlives the command."""
    code = ("import atexit, sys, time, psutil\n"
            "from millicharge.xsec import kernels\n"
            "def report():\n"  # let the compilation fork its own helpers, then list them all
            "    deadline = time.monotonic() + 20\n"
            "    while kernels._background and time.monotonic() < deadline and "
            "len(psutil.Process().children(recursive=True)) < 3:\n"
            "        time.sleep(0.02)\n"
            "    kids = psutil.Process().children(recursive=True)\n"
            "    print('compiling:', *[p.pid for p in kids], flush=True)\n"
            "atexit.register(report)\n"
            "from millicharge.cli.main import main\n"
            "main(sys.argv[1:])\n")
    bad = [*XSEC[:XSEC.index("--masses") + 1], "-1", *XSEC[XSEC.index("--masses") + 2:]]
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:  # files: a survivor holds no pipe
        status = subprocess.run([sys.executable, "-c", code, *bad], stdout=stdout,
                                stderr=stderr, env=_env(tmp_path), check=False,
                                timeout=120).returncode
    words = out.read_text().split()
    pids = [int(p) for p in words[words.index("compiling:") + 1:]]
    alive = _gone(pids)
    assert status == 2, err.read_text()
    assert pids, "the background compilation did not start"
    assert alive == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_command_leaves_no_compiling_process(signum, tmp_path):
    """Stopped while it waits for the kernels (after the one-line announcement): Ctrl-C and
    SIGTERM exit with one line and 128 + the signal, SIGKILL just ends it; the compiling
    processes end with it."""
    with subprocess.Popen([sys.executable, "-m", "millicharge", *XSEC], env=_env(tmp_path),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        try:
            line = proc.stderr.readline()
            assert line.startswith("millicharge: compiling kernels, once: ~"), line
            pids = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
            assert pids, "nothing compiles in the background"
            proc.send_signal(signum)
            status = proc.wait(timeout=30)
            alive = _gone(pids)  # before reading on: a survivor would hold the pipe open
            rest = proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
    assert status == (-signum if signum == signal.SIGKILL else 128 + signum), rest
    if signum != signal.SIGKILL:
        assert rest.strip().startswith("interrupted") and len(rest.strip().splitlines()) == 1, \
            rest
        assert "compiling kernels" not in rest  # announced once
    assert alive == []
