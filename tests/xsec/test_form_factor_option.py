"""The ``form_factor`` option reaches the engine through every route: the API, the command
line, an experiment file, scans, figures, thick targets and event generation.

The physics check on each route: for electrons on aluminium at light masses, adding the
inelastic atomic term raises the WW σ by about 1/Z (Tsai, Rev. Mod. Phys. 46 (1974) 815,
Eq. (3.39); Bjorken, Essig, Schuster, Toro, PRD 80 (2009) 075018, Eq. (A19): G₂^inel is Z
times the saturated form factor where G₂^el is Z²); tests/target/test_inelastic.py derives the
band [0.95/Z, 1.2/Z] for these kinematics from quadratures of the formulas. WW is
deterministic, so each route must give the same number bit for bit as the API.
"""

from __future__ import annotations

import dataclasses
import json
import math
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import millicharge as mc
from millicharge.cli.main import main
from millicharge.core.errors import InputError
from millicharge.experiments.config import load_experiment
from millicharge.plots.figures import figure3_data
from millicharge.running import cache
from millicharge.running.grid import COLUMNS, make_grid, scan
from millicharge.running.runner import Runner
from millicharge.target.materials import get_material
from millicharge.xsec.jobs import CrossSectionJob

BOTH = "elastic+inelastic"
Z_AL = 13
POINT = ("e", 8.0, "Al", 0.01, 0.7)  # LDMX kinematics, 10 MeV: Δσ/σ ≈ 1/Z
MASSES = [0.001, 0.01]

EXPERIMENT = textwrap.dedent(
    """
    name = "Al-inelastic"
    description = "8 GeV e- on 0.4 X0 Al, brem only, inelastic atomic term on"
    references = ["test"]
    beam = "e"
    energy_gev = 8.0
    leptons_on_target = 1e16
    x_min = 0.7
    channels = ["brem"]

    [target]
    material = "Al"
    thickness_x0 = 0.4
    form_factor = "elastic+inelastic"
    """
)


def _ww(mass: float = 0.01, form_factor: str = "elastic", **kw) -> mc.CrossSection:
    beam, energy, target, _, x_min = POINT
    return mc.cross_section(beam, energy, target, mass, x_min, method="ww",
                            form_factor=form_factor, **kw)


def _lookup(mass: float = 0.01, form_factor: str = "elastic") -> mc.CrossSection | None:
    """The cached WW result at POINT, without computing anything (None if absent)."""
    beam, energy, target, _, x_min = POINT
    return Runner().lookup(CrossSectionJob.make(beam, energy, target, mass, x_min,
                                                method="ww", form_factor=form_factor))


def _assert_one_over_z(both: float, elastic: float) -> None:
    change = both / elastic - 1.0
    assert 0.95 / Z_AL < change < 1.2 / Z_AL, change


def _write(tmp_path: Path, text: str = EXPERIMENT) -> Path:
    path = tmp_path / "al.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _cli(args: list[str], code: int = 0):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code, result.output
    return result


# ------------------------------------------------------------------------------ API


@pytest.mark.parametrize("mass", MASSES)
def test_api_cross_section_adds_about_one_over_z_and_records_it(mass):
    el, both = _ww(mass), _ww(mass, BOTH)
    _assert_one_over_z(both.sigma_pb, el.sigma_pb)
    assert (el.form_factor, both.form_factor) == ("elastic", BOTH)


def test_default_is_elastic_and_bit_identical_to_explicit_elastic():
    assert _ww().sigma_pb == _ww(form_factor="elastic").sigma_pb
    assert _ww().form_factor == "elastic"


