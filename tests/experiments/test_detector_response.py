"""Detector response: signal efficiency against the mass, background with an uncertainty.

The background uncertainty is marginalised with a Gamma prior (Cousins & Highland,
NIM A320 (1992) 331; Cousins, Linnemann, Tucker, NIM A595 (2008) 480). The checks here
do not reuse the package's closed form: they integrate the Poisson probability over the
Gamma density with scipy's quadrature, and use the Gamma moment-generating function
E[e^(-b')] = (1 + θ)^(-k) for n = 0.
"""

from __future__ import annotations

import dataclasses
import json
import math
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import integrate, optimize, stats

import millicharge as mc
from millicharge.cli.main import main
from millicharge.core.errors import InputError
from millicharge.experiments.config import experiment_names, load_experiment
from millicharge.experiments.mesons import n_signal_meson
from millicharge.experiments.yields import n_signal_brem
from millicharge.limits.statistics import marginal_cdf, upper_limit

# ------------------------------------------------------------------------------ statistics


def _gamma_marginal_cdf(n: int, s: float, b: float, sigma: float) -> float:
    """∫ db' Gamma(b'; mean b, sd σ) P(N ≤ n | s + b'), by adaptive quadrature."""
    k, theta = b * b / sigma / sigma, sigma * sigma / b
    prior = stats.gamma(k, scale=theta)

    def f(x: float) -> float:
        return stats.poisson.cdf(n, s + x) * prior.pdf(x)

    lo, hi = prior.ppf(1e-13), prior.ppf(1 - 1e-13)
    return integrate.quad(f, lo, hi, limit=400, epsabs=1e-14, epsrel=1e-11,
                          points=[b])[0]


def _independent_limit(n: int, b: float, sigma: float, cl: float, method: str) -> float:
    alpha = 1 - cl
    target = alpha if method == "poisson" else alpha * _gamma_marginal_cdf(n, 0.0, b, sigma)

    def f(s):
        return _gamma_marginal_cdf(n, s, b, sigma) - target

    if f(0.0) <= 0:
        return 0.0
    return optimize.brentq(f, 0.0, 200.0, xtol=1e-10)


@pytest.mark.parametrize("method", ["poisson", "cls"])
@pytest.mark.parametrize("b", [0.0, 0.3, 1.0, 3.0, 12.0])
@pytest.mark.parametrize("observed", [None, 0, 2, 7])
@pytest.mark.parametrize("cl", [0.9, 0.95])
def test_zero_uncertainty_is_bit_identical(method, b, observed, cl):
    plain = upper_limit(background=b, cl=cl, method=method, observed=observed)
    assert upper_limit(background=b, cl=cl, method=method, observed=observed,
                       background_uncertainty=0.0) == plain


@pytest.mark.parametrize("method", ["poisson", "cls"])
@pytest.mark.parametrize(("n", "b", "sigma"), [(0, 0.5, 0.2), (1, 1.0, 0.5), (3, 3.0, 1.0),
                                               (5, 2.0, 2.0), (12, 10.0, 3.0)])
def test_against_direct_numerical_marginalisation(method, n, b, sigma):
    ours = upper_limit(background=b, background_uncertainty=sigma, observed=n, method=method)
    assert ours == pytest.approx(_independent_limit(n, b, sigma, 0.95, method), rel=1e-6)
    for s in (0.0, 1.0, 4.0):
        assert marginal_cdf(n, s, b, sigma) == pytest.approx(
            _gamma_marginal_cdf(n, s, b, sigma), rel=1e-8, abs=1e-14)


@pytest.mark.parametrize(("b", "sigma"), [(0.5, 0.1), (1.0, 1.0), (2.0, 0.3), (4.0, 4.0)])
def test_n0_closed_forms(b, sigma):
    """n = 0: classical s_up = −ln α + ln E[e^(−b')] with the Gamma MGF; CLs: −ln α."""
    alpha = 0.05
    k, theta = (b / sigma) ** 2, sigma * sigma / b
    expected = max(-math.log(alpha) - k * math.log1p(theta), 0.0)
    got = upper_limit(background=b, background_uncertainty=sigma, observed=0)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
    cls = upper_limit(background=b, background_uncertainty=sigma, observed=0, method="cls")
    assert cls == pytest.approx(-math.log(alpha), rel=1e-9)


