"""Grid scans: spec parsing (every bad piece named), rows, resume, outputs, progress, CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import millicharge as mc
from millicharge import InputError
from millicharge.cli.main import main
from millicharge.running import cache
from millicharge.running.grid import COLUMNS, make_grid, scan


def test_grid_is_the_cartesian_product_in_order():
    g = make_grid("mu", "100,160", ["Pb", "W"], "0.01:1:60", [0.3, 0.5], precision=1e-4)
    assert len(g) == 2 * 2 * 60 * 2 == len(g.points())
    np.testing.assert_allclose(g.masses, np.geomspace(0.01, 1, 60), rtol=1e-15)
    first, second, last = g.points()[0], g.points()[1], g.points()[-1]
    assert (first["energy"], first["target"].symbol, first["mass"], first["x_min"]) == (
        100.0, "Pb", 0.01, 0.3)
    assert second["x_min"] == 0.5  # x_min varies fastest
    assert (last["energy"], last["target"].symbol, last["x_min"]) == (160.0, "W", 0.5)
    assert last["mass"] == pytest.approx(1.0) and last["precision"] == 1e-4
    custom = make_grid("e", 8, ["Z=82,A=207.2,density=11.35,X0=0.5612", mc.get_material("Al")],
                       ["0.1", 0.2], 0.7)
    assert [t.Z for t in custom.targets] == [82, 13]
    assert custom.masses == (0.1, 0.2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(energy="abc"), "bad --energy value 'abc'"),
        (dict(energy=[100, -5]), "bad --energy value -5"),
        (dict(mass="1:0.1:3"), "bad --mass value '1:0.1:3': start:stop:n needs 0 < start"),
        (dict(mass="x:1:3"), "bad --mass value 'x'"),
        (dict(mass="0.01:1:n"), "n in start:stop:n must be an integer"),
        (dict(mass="0.01:1"), "bad --mass value '0.01:1'"),
        (dict(mass="0"), "bad --mass value '0'"),
        (dict(target="Xx"), "bad --target value 'Xx': unknown material 'Xx'"),
        (dict(target="Z=6,B=2"), "field 'B' unknown"),
        (dict(target="Z=6"), "needs Z=… and A=…"),
        (dict(beam="tau"), "bad --beam value 'tau'"),
        (dict(x_min="1.5"), "bad --x-min value '1.5'"),
        (dict(x_min=[0.5], x_max=0.4), "must be below --x-max"),
        (dict(precision="big"), "bad --precision value 'big'"),
        (dict(precision=2), "bad --precision value 2"),
    ],
)
def test_bad_grid_piece_is_named(kwargs, message):
    spec = dict(beam="mu", energy=160, target="Pb", mass=0.1, x_min=0.5)
    spec.update(kwargs)
    extra = {k: spec.pop(k) for k in ("x_max", "precision") if k in spec}
    with pytest.raises(InputError, match=re.escape(message)):
        make_grid(**spec, **extra)


def test_scan_rows_closed_points_and_resume():
    # e 8 GeV: m = 5 GeV is above the pair threshold -> closed, not an error
    small = make_grid("e", 8, "Al", [0.01, 0.1], 0.7, method="ww")
    first = scan(small, backend="serial", progress=False)
    assert first.counts() == {"computed": 2, "cached": 0, "closed": 0}
    grid = make_grid("e", 8, "Al", [0.01, 0.1, 5.0], [0.7, 0.9], method="ww")
    t = scan(grid, backend="serial", progress=False)
    assert len(t) == 6 and t.names == list(COLUMNS)
    assert t.counts() == {"computed": 2, "cached": 2, "closed": 2}  # resumed, not redone
    assert t["status"][:4] == ["cached", "computed", "cached", "computed"]
    assert t["sigma_pb"][4:] == [0.0, 0.0]
    direct = mc.cross_section("e", 8, "Al", 0.1, 0.9, method="ww")
    assert t["sigma_pb"][3] == direct.sigma_pb
    assert all(w >= 0 for w in t["wall_s"])
    assert cache.stats()["entries"] == 4


@pytest.fixture(scope="module")
def table():
    return scan(make_grid("e", 8, "Pb", [0.05, 5.0], [0.5, 0.7], method="ww"),
                backend="serial", cache=False, progress=False)


def test_csv_json_parquet_round_trip(table, tmp_path):
    rows = list(csv.DictReader(io.StringIO(table.write(tmp_path / "g.csv").read_text())))
    assert [float(r["sigma_pb"]) for r in rows] == table["sigma_pb"]  # repr: full precision
    assert rows[2]["chi2_dof"] == "" and rows[2]["status"] == "closed"  # nan -> empty
    data = json.loads((table.write(tmp_path / "g.json")).read_text())
    assert [r["sigma_pb"] for r in data["rows"]] == table["sigma_pb"]
    assert data["rows"][2]["status"] == "closed" and data["rows"][2]["chi2_dof"] is None
    import pyarrow.parquet as pq

    pt = pq.read_table(table.write(tmp_path / "g.parquet"))
    assert pt.column_names == list(COLUMNS)
    assert pt.column("sigma_pb").to_pylist() == table["sigma_pb"]
    assert pt.column("target").to_pylist() == ["Pb"] * 4
    assert not list(tmp_path.glob(".*.tmp"))


def test_parquet_without_pyarrow_is_one_clear_error(table, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(InputError, match=r"needs pyarrow: pip install pyarrow"):
        table.write(tmp_path / "g.parquet")
    assert not (tmp_path / "g.parquet").exists()
    result = CliRunner().invoke(main, [*SCAN, "--output", str(tmp_path / "g.parquet")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: writing .parquet needs pyarrow: pip install pyarrow (or write .csv / .json)"]


def test_progress_bar_shows_done_total_and_eta(capsys):
    grid = make_grid("e", 8, "Al", [0.05, 0.2, 0.6], 0.7, precision=3e-2)
    scan(grid, backend="serial", cache=False, progress=True)
    err = capsys.readouterr().err
    assert re.search(r"scan: +\d+%.*\| [123]/3 \[\d\d:\d\d<\d\d:\d\d", err), err


SCAN = ["scan", "--beam", "mu", "--energy", "100", "160", "--target", "Pb", "W",
        "--mass", "0.01:1:3", "--x-min", "0.3", "0.5", "--method", "ww", "--no-progress"]


def test_cli_scan_writes_every_point(tmp_path):
    out = tmp_path / "grid.csv"
    result = CliRunner().invoke(main, [*SCAN, "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 24 and list(rows[0]) == list(COLUMNS)
    assert {r["target"] for r in rows} == {"Pb", "W"}
    assert "scan: 24 points (24 computed, 0 from cache, 0 closed)" in result.stderr
    again = CliRunner().invoke(main, [*SCAN, "--format", "json"])
    data = json.loads(again.stdout)
    assert [r["sigma_pb"] for r in data["rows"]] == [float(r["sigma_pb"]) for r in rows]
    assert "(0 computed, 24 from cache" in again.stderr


def test_cli_scan_default_backend_is_local_processes():
    args = ["scan", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.05", "0.2",
            "--x-min", "0.7", "--precision", "3e-2", "--no-progress", "--format", "csv",
            "--no-cache"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    ref = mc.cross_section("e", 8.0, "Al", 0.2, 0.7, precision=3e-2)
    assert float(rows[1]["sigma_pb"]) == ref.sigma_pb and int(rows[1]["n_eval"]) == ref.n_eval


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--energy", "abc"], "bad --energy value 'abc'"),
        (["--mass", "0.01:1"], "bad --mass value '0.01:1'"),
        (["--target", "Xx"], "bad --target value 'Xx'"),
        (["--output", "grid.txt"], "bad --output 'grid.txt'"),
        (["--scheduler", "nowhere"], "bad --scheduler address 'nowhere'"),
        (["--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "2"],
         "cannot reach dask scheduler at tcp://127.0.0.1:1"),
        (["--backend", "serial", "--scheduler", "tcp://127.0.0.1:1"], "needs the dask backend"),
    ],
)
def test_cli_scan_bad_input_is_one_line(extra, message):
    result = CliRunner().invoke(main, [*SCAN, *extra])
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines


def test_grid_module_keeps_its_public_names():
    """The grammar (grid_spec) and the table (scan_table) live in their own modules; the
    names the CLI, README and notebooks import from ``millicharge.running.grid`` are the
    same objects."""
    from millicharge.running import grid, grid_spec, scan_table

    for name in ("Grid", "make_grid", "parse_masses", "parse_target"):
        assert getattr(grid, name) is getattr(grid_spec, name), name
    for name in ("COLUMNS", "OUTPUT_FORMATS", "ScanTable", "check_output"):
        assert getattr(grid, name) is getattr(scan_table, name), name
    assert set(grid.__all__) >= {"COLUMNS", "OUTPUT_FORMATS", "Grid", "ScanTable",
                                 "check_output", "make_grid", "parse_masses",
                                 "parse_target", "scan"}
    assert grid.parse_target("Z=6,A=12.011").symbol == "Z6A12.011"


def test_grid_masses_follow_the_one_grammar():
    """The grid reads masses like the API (millicharge.core.grammar.read_masses): the same
    floats, the 1 eV floor, several values adding up, the size counted before allocating."""
    from millicharge.limits.reach import parse_masses as api_masses
    from millicharge.running.grid_spec import parse_masses

    for spec in ("0.01:1:9", "0.02,0.3", "0.01:0.1:3,1"):
        assert list(make_grid("mu", 160, "Pb", spec, 0.5).masses) == api_masses(spec).tolist()
    assert parse_masses(["0.01:0.1:2", 1, "2,3"]) == (0.01, 0.1, 1.0, 2.0, 3.0)
    with pytest.raises(InputError, match=r"^bad --mass value 1e-10: masses must be positive "
                       r"numbers in GeV, each ≥ 1e-09$"):
        make_grid("mu", 160, "Pb", 1e-10, 0.5)
    with pytest.raises(InputError, match=r"^the mass list \['0.01:1:5', '1', '2'\] has 7 "
                       r"points, more than the limit of 6: raise it with --max-points"):
        parse_masses(["0.01:1:5", "1", "2"], max_points=6)
    with pytest.raises(InputError, match="bad --max-points value 0"):
        parse_masses(0.1, max_points=0)
    with pytest.raises(InputError, match=r"^--mass is empty"):
        make_grid("mu", 160, "Pb", [], 0.5)