def test_api_spectrum_etl_and_ww():
    """WW dσ/dx changes by ≈ 1/Z; the ETL change at x = 0.8 agrees with the WW one within
    10 % of itself plus 3σ of the reported Monte Carlo errors (as tests/target/test_inelastic.py
    does for σ)."""
    args = ("e", 8.0, "Al", 0.01, [0.8, 0.9])
    el = mc.spectrum(*args, method="ww")
    both = mc.spectrum(*args, method="ww", form_factor=BOTH)
    assert both.form_factor == BOTH and el.form_factor == "elastic"
    for a, b in zip(el.dsigma_dx_pb, both.dsigma_dx_pb, strict=True):
        _assert_one_over_z(b, a)
    etl = [mc.spectrum("e", 8.0, "Al", 0.01, [0.8], precision=5e-3, seed=3, form_factor=f)
           for f in ("elastic", BOTH)]
    assert etl[1].form_factor == BOTH
    change = etl[1].dsigma_dx_pb[0] / etl[0].dsigma_dx_pb[0] - 1
    err = math.hypot(*(r.error_pb[0] / r.dsigma_dx_pb[0] for r in etl))
    ww_change = both.dsigma_dx_pb[0] / el.dsigma_dx_pb[0] - 1
    assert abs(change - ww_change) < 0.1 * ww_change + 3 * err


def test_inelastic_cites_tsai_and_bjorken_elastic_does_not():
    el = _ww()
    both = _ww(form_factor=BOTH)
    assert el.citations == ("gninenko2025", "kim-tsai1973")  # carried by the result
    assert both.citations == ("gninenko2025", "kim-tsai1973", "tsai1974", "bjorken2009")


# ------------------------------------------------------------------------------ cache


def test_cache_entries_of_the_two_options_differ():
    el = _ww(cache=True)
    both = _ww(form_factor=BOTH, cache=True)
    assert len(list(cache.cache_dir().glob("*/*.json"))) == 2
    el2 = _lookup()
    both2 = _lookup(form_factor=BOTH)
    assert el2.cached and both2.cached
    assert (el2.sigma_pb, el2.form_factor) == (el.sigma_pb, "elastic")
    assert (both2.sigma_pb, both2.form_factor) == (both.sigma_pb, BOTH)


def test_elastic_key_is_the_key_from_before_the_option():
    """An entry stored under the key layout used before ``form_factor`` existed (same
    engine fingerprint) is still served for the default."""
    old_inputs = {
        "kind": "cross_section", "beam": "e", "energy": 8.0,
        "target": dataclasses.asdict(get_material("Al")), "mass": 0.01, "x_min": 0.7,
        "x_max": 1.0, "method": "ww", "model": "mcp", "precision": None, "seed": None,
        "nucleus_mass": None,
    }
    record = dataclasses.replace(_ww(), sigma_pb=123.0).to_dict()
    assert cache.store(cache.cache_key(old_inputs), record)
    served = _lookup()
    assert served is not None and served.sigma_pb == 123.0 and served.cached
    assert _lookup(form_factor=BOTH) is None  # another key


def test_remember_stores_under_the_options_key():
    job = CrossSectionJob.make("e", 8.0, "Al", 0.01, 0.7, method="ww", form_factor=BOTH)
    result = job.compute()
    assert Runner().remember(job, result)
    assert _lookup(form_factor=BOTH).sigma_pb == result.sigma_pb
    assert _lookup() is None


def test_damaged_form_factor_in_a_cache_record_is_recomputed():
    _ww(cache=True)
    (path,) = cache.cache_dir().glob("*/*.json")
    record = json.loads(path.read_text())
    record["form_factor"] = "inelastic"
    path.write_text(json.dumps(record))
    with pytest.warns(cache.CacheWarning, match="form_factor"):
        again = _ww(cache=True)
    assert not again.cached and again.form_factor == "elastic"


# ------------------------------------------------------------------------------ TOML, reach


def test_experiment_file_form_factor_reaches_the_engine(tmp_path):
    path = _write(tmp_path)
    assert load_experiment(path).form_factor == BOTH
    table = mc.reach(path, MASSES, method="ww", cache=False, progress=False, backend="serial")
    assert table.meta["form_factor"] == BOTH
    for mass, sigma in zip(MASSES, table["sigma_pb"], strict=True):
        assert sigma == _ww(mass, BOTH).sigma_pb
        _assert_one_over_z(sigma, _ww(mass).sigma_pb)
    # the call overrides the file
    elastic = mc.reach(path, MASSES, method="ww", cache=False, progress=False,
                       backend="serial", form_factor="elastic")
    assert elastic.meta["form_factor"] == "elastic"
    assert list(elastic["sigma_pb"]) == [_ww(m).sigma_pb for m in MASSES]


