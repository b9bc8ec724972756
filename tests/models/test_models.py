"""The models as objects: registry and its one-line errors, discovery of a new module,
thresholds, the pair spectral density against an independent two-body calculation,
integration variables, event-file particles and labels."""

from __future__ import annotations

import math
import sys
import textwrap

import numpy as np
import pytest

import millicharge.models as models
from millicharge.amplitudes.dirac import GAMMA, slash
from millicharge.core.constants import ALPHA, E_CHARGE_SQ
from millicharge.core.errors import InputError
from millicharge.kinematics.lorentz import METRIC
from millicharge.kinematics.phase_space import two_body_decay
from millicharge.kinematics.process import Process, x_limits, x_threshold
from millicharge.models import MODELS, Model, get_model
from millicharge.models.mcp import spectral_density, spectral_density_du
from millicharge.xsec import etl


def test_registry_names_and_order():
    assert MODELS == ("mcp", "dark-photon")
    assert [get_model(n).name for n in MODELS] == list(MODELS)
    model = get_model("mcp")
    assert get_model(model) is model and str(model) == "mcp"
    assert get_model("dark-photon") != model


@pytest.mark.parametrize("bad", ["axion", "MCP", "", None, 3, ["mcp"]])
def test_unknown_model_is_one_line_naming_the_allowed(bad):
    with pytest.raises(InputError) as err:
        get_model(bad)
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith("unknown model ")
    assert text.endswith("allowed are 'mcp' and 'dark-photon'")


def test_a_new_module_is_a_new_model(tmp_path, monkeypatch):
    """Adding a mediator is one module in the package: discovery registers it, ordered."""
    (tmp_path / "dark_scalar.py").write_text(textwrap.dedent('''
        from millicharge.models.base import LheParticle, Model

        class DarkScalar(Model):
            name = "dark-scalar"
            order = 5
            title = "invisible dark scalar"
            mass_label = r"$m_\\phi$"
            mass_text = "m_phi"
            coupling_label = r"$g$"
            coupling_text = "g = Yukawa coupling / e"
            threshold_name = "scalar threshold m_phi"
            integrates_mass = False
            lhe_particles = (LheParticle(9000006, 1, "vector", "model"),)

            def threshold(self, mass):
                return mass

        MODEL = DarkScalar()
    '''))
    monkeypatch.setattr(models, "__path__", [*models.__path__, str(tmp_path)])
    try:
        found = models._discover()
    finally:
        sys.modules.pop("millicharge.models.dark_scalar", None)
    assert tuple(found) == ("mcp", "dark-photon", "dark-scalar")
    assert found["dark-scalar"].threshold(0.3) == 0.3


def test_thresholds_and_x_window():
    mcp, dp = get_model("mcp"), get_model("dark-photon")
    assert mcp.threshold(0.25) == 0.5 and dp.threshold(0.25) == 0.25
    proc = Process.make("e", 8.0, "Al", 0.4)
    assert x_threshold(proc, mcp) == x_threshold(proc, "mcp") == 0.1
    assert x_threshold(proc, dp) == 0.05
    lo, hi = x_limits(proc, 0.01, 1.0, mcp)
    assert 0.1 < lo < 0.1 * (1 + 1e-11) and hi == 1.0 - proc.lepton_mass / 8.0
    assert x_limits(proc, 0.3, 0.9, dp) == (0.3, 0.9)
    with pytest.raises(InputError, match="pair threshold 2·m = 9 GeV is above"):
        Process.make("e", 8.0, "Al", 4.5, model=mcp)
    Process.make("e", 8.0, "Al", 4.5, model=dp)


def _pair_density_two_body(s: float, mass: float, n: int = 4000) -> float:
    """ρ(s) from the pair's current: e²/(2π s²) · ⅓ ∫dΦ₂ (−g^{αβ}) Tr[(k̸₁+m)γ_α(k̸₂−m)γ_β]
    with the traces done numerically on Dirac matrices and dΦ₂ sampled in angle."""
    rng = np.random.default_rng(5)
    k = np.tile([math.sqrt(s + 9.0), 0.0, 0.0, 3.0], (n, 1))  # a boosted γ*, k² = s
    k1, k2, dphi2_domega = two_body_decay(np.asarray(k), np.full(n, s), mass,
                                          rng.uniform(-1, 1, n), rng.uniform(0, 2 * np.pi, n))
    eye = np.eye(4)
    a = slash(k1) + mass * eye
    b = slash(k2) - mass * eye
    g_low = np.einsum("mab,mn->nab", GAMMA, METRIC)  # γ_α
    trace = np.einsum("nij,ajk,nkl,bli->nab", a, g_low, b, g_low)  # Tr[a γ_α b γ_β]
    minus_g_trace = -np.einsum("nab,ab->n", trace, METRIC).real  # g^{αβ} = g_αβ numerically
    integral = 4.0 * np.pi * dphi2_domega[0] * minus_g_trace.mean()
    return E_CHARGE_SQ / (2.0 * np.pi * s * s) * integral / 3.0