@pytest.mark.parametrize("method", ["poisson", "cls"])
@pytest.mark.parametrize(("b", "observed"), [(0.5, 1), (1.0, 1), (3.0, 3), (3.0, None),
                                             (10.0, 10), (10.0, 6), (40.0, None)])
def test_limit_grows_monotonically_with_the_uncertainty(method, b, observed):
    sigmas = np.linspace(0.0, 2.0 * b, 17)
    limits = [upper_limit(background=b, background_uncertainty=float(s), method=method,
                          observed=observed) for s in sigmas]
    assert all(np.diff(limits) > 0), limits


def test_small_uncertainty_tends_to_the_plain_limit():
    for b, n in [(1.0, 1), (10.0, 10), (1e4, None)]:
        plain = upper_limit(background=b, observed=n)
        near = upper_limit(background=b, observed=n, background_uncertainty=1e-6 * b)
        assert near == pytest.approx(plain, rel=1e-6)


def test_projected_limit_keeps_the_nominal_median_count():
    # b = 3 ± 3: the marginal count distribution has median 2, but the projected limit
    # uses the median of Pois(3) = 3 (statistics module docstring)
    assert upper_limit(background=3.0, background_uncertainty=3.0) == \
        upper_limit(background=3.0, background_uncertainty=3.0, observed=3)


def test_uncertainty_is_cited():
    exact = load_experiment("na64mu")
    uncertain = dataclasses.replace(exact, background=1.0, background_uncertainty=0.5)
    assert "cousins-highland1992" not in mc.reach(exact, [0.05], method="ww", cache=False,
                                                  progress=False).citations
    assert {"cousins-highland1992", "cousins2008"} <= set(
        mc.reach(uncertain, [0.05], method="ww", cache=False, progress=False).citations)


@pytest.mark.parametrize("kwargs", [
    {"background": 1.0, "background_uncertainty": -0.1},
    {"background": 1.0, "background_uncertainty": float("nan")},
    {"background": 1.0, "background_uncertainty": float("inf")},
    {"background": 1.0, "background_uncertainty": True},
    {"background": 1.0, "background_uncertainty": "0.1"},
    {"background": 0.0, "background_uncertainty": 0.1},
])
def test_bad_uncertainty_is_one_line(kwargs):
    with pytest.raises(InputError, match="background_uncertainty") as info:
        upper_limit(**kwargs)
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------------------ experiment files

BASE = textwrap.dedent(
    """
    name = "Table"
    description = "efficiency table and background uncertainty"
    references = ["test"]
    beam = "e"
    energy_gev = 8.0
    leptons_on_target = 1e14
    x_min = 0.7
    channels = ["brem"]
    efficiency_masses_gev = [0.001, 0.01, 0.1]
    efficiency_values = [0.2, 0.6, 0.8]
    background = 2.0
    background_uncertainty = 0.5
    cl = 0.9

    [target]
    material = "Al"
    thickness_x0 = 0.4
    """
)


def _write(tmp_path: Path, text: str = BASE) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_table_loads_and_interpolates_in_log_mass(tmp_path):
    exp = load_experiment(_write(tmp_path))
    assert exp.efficiency is None
    assert exp.efficiency_masses_gev == (0.001, 0.01, 0.1)
    assert exp.efficiency_values == (0.2, 0.6, 0.8)
    assert exp.background_uncertainty == 0.5
    # the points themselves, geometric midpoints (linear in ln m), beyond the ends
    got = exp.efficiency_at([0.001, 0.01, 0.1, math.sqrt(1e-5), math.sqrt(1e-3),
                             10 ** -2.75, 1e-4, 5.0])
    expected = [0.2, 0.6, 0.8, 0.4, 0.7, 0.2 + 0.4 * 0.25, 0.2, 0.8]
    assert got == pytest.approx(expected, rel=1e-12)
    assert isinstance(exp.efficiency_at(0.01), float)
    d = exp.to_dict()
    assert d["efficiency"] is None and d["efficiency_values"] == [0.2, 0.6, 0.8]
    assert d["background_uncertainty"] == 0.5


