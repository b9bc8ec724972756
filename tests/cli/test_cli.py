"""The command line, end to end: outputs, formats and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from millicharge.cli.main import main

XSEC = ["xsec", "--beam", "mu", "--energy", "160", "--target", "Pb", "--mass", "0.1",
        "--x-min", "0.5"]


def run(args, code=0):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code, result.output
    return result


def test_xsec_json_has_the_promised_fields():
    out = json.loads(run([*XSEC, "--precision", "2e-2", "--format", "json"]).stdout)
    for key in ["sigma_pb", "error_pb", "method", "beam", "energy_gev", "target", "mass_gev",
                "x_min", "x_max", "chi2_dof", "n_eval"]:
        assert key in out
    assert out["method"] == "etl" and out["target"] == "Pb" and out["n_eval"] > 0
    assert 0 < out["error_pb"] < 0.02 * out["sigma_pb"] * 1.01


def test_xsec_ww_and_custom_target():
    a = json.loads(run([*XSEC, "--method", "ww", "--format", "json"]).stdout)
    custom = ["xsec", "--beam", "mu", "--energy", "160", "--target",
              "Z=82,A=207,density=11.35,X0=0.5612", "--mass", "0.1", "--x-min", "0.5",
              "--method", "ww", "--format", "json"]
    b = json.loads(run(custom).stdout)
    assert b["sigma_pb"] == pytest.approx(a["sigma_pb"], rel=1e-12)


def test_spectrum_formats():
    args = ["spectrum", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.01",
            "--x", "0.5", "0.7", "0.9", "--method", "ww"]
    rows = json.loads(run([*args, "--format", "json"]).stdout)
    assert [r["x"] for r in rows] == [0.5, 0.7, 0.9]
    assert all(set(r) == {"x", "dsigma_dx_pb", "error_pb"} for r in rows)
    table = list(csv.DictReader(io.StringIO(run([*args, "--format", "csv"]).stdout)))
    assert float(table[1]["dsigma_dx_pb"]) == pytest.approx(rows[1]["dsigma_dx_pb"])


def test_reach_csv_to_file(tmp_path):
    out = tmp_path / "r.csv"
    run(["reach", "-e", "ldmx", "--masses", "0.01,0.3", "--method", "ww", "--format", "csv",
         "--output", str(out), "--no-progress"])
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 2 and rows[0]["epsilon_combined"]
    assert rows[1]["epsilon_rho"] and float(rows[1]["epsilon_rho"]) > 1e-3


def test_experiments_and_limits_listing():
    text = run(["experiments"]).stdout
    for name in ["na64mu", "ldmx", "na64e", "ldmx-phase1"]:
        assert name in text
    assert "LSND" in run(["limits"]).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["xsec", "--beam", "mu", "--energy", "160", "--target", "Xx", "--mass", "0.1",
          "--x-min", "0.5"], "unknown material"),
        ([*XSEC[:-1], "1.5"], "x_min must lie in (0, 1)"),
        (["xsec", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "-0.1",
          "--x-min", "0.5"], "masses must be"),
        (["reach", "-e", "nope"], "unknown experiment"),
        (["reach", "-e", "na64mu", "--masses", "1:0.1:3"], "0 < start < stop"),
        (["reach", "-e", "na64mu", "--cl", "2"], "(0, 1)"),
    ],
)
def test_bad_input_gives_one_line_and_status_2(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in result.output


def test_python_dash_m_entry_point():
    proc = subprocess.run([sys.executable, "-m", "millicharge", "--version"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "millicharge" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "millicharge", *XSEC[:-1], "-3"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and bad.stderr.strip().startswith("Error:")
