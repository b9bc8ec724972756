"""Ctrl-C, SIGTERM and SIGKILL of a running `millicharge` (real processes), and the size
limit on grids.

A stopped scan exits at once with one line and 128 + the signal number, kills its worker
processes, keeps every finished point in the cache, and a rerun computes only the rest.
psutil comes with dask.distributed (a test dependency).
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from millicharge import InputError
from millicharge.running.executors import MAX_POINTS, WorkerError, check_size, evaluate
from millicharge.running.grid import make_grid, parse_masses
from millicharge.running.interrupt import Interrupted, Terminated, as_interrupted, exit_on_interrupt

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# 4 points of ~1.5 s each on one core: long enough to stop half-way, short enough to rerun
SCAN = ["scan", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.02:0.2:4",
        "--x-min", "0.7", "--precision", "5e-4", "--no-progress"]
N_POINTS = 4
LINE = re.compile(r"^interrupted: (\d+) finished points? (?:are|is) cached "
                  r"\((\d+) of (\d+) left\)$")
SUMMARY = re.compile(r"scan: (\d+) points \((\d+) computed, (\d+) from cache, (\d+) closed\)")


def _start(args, cache_dir, **kwargs):
    env = dict(os.environ, MILLICHARGE_CACHE_DIR=str(cache_dir))
    return subprocess.Popen([sys.executable, "-m", "millicharge", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            **kwargs)


def _cached(cache_dir: Path) -> int:
    return len(list(cache_dir.glob("*/*.json")))


def _wait_for(condition, timeout: float, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"exited early ({proc.returncode}): {proc.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.05)


def _workers(proc) -> list[psutil.Process]:
    return psutil.Process(proc.pid).children(recursive=True)


def _alive(procs) -> list[int]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p.pid)
        except psutil.NoSuchProcess:
            pass
    return out


def _stop(proc, send, timeout: float = 3.0) -> tuple[int, str, float]:
    """Send the signal; return exit status, stderr and seconds until the exit."""
    t0 = time.monotonic()
    send()
    try:
        _, err = proc.communicate(timeout=timeout + 10)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("did not stop")
    return proc.returncode, err, time.monotonic() - t0


def _interrupt_scan(tmp_path, signum, *, group: bool):
    proc = _start([*SCAN, "--workers", "2"], tmp_path, start_new_session=True)
    try:
        _wait_for(lambda: len(_workers(proc)) == 2, 30, proc)
        workers = _workers(proc)
        _wait_for(lambda: _cached(tmp_path) >= 1, 60, proc)
        send = ((lambda: os.killpg(proc.pid, signum)) if group  # a terminal's Ctrl-C
                else (lambda: proc.send_signal(signum)))  # `kill PID`
        status, err, seconds = _stop(proc, send)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert status == 128 + signum, err
    assert seconds < 3, seconds
    lines = err.splitlines()
    assert len(lines) == 1, err  # one line, no traceback, no "Aborted!"
    m = LINE.match(lines[0])
    assert m, lines[0]
    done, left, total = map(int, m.groups())
    assert total == N_POINTS and done + left == N_POINTS and 1 <= done < N_POINTS
    time.sleep(0.5)
    assert _alive(workers) == [], "worker processes survived"
    assert _cached(tmp_path) == done  # every finished point, and only those
    return done


def _rerun(tmp_path, done: int) -> None:
    proc = _start([*SCAN, "--workers", "2"], tmp_path)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    m = SUMMARY.search(err)
    assert m, err
    assert tuple(map(int, m.groups())) == (N_POINTS, N_POINTS - done, done, 0), err


def test_ctrl_c_stops_a_processes_scan_at_once_and_the_rerun_resumes(tmp_path):
    done = _interrupt_scan(tmp_path, signal.SIGINT, group=True)
    _rerun(tmp_path, done)


def test_sigterm_stops_a_processes_scan_at_once_and_the_rerun_resumes(tmp_path):
    done = _interrupt_scan(tmp_path, signal.SIGTERM, group=False)
    _rerun(tmp_path, done)


def test_workers_die_with_a_killed_parent(tmp_path):
    proc = _start([*SCAN, "--workers", "2"], tmp_path)
    try:
        _wait_for(lambda: len(_workers(proc)) == 2, 30, proc)
        workers = _workers(proc)
        time.sleep(0.5)  # computing now
        proc.kill()  # SIGKILL: nothing in the parent runs
        proc.communicate(timeout=5)
        deadline = time.monotonic() + 5
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _alive(workers) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in workers:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass


def test_ctrl_c_on_the_serial_backend_is_one_line(tmp_path):
    proc = _start([*SCAN, "--backend", "serial"], tmp_path)
    _wait_for(lambda: _cached(tmp_path) >= 1, 60, proc)
    time.sleep(0.3)  # inside the next integration (numba kernels)
    status, err, seconds = _stop(proc, lambda: proc.send_signal(signal.SIGINT))
    assert status == 130 and seconds < 3
    assert len(err.splitlines()) == 1 and LINE.match(err.strip()), err


@pytest.mark.parametrize(
    ("args", "signum"),
    [
        (["xsec", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.05",
          "--x-min", "0.7", "--precision", "3e-5"], signal.SIGINT),
        (["reach", "-e", "na64mu", "--masses", "0.02:0.2:4", "--precision", "1e-4",
          "--workers", "2", "--no-progress"], signal.SIGTERM),
    ],
    ids=["xsec-sigint", "reach-sigterm"],
)
def test_other_commands_stop_with_one_line(tmp_path, args, signum):
    proc = _start(args, tmp_path)
    time.sleep(4)  # imported and computing
    assert proc.poll() is None
    status, err, seconds = _stop(proc, lambda: proc.send_signal(signum))
    assert status == 128 + signum and seconds < 3, err
    assert len(err.splitlines()) == 1 and err.startswith("interrupted"), err


# --- in-process pieces ------------------------------------------------------------------


def test_interrupt_hidden_in_a_system_error_is_found():
    """A signal handler raising while a compiled function returns gives SystemError."""
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:  # what CPython does (_PyErr_FormatFromCause)
            raise SystemError("<numba function> returned a result with an exception "
                              "set") from exc
    except SystemError as err:
        found = as_interrupted(err)
    assert isinstance(found, Interrupted) and found.exit_status == 130
    assert as_interrupted(ValueError("x")) is None
    assert as_interrupted(Terminated()).exit_status == 143


def test_exit_on_interrupt_prints_one_line_and_the_status(capsys):
    with pytest.raises(SystemExit) as info, exit_on_interrupt():
        raise Terminated("interrupted: 2 finished points are cached (1 of 3 left)")
    assert info.value.code == 143
    assert capsys.readouterr().err == "interrupted: 2 finished points are cached (1 of 3 left)\n"
    with pytest.raises(ValueError), exit_on_interrupt():
        raise ValueError("not an interrupt")


def test_sigterm_raises_terminated_in_the_main_thread():
    before = signal.getsignal(signal.SIGTERM)
    lines = []
    t0 = time.monotonic()
    with pytest.raises(SystemExit) as info, exit_on_interrupt(write=lines.append):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises here
    assert time.monotonic() - t0 < 2
    assert info.value.code == 143 and lines == ["interrupted"]
    assert signal.getsignal(signal.SIGTERM) is before  # handler restored


# --- sizes ------------------------------------------------------------------------------


def test_huge_mass_range_is_refused_before_anything_is_allocated():
    t0 = time.monotonic()
    with pytest.raises(InputError, match=r"the mass list '0.01:1:1000000000' has 1000000000 "
                       r"points, more than the limit of 100000: raise it with --max-points"):
        make_grid("mu", 160, "Pb", "0.01:1:1000000000", 0.5)
    assert time.monotonic() - t0 < 0.5
    with pytest.raises(InputError, match="more than the limit of 10:"):
        parse_masses("0.01:1:11", max_points=10)


def test_grid_product_is_limited_and_the_limit_can_be_raised():
    x_mins = [round(0.05 * i, 2) for i in range(1, 11)]
    with pytest.raises(InputError, match=r"the grid has 120000 points, more than the limit "
                       r"of 100000"):
        make_grid(["e", "mu"], [100, 160], ["Pb", "W", "Al"], "0.01:1:1000", x_mins)
    assert MAX_POINTS == 100_000
    grid = make_grid("mu", 160, "Pb", "0.01:1:20", [0.3, 0.5], max_points=40)
    assert len(grid) == 40
    with pytest.raises(InputError, match="the grid has 40 points, more than the limit of 39"):
        make_grid("mu", 160, "Pb", "0.01:1:20", [0.3, 0.5], max_points=39)
    big = make_grid("mu", 160, "Pb", "0.01:1:150000", 0.5, max_points=200_000)
    assert len(big) == 150_000


@pytest.mark.parametrize("bad", [0, -5, 1.5, "10", True])
def test_bad_max_points(bad):
    with pytest.raises(InputError, match="bad --max-points value"):
        check_size(3, bad)


def test_cli_refuses_a_huge_grid_in_one_line(tmp_path):
    proc = _start(["scan", "--beam", "mu", "--energy", "160", "--target", "Pb", "--mass",
                   "0.01:1:1000000000", "--x-min", "0.5"], tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.splitlines() == [
        "Error: the mass list '0.01:1:1000000000' has 1000000000 points, more than the "
        "limit of 100000: raise it with --max-points (max_points=) or split the scan"]


# --- the process pool in-process: errors and lost workers -------------------------------


def _jobs(masses, precision=3e-2):
    from millicharge.xsec.jobs import CrossSectionJob

    return [CrossSectionJob.make("e", 8.0, "Al", m, 0.7, precision=precision)
            for m in masses]


def test_an_error_in_a_worker_is_raised_as_is_and_no_worker_survives(monkeypatch):
    from millicharge.xsec import etl

    real = etl.integrate

    def failing(f, dim, **kw):  # the forked workers inherit it
        if kw.get("seed") == 7:
            raise InputError("the integrand of point 3 failed")
        return real(f, dim, **kw)

    monkeypatch.setattr(etl, "integrate", failing)
    jobs = _jobs([0.05, 0.1])
    jobs.append(dataclasses.replace(jobs[0], seed=7))
    before = {c.pid for c in psutil.Process().children(recursive=True)}  # e.g. dask's helpers
    with pytest.raises(InputError) as info:
        evaluate(jobs, backend="processes", workers=2, cache=False, progress=False)
    with pytest.raises(InputError) as direct:
        evaluate(jobs[2:], backend="serial", cache=False, progress=False)
    assert str(info.value) == str(direct.value)
    assert _alive([c for c in psutil.Process().children(recursive=True)
                   if c.pid not in before]) == []


def test_a_killed_worker_fails_the_scan_in_one_line_and_finished_points_stay(tmp_path):
    import threading

    jobs = _jobs([0.02 * (1 + i) for i in range(6)], precision=3e-3)
    me = psutil.Process()
    victims: list[int] = []
    before = {c.pid for c in me.children()}  # children of earlier tests (dask) are not ours

    def kill_one():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not victims:
            kids = [c for c in me.children() if c.pid not in before]
            if kids and _cached(Path(os.environ["MILLICHARGE_CACHE_DIR"])) >= 1:
                victims.append(kids[0].pid)
                os.kill(kids[0].pid, signal.SIGKILL)
            time.sleep(0.02)

    thread = threading.Thread(target=kill_one)
    thread.start()
    with pytest.raises(WorkerError, match=r"a worker process died \(exit code -9\) computing "
                       r"point \d of 6; finished points are cached, rerun to resume"):
        evaluate(jobs, backend="processes", workers=2, progress=False)
    thread.join()
    assert victims and _alive([c for c in me.children(recursive=True)
                               if c.pid not in before]) == []
    finished = _cached(Path(os.environ["MILLICHARGE_CACHE_DIR"]))
    again = evaluate(jobs, backend="processes", workers=2, progress=False)
    assert sum(r.cached for r in again) == finished


def test_finished_workers_exit_on_their_own(monkeypatch):
    """At the end of a scan the workers are told to stop and exit with status 0: none has
    to be killed after a join timeout (forked workers hold copies of the parent's pipe
    ends, so closing the pipes alone never ends them)."""
    from millicharge.running import processes

    seen: list[int | None] = []
    real_stop = processes._stop

    def recording_stop(procs, conns, *, kill):
        real_stop(procs, conns, kill=kill)
        seen.extend(p.exitcode for p in procs)

    monkeypatch.setattr(processes, "_stop", recording_stop)
    jobs = [dataclasses.replace(j, method="ww") for j in _jobs([0.05, 0.1, 0.2])]
    results = evaluate(jobs, backend="processes", workers=2, cache=False, progress=False)
    assert len(results) == 3
    assert seen == [0, 0]
