"""The dask.distributed backend: same bits as serial, survives a killed worker, resumes
from the cache, and fails fast on a scheduler it cannot reach."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from distributed import Client, LocalCluster

from millicharge import InputError
from millicharge.running import cache
from millicharge.running.executors import evaluate
from millicharge.running.grid import make_grid, scan
from millicharge.xsec.jobs import CrossSectionJob


def _jobs(masses):
    return [CrossSectionJob.make("e", 8.0, "Al", m, 0.7, precision=3e-2) for m in masses]


def _numbers(results):
    return [(r.sigma_pb, r.error_pb, r.chi2_dof, r.n_eval) for r in results]


def _cache_files():
    return {p: p.stat().st_mtime_ns for p in cache.cache_dir().glob("*/*.json")}


def test_local_dask_cluster_gives_the_serial_bits(capsys):
    grid = make_grid("e", 8, ["Al", "W"], [0.05, 0.3], 0.7, precision=3e-2)
    serial = scan(grid, backend="serial", cache=False, progress=False)
    capsys.readouterr()
    dask = scan(grid, backend="dask", workers=2, progress=True)  # starts a LocalCluster
    # the live bar: points done / total and an ETA
    assert re.search(r"scan: +\d+%.*\| [1-4]/4 \[\d\d:\d\d<\d\d:\d\d", capsys.readouterr().err)
    for col in ("sigma_pb", "error_pb", "chi2_dof", "n_eval", "mass_gev", "target"):
        assert dask[col] == serial[col], col
    assert dask.counts() == {"computed": 4, "cached": 0, "closed": 0}
    assert all(w > 0 for w in dask["wall_s"])
    assert cache.stats()["entries"] == 4


def test_killed_worker_loses_nothing_and_rerun_computes_nothing(monkeypatch, tmp_path):
    masses = [0.02 * (1 + i) for i in range(12)]
    jobs = _jobs(masses)
    reference = evaluate(jobs, backend="serial", cache=False, progress=False)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None,
                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                           silence_logs=logging.CRITICAL)
    client = Client(cluster, set_as_default=False)
    try:
        # the workers were started after the test's cache dir was set: they share it
        dirs = client.run(lambda: os.environ.get("MILLICHARGE_CACHE_DIR"))
        assert set(dirs.values()) == {str(cache.cache_dir())}
        pids = client.run(os.getpid)
        out: dict = {}

        def run_scan():
            try:
                out["results"] = evaluate(jobs, scheduler=cluster.scheduler_address,
                                          progress=False)
            except BaseException as err:  # pragma: no cover - reported below
                out["error"] = err

        thread = threading.Thread(target=run_scan)
        thread.start()
        deadline = time.monotonic() + 60
        while cache.stats()["entries"] < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        done_before_kill = cache.stats()["entries"]
        victim = next(iter(pids.values()))
        os.kill(victim, signal.SIGKILL)  # mid-scan: both workers are busy
        thread.join(timeout=90)
        assert not thread.is_alive(), "scan hung after losing a worker"
        assert "error" not in out, out.get("error")
        assert 2 <= done_before_kill < len(jobs)
        assert victim not in client.run(os.getpid).values()  # the worker really died
        results = out["results"]
        # every point correct: the same bits as the serial reference, in order
        assert _numbers(results) == _numbers(reference)
        assert [r.mass_gev for r in results] == masses
        assert cache.stats()["entries"] == len(jobs)
        # rerun: everything from the cache, nothing recomputed or rewritten
        before = _cache_files()
        again = evaluate(jobs, scheduler=cluster.scheduler_address, progress=False)
        assert all(r.cached for r in again)
        assert _numbers(again) == _numbers(reference)
        assert [r.wall_s for r in again] == [r.wall_s for r in results]
        assert _cache_files() == before
        # a client whose cache the workers cannot see (another host) still gets every
        # point into its own cache
        monkeypatch.setenv("MILLICHARGE_CACHE_DIR", str(tmp_path / "client-cache"))
        assert cache.stats()["entries"] == 0
        remote = evaluate(jobs, scheduler=cluster.scheduler_address, progress=False)
        assert _numbers(remote) == _numbers(reference)
        assert cache.stats()["entries"] == len(jobs)
    finally:
        client.close()
        cluster.close()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_fails_fast():
    address = f"tcp://127.0.0.1:{_free_port()}"
    t0 = time.monotonic()
    with pytest.raises(InputError, match=r"cannot reach dask scheduler at .*Connection refused"):
        evaluate(_jobs([0.1]), scheduler=address, connect_timeout=5)
    assert time.monotonic() - t0 < 2


def test_silent_server_fails_after_the_stated_timeout():
    """Something listens but never speaks dask: fail after connect_timeout, not hang."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        t0 = time.monotonic()
        with pytest.raises(InputError, match=r"no dask scheduler answered at .* within 1 s"):
            evaluate(_jobs([0.1]), scheduler=f"127.0.0.1:{port}", connect_timeout=1)
        assert time.monotonic() - t0 < 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(scheduler="localhost"), "bad --scheduler address 'localhost'"),
        (dict(scheduler="tcp://h:99999"), "bad --scheduler address"),
        (dict(scheduler="tcp://127.0.0.1:8786", backend="serial"), "needs the dask backend"),
        (dict(backend="spark"), "unknown backend 'spark'"),
        (dict(backend="dask", workers=0), "workers must be at least 1"),
    ],
)
def test_bad_backend_options(kwargs, message):
    with pytest.raises(InputError, match=message):
        evaluate(_jobs([0.1]), progress=False, **kwargs)