@pytest.mark.parametrize(("s", "mass"), [(0.05, 0.1), (1.0, 0.02), (0.0401, 0.1)])
def test_spectral_density_equals_the_two_body_calculation(s, mass):
    np.testing.assert_allclose(spectral_density(s, mass), _pair_density_two_body(s, mass),
                               rtol=1e-12)


def test_spectral_density_limits():
    m = 0.1
    assert float(spectral_density(4 * m * m, m)) == 0.0
    assert float(spectral_density(0.9 * 4 * m * m, m)) == 0.0  # below threshold
    s = 1e6  # massless limit: s ρ → α/(3π)
    assert float(s * spectral_density(s, m)) == pytest.approx(ALPHA / (3 * math.pi), rel=1e-7)
    s = 4 * m * m * (1 + 1e-8)  # threshold: ρ → α/(3πs)·(3/2)·β
    beta = math.sqrt(1 - 4 * m * m / s)
    assert float(spectral_density(s, m)) == pytest.approx(
        ALPHA / (3 * math.pi * s) * 1.5 * beta, rel=1e-7)


def test_spectral_density_in_the_tanh_variable_is_the_same_density():
    """Away from threshold, where √(1 − 4m²/s) in spectral_density has not yet lost digits
    to cancellation (the reason the tanh form exists), the two agree to rounding."""
    m = 0.05
    u = np.linspace(0.1, 6.0, 200)
    s = 4 * m * m * np.cosh(u) ** 2
    ds_du = 8 * m * m * np.cosh(u) * np.sinh(u)
    np.testing.assert_allclose(spectral_density_du(s, m, np.tanh(u)),
                               spectral_density(s, m) * ds_du, rtol=1e-12)


def test_dark_photon_has_no_spectral_factor():
    with pytest.raises(NotImplementedError):
        get_model("dark-photon").spectral_factor(1.0, 0.1)


@pytest.mark.parametrize("name", MODELS)
def test_integration_variables_are_the_integrand_dimensions(name):
    model = get_model(name)
    proc = Process.make("mu", 160.0, "Pb", 0.1)
    _, dim = etl.make_integrand(proc, x_range=(0.5, 0.9), model=model)
    assert dim == 1 + len(model.integration_variables)
    _, dim_fixed = etl.make_integrand(proc, x_fixed=0.5, model=name)
    assert dim_fixed == len(model.integration_variables)
    assert ("s" in model.integration_variables) is model.integrates_mass


@pytest.mark.parametrize("name", MODELS)
def test_lhe_particles_are_momenta_the_engine_builds(name):
    model = get_model(name)
    proc = Process.make("mu", 160.0, "Pb", 0.1)
    direct = bool(model.decay_variables)
    dim = 1 + len(model.integration_variables) + (len(model.decay_variables) if direct else 0)
    mom = etl.event_momenta(proc, np.full((3, dim), 0.5), x_range=(0.5, 0.9), model=model,
                            direct_2to4=direct)
    for particle in model.lhe_particles:
        assert particle.momentum in mom
        assert particle.mass in ("pair", "model")
        assert particle.parent is None or model.lhe_particles[particle.parent].status == 2
    finals = [p for p in model.lhe_particles if p.status == 1]
    assert sum(p.pdg for p in finals) == 0 or len(finals) == 1  # a pair is χ χ̄


def test_mcp_pair_is_chi_and_antichi_from_an_intermediate_photon():
    parts = get_model("mcp").lhe_particles
    assert [(p.pdg, p.status, p.parent) for p in parts] == [
        (22, 2, None), (9000001, 1, 0), (-9000001, 1, 0)]
    assert [(p.pdg, p.status) for p in get_model("dark-photon").lhe_particles] == [(9000005, 1)]


def test_labels_are_distinct_and_render():
    from matplotlib.mathtext import MathTextParser

    parser = MathTextParser("path")
    labels = [get_model(n).mass_label for n in MODELS]
    assert labels == [r"$m_\chi$", r"$m_{A'}$"]
    for name in MODELS:
        model = get_model(name)
        for text in (model.mass_label, model.coupling_label):
            parser.parse(text)  # raises on bad mathtext
        assert model.title and model.mass_text and model.coupling_text
        assert isinstance(model, Model) and repr(model).startswith(f"<model {name!r}")
