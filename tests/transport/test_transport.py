"""The target transport of the reach: ``[target] transport = "thin" | "shower"``.

* a very thin target with the shower reproduces paper Eq. 4, with the O(L) correction
  1 + (L/2)K, K = ∫ φ(y)[σ̂(E₀(1 − y)) − 1] dy computed here by quad from the real
  (WW) cross section;
* the fold through ``reach`` equals :func:`millicharge.transport.shower.effective_thickness` on the
  same σ (WW and ETL), and node 0 is the thin-target job itself;
* LDMX with the shower: ε weaker by 16–21 % (L_eff = 0.27–0.30 X₀ of 0.4 X₀);
* ``ldmx`` and ``na64mu`` keep the paper's thin target (σ of Eq. 4 exactly);
* muons and bad settings give one-line errors (API, TOML, command line).
"""

from __future__ import annotations

import dataclasses
import math
from importlib import resources

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import integrate

import millicharge as mc
from millicharge import reach
from millicharge.cli.main import main
from millicharge.core import citations
from millicharge.core.errors import InputError
from millicharge.experiments.config import experiment_from_dict, load_experiment
from millicharge.experiments.thick_target import (
    _shower_jobs,
    shower_cross_sections,
    shower_rule_for,
    with_transport,
)
from millicharge.running.runner import Runner
from millicharge.transport import shower

PB_BETA = shower.Cascade.for_element(82).beta


def _ww(target: str, model: str = "dark-photon", method: str = "ww", **kw):
    """σ(E; lo, hi) callable for effective_thickness, 0 where the window is closed."""
    def sigma(energy: float, lo: float, hi: float) -> float:
        try:
            return mc.cross_section("e", energy, target, 0.01, lo, hi, method=method,
                                    model=model, **kw).sigma_pb
        except InputError:
            return 0.0
    return sigma


def _thin_na64e(thickness_x0: float):
    return dataclasses.replace(load_experiment("na64e"), thickness=thickness_x0)


def test_shipped_transports():
    assert load_experiment("na64e").transport == "shower"
    assert load_experiment("na64e").shower_nodes == 8
    for name in ("ldmx", "na64mu", "ldmx-phase1", "m3", "na64mu-2022"):
        assert load_experiment(name).transport == "thin"


def test_thin_target_limit_reproduces_eq4_with_first_order_correction():
    """σ_eff/σ(E₀) = L_eff/L = 1 + (L/2)K + O(L²) (the primary's first emission)."""
    e0, x_min, mass = 100.0, 0.5, 0.01
    c = 4.0 / 3.0 + 2.0 * PB_BETA   # Tsai's complete-screening spectrum, Eq. 3.83

    def ww(energy, lo):
        return mc.cross_section("e", energy, "Pb", mass, lo, 1.0, method="ww",
                                model="dark-photon").sigma_pb

    s0 = ww(e0, x_min)

    def integrand(y):
        phi = (c * (1.0 - y) + y * y) / y
        f = 1.0 - y
        return phi * ((ww(f * e0, x_min / f) / s0 if f > x_min * (1 + 1e-9) else 0.0) - 1.0)

    k = integrate.quad(integrand, 0.0, 1.0 - x_min, epsrel=1e-7, limit=100)[0]
    k -= integrate.quad(lambda y: (c * (1.0 - y) + y * y) / y, 1.0 - x_min, 1.0)[0]
    assert -3.0 < k < -0.5
    for length in (1e-6, 1e-3):
        table = reach(_thin_na64e(length), [mass], method="ww", model="dark-photon",
                      progress=False, backend="serial")
        thin = reach(_thin_na64e(length), [mass], method="ww", model="dark-photon",
                     progress=False, backend="serial", transport="thin")
        assert thin["sigma_pb"][0] == s0                       # Eq. 4 at E0
        ratio = table["sigma_pb"][0] / s0
        assert table["l_eff_x0"][0] / length == pytest.approx(ratio, rel=1e-12)
        assert abs(ratio - 1.0) < length * abs(k)               # → Eq. 4 as L → 0
        slope = (ratio - 1.0) / (length / 2.0)
        assert slope == pytest.approx(k, rel=0.01, abs=1e-3)    # the O(L) term
        eps = table["epsilon_brem"][0] / thin["epsilon_brem"][0]
        assert eps == pytest.approx(ratio ** -0.5, rel=1e-12)