def test_reach_runs_on_a_dask_scheduler():
    """`reach(..., scheduler=...)` sends its cross sections to the cluster: same numbers."""
    from millicharge import reach

    serial = reach("na64mu", [0.05, 0.3], precision=3e-2, backend="serial", cache=False,
                   progress=False)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                      silence_logs=logging.CRITICAL) as cluster:
        remote = reach("na64mu", [0.05, 0.3], precision=3e-2,
                       scheduler=cluster.scheduler_address, cache=False, progress=False)
    assert remote["sigma_pb"].tolist() == serial["sigma_pb"].tolist()
    assert remote["epsilon_brem"].tolist() == serial["epsilon_brem"].tolist()


def _cluster(n_workers, **kwargs):
    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None,
                        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                        silence_logs=logging.CRITICAL, **kwargs)


def test_a_cluster_without_workers_fails_after_the_stated_timeout():
    with _cluster(0) as cluster:
        t0 = time.monotonic()
        with pytest.raises(InputError) as info:
            evaluate(_jobs([0.1, 0.2]), scheduler=cluster.scheduler_address,
                     no_worker_timeout=1, progress=False)
        assert time.monotonic() - t0 < 10
    assert str(info.value) == (
        "no dask workers for 1 s: 0 finished points are cached (start workers and rerun, "
        "or wait longer with --no-worker-timeout)")


def test_workers_gone_mid_scan_stop_the_scan_and_keep_the_finished_points():
    """The only worker (no nanny to restart it) is killed mid-scan: the scan says so after
    the stated timeout instead of waiting forever; finished points stay cached."""
    jobs = _jobs([0.02 * (1 + i) for i in range(8)])
    with _cluster(0) as cluster:
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
             "--no-nanny", "--nthreads", "1", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with Client(cluster, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)
        out: dict = {}

        def run_scan():
            try:
                evaluate(jobs, scheduler=cluster.scheduler_address, no_worker_timeout=1,
                         progress=False)
            except BaseException as err:
                out["error"] = err

        try:
            thread = threading.Thread(target=run_scan)
            thread.start()
            deadline = time.monotonic() + 60
            while cache.stats()["entries"] < 1 and time.monotonic() < deadline:
                time.sleep(0.02)
            worker.kill()
            worker.wait(10)
            thread.join(timeout=30)
            assert not thread.is_alive(), "scan waited forever for workers"
        finally:
            worker.kill()
            worker.wait(10)
    err = out.get("error")
    assert isinstance(err, InputError), err
    m = re.fullmatch(r"no dask workers for 1 s: (\d+) finished points? (?:are|is) cached .*",
                     str(err))
    assert m and 1 <= int(m.group(1)) < len(jobs), err
    assert cache.stats()["entries"] >= int(m.group(1))


@pytest.mark.parametrize("bad", [0, -1.0, "abc", True, float("nan")])
def test_bad_no_worker_timeout(bad):
    with pytest.raises(InputError, match="no-worker timeout must be positive seconds"):
        evaluate(_jobs([0.1]), backend="serial", no_worker_timeout=bad, progress=False)


def test_tls_without_certificates_is_one_clear_line():
    with socket.socket() as server:  # something listening, so the address is reachable
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"tls://127.0.0.1:{server.getsockname()[1]}"
        with pytest.raises(InputError, match=re.escape(
                f"{address} needs TLS certificates: set distributed.comm.tls.ca-file, "
                ".client.cert and .client.key in the dask configuration, or use tcp://")):
            evaluate(_jobs([0.1]), scheduler=address, connect_timeout=2, progress=False)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls_scheduler_with_certificates_in_the_dask_config(tmp_path):
    import dask
    from distributed.security import Security

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    c, k = str(cert), str(key)
    security = Security(tls_ca_file=c, tls_client_cert=c, tls_client_key=k,
                        tls_scheduler_cert=c, tls_scheduler_key=k, tls_worker_cert=c,
                        tls_worker_key=k, require_encryption=True)
    jobs = _jobs([0.05])
    reference = evaluate(jobs, backend="serial", cache=False, progress=False)
    with _cluster(1, protocol="tls://", security=security) as cluster:
        assert cluster.scheduler_address.startswith("tls://")
        with dask.config.set({"distributed.comm.tls.ca-file": c,
                              "distributed.comm.tls.client.cert": c,
                              "distributed.comm.tls.client.key": k}):
            results = evaluate(jobs, scheduler=cluster.scheduler_address, progress=False)
    assert _numbers(results) == _numbers(reference)
