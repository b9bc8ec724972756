"""Tests for millicharge.experiments.yields: Eq. 4 numbers computed independently, ε²
scaling, limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from millicharge.core.errors import InputError
from millicharge.experiments.config import load_experiment
from millicharge.experiments.yields import combine, epsilon_limit, n_signal_brem, nuclei_per_cm2

N_A = 6.02214076e23  # mol^-1, exact (SI 2019)


def test_na64mu_eq4_by_hand() -> None:
    # MOT = 1e14, Pb: rho = 11.35 g/cm^3, A = 207 g/mol, L_T = 40 X0 = 40 * 0.5612 cm
    exp = load_experiment("na64mu")
    per_cm2 = 11.35 * N_A / 207.0 * 40 * 0.5612
    assert nuclei_per_cm2(exp) == pytest.approx(per_cm2, rel=1e-12)
    sigma_pb = 0.37
    expected = 1e14 * per_cm2 * sigma_pb * 1e-36
    assert n_signal_brem(exp, sigma_pb) == pytest.approx(expected, rel=1e-12)


def test_ldmx_eq4_by_hand() -> None:
    # EOT = 2e16, Al: rho = 2.7, A = 27, L_T = 0.4 * 8.9 cm
    exp = load_experiment("ldmx")
    expected = 2e16 * 2.7 * N_A / 27.0 * 0.4 * 8.9 * 2.5e-36
    assert n_signal_brem(exp, 2.5) == pytest.approx(expected, rel=1e-12)


def test_epsilon_squared_and_array() -> None:
    exp = load_experiment("na64mu")
    sig = np.array([10.0, 1.0, 0.0])
    n1 = n_signal_brem(exp, sig)
    n2 = n_signal_brem(exp, sig, epsilon=1e-3)
    assert isinstance(n1, np.ndarray) and n1.shape == (3,)
    assert np.allclose(n2, 1e-6 * n1, rtol=1e-14, atol=0)
    assert n1[2] == 0.0


def test_efficiency_enters(tmp_path) -> None:
    text = (
        'name = "x"\ndescription = ""\nreferences = []\nbeam = "mu"\nenergy_gev = 160.0\n'
        'leptons_on_target = 1e14\nx_min = 0.5\nchannels = ["brem"]\nefficiency = 0.25\n'
        '[target]\nmaterial = "Pb"\nA = 207.0\nthickness_x0 = 40.0\n'
    )
    path = tmp_path / "eff.toml"
    path.write_text(text)
    ratio = n_signal_brem(load_experiment(path), 1.0) / n_signal_brem(
        load_experiment("na64mu"), 1.0
    )
    assert ratio == pytest.approx(0.25)


def test_epsilon_limit_inverts_yield() -> None:
    exp = load_experiment("ldmx")
    n_eps1 = n_signal_brem(exp, 0.05)
    eps = epsilon_limit(n_eps1, 3.0)
    # at eps_lim the signal is exactly s_up
    assert n_signal_brem(exp, 0.05, epsilon=eps) == pytest.approx(3.0, rel=1e-12)
    assert epsilon_limit(12.0, 3.0) == 0.5


def test_epsilon_limit_closed_channel_is_inf() -> None:
    out = epsilon_limit(np.array([4.0, 0.0, 1.0]), 1.0)
    assert out[0] == 0.5 and math.isinf(out[1]) and out[2] == 1.0
    assert epsilon_limit(0.0, 3.0) == math.inf
    assert not np.any(np.isnan(out))


def test_combine_adds_channels() -> None:
    brem = np.array([1.0, 2.0, 0.0])
    rho = np.array([3.0, 0.0, 0.0])
    total = combine([brem, rho])
    assert total.tolist() == [4.0, 2.0, 0.0]
    # combined limit is stronger than each channel's
    assert np.all(epsilon_limit(total, 3.0)[:2] <= epsilon_limit(brem, 3.0)[:2])
    assert combine([2.0, 3.0]) == 5.0


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (epsilon_limit, ([1.0, -1.0], 3.0)),
        (epsilon_limit, ([1.0, float("nan")], 3.0)),
        (epsilon_limit, (1.0, 0.0)),
        (combine, ([],)),
        (combine, ([np.ones(2), np.ones(3)],)),
    ],
)
def test_bad_input(func, args) -> None:
    with pytest.raises(InputError):
        func(*args)


def test_negative_sigma_rejected() -> None:
    with pytest.raises(InputError, match="sigma_pb"):
        n_signal_brem(load_experiment("na64mu"), -1.0)
