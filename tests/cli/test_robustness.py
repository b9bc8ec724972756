"""Bad input, over every command and the public API: one clear line, exit 2, nothing written.

Each command-line case runs in an empty folder with an empty result cache and checks that
it ends with exit status 2, exactly one line on stderr that starts with ``Error:``, no
traceback, no new or changed file in the folder and nothing in the cache (so every check
happens before any work). Each API case must raise :class:`millicharge.InputError` (a
``ValueError``) with a one-line message; no TypeError, OverflowError or numpy message.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import millicharge as mc
from millicharge.cli.main import main
from millicharge.running.grid import make_grid

XSEC = ["xsec", "--beam", "mu", "--energy", "160", "--target", "Pb", "--mass", "0.1",
        "--x-min", "0.5", "--method", "ww"]
SPECTRUM = ["spectrum", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.01",
            "--x", "0.7", "--method", "ww"]
REACH = ["reach", "-e", "ldmx", "--masses", "0.05,0.1", "--method", "ww", "--no-progress"]
SCAN = ["scan", "--beam", "mu", "--energy", "160", "--target", "Pb", "--mass", "0.1",
        "--x-min", "0.5", "--method", "ww", "--no-progress"]
GENERATE = ["generate", "-e", "na64mu", "--mass", "0.1", "--events", "10", "-o", "ev.lhe"]
PLOT_REACH = ["plot", "reach", "-e", "ldmx", "--masses", "0.05,0.1", "--method", "ww",
              "--out", "f.png"]
PLOT_XSEC = ["plot", "xsec", "-e", "ldmx", "--masses", "0.05,0.1", "--method", "ww",
             "--out", "f.png"]
PLOT_SPECTRUM = ["plot", "spectrum", "-e", "ldmx", "--masses", "0.05", "--method", "ww",
                 "--points", "3", "--out", "f.png"]


def put(base: list[str], option: str, *values: str) -> list[str]:
    """``base`` with ``option`` set to ``values`` (replaced if present, else appended)."""
    args = list(base)
    if option in args:
        i = args.index(option)
        j = i + 1
        while j < len(args) and not args[j].startswith("-"):
            j += 1
        args[i + 1:j] = list(values)
        return args
    return [*args, option, *values]


def drop(base: list[str], option: str) -> list[str]:
    args = list(base)
    i = args.index(option)
    return args[:i] + args[i + 2:]


CLI_CASES: dict[str, list[str]] = {
    # --- xsec: every option
    "xsec beam tau": put(XSEC, "--beam", "tau"),
    "xsec beam empty": put(XSEC, "--beam", ""),
    "xsec energy text": put(XSEC, "--energy", "abc"),
    "xsec energy negative": put(XSEC, "--energy", "-5"),
    "xsec energy zero": put(XSEC, "--energy", "0"),
    "xsec energy nan": put(XSEC, "--energy", "nan"),
    "xsec energy inf": put(XSEC, "--energy", "inf"),
    "xsec energy absurd": put(XSEC, "--energy", "1e300"),
    "xsec energy below muon mass": put(XSEC, "--energy", "0.1"),
    "xsec target unknown": put(XSEC, "--target", "Xx"),
    "xsec target Z=0": put(XSEC, "--target", "Z=0,A=1"),
    "xsec target Z=200": put(XSEC, "--target", "Z=200,A=500"),
    "xsec target Z fractional": put(XSEC, "--target", "Z=6.5,A=12"),
    "xsec target no A": put(XSEC, "--target", "Z=6"),
    "xsec target A text": put(XSEC, "--target", "Z=6,A=abc"),
    "xsec target unknown field": put(XSEC, "--target", "Z=6,A=12,foo=1"),
    "xsec target A below Z": put(XSEC, "--target", "Z=6,A=3"),
    "xsec target negative density": put(XSEC, "--target", "Z=6,A=12,density=-1"),
    "xsec mass negative": put(XSEC, "--mass", "-1"),
    "xsec mass zero": put(XSEC, "--mass", "0"),
    "xsec mass text": put(XSEC, "--mass", "abc"),
    "xsec mass nan": put(XSEC, "--mass", "nan"),
    "xsec mass above threshold": put(XSEC, "--mass", "100"),
    "xsec mass above threshold dark photon": put(put(XSEC, "--mass", "170"), "--model",
                                                 "dark-photon"),
    "xsec x-min zero": put(XSEC, "--x-min", "0"),
    "xsec x-min one": put(XSEC, "--x-min", "1"),
    "xsec x-min above one": put(XSEC, "--x-min", "1.5"),
    "xsec x-min negative": put(XSEC, "--x-min", "-0.1"),
    "xsec x-min text": put(XSEC, "--x-min", "abc"),
    "xsec x window closed": put(XSEC, "--x-min", "0.9999999"),
    "xsec x-max below x-min": put(XSEC, "--x-max", "0.4"),
    "xsec x-max above one": put(XSEC, "--x-max", "1.5"),
    "xsec method unknown": put(XSEC, "--method", "foo"),
    "xsec model unknown": put(XSEC, "--model", "foo"),
    "xsec epsilon zero": put(XSEC, "--epsilon", "0"),
    "xsec epsilon negative": put(XSEC, "--epsilon", "-1"),
    "xsec epsilon nan": put(XSEC, "--epsilon", "nan"),
    "xsec epsilon huge": put(XSEC, "--epsilon", "1e200"),
    "xsec epsilon tiny": put(XSEC, "--epsilon", "1e-200"),
    "xsec seed negative": put(XSEC, "--seed", "-1"),
    "xsec seed fractional": put(XSEC, "--seed", "1.5"),
    "xsec seed text": put(XSEC, "--seed", "abc"),
    "xsec precision zero": put(XSEC, "--precision", "0"),
    "xsec precision one": put(XSEC, "--precision", "1"),
    "xsec precision negative": put(XSEC, "--precision", "-0.1"),
    "xsec format unknown": put(XSEC, "--format", "xml"),
    "xsec missing beam": drop(XSEC, "--beam"),
    "xsec missing mass": drop(XSEC, "--mass"),
    "xsec unknown option": [*XSEC, "--foo", "1"],
    "xsec extra argument": [*XSEC, "surplus"],
    # --- spectrum
    "spectrum x zero": put(SPECTRUM, "--x", "0"),
    "spectrum x one": put(SPECTRUM, "--x", "1"),
    "spectrum x above one": put(SPECTRUM, "--x", "0.5", "1.5"),
    "spectrum x text": put(SPECTRUM, "--x", "abc"),
    "spectrum x nan": put(SPECTRUM, "--x", "nan"),
    "spectrum x negative": put(SPECTRUM, "--x", "-0.2"),
    "spectrum format unknown": put(SPECTRUM, "--format", "xml"),
    "spectrum output is a folder": put(SPECTRUM, "--output", "adir"),
    "spectrum output under a file": put(SPECTRUM, "--output", "afile/s.csv"),
    "spectrum seed negative": put(SPECTRUM, "--seed", "-1"),
    "spectrum precision zero": put(SPECTRUM, "--precision", "0"),
    "spectrum energy text": put(SPECTRUM, "--energy", "abc"),
    "spectrum mass zero": put(SPECTRUM, "--mass", "0"),
    # --- reach
    "reach experiment unknown": put(REACH, "-e", "nosuchexperiment"),
    "reach experiment missing file": put(REACH, "-e", "missing.toml"),
    "reach experiment bad toml": put(REACH, "-e", "bad.toml"),
    "reach experiment incomplete toml": put(REACH, "-e", "incomplete.toml"),
    "reach masses empty": put(REACH, "--masses", ""),
    "reach masses text": put(REACH, "--masses", "abc"),
    "reach masses two fields": put(REACH, "--masses", "0.01:1"),
    "reach masses n zero": put(REACH, "--masses", "0.01:1:0"),
    "reach masses reversed": put(REACH, "--masses", "1:0.01:5"),
    "reach masses huge grid": put(REACH, "--masses", "0.01:1:1000000000"),
    "reach masses negative": put(REACH, "--masses", "-1,2"),
    "reach masses zero": put(REACH, "--masses", "0,0.1"),
    "reach masses nan": put(REACH, "--masses", "nan"),
    "reach masses n text": put(REACH, "--masses", "0.01:1:abc"),
    "reach cl zero": put(REACH, "--cl", "0"),
    "reach cl one": put(REACH, "--cl", "1"),
    "reach cl text": put(REACH, "--cl", "abc"),
    "reach method unknown": put(REACH, "--method", "foo"),
    "reach model unknown": put(REACH, "--model", "foo"),
    "reach precision zero": put(REACH, "--precision", "0"),
    "reach seed negative": put(REACH, "--seed", "-1"),
    "reach backend unknown": put(REACH, "--backend", "foo"),
    "reach workers zero": put(REACH, "--workers", "0"),
    "reach workers negative": put(REACH, "--workers", "-1"),
    "reach scheduler nonsense": put(REACH, "--scheduler", "nonsense"),
    "reach scheduler tls": put(REACH, "--scheduler", "tls://127.0.0.1:1"),
    "reach output is a folder": put(REACH, "--output", "adir"),
    "reach output under a file": put(REACH, "--output", "afile/r.csv"),
    "reach format conflicts with output": put(put(REACH, "--format", "json"), "--output",
                                              "r.csv"),
    "reach format unknown": put(REACH, "--format", "xml"),
    # --- scan
    "scan beam tau": put(SCAN, "--beam", "tau"),
    "scan energy text": put(SCAN, "--energy", "abc"),
    "scan energy negative": put(SCAN, "--energy", "-1"),
    "scan target unknown": put(SCAN, "--target", "Xx"),
    "scan mass text": put(SCAN, "--mass", "abc"),
    "scan mass huge grid": put(SCAN, "--mass", "0.01:1:1000000000"),
    "scan x-min above one": put(SCAN, "--x-min", "1.5"),
    "scan x-max below x-min": put(SCAN, "--x-max", "0.4"),
    "scan precision zero": put(SCAN, "--precision", "0"),
    "scan seed negative": put(SCAN, "--seed", "-1"),
    "scan backend unknown": put(SCAN, "--backend", "foo"),
    "scan workers zero": put(SCAN, "--workers", "0"),
    "scan output bad extension": put(SCAN, "--output", "grid.txt"),
    "scan output under a file": put(SCAN, "--output", "afile/grid.csv"),
    "scan output is a folder": put(SCAN, "--output", "adir"),
    "scan connect timeout zero": put(put(SCAN, "--scheduler", "tcp://127.0.0.1:1"),
                                     "--connect-timeout", "0"),
    "scan scheduler nonsense": put(SCAN, "--scheduler", "no:such:address"),
    "scan format unknown": put(SCAN, "--format", "xml"),
    "scan format conflicts with output": put(put(SCAN, "--format", "json"), "--output",
                                             "grid.csv"),
    # --- generate
    "generate events zero": put(GENERATE, "--events", "0"),
    "generate events negative": put(GENERATE, "--events", "-1"),
    "generate events text": put(GENERATE, "--events", "abc"),
    "generate mass negative": put(GENERATE, "--mass", "-1"),
    "generate mass zero": put(GENERATE, "--mass", "0"),
    "generate output txt": put(GENERATE, "-o", "events.txt"),
    "generate output is a folder": put(GENERATE, "-o", "adir"),
    "generate output under a file": put(GENERATE, "-o", "afile/ev.lhe"),
    "generate experiment unknown": put(GENERATE, "-e", "nosuchexperiment"),
    "generate seed negative": put(GENERATE, "--seed", "-1"),
    "generate epsilon zero": put(GENERATE, "--epsilon", "0"),
    "generate model unknown": put(GENERATE, "--model", "foo"),
    "generate missing output": drop(GENERATE, "-o"),
    # --- plot reach
    "plot reach bad extension": put(PLOT_REACH, "--out", "f.jpg"),
    "plot reach out is a folder": put(PLOT_REACH, "--out", "adir"),
    "plot reach limits missing": [*PLOT_REACH, "--limits", "missing.csv"],
    "plot reach limits unreadable": [*PLOT_REACH, "--limits", "bad_limits.csv"],
    "plot reach never overwrites its limits file": [
        *put(PLOT_REACH, "--out", "mine.png"), "--limits", "mine.csv"],
    "plot reach existing unknown": [*PLOT_REACH, "--existing", "nosuchlimit"],
    "plot reach masses text": put(PLOT_REACH, "--masses", "abc"),
    "plot reach experiment unknown": put(PLOT_REACH, "-e", "nosuchexperiment"),
    "plot reach precision zero": [*PLOT_REACH, "--precision", "0"],
    "plot reach seed negative": [*PLOT_REACH, "--seed", "-1"],
    # --- plot xsec, plot spectrum
    "plot xsec method unknown": put(PLOT_XSEC, "--method", "foo"),
    "plot xsec bad extension": put(PLOT_XSEC, "--out", "f.gif"),
    "plot xsec experiment unknown": put(PLOT_XSEC, "-e", "nosuchexperiment"),
    "plot xsec masses zero": put(PLOT_XSEC, "--masses", "0:1:3"),
    "plot spectrum points zero": put(PLOT_SPECTRUM, "--points", "0"),
    "plot spectrum points negative": put(PLOT_SPECTRUM, "--points", "-1"),
    "plot spectrum masses text": put(PLOT_SPECTRUM, "--masses", "abc"),
    "plot spectrum masses negative": put(PLOT_SPECTRUM, "--masses", "-1"),
    "plot spectrum bad extension": put(PLOT_SPECTRUM, "--out", "f.bmp"),
    # --- the rest
    "experiments format unknown": ["experiments", "--format", "xml"],
    "cache unknown subcommand": ["cache", "foo"],
    "plot unknown subcommand": ["plot", "foo"],
    "unknown command": ["foo"],
    "unknown global option": ["--bogus"],
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder holding the input files the cases refer to, as the current folder."""
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("a regular file\n")
    (tmp_path / "bad.toml").write_text("[experiment\nname = 'broken'\n")
    (tmp_path / "incomplete.toml").write_text("[experiment]\nname = 'incomplete'\n")
    (tmp_path / "bad_limits.csv").write_text("this,is\nnot,a limit\n")
    (tmp_path / "mine.csv").write_text("mass_gev,epsilon\n0.01,1e-3\n0.1,1e-2\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(folder.rglob("*"))}


def _cache_files() -> list[Path]:
    return [p for p in Path(os.environ["MILLICHARGE_CACHE_DIR"]).rglob("*") if p.is_file()]


@pytest.mark.parametrize("args", list(CLI_CASES.values()), ids=list(CLI_CASES))
def test_bad_command_line_is_one_line_exit_2_nothing_written(args, workdir):
    before = _snapshot(workdir)
    result = CliRunner().invoke(main, args)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and len(lines[0]) > len("Error: ") + 10, lines
    assert "Traceback" not in result.output
    assert _snapshot(workdir) == before, "a bad command changed or wrote a file"
    assert not _cache_files(), "a bad command computed something before failing"


def test_enough_bad_inputs_are_tried():
    assert len(CLI_CASES) + len(API_CASES) >= 200


@pytest.mark.parametrize("args", [["xsec", "--beam", "tau"], ["reach", "--masses", "1"],
                                  ["plot", "reach", "-e", "ldmx", "--out", "x.jpg"]],
                         ids=["bad choice", "missing option", "bad extension"])
def test_real_process_prints_one_line(args, workdir):
    """The installed entry point (not only click's test runner) keeps errors to one line."""
    proc = subprocess.run([sys.executable, "-m", "millicharge", *args], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("Error: ")


def test_help_still_shows_usage():
    result = CliRunner().invoke(main, ["xsec", "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


# --------------------------------------------------------------------------- public API

XS = dict(beam="mu", energy=160.0, target="Pb", mass=0.1, x_min=0.5)


def _xs(**change):
    kwargs = {**XS, "method": "ww", **change}
    return lambda: mc.cross_section(**kwargs)


def _spectrum(**change):
    kwargs = {"beam": "e", "energy": 8.0, "target": "Al", "mass": 0.01, "x": [0.7],
              "method": "ww", **change}
    return lambda: mc.spectrum(**kwargs)


def _reach(**change):
    kwargs = {"experiment": "ldmx", "masses": [0.05], "method": "ww", "progress": False,
              **change}
    return lambda: mc.reach(**kwargs)


def _material(**change):
    kwargs = {"symbol": "X", "Z": 6, "A": 12.0, "density": 2.2, "X0": 19.0, **change}
    return lambda: mc.Material(**kwargs)


def _grid(**change):
    kwargs = {"beam": "mu", "energy": 160, "target": "Pb", "mass": 0.1, "x_min": 0.5,
              **change}
    return lambda: make_grid(**kwargs)


API_CASES = {
    "xs beam tau": _xs(beam="tau"),
    "xs beam None": _xs(beam=None),
    "xs beam number": _xs(beam=1),
    "xs energy None": _xs(energy=None),
    "xs energy text": _xs(energy="abc"),
    "xs energy True": _xs(energy=True),
    "xs energy nan": _xs(energy=math.nan),
    "xs energy inf": _xs(energy=math.inf),
    "xs energy negative": _xs(energy=-1.0),
    "xs energy absurd": _xs(energy=1e300),
    "xs energy list": _xs(energy=[160.0, 100.0]),
    "xs energy dict": _xs(energy={}),
    "xs target unknown": _xs(target="Xx"),
    "xs target None": _xs(target=None),
    "xs target number": _xs(target=82),
    "xs mass None": _xs(mass=None),
    "xs mass text": _xs(mass="abc"),
    "xs mass True": _xs(mass=True),
    "xs mass zero": _xs(mass=0.0),
    "xs mass negative": _xs(mass=-0.1),
    "xs mass nan": _xs(mass=math.nan),
    "xs mass above threshold": _xs(mass=100.0),
    "xs x_min zero": _xs(x_min=0.0),
    "xs x_min one": _xs(x_min=1.0),
    "xs x_min text": _xs(x_min="abc"),
    "xs x_min None": _xs(x_min=None),
    "xs x_min True": _xs(x_min=True),
    "xs x_max below x_min": _xs(x_max=0.4),
    "xs x_max above one": _xs(x_max=1.5),
    "xs window closed": _xs(x_min=0.9999999),
    "xs method unknown": _xs(method="foo"),
    "xs method None": _xs(method=None),
    "xs model unknown": _xs(model="foo"),
    "xs epsilon zero": _xs(epsilon=0.0),
    "xs epsilon negative": _xs(epsilon=-1.0),
    "xs epsilon text": _xs(epsilon="abc"),
    "xs epsilon huge": _xs(epsilon=1e200),
    "xs epsilon tiny": _xs(epsilon=1e-200),
    "xs epsilon True": _xs(epsilon=True),
    "xs precision zero": _xs(precision=0.0),
    "xs precision one": _xs(precision=1.0),
    "xs precision text": _xs(precision="abc"),
    "xs seed negative": _xs(seed=-1, method="etl"),
    "xs seed fractional": _xs(seed=1.5, method="etl"),
    "xs seed text": _xs(seed="a", method="etl"),
    "xs seed True": _xs(seed=True, method="etl"),
    "xs nucleus mass zero": _xs(nucleus_mass=0.0),
    "xs nucleus mass negative": _xs(nucleus_mass=-1.0),
    "xs nucleus mass text": _xs(nucleus_mass="abc"),
    "xs nucleus mass nan": _xs(nucleus_mass=math.nan),
    "spectrum x empty": _spectrum(x=[]),
    "spectrum x zero": _spectrum(x=[0.0]),
    "spectrum x one": _spectrum(x=[1.0]),
    "spectrum x text": _spectrum(x=["abc"]),
    "spectrum x None": _spectrum(x=None),
    "spectrum x nan": _spectrum(x=[math.nan]),
    "spectrum x nested": _spectrum(x=[[0.5, 0.6], [0.7]]),
    "spectrum seed negative": _spectrum(seed=-1, method="etl"),
    "spectrum epsilon zero": _spectrum(epsilon=0.0),
    "spectrum energy True": _spectrum(energy=True),
    "spectrum beam tau": _spectrum(beam="tau"),
    "reach experiment unknown": _reach(experiment="nosuchexperiment"),
    "reach experiment None": _reach(experiment=None),
    "reach experiment number": _reach(experiment=3),
    "reach masses empty": _reach(masses=[]),
    "reach masses negative": _reach(masses=[-0.1]),
    "reach masses text": _reach(masses=["abc"]),
    "reach masses nan": _reach(masses=[math.nan]),
    "reach masses nested": _reach(masses=[[0.1, 0.2], [0.3]]),
    "reach cl zero": _reach(cl=0.0),
    "reach cl one": _reach(cl=1.0),
    "reach cl text": _reach(cl="abc"),
    "reach method unknown": _reach(method="foo"),
    "reach model unknown": _reach(model="foo"),
    "reach precision zero": _reach(precision=0.0),
    "reach seed negative": _reach(seed=-1),
    "reach seed fractional": _reach(seed=1.5),
    "reach backend unknown": _reach(backend="foo"),
    "reach workers zero": _reach(workers=0),
    "material Z zero": _material(Z=0),
    "material Z too large": _material(Z=119, A=300.0),
    "material Z fractional": _material(Z=6.5),
    "material Z text": _material(Z="six"),
    "material Z True": _material(Z=True),
    "material A below Z": _material(A=3.0),
    "material A nan": _material(A=math.nan),
    "material density negative": _material(density=-1.0),
    "material X0 zero": _material(X0=0.0),
    "material X0 text": _material(X0="abc"),
    "get_material unknown": lambda: mc.get_material("Xx"),
    "get_material None": lambda: mc.get_material(None),
    "grid beam tau": _grid(beam="tau"),
    "grid energy text": _grid(energy="abc"),
    "grid energy negative": _grid(energy=-1),
    "grid target unknown": _grid(target="Xx"),
    "grid mass text": _grid(mass="abc"),
    "grid mass range n zero": _grid(mass="0.01:1:0"),
    "grid huge": _grid(mass="0.01:1:1000000000"),
    "grid x_min above one": _grid(x_min=1.5),
    "grid precision zero": _grid(precision=0),
    "grid seed negative": _grid(seed=-1),
    "grid method unknown": _grid(method="foo"),
}


@pytest.mark.parametrize("call", list(API_CASES.values()), ids=list(API_CASES))
def test_bad_api_call_raises_input_error(call):
    with pytest.raises(mc.InputError) as info:
        call()
    message = str(info.value)
    assert message and "\n" not in message.strip(), message
    assert isinstance(info.value, ValueError)


def test_epsilon_scaling_stays_finite_and_nonzero_where_allowed():
    """The allowed ε range must neither overflow nor underflow σ ∝ ε²."""
    for eps in (1e-12, 1e-6, 1.0, 10.0):
        r = mc.cross_section(**XS, method="ww", epsilon=eps)
        assert math.isfinite(r.sigma_pb) and r.sigma_pb > 0
        assert np.isclose(r.sigma_pb / eps**2,
                          mc.cross_section(**XS, method="ww").sigma_pb, rtol=1e-12)


def test_a_warning_is_one_line_too(tmp_path):
    """An unusable cache warns once, on one line, and the result is still printed."""
    (tmp_path / "afile").write_text("not a folder\n")
    env = {**os.environ, "MILLICHARGE_CACHE_DIR": str(tmp_path / "afile")}
    proc = subprocess.run([sys.executable, "-m", "millicharge", *XSEC, "--format", "json"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        line for line in proc.stderr.strip().splitlines() if line.startswith("Warning: ")]
    assert len(proc.stderr.strip().splitlines()) == 1 and "caching is off" in proc.stderr
    assert '"sigma_pb"' in proc.stdout
