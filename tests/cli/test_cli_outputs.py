"""Command-line errors are one line; outputs are checked before any work, never overwrite an
input, are written atomically with the umask's mode, and leave no temporary file behind."""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

from millicharge.cli.main import main
from millicharge.core.atomic import TEMP_SUFFIX

SPECTRUM = ["spectrum", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.01",
            "--x", "0.5", "0.7", "--method", "ww"]
REACH = ["reach", "-e", "ldmx", "--masses", "0.05,0.2", "--method", "ww", "--no-progress",
         "--backend", "serial"]
SCAN = ["scan", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.05", "0.2",
        "--x-min", "0.7", "--method", "ww", "--no-progress", "--backend", "serial"]
XSEC = ["xsec", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.01",
        "--x-min", "0.7", "--method", "ww"]
GENERATE = ["generate", "-e", "ldmx", "--mass", "0.1", "--events", "10"]
PLOT_REACH = ["plot", "reach", "-e", "ldmx", "--masses", "0.05,0.1", "--method", "ww"]
PLOT_SPECTRUM = ["plot", "spectrum", "-e", "ldmx", "--masses", "0.1", "--method", "ww"]
PLOT_XSEC = ["plot", "xsec", "-e", "ldmx", "--masses", "0.05,0.1", "--method", "ww"]


def one_line_error(result, code: int = 2) -> str:
    """The single stderr line of a failed run (asserting there is exactly one)."""
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and "Traceback" not in result.output
    assert result.stdout == ""
    return lines[0]


def invoke(args):
    return CliRunner().invoke(main, [str(a) for a in args])


# ------------------------------------------------------------------ one line means one line
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["xsec"], "Missing option '--beam'"),
        (["xsec", "--beam", "tau", *XSEC[3:]], "'e', 'mu'"),  # the choices are named
        ([*XSEC, "--model", "axion"], "'mcp', 'dark-photon'"),
        (["xsec", "--beam", "e", "--energy", "abc", *XSEC[5:]], "'abc' is not a valid float"),
        ([*REACH, "--workers", "two"], "'two' is not a valid integer"),
        (["nosuch"], "No such command 'nosuch'. Commands: cache, experiments, generate"),
        (["plot", "nosuch"], "Commands: reach, spectrum, xsec"),
        (["experiments", "extra"], "No such command 'extra'. Commands: show"),
        (["--bogus"], "No such option '--bogus'"),
        ([*XSEC, "--bogus"], "No such option '--bogus'"),
        (["xsec", "--beam"], "'--beam' requires an argument"),
        (["cache", "info", "extra"], "unexpected extra argument"),
        # seeds, workers, points: checked at the boundary, not deep inside numpy
        ([*XSEC, "--seed", "-1"], "--seed': -1 is not in the range x>=0"),
        ([*SPECTRUM, "--seed", "-1"], "--seed"),
        ([*REACH, "--seed", "-1"], "--seed"),
        ([*SCAN, "--seed", "-1"], "--seed"),
        ([*GENERATE, "-o", "e.lhe", "--seed", "-1"], "--seed"),
        ([*PLOT_SPECTRUM, "--out", "f.png", "--seed", "-1"], "--seed"),
        ([*PLOT_XSEC, "--out", "f.png", "--seed", "-2"], "--seed"),
        ([*PLOT_REACH, "--out", "f.png", "--seed", "-3"], "--seed"),
        ([*XSEC, "--seed", "1.5"], "'1.5' is not a valid integer"),
        ([*REACH, "--workers", "0"], "--workers': 0 is not in the range x>=1"),
        ([*SCAN, "--workers", "-4"], "--workers"),
        ([*SCAN, "--connect-timeout", "0"], "--connect-timeout"),
        ([*PLOT_SPECTRUM, "--out", "f.png", "--points", "0"], "--points': 0 is not in"),
        ([*GENERATE, "-o", "e.lhe", "--events", "0"], "events"),
        ([*XSEC, "--precision", "-0.1"], "precision"),
        ([*PLOT_REACH, "--out", "f.png", "--precision", "0"], "precision"),  # 0 is not "default"
        ([*PLOT_SPECTRUM, "--out", "f.png", "--precision", "0"], "precision"),
    ],
)
def test_every_usage_error_is_one_line_with_status_2(args, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = one_line_error(invoke(args))
    assert expected in line
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_help_still_prints_usage():
    result = invoke(["xsec", "--help"])
    assert result.exit_code == 0 and result.stdout.startswith("Usage: ")
    alone = invoke([])  # no command: the help, as click prints it
    assert alone.exit_code in (0, 2)
    assert "Usage: " in alone.output and "Commands:" in alone.output
    text = invoke(["plot", "reach", "--help"]).stdout
    assert "--csv" in text and "--no-csv" in text and "CSV" in text


@pytest.mark.parametrize("args", [["xsec"], ["nosuch"], [*XSEC, "--seed", "-1"],
                                  ["plot", "reach", "-e", "ldmx", "--out", "x.jpg"]])
def test_one_line_errors_in_a_real_process(args, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "millicharge", *args], cwd=tmp_path,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "MILLICHARGE_CACHE_DIR": str(tmp_path / "c")})
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("Error: ")
    assert proc.stdout == ""