def test_constant_efficiency_is_unchanged(tmp_path):
    text = BASE.replace("efficiency_masses_gev = [0.001, 0.01, 0.1]\n", "").replace(
        "efficiency_values = [0.2, 0.6, 0.8]\n", "efficiency = 0.7\n")
    exp = load_experiment(_write(tmp_path, text))
    assert exp.efficiency == 0.7 and exp.efficiency_masses_gev == ()
    assert exp.efficiency_at([0.01, 1.0]).tolist() == [0.7, 0.7]


BAD = [
    ("efficiency_values = [0.2, 0.6, 0.8]", "efficiency_values = [0.2, 0.6, 1.2]",
     "efficiency_values must each lie in [0, 1]"),
    ("efficiency_values = [0.2, 0.6, 0.8]", "efficiency_values = [0.2, -0.1, 0.8]",
     "efficiency_values must each lie in [0, 1]"),
    ("efficiency_masses_gev = [0.001, 0.01, 0.1]", "efficiency_masses_gev = [0.01, 0.001, 0.1]",
     "strictly increasing"),
    ("efficiency_masses_gev = [0.001, 0.01, 0.1]", "efficiency_masses_gev = [0.01, 0.01, 0.1]",
     "strictly increasing"),
    ("efficiency_masses_gev = [0.001, 0.01, 0.1]", "efficiency_masses_gev = [0.0, 0.01, 0.1]",
     "positive masses"),
    ("efficiency_masses_gev = [0.001, 0.01, 0.1]", "efficiency_masses_gev = [0.001, 0.01]",
     "same length"),
    ("efficiency_masses_gev = [0.001, 0.01, 0.1]\nefficiency_values = [0.2, 0.6, 0.8]",
     "efficiency_masses_gev = [0.01]\nefficiency_values = [0.5]", "at least 2 points"),
    ("efficiency_values = [0.2, 0.6, 0.8]", "efficiency_values = [0.2, 0.6, 0.8]\n"
     "efficiency = 0.5", "not both"),
    ("efficiency_values = [0.2, 0.6, 0.8]\n", "", "needs both"),
    ("efficiency_values = [0.2, 0.6, 0.8]", 'efficiency_values = [0.2, "a", 0.8]',
     "efficiency_values must be a list of finite numbers"),
    ("efficiency_values = [0.2, 0.6, 0.8]", "efficiency_values = 0.5",
     "efficiency_values must be a list"),
    ("efficiency_values = [0.2, 0.6, 0.8]", "efficiency_values = [0.2, nan, 0.8]",
     "efficiency_values must be a list of finite numbers"),
    ("background_uncertainty = 0.5", "background_uncertainty = -0.5",
     "background_uncertainty must be a number >= 0"),
    ("background_uncertainty = 0.5", 'background_uncertainty = "0.5"',
     "background_uncertainty must be a number"),
    ("background = 2.0", "background = 0.0", "needs background > 0"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD)
def test_bad_detector_fields_are_one_line(tmp_path, old, new, message):
    assert old in BASE
    path = _write(tmp_path, BASE.replace(old, new))
    with pytest.raises(InputError) as info:
        load_experiment(path)
    text = str(info.value)
    assert "\n" not in text and text.startswith(str(path)) and message in text, text


def test_direct_construction_validates_the_table():
    exp = load_experiment("ldmx")
    table = dataclasses.replace(exp, efficiency=None, efficiency_masses_gev=(0.01, 0.1),
                                efficiency_values=(0.5, 1.0))
    assert table.efficiency_at(0.1) == 1.0
    with pytest.raises(InputError, match="not both"):
        dataclasses.replace(exp, efficiency=0.5, efficiency_masses_gev=(0.01, 0.1),
                            efficiency_values=(0.5, 1.0))
    with pytest.raises(InputError, match="efficiency must be a number in"):
        dataclasses.replace(exp, efficiency=None)


# ------------------------------------------------------------------------------ yields, reach


def test_efficiency_applies_per_mass_to_brem_and_mesons():
    ldmx = load_experiment("ldmx")
    masses = np.array([0.005, 0.05, 0.3])
    eta = np.array([0.3, 0.9])
    table = dataclasses.replace(ldmx, efficiency=None, efficiency_masses_gev=(0.01, 0.1),
                                efficiency_values=tuple(eta))
    # η(m) written out: log-linear between 10 and 100 MeV, constant outside
    expected = np.array([0.3, 0.3 + 0.6 * math.log(5) / math.log(10), 0.9])
    sigma = np.array([2.0, 1.0, 0.5])
    assert n_signal_brem(table, sigma, mass=masses) == pytest.approx(
        n_signal_brem(ldmx, sigma) * expected, rel=1e-12)
    for meson in ("rho", "omega", "phi"):
        assert n_signal_meson(table, meson, masses) == pytest.approx(
            n_signal_meson(ldmx, meson, masses) * expected, rel=1e-12)
    with pytest.raises(InputError, match="give mass"):
        n_signal_brem(table, sigma)


def test_reach_uses_table_and_uncertainty_and_records_them(tmp_path):
    path = _write(tmp_path)
    exp = load_experiment(path)
    masses = [0.001, 0.003, 0.03, 0.3]
    kw = dict(method="ww", cache=False, progress=False, backend="serial")
    table = mc.reach(path, masses, **kw)
    unit = mc.reach(dataclasses.replace(exp, efficiency=1.0, efficiency_masses_gev=(),
                                        efficiency_values=(), background_uncertainty=0.0),
                    masses, **kw)
    s_up = upper_limit(background=2.0, cl=0.9, background_uncertainty=0.5)
    assert table.meta["s_up"] == s_up and s_up > unit.meta["s_up"]
    eta = exp.efficiency_at(masses)
    assert table["epsilon_brem"] == pytest.approx(
        unit["epsilon_brem"] * np.sqrt(s_up / unit.meta["s_up"] / eta), rel=1e-12)
    meta = table.meta
    assert meta["efficiency"] == {"masses_gev": [0.001, 0.01, 0.1], "values": [0.2, 0.6, 0.8]}
    assert (meta["background"], meta["background_uncertainty"], meta["cl"]) == (2.0, 0.5, 0.9)
    assert meta["form_factor"] == "elastic"
    assert json.loads(table.to_json())["meta"]["efficiency"]["values"] == [0.2, 0.6, 0.8]


def test_shipped_experiments_have_constant_efficiency_and_no_uncertainty():
    for name in experiment_names():
        exp = load_experiment(name)
        assert exp.efficiency is not None and exp.background_uncertainty == 0.0
        meta = mc.reach(name, [0.01], method="ww", cache=False, progress=False,
                        backend="serial").meta
        assert meta["efficiency"] == exp.efficiency
        assert meta["s_up"] == upper_limit(background=exp.background, cl=exp.cl)


# ------------------------------------------------------------------------------ command line


def test_experiments_command_shows_the_detector_response():
    result = CliRunner().invoke(main, ["experiments"])
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0].split()
    for column in ("eff", "bkg", "bkg_unc", "cl", "form_factor"):
        assert column in header
    listing = json.loads(CliRunner().invoke(main, ["experiments", "--format", "json"]).stdout)
    assert listing["ldmx"]["background_uncertainty"] == 0.0
    assert listing["ldmx"]["target"]["form_factor"] == "elastic"


def test_cli_reach_with_a_table_file(tmp_path):
    result = CliRunner().invoke(main, ["reach", "-e", str(_write(tmp_path)), "--masses",
                                       "0.01", "--method", "ww", "--format", "json",
                                       "--no-cache", "--no-progress", "--backend", "serial"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)["meta"]
    assert meta["background_uncertainty"] == 0.5 and meta["efficiency"]["values"][1] == 0.6