def test_shipped_experiments_default_to_elastic():
    from millicharge.experiments.config import experiment_names

    for name in experiment_names():
        assert load_experiment(name).form_factor == "elastic"


def test_thick_target_nodes_get_the_form_factor():
    """NA64μ with its mean energy loss (σ at 6 depth nodes, E lower by ≤ 0.3 GeV of 160):
    the inelastic term changes σ̄ as it changes the thin-target σ (to 2 % of the change)."""
    exp = load_experiment("na64mu")
    kw = dict(method="ww", cache=False, progress=False, backend="serial")
    change = {}
    for loss in (False, True):
        el = mc.reach(exp, [0.01], energy_loss=loss, **kw)
        both = mc.reach(exp, [0.01], energy_loss=loss, form_factor=BOTH, **kw)
        assert both.meta["form_factor"] == BOTH
        change[loss] = both["sigma_pb"][0] / el["sigma_pb"][0] - 1
    assert change[False] > 0.5 / 82
    assert abs(change[True] / change[False] - 1) < 0.02


def test_figure3_passes_the_option(tmp_path):
    (series,) = figure3_data([_write(tmp_path)], MASSES, methods=("ww",))
    assert list(series.sigma_pb) == [_ww(m, BOTH).sigma_pb for m in MASSES]
    (series,) = figure3_data([_write(tmp_path)], MASSES, methods=("ww",),
                             form_factor="elastic")
    assert list(series.sigma_pb) == [_ww(m).sigma_pb for m in MASSES]


def test_event_generation_uses_and_records_it(tmp_path):
    from millicharge.events.generate import generate_events

    kw = dict(neval=2000, train_iterations=3, prerun_passes=2, seed=1)
    both = generate_events(_write(tmp_path), 0.01, 5, **kw)
    el = generate_events(_write(tmp_path), 0.01, 5, form_factor="elastic", **kw)
    assert (both.form_factor, el.form_factor) == (BOTH, "elastic")
    assert both.sigma_pb > el.sigma_pb


# ------------------------------------------------------------------------------ scans


def test_scan_rows_carry_the_form_factor():
    grid = make_grid("e", 8.0, "Al", MASSES, 0.7, method="ww", form_factor=BOTH)
    assert all(p["form_factor"] == BOTH for p in grid.points())
    table = scan(grid, backend="serial", cache=False, progress=False)
    assert "form_factor" in COLUMNS and table["form_factor"] == [BOTH, BOTH]
    assert table["sigma_pb"] == [_ww(m, BOTH).sigma_pb for m in MASSES]
    header = table.to_csv().splitlines()[0].split(",")
    assert header == list(COLUMNS)
    assert json.loads(table.to_json())["rows"][0]["form_factor"] == BOTH