# ------------------------------------------------------------------ outputs checked first
COMPUTERS = [("millicharge.limits.reach", "reach"), ("millicharge.xsec.api", "spectrum"),
             ("millicharge.running.grid", "scan"),
             ("millicharge.events.generate", "generate_events"),
             ("millicharge.plots.figures", "figure2"), ("millicharge.plots.figures", "figure3"),
             ("millicharge.plots.figures", "figure4")]


@pytest.fixture
def no_computing(monkeypatch):
    """Every computing entry point of the CLI fails the test if it is reached."""
    called = []

    def forbidden(*args, **kwargs):
        called.append(args)
        raise AssertionError("computed before the output path was checked")

    modules = [importlib.import_module(m) for m, _ in COMPUTERS]  # import all, then patch
    for module, (_, name) in zip(modules, COMPUTERS, strict=True):
        monkeypatch.setattr(module, name, forbidden)
    return called


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder holding a regular file ``afile``, a folder ``adir`` and a limit ``mine.csv``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    (tmp_path / "mine.csv").write_text("mass_gev,epsilon\n0.01,1e-3\n1,1e-2\n")
    (tmp_path / "exp.toml").write_text("# not read: the output is refused first\n")
    return tmp_path


BAD_OUTPUTS = [
    ([*SCAN, "--output", "afile/x.csv"], "'afile/x.csv'"),  # under an existing file
    ([*SCAN, "--output", "adir"], "directory"),
    ([*SCAN, "--output", "x.txt"], ".csv, .json, .parquet"),
    ([*SCAN, "--output", "x.csv", "--format", "json"], "conflicts"),
    ([*SCAN, "--output", "x.parquet", "--format", "csv"], "conflicts"),
    ([*REACH, "--output", "afile/r.csv"], "is a file, not a folder"),
    ([*REACH, "--output", "r.dat"], ".csv, .json, .txt"),
    ([*REACH, "--output", "r.csv", "--format", "table"], "--format table conflicts"),
    ([*REACH, "--output", "adir"], "directory"),
    (["reach", "-e", "exp.toml", "--output", "exp.toml"], "exp.toml"),
    ([*SPECTRUM, "--output", "s.png"], ".csv, .json, .txt"),
    ([*SPECTRUM, "--output", "s.json", "--format", "csv"], "conflicts"),
    ([*GENERATE, "-o", "file.txt"], ".lhe, .lhe.gz"),
    ([*GENERATE, "-o", "adir"], "directory"),
    ([*GENERATE, "-o", "afile/e.lhe"], "is a file, not a folder"),
    ([*PLOT_REACH, "--out", "x.jpg"], ".png, .pdf, .svg"),
    ([*PLOT_SPECTRUM, "--out", "x.jpg"], ".png, .pdf, .svg"),
    ([*PLOT_XSEC, "--out", "afile/f.png"], "is a file, not a folder"),
    ([*PLOT_REACH, "--limits", "mine.csv", "--out", "mine.png"], "input file 'mine.csv'"),
    ([*PLOT_REACH, "--limits", "mine.csv", "--out", "o.png", "--csv", "mine.csv"],
     "input file 'mine.csv'"),
    ([*PLOT_REACH, "--limits", "mine.csv", "--out", "./mine.png"], "input file"),
    # a folder that does not exist is refused, not created (here the path would also
    # lead back to the input)
    ([*PLOT_REACH, "--limits", "mine.csv", "--out", "sub/../mine.png"], "does not exist"),
    ([*XSEC, "--output", "nosuchdir/deeper/x.csv"], "folder 'nosuchdir/deeper' does not"),
    ([*PLOT_REACH, "--out", "o.png", "--csv", "o.txt"], "must end in .csv"),
    ([*PLOT_REACH, "--out", "o.png", "--csv", "afile/o.csv"], "is a file, not a folder"),
    ([*PLOT_REACH, "--out", "o.png", "--csv", "t.csv", "--no-csv"], "exclude each other"),
]


@pytest.mark.parametrize(("args", "expected"), BAD_OUTPUTS)
def test_bad_output_is_refused_before_any_work(args, expected, workdir, no_computing):
    before = {p: p.read_bytes() for p in workdir.rglob("*") if p.is_file()}
    line = one_line_error(invoke(args))
    assert expected in line
    assert no_computing == []
    after = {p: p.read_bytes() for p in workdir.rglob("*") if p.is_file()}
    assert after == before  # nothing written, nothing changed