@pytest.mark.parametrize("model", ["dark-photon", "mcp"])
def test_fold_through_reach_equals_effective_thickness(model):
    exp = load_experiment("na64e")
    table = reach(exp, [0.01], method="ww", model=model, progress=False, backend="serial")
    fold = shower.effective_thickness(_ww("Pb", model), 100.0, 40.0, 0.5,
                                      cascade=shower.Cascade.for_element(82))
    assert table["l_eff_x0"][0] == pytest.approx(fold.value, rel=1e-12)
    s0 = mc.cross_section("e", 100.0, "Pb", 0.01, 0.5, 1.0, method="ww", model=model)
    assert table["sigma_pb"][0] * 40.0 == pytest.approx(fold.value * s0.sigma_pb, rel=1e-12)
    # L_eff as in the shower transport's NA64e table (0.80 X0 for A', 0.81 for MCP at 10 MeV)
    assert 0.78 < fold.value < 0.83
    assert table.meta["transport"] == "shower" and table.meta["shower_nodes"] == 8
    assert table.meta["shower_beta"] == PB_BETA
    assert 0 <= table.meta["shower_quad_error_rel_max"] < 5e-3


def test_etl_fold_uses_the_same_cached_jobs():
    """ETL: same seed and precision at every node, so reach and a direct fold agree to the
    bit; the σ error is the quadrature error plus the nodes' MC errors, over L."""
    exp = load_experiment("na64e")
    res = shower_cross_sections(exp, np.array([0.01]), method="etl", model="dark-photon",
                                precision=2e-2,
                                evaluator=Runner(backend="serial", progress=False))
    calls = []

    def sigma(energy, lo, hi):
        r = mc.cross_section("e", energy, exp.material, 0.01, lo, hi, method="etl",
                             model="dark-photon", precision=2e-2, seed=0, cache=True)
        calls.append(r.cached)
        return r.sigma_pb, r.error_pb

    fold = shower.effective_thickness(sigma, 100.0, 40.0, 0.5,
                                      cascade=shower.Cascade.for_element(82))
    assert all(calls) and len(calls) == 8          # 8 open nodes, all from the cache
    s0 = mc.cross_section("e", 100.0, exp.material, 0.01, 0.5, 1.0, method="etl",
                          model="dark-photon", precision=2e-2, seed=0).sigma_pb
    assert res.l_eff_x0[0] == pytest.approx(fold.value, rel=1e-13)
    assert res.sigma_pb[0] * 40.0 == pytest.approx(fold.value * s0, rel=1e-13)
    raw = res.rule.fold(*_node_values(exp, res.rule, precision=2e-2))
    assert res.error_pb[0] == pytest.approx((raw.quad_error + raw.stat_error) / 40.0)
    assert res.quad_error_pb[0] == pytest.approx(raw.quad_error / 40.0)


def _node_values(exp, rule, precision):
    vals = np.zeros(rule.weights.size)
    errs = np.zeros(rule.weights.size)
    for k, job in _shower_jobs(exp, rule, 0.01, "etl", "dark-photon", precision, 0, "elastic"):
        r = job.compute()
        vals[k], errs[k] = r.sigma_pb, r.error_pb
    return vals, errs


def test_eight_nodes_within_their_error_estimate():
    """The 8-node fold against 32 nodes (WW, NA64e): inside the 8-node rule's estimate."""
    exp = load_experiment("na64e")
    masses = [0.001, 0.01, 0.1, 1.0]
    serial = Runner(backend="serial", progress=False)
    coarse = shower_cross_sections(exp, np.array(masses), method="ww", model="dark-photon",
                                   evaluator=serial)
    fine = shower_cross_sections(dataclasses.replace(exp, shower_nodes=32), np.array(masses),
                                 method="ww", model="dark-photon", evaluator=serial)
    diff = np.abs(coarse.sigma_pb - fine.sigma_pb)
    assert np.all(diff <= coarse.quad_error_pb), (diff, coarse.quad_error_pb)
    assert np.all(diff <= 1e-4 * fine.sigma_pb)
    assert np.all(fine.quad_error_pb <= 1e-4 * fine.sigma_pb)


