r"""Signal yields and the coupling reach ε_lim(m).

Bremsstrahlung-like channel, paper Eq. (4):

.. math::

    N_\mathrm{sign} = \mathrm{LOT}\cdot\frac{\rho N_A}{A}\,L_T\cdot
    \sigma(x_\mathrm{th} \le x \le x_\mathrm{max})\cdot \epsilon^2 \cdot \eta,

with σ the ε = 1 cross section (σ ∝ ε² exactly) and η the signal efficiency (1 in the
paper): the experiment's constant, or its table η(m) against the mass
(:meth:`~millicharge.experiments.config.Experiment.efficiency_at`), applied per mass to every
channel. Muon energy loss in thick targets is neglected here, as in the paper (Sec. II.2;
:mod:`millicharge.experiments.thick_target` adds it).

Since every channel's yield is ∝ ε², the limit at confidence level CL is (paper Eq. 12
for the meson channel)

.. math::

    \epsilon_\mathrm{lim}(m) = \sqrt{s_\mathrm{up} / N(\epsilon = 1, m)},

with yields of several channels added first (:func:`combine`). Where N(ε=1) = 0 (the
channel is closed, e.g. 2m_χ ≥ m_V) the limit is ``inf``: no ε is excluded.

    >>> from millicharge.experiments.config import load_experiment
    >>> na64mu = load_experiment("na64mu")
    >>> f"{nuclei_per_cm2(na64mu):.3e}"        # ρ N_A / A · L_T for 40 X0 of Pb
    '7.412e+23'
    >>> f"{n_signal_brem(na64mu, 1.0):.3e}"   # σ = 1 pb, ε = 1, MOT = 1e14
    '7.412e+01'
    >>> epsilon_limit(3e6, 3.0)
    0.001
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from millicharge.core.errors import InputError
from millicharge.core.units import PB_TO_CM2
from millicharge.core.validation import is_real, show
from millicharge.experiments.config import Experiment

__all__ = ["combine", "epsilon_limit", "n_signal_brem", "nuclei_per_cm2"]


def _floats(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """``value`` as a float array (any shape); InputError, not a NumPy message, if it is not."""
    if isinstance(value, str | bytes | bool | np.bool_) or value is None:
        raise InputError(f"{name} must be a number or an array of numbers, got {show(value)}")
    try:
        out = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InputError(
            f"{name} must be a number or an array of numbers, got {show(value)}"
        ) from None
    return out


def nuclei_per_cm2(experiment: Experiment) -> float:
    """Target nuclei per unit area, (ρ N_A / A) · L_T in cm⁻² (paper Eq. 4)."""
    return experiment.material.number_density * experiment.thickness_cm


def n_signal_brem(
    experiment: Experiment, sigma_pb: ArrayLike, epsilon: ArrayLike = 1.0,
    mass: ArrayLike | None = None,
) -> NDArray[np.float64] | float:
    """Bremsstrahlung-like signal events, paper Eq. (4), times ε² and the efficiency.

    Parameters
    ----------
    experiment
        Gives LOT, ρ, A, L_T and the efficiency.
    sigma_pb
        σ(x_min ≤ x ≤ x_max) at ε = 1 in pb (scalar or array, e.g. over masses).
    epsilon
        Millicharge ε; the yield scales as ε².
    mass
        m_χ (or m_A') in GeV of each σ, for an efficiency table; not needed (and not
        used) with a constant efficiency.

    Returns
    -------
    float or ndarray
        Expected signal events (a float for scalar input).
    """
    sigma = _floats("sigma_pb", sigma_pb)
    if np.any(~np.isfinite(sigma)) or np.any(sigma < 0):
        raise InputError("sigma_pb must be finite and >= 0 (pb)")
    eps = _floats("epsilon", epsilon)
    if np.any(~np.isfinite(eps)):
        raise InputError("epsilon must be finite")
    if experiment.efficiency is not None:
        eta: NDArray[np.float64] | float = experiment.efficiency
    elif mass is None:
        raise InputError(f"experiment {experiment.name!r} has an efficiency table against "
                         "the mass: give mass (GeV) for each cross section")
    else:
        eta = experiment.efficiency_at(_floats("mass", mass))
    n = (
        experiment.leptons_on_target
        * nuclei_per_cm2(experiment)
        * sigma
        * PB_TO_CM2
        * eps**2
        * eta
    )
    return float(n) if n.ndim == 0 else n


def epsilon_limit(n_signal_eps1: ArrayLike, s_up: float) -> NDArray[np.float64] | float:
    """ε_lim = √(s_up / N(ε = 1)), ``inf`` where N(ε = 1) = 0.

    >>> epsilon_limit([12.0, 0.0], 3.0).tolist()
    [0.5, inf]
    """
    n = _floats("n_signal_eps1", n_signal_eps1)
    if np.any(np.isnan(n)) or np.any(n < 0):
        raise InputError("n_signal_eps1 must be >= 0 events (no NaN)")
    if not (is_real(s_up) and math.isfinite(s_up) and s_up > 0):
        raise InputError(f"s_up must be a positive number, got {s_up!r}")
    out = np.full(n.shape, np.inf)
    positive = n > 0
    out[positive] = np.sqrt(s_up / n[positive])
    return float(out) if out.ndim == 0 else out


def combine(yields: Iterable[ArrayLike]) -> NDArray[np.float64] | float:
    """Sum the yields of several channels (same ε, same mass grid): N = Σ_c N_c.

    >>> combine([np.array([1.0, 2.0]), np.array([0.5, 0.0]), 1.0]).tolist()
    [2.5, 3.0]
    """
    arrays = [np.asarray(y, dtype=float) for y in yields]
    if not arrays:
        raise InputError("combine needs at least one yield")
    try:
        total = np.sum(np.broadcast_arrays(*arrays), axis=0)
    except ValueError:
        raise InputError(
            f"yields have incompatible shapes {[a.shape for a in arrays]}"
        ) from None
    return float(total) if total.ndim == 0 else total