def test_unwritable_folder_is_refused_before_any_work(workdir, no_computing, monkeypatch):
    ro = workdir / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    real_access = os.access

    def access(path, mode, *args, **kwargs):  # root may write anywhere: deny it here too
        if mode & os.W_OK and Path(path).resolve() == ro.resolve():
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    try:
        for args in ([*SCAN, "--output", "ro/g.csv"], [*GENERATE, "-o", "ro/new/e.lhe"],
                     [*PLOT_REACH, "--out", "ro/f.png"]):
            assert "not writable" in one_line_error(invoke(args))
    finally:
        ro.chmod(0o755)
    assert no_computing == []


def test_refused_in_a_real_process_with_nothing_computed(tmp_path):
    """The default ETL method, a fresh cache: a bad name ends it at once, cache untouched."""
    (tmp_path / "afile").write_text("x")
    (tmp_path / "mine.csv").write_text("mass_gev,epsilon\n0.01,1e-3\n1,1e-2\n")
    cache = tmp_path / "cache"
    env = {**os.environ, "MILLICHARGE_CACHE_DIR": str(cache)}
    for args in (["scan", "--beam", "mu", "--energy", "160", "--target", "Pb", "--mass",
                  "0.01:1:20", "--x-min", "0.5", "--output", "afile/g.csv"],
                 ["plot", "reach", "-e", "ldmx", "--limits", "mine.csv", "--out", "mine.png"],
                 ["generate", "-e", "ldmx", "--mass", "0.1", "--events", "1000", "-o", "e.txt"]):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "millicharge", *args], cwd=tmp_path,
                              capture_output=True, text=True, check=False, env=env)
        assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert time.perf_counter() - start < 60
    assert not cache.exists() or not [p for p in cache.rglob("*") if p.is_file()]
    assert (tmp_path / "mine.csv").read_text() == "mass_gev,epsilon\n0.01,1e-3\n1,1e-2\n"
    assert {p.name for p in tmp_path.iterdir()} - {"cache"} == {"afile", "mine.csv"}


# ------------------------------------------------------------------ never overwrite an input
def test_plot_reach_never_touches_the_limits_file(workdir):
    limits = workdir / "mine.csv"
    original = limits.read_bytes()
    line = one_line_error(invoke([*PLOT_REACH, "--limits", "mine.csv", "--out", "mine.png"]))
    assert "refusing to overwrite the input file 'mine.csv'" in line
    assert limits.read_bytes() == original and not (workdir / "mine.png").exists()
    # the same through another spelling of the path
    other = f"../{workdir.name}/mine.png"
    one_line_error(invoke([*PLOT_REACH, "--limits", str(limits), "--out", other]))
    assert limits.read_bytes() == original


def test_plot_reach_csv_beside_chosen_or_skipped(workdir):
    ok = invoke([*PLOT_REACH, "--limits", "mine.csv", "--out", "fig.png"])
    assert ok.exit_code == 0, ok.output
    rows = list(csv.DictReader(io.StringIO((workdir / "fig.csv").read_text())))
    assert len(rows) == 2 and rows[0]["experiment"] == "ldmx"
    assert "wrote fig.csv" in ok.stderr

    (workdir / "tables").mkdir()
    chosen = invoke([*PLOT_REACH, "--out", "g.svg", "--csv", "tables/reach.csv"])
    assert chosen.exit_code == 0, chosen.output
    assert (workdir / "tables" / "reach.csv").read_text() == (workdir / "fig.csv").read_text()
    assert not (workdir / "g.csv").exists()

    skipped = invoke([*PLOT_REACH, "--out", "h.pdf", "--no-csv"])
    assert skipped.exit_code == 0, skipped.output
    assert (workdir / "h.pdf").exists() and not (workdir / "h.csv").exists()
    assert "csv" not in skipped.stderr


# ------------------------------------------------------------------ format from the extension
def test_output_format_follows_the_extension(tmp_path):
    rows = list(csv.DictReader(io.StringIO(
        _written(invoke([*REACH, "-o", tmp_path / "r.csv"]), tmp_path / "r.csv"))))
    assert len(rows) == 2 and float(rows[0]["mass_gev"]) == 0.05
    data = json.loads(_written(invoke([*REACH, "-o", tmp_path / "r.json"]), tmp_path / "r.json"))
    assert [r["mass_gev"] for r in data["rows"]] == [0.05, 0.2]
    text = _written(invoke([*REACH, "-o", tmp_path / "r.txt"]), tmp_path / "r.txt")
    assert text.startswith("# LDMX") and "mass_gev" in text.splitlines()[1]
    # an explicit --format that agrees is fine
    _written(invoke([*REACH, "-o", tmp_path / "q.csv", "--format", "csv"]), tmp_path / "q.csv")

    spec = json.loads(_written(invoke([*SPECTRUM, "-o", tmp_path / "s.json"]),
                               tmp_path / "s.json"))
    assert [r["x"] for r in spec] == [0.5, 0.7]
    assert _written(invoke([*SPECTRUM, "-o", tmp_path / "s.csv"]),
                    tmp_path / "s.csv").startswith("x,dsigma_dx_pb,error_pb\n")

    grid = json.loads(_written(invoke([*SCAN, "-o", tmp_path / "g.json"]), tmp_path / "g.json"))
    assert len(grid["rows"]) == 2