def test_node_zero_is_the_thin_target_job():
    exp = load_experiment("na64e")
    rule = shower_rule_for(exp)
    jobs = _shower_jobs(exp, rule, 0.01, "etl", "mcp", 5e-3, 0, "elastic")
    k, job = jobs[0]
    assert k == 0 and (job.energy, job.x_min, job.x_max) == (100.0, 0.5, 1.0)
    assert [k for k, _ in jobs] == list(range(8))               # node 8 (x_min E0) closed
    energies = [j.energy for _, j in jobs]
    assert np.all(np.diff(energies) < 0)
    assert all(j.x_min == pytest.approx(0.5 * 100.0 / j.energy) for _, j in jobs)


def test_closed_masses_and_nodes():
    """A mass closed at E0 gives σ = 0 and no ε; one closed at the low nodes still folds."""
    table = reach("na64e", [1.0, 60.0], method="ww", progress=False, backend="serial")
    assert table["sigma_pb"][0] > 0 and 0.3 < table["l_eff_x0"][0] < 0.9
    assert table["sigma_pb"][1] == 0.0 and math.isnan(table["l_eff_x0"][1])
    assert math.isnan(table["epsilon_brem"][1])


def test_ldmx_shower_weakens_epsilon_by_16_to_21_percent():
    masses = [0.001, 0.01, 0.1]
    thin = reach("ldmx", masses, method="ww", model="dark-photon", progress=False, backend="serial")
    showered = reach("ldmx", masses, method="ww", model="dark-photon", progress=False,
                     backend="serial", transport="shower")
    ratio = showered["epsilon_brem"] / thin["epsilon_brem"]
    assert np.all((ratio > 1.16) & (ratio < 1.21)), ratio
    assert np.all((showered["l_eff_x0"] > 0.27) & (showered["l_eff_x0"] < 0.30))
    assert showered.meta["shower_beta"] == shower.Cascade.for_element(13).beta


@pytest.mark.parametrize("name", ["ldmx", "na64mu"])
def test_paper_experiments_keep_eq4(name):
    exp = load_experiment(name)
    table = reach(name, [0.01, 0.1], method="ww", progress=False, backend="serial")
    direct = [mc.cross_section(exp.beam, exp.energy_gev, exp.material, m, exp.x_min,
                               exp.x_max, method="ww").sigma_pb for m in (0.01, 0.1)]
    assert table["sigma_pb"].tolist() == direct                 # bit-identical: σ(E0)
    assert "l_eff_x0" not in table.names
    assert table.meta["transport"] == "thin" and "shower_nodes" not in table.meta


def test_citations_when_showering():
    shower = reach("na64e", [0.01], method="ww")
    assert {"rossi1941", "tsai1974"} <= set(shower.citations)
    assert "Rossi" in citations.bibtex(["rossi1941"])
    thin = reach("ldmx", [0.01], method="ww")
    assert "rossi1941" not in thin.citations


# ---------------------------------------------------------------------------------------
# Bad settings: one line each
# ---------------------------------------------------------------------------------------

def _toml(name: str) -> dict:
    import tomllib

    text = resources.files("millicharge.data").joinpath(f"experiments/{name}.toml").read_text()
    return tomllib.loads(text)