def test_scan_parquet_keeps_the_column(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    grid = make_grid("e", 8.0, "Al", 0.01, 0.7, method="ww", form_factor=BOTH)
    path = scan(grid, backend="serial", cache=False, progress=False).write(tmp_path / "s.parquet")
    assert pq.read_table(path).column("form_factor").to_pylist() == [BOTH]


# ------------------------------------------------------------------------------ command line


def _xsec_json(*extra: str) -> dict:
    args = ["xsec", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.01",
            "--x-min", "0.7", "--method", "ww", "--format", "json", "--no-cache", *extra]
    return json.loads(_cli(args).stdout)


def test_cli_xsec_and_spectrum():
    both = _xsec_json("--form-factor", BOTH)
    el = _xsec_json()
    assert both["sigma_pb"] == _ww(form_factor=BOTH).sigma_pb and both["form_factor"] == BOTH
    assert el["sigma_pb"] == _ww().sigma_pb and el["form_factor"] == "elastic"
    spec = ["spectrum", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.01",
            "--x", "0.8", "--method", "ww", "--format", "json"]
    a = json.loads(_cli(spec).stdout)[0]["dsigma_dx_pb"]
    b = json.loads(_cli([*spec, "--form-factor", BOTH]).stdout)[0]["dsigma_dx_pb"]
    _assert_one_over_z(b, a)


def test_cli_reach_from_file_and_override(tmp_path):
    path = str(_write(tmp_path))
    base = ["reach", "-e", path, "--masses", "0.01", "--method", "ww", "--no-cache",
            "--no-progress", "--backend", "serial"]
    out = json.loads(_cli([*base, "--format", "json"]).stdout)
    assert out["meta"]["form_factor"] == BOTH
    assert out["rows"][0]["sigma_pb"] == _ww(form_factor=BOTH).sigma_pb
    out = json.loads(_cli([*base, "--format", "json", "--form-factor", "elastic"]).stdout)
    assert out["meta"]["form_factor"] == "elastic"
    assert out["rows"][0]["sigma_pb"] == _ww().sigma_pb
    assert f"form factor {BOTH}" in _cli(base).stdout.splitlines()[0]


def test_cli_scan(tmp_path):
    out = tmp_path / "s.csv"
    _cli(["scan", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.01",
          "--x-min", "0.7", "--method", "ww", "--form-factor", BOTH, "--no-cache",
          "--no-progress", "--backend", "serial", "--output", str(out)])
    header, row = out.read_text().splitlines()
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert cells["form_factor"] == BOTH
    assert float(cells["sigma_pb"]) == _ww(form_factor=BOTH).sigma_pb


@pytest.mark.parametrize(("flag", "form"), [([], BOTH), (["--form-factor", "elastic"],
                                                         "elastic")])
def test_cli_plot_reach_table_follows_the_option(tmp_path, flag, form):
    pytest.importorskip("matplotlib")
    out = tmp_path / "f.png"
    _cli(["plot", "reach", "-e", str(_write(tmp_path)), "--masses", "0.01", "--method", "ww",
          "--no-cache", "--out", str(out), *flag])
    rows = (tmp_path / "f.csv").read_text().splitlines()
    cells = dict(zip(rows[0].split(","), rows[1].split(","), strict=True))
    assert float(cells["sigma_pb"]) == _ww(form_factor=form).sigma_pb


# ------------------------------------------------------------------------------ bad values


@pytest.mark.parametrize("bad", ["inelastic", "Elastic", 3, None])
def test_bad_values_are_one_line(bad, tmp_path):
    expected = f"unknown form factor {bad!r}: allowed are 'elastic' and 'elastic+inelastic'"
    calls = [
        lambda: _ww(form_factor=bad),
        lambda: mc.spectrum("e", 8.0, "Al", 0.01, [0.8], method="ww", form_factor=bad),
    ]
    if bad is not None:  # None means "the experiment's" for reach
        calls.append(lambda: mc.reach("ldmx", [0.01], method="ww", form_factor=bad,
                                      progress=False))
    for call in calls:
        with pytest.raises(InputError) as info:
            call()
        assert str(info.value) == expected
    with pytest.raises(InputError, match="--form-factor") as info:
        make_grid("e", 8.0, "Al", 0.01, 0.7, form_factor=bad)
    assert "\n" not in str(info.value)


def test_bad_value_in_a_file_names_the_file_and_field(tmp_path):
    path = _write(tmp_path, EXPERIMENT.replace(f'"{BOTH}"', '"inelastic"'))
    with pytest.raises(InputError) as info:
        load_experiment(path)
    text = str(info.value)
    assert "\n" not in text and str(path) in text and "target.form_factor" in text
    path = _write(tmp_path, EXPERIMENT.replace(f'"{BOTH}"', "1"))
    with pytest.raises(InputError, match=r"target\.form_factor must be a str"):
        load_experiment(path)


@pytest.mark.parametrize("command", [
    ["xsec", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.01",
     "--x-min", "0.7"],
    ["reach", "-e", "ldmx"],
    ["scan", "--beam", "e", "--energy", "8", "--target", "Al", "--mass", "0.01",
     "--x-min", "0.7"],
    ["plot", "xsec", "-e", "ldmx", "--out", "never.png"],
])
def test_cli_bad_value_is_one_line_exit_2(command):
    result = CliRunner().invoke(main, [*command, "--form-factor", "inelastic"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and "--form-factor" in lines[0]