def _written(result, path: Path) -> str:
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the table went to the file, not to stdout
    return path.read_text()


# ------------------------------------------------------------------ modes follow the umask
@pytest.fixture(scope="module")
def sample():
    from millicharge.events.generate import generate_events

    return generate_events("ldmx", 0.05, 20, neval=2000, train_iterations=2,
                           prerun_passes=1, seed=3)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_file_modes_follow_the_umask(umask, mode, tmp_path, sample):
    from millicharge.events.generate import write_lhe
    from millicharge.plots.plotting import save_figure

    old = os.umask(umask)
    try:
        assert invoke([*REACH, "-o", tmp_path / "r.csv"]).exit_code == 0
        assert invoke([*SPECTRUM, "-o", tmp_path / "s.txt"]).exit_code == 0
        assert invoke([*SCAN, "-o", tmp_path / "g.csv"]).exit_code == 0
        save_figure(Figure(figsize=(1, 1)), tmp_path / "f.png")
        write_lhe(sample, tmp_path / "e.lhe")
        write_lhe(sample, tmp_path / "e.lhe.gz")
        pytest.importorskip("pyarrow")
        assert invoke([*SCAN, "-o", tmp_path / "g.parquet"]).exit_code == 0
    finally:
        os.umask(old)
    files = sorted(p for p in tmp_path.iterdir())
    assert {p.name for p in files} >= {"r.csv", "s.txt", "g.csv", "f.png", "e.lhe", "e.lhe.gz"}
    for p in files:
        assert p.stat().st_mode & 0o777 == mode, (p.name, oct(p.stat().st_mode))


# ------------------------------------------------------------------ no temporary survives
def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*")
            if p.name.endswith(TEMP_SUFFIX) or p.name.endswith(".tmp") or ".tmp-" in p.name]


def _partial_then(exc):
    """A writer that starts the file, then fails with ``exc``."""
    def writer(target, *args, **kwargs):
        if hasattr(target, "write"):
            target.write(b"partial")
        else:
            Path(target).write_bytes(b"partial")
        raise exc
    return writer


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(exc, tmp_path, monkeypatch, sample):
    import millicharge.events.lhe as lhe
    from millicharge.core.errors import InputError
    from millicharge.plots.plotting import save_figure

    for name in ("r.csv", "f.png", "e.lhe", "e.lhe.gz", "g.parquet"):
        (tmp_path / name).write_bytes(b"old")

    fig = Figure(figsize=(1, 1))
    monkeypatch.setattr(fig, "savefig", _partial_then(exc))
    with pytest.raises(type(exc)):
        save_figure(fig, tmp_path / "f.png")

    monkeypatch.setattr(lhe, "_write_stream", lambda s, fh: _partial_then(exc)(fh))
    for name in ("e.lhe", "e.lhe.gz"):
        with pytest.raises((type(exc), InputError)):
            lhe.write_lhe(sample, tmp_path / name)

    import millicharge.core.atomic as atomic

    def fsync_fails(fd):
        raise exc

    monkeypatch.setattr(atomic.os, "fsync", fsync_fails)
    result = CliRunner().invoke(main, [*REACH, "--no-cache", "-o", str(tmp_path / "r.csv")])
    assert result.exit_code != 0
    if isinstance(exc, OSError):  # an I/O failure is one line too
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    monkeypatch.undo()

    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.setattr(pq, "write_table", _partial_then(exc))
    result = CliRunner().invoke(main, [*SCAN, "-o", str(tmp_path / "g.parquet")])
    assert result.exit_code != 0

    for name in ("r.csv", "f.png", "e.lhe", "e.lhe.gz", "g.parquet"):
        assert (tmp_path / name).read_bytes() == b"old", name
    assert _leftovers(tmp_path) == []


def test_stale_temporary_of_a_killed_run_is_removed(tmp_path):
    stale = tmp_path / f".r.csv.999999999.0badcafe{TEMP_SUFFIX}"  # no such process
    stale.write_text("half a table")
    assert invoke([*REACH, "-o", tmp_path / "r.csv"]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]