@pytest.mark.parametrize(
    ("base", "top", "target", "message"),
    [
        ("na64mu", {}, {"transport": "shower"},
         "transport = 'shower' is for electron beams: muons do not shower"),
        ("na64mu", {"energy_loss": "mean"}, {"transport": "shower"},
         "muons do not shower"),
        ("na64e", {}, {"transport": "thick"}, "target.transport must be one of 'thin', "
                                              "'shower', got 'thick'"),
        ("na64e", {}, {"transport": 1}, "target.transport must be a str"),
        ("na64e", {}, {"shower_nodes": 7}, "shower_nodes must be an even integer from 2 to 32"),
        ("na64e", {}, {"shower_nodes": 64}, "shower_nodes must be an even integer from 2 to 32"),
        ("na64e", {}, {"shower_nodes": 0}, "shower_nodes must be an even integer from 2 to 32"),
        ("na64e", {}, {"shower_nodes": 8.0}, "shower_nodes must be an even integer"),
        ("na64e", {}, {"shower_nodes": True}, "shower_nodes must be an even integer"),
        ("na64e", {}, {"thickness_x0": 2000.0}, "takes targets up to 1000 X0"),
        ("na64e", {"x_min": 0.9995}, {}, "needs x_min in"),
        ("na64e", {}, {"X0": math.nan, "thickness_cm": 20.0, "thickness_x0": None},
         "needs the radiation length X0"),
        ("na64e", {}, {"unknown": 1}, "allowed are material, Z, A, density, X0, "
                                      "thickness_cm, thickness_x0, form_factor, transport"),
    ],
)
def test_bad_toml_settings_are_one_line(base, top, target, message):
    data = _toml(base)
    data.update(top)
    for key, value in target.items():
        if value is None:
            del data["target"][key]
        else:
            data["target"][key] = value
    with pytest.raises(InputError) as err:
        experiment_from_dict(data, f"{base}.toml")
    text = str(err.value)
    assert "\n" not in text and text.startswith(f"{base}.toml: ") and message in text


def test_thin_with_shower_nodes_is_allowed():
    data = _toml("na64e")
    data["target"]["transport"] = "thin"
    exp = experiment_from_dict(data)
    assert exp.transport == "thin" and exp.shower_nodes == 8


@pytest.mark.parametrize("value", ["thick", 1, True, ""])
def test_bad_transport_argument(value):
    with pytest.raises(InputError, match="transport must be None or one of 'thin', 'shower'"):
        reach("na64e", [0.01], method="ww", transport=value, progress=False)


def test_muon_shower_in_api_is_one_line():
    with pytest.raises(InputError) as err:
        reach("na64mu", [0.01], method="ww", transport="shower", progress=False)
    assert "\n" not in str(err.value) and "muons do not shower" in str(err.value)
    with pytest.raises(InputError, match="muons do not shower"):
        with_transport(load_experiment("m3"), "shower")
    with pytest.raises(InputError, match="muons do not shower"):
        shower_cross_sections(load_experiment("na64mu"), np.array([0.01]))


def test_cli_transport_option_and_listing():
    runner = CliRunner()
    res = runner.invoke(main, ["reach", "-e", "na64e", "--method", "ww", "--masses", "0.01",
                               "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "transport shower (8 nodes)" in res.output
    res = runner.invoke(main, ["reach", "-e", "na64e", "--method", "ww", "--masses", "0.01",
                               "--no-progress", "--transport", "thin", "--format", "json"])
    assert res.exit_code == 0 and '"transport": "thin"' in res.output
    res = runner.invoke(main, ["reach", "-e", "na64mu", "--masses", "0.01", "--no-progress",
                               "--transport", "shower"])
    assert res.exit_code == 2 and res.output.count("\n") == 1
    assert res.output.startswith("Error: ") and "muons do not shower" in res.output
    res = runner.invoke(main, ["reach", "-e", "na64e", "--transport", "thick"])
    assert res.exit_code == 2 and res.output.count("\n") == 1
    res = runner.invoke(main, ["experiments"])
    line = next(x for x in res.output.splitlines() if x.strip().startswith("na64e"))
    assert "shower(8)" in line
    res = runner.invoke(main, ["experiments", "--format", "json"])
    assert '"transport": "shower"' in res.output


def test_plot_reach_refuses_a_muon_shower_before_computing(tmp_path):
    out = tmp_path / "fig.png"
    res = CliRunner().invoke(main, ["plot", "reach", "-e", "ldmx", "na64mu", "--transport",
                                    "shower", "--out", str(out)])
    assert res.exit_code == 2 and "muons do not shower" in res.output
    assert not out.exists() and not out.with_suffix(".csv").exists()
