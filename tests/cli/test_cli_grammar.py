"""One grammar for every command: ``--masses`` (alias ``--mass``) in one syntax,
``-o/--output`` (alias ``--out``) with the format from the extension, ``--no-progress``, one
default precision, ``--cite`` (global and per command) and ``experiments show``."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from importlib import resources

import click
import numpy as np
import pytest
from click.testing import CliRunner

from millicharge.cli.main import DEFAULT_PRECISION, main, parse_masses
from millicharge.core.errors import InputError

XSEC = ["xsec", "--beam", "e", "--energy", "8", "--target", "Al", "--x-min", "0.5",
        "--method", "ww"]
SPECTRUM = ["spectrum", "--beam", "e", "--energy", "8", "--target", "Al", "--x", "0.5", "0.7",
            "--method", "ww"]
REACH = ["reach", "-e", "ldmx", "--method", "ww", "--no-progress", "--format", "csv"]
SCAN = ["scan", "--beam", "e", "--energy", "8", "--target", "Al", "--x-min", "0.5",
        "--method", "ww", "--backend", "serial", "--no-progress", "--format", "csv", "--no-cache"]
COMPUTING = [("xsec",), ("spectrum",), ("reach",), ("scan",), ("generate",),
             ("plot", "spectrum"), ("plot", "xsec"), ("plot", "reach")]


def ok(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def error_line(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def command(path: tuple[str, ...]) -> click.Command:
    cmd: click.Command = main
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    return cmd


# --- masses ---------------------------------------------------------------------------------

def test_parse_masses_spellings_agree():
    expected = [float(m) for m in np.geomspace(0.01, 1.0, 3)]
    for spelling in ("0.01:1:3", ["0.01:1:3"], [",".join(map(repr, expected))],
                     [repr(m) for m in expected], [repr(expected[0]), f"{expected[1]!r},1"]):
        assert parse_masses(spelling).tolist() == expected, spelling
    assert parse_masses(["0.01:0.1:2", "1"]).tolist() == [0.01, 0.1, 1.0]


@pytest.mark.parametrize("bad", [[""], ["abc"], ["0.01:1"], ["1:0.01:3"], ["-1"], ["0,0.1"],
                                 ["0.01:1:100000", "1"]])
def test_parse_masses_refuses_with_one_line(bad):
    with pytest.raises(InputError) as err:
        parse_masses(bad)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("spelling", [
    ["--masses", "0.05", "0.2"], ["--masses", "0.05,0.2"], ["--masses", "0.05:0.2:2"],
    ["--mass", "0.05", "--mass", "0.2"], ["--mass", "0.05,0.2"]])
def test_xsec_every_mass_spelling_gives_the_same_rows(spelling):
    text = ok([*XSEC, *spelling, "--format", "csv", "--no-progress"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [float(r["mass_gev"]) for r in rows] == [0.05, 0.2]
    reference = ok([*XSEC, "--masses", "0.05,0.2", "--format", "csv", "--no-progress"])
    assert text == reference
    # each row is the single-mass computation
    for row in rows:
        one = json.loads(ok([*XSEC, "--mass", row["mass_gev"], "--format", "json"]))
        assert float(row["sigma_pb"]) == one["sigma_pb"] > 0


def test_xsec_json_is_one_record_per_mass():
    records = json.loads(ok([*XSEC, "--masses", "0.05", "0.2", "--format", "json",
                             "--no-progress"]))
    assert [r["mass_gev"] for r in records] == [0.05, 0.2]
    assert records[0]["sigma_pb"] > records[1]["sigma_pb"] > 0  # lighter: larger σ


def test_spectrum_several_masses_one_block_per_mass():
    both = list(csv.DictReader(io.StringIO(ok([*SPECTRUM, "--masses", "0.01", "0.05",
                                               "--format", "csv", "--no-progress"]))))
    assert [float(r["mass_gev"]) for r in both] == [0.01, 0.01, 0.05, 0.05]
    single = list(csv.DictReader(io.StringIO(ok([*SPECTRUM, "--mass", "0.05",
                                                 "--format", "csv"]))))
    assert [r["dsigma_dx_pb"] for r in both[2:]] == [r["dsigma_dx_pb"] for r in single]


def test_reach_and_scan_take_several_values():
    assert ok([*REACH, "--masses", "0.05", "0.2"]) == ok([*REACH, "--masses", "0.05,0.2"])
    def sigmas(args: list[str]) -> list[tuple[str, str, str]]:
        rows = csv.DictReader(io.StringIO(ok(args)))
        return [(r["mass_gev"], r["sigma_pb"], r["error_pb"]) for r in rows]

    via_alias = sigmas([*SCAN, "--mass", "0.05", "0.2"])
    assert via_alias == sigmas([*SCAN, "--masses", "0.05,0.2"])
    assert via_alias == sigmas([*SCAN, "--masses", "0.05:0.2:2"])
    assert [m for m, _, _ in via_alias] == ["0.05", "0.2"]


def test_generate_takes_one_mass():
    line = error_line(["generate", "-e", "ldmx", "--masses", "0.1", "0.2", "--events", "5",
                       "-o", "x.lhe"])
    assert "one mass" in line


# --- output and format ----------------------------------------------------------------------

@pytest.mark.parametrize(("suffix", "check"), [
    (".csv", lambda t: float(next(csv.DictReader(io.StringIO(t)))["sigma_pb"]) > 0),
    (".json", lambda t: json.loads(t)["sigma_pb"] > 0),
    (".txt", lambda t: t.split()[0] == "sigma_pb"),
])
def test_xsec_output_format_from_extension(tmp_path, suffix, check):
    path = tmp_path / f"sigma{suffix}"
    result = CliRunner().invoke(main, [*XSEC, "--mass", "0.05", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert check(path.read_text())


def test_xsec_output_refuses_a_conflicting_format_and_a_bad_suffix(tmp_path):
    assert "conflicts" in error_line([*XSEC, "--mass", "0.05", "-o", str(tmp_path / "s.csv"),
                                      "--format", "json"])
    assert ".csv" in error_line([*XSEC, "--mass", "0.05", "-o", str(tmp_path / "s.xlsx")])


@pytest.mark.parametrize("flag", ["-o", "--output", "--out"])
def test_plot_output_spellings(tmp_path, flag):
    path = tmp_path / "f.svg"
    result = CliRunner().invoke(main, ["plot", "xsec", "-e", "ldmx", "--masses", "0.05", "0.1",
                                       "--method", "ww", "--no-progress", flag, str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text().lstrip().startswith("<?xml")


# --- progress, precision, cite --------------------------------------------------------------

@pytest.mark.parametrize("path", COMPUTING, ids=" ".join)
def test_every_computing_command_has_no_progress_and_the_one_precision(path):
    params = {p.name: p for p in command(path).params}
    assert "no_progress" in params and params["no_progress"].is_flag
    assert "cite" in params
    if path != ("generate",):
        assert float(params["precision"].default) == DEFAULT_PRECISION == 5e-3
    names = {o for p in command(path).params for o in p.opts}
    assert "--masses" in names


def test_no_95_percent_cl_claim_in_reach_help():
    for path in (("reach",), ("plot", "reach")):
        text = " ".join(CliRunner().invoke(main, [*path, "--help"]).output.split())
        assert "95 % CL" not in text and "millicharge experiments" in text


def test_global_cite_prints_the_software_and_the_paper():
    result = CliRunner().invoke(main, ["--cite"])
    assert result.exit_code == 0
    assert "@software{millicharge2026" in result.stdout
    assert "2505.04295" in result.stdout


def test_command_cite_includes_the_software():
    result = CliRunner().invoke(main, [*XSEC, "--mass", "0.05", "--cite"])
    assert result.exit_code == 0, result.output
    assert "@software{millicharge2026" in result.stderr
    assert "Kim:1973he" in result.stderr  # WW: the reference of the method itself


# --- experiments show -----------------------------------------------------------------------

def test_experiments_show_prints_the_shipped_toml():
    text = ok(["experiments", "show", "ldmx"])
    shipped = resources.files("millicharge.data").joinpath("experiments", "ldmx.toml") \
        .read_text(encoding="utf-8")
    assert text == shipped
    assert tomllib.loads(text) == tomllib.loads(shipped)
    assert "beam" in json.dumps(tomllib.loads(text))
    assert "na64mu" in ok(["experiments"])  # alone it still lists


def test_experiments_show_unknown_is_one_line():
    line = error_line(["experiments", "show", "nosuch"])
    assert "nosuch" in line and "ldmx" in line


def test_plot_help_names_each_figure():
    text = CliRunner().invoke(main, ["plot", "--help"]).output
    for line in ("reach     Fig. 4:", "spectrum  Fig. 2:", "xsec      Fig. 3:"):
        assert line in text


def test_cl_help_is_read_from_the_shipped_files():
    text = " ".join(CliRunner().invoke(main, ["reach", "--help"]).output.split())
    cls = {}
    for f in resources.files("millicharge.data").joinpath("experiments").iterdir():
        if f.name.endswith(".toml"):
            cls[f.name[:-5]] = tomllib.loads(f.read_text(encoding="utf-8"))["cl"]
    for name, cl in cls.items():
        if list(cls.values()).count(cl) == 1:  # a minority CL is named with its experiment
            assert f"{100 * cl:g} % for {name}" in text
