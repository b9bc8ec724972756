r"""Upper limits s_up on a Poisson signal mean, for given background and confidence level.

The paper (Sec. IV, Eq. 12) uses s_up ≃ 3 events: a 95 % CL limit for zero observed events
and zero background. This module computes s_up properly for any expected background b:

``method="poisson"`` (classical Neyman upper limit)
    s_up solves :math:`P(N \le n \mid s + b) = 1 - \mathrm{CL}`, i.e.
    :math:`s_\mathrm{up} = \mu_\mathrm{up}(n) - b` with
    :math:`Q(n + 1, \mu_\mathrm{up}) = 1 - \mathrm{CL}` (Q the regularised upper incomplete
    gamma function, since :math:`P(N \le n \mid \mu) = Q(n+1, \mu)`). PDG Review
    "Statistics", Sec. 40.4.1 (Poisson upper limits). When n is far below b this limit can
    be ≤ 0; it is clipped to 0 (use CLs in that regime).
``method="cls"`` (modified frequentist CLs, Read, J. Phys. G 28 (2002) 2693)
    s_up solves :math:`\mathrm{CL_s} = P(N \le n \mid s + b) / P(N \le n \mid b) = 1 - \mathrm{CL}`.
    For n = 0 the background cancels: s_up = −ln(1 − CL) for any b.

Projected (expected) limits: with no data, ``observed`` defaults to the median number of
events under the background-only hypothesis, :math:`n = \mathrm{median}\,\mathrm{Pois}(b)`
(the smallest n with :math:`P(N \le n \mid b) \ge 1/2`; n = 0 for b < ln 2, in particular
for b = 0). This is the "median expected limit" convention.

Background uncertainty (``background_uncertainty`` σ_b > 0)
    The hybrid Bayesian–frequentist treatment of Cousins and Highland (NIM A320 (1992)
    331): the Poisson probabilities above are averaged over a prior of the background
    mean b',

    .. math::

        P(N \le n \mid s) = \int_0^\infty db'\,\pi(b')\,P(N \le n \mid s + b'),

    and s_up solves the same equations with it (CLs: its ratio to the s = 0 value). The
    prior is the Gamma density of mean b and standard deviation σ_b (shape k = b²/σ_b²,
    scale θ = σ_b²/b): the conjugate prior of a Poisson mean, e.g. the posterior of a
    sideband count, used for the same purpose by Cousins, Linnemann and Tucker, NIM A595
    (2008) 480, Sec. 3. It lives on b' ≥ 0 without truncation, so unlike a truncated
    Gaussian it never shifts the mean background, and the limit grows monotonically with
    σ_b at fixed n. The integral is done in closed form: the background count is then
    negative-binomial, :math:`P(B = m) = \frac{\Gamma(k+m)}{\Gamma(k)\,m!}
    \frac{\theta^m}{(1+\theta)^{k+m}}`, and
    :math:`P(N \le n \mid s) = \sum_{m=0}^{n} P(B = m)\,P(N_s \le n - m \mid s)`
    (:func:`marginal_cdf`). σ_b = 0 is the plain Poisson case above (the same numbers,
    bit for bit); σ_b > 0 needs b > 0. The projected limit keeps n = median Pois(b): the
    count expected if the background is as estimated; the uncertainty then enters only
    through the interpretation of that count.
    These two references are :data:`millicharge.core.citations.STATISTICS_KEYS`, which a
    reach table made with σ_b > 0 carries in its ``citations`` (this module records
    nothing: the result says what it rests on).

    >>> round(upper_limit(), 4)              # b = 0, 95 % CL: −ln 0.05 (paper: ≈ 3)
    2.9957
    >>> round(upper_limit(observed=1), 3)    # classical, n = 1, b = 0
    4.744
    >>> round(upper_limit(background=2.0, method="cls", observed=0), 4)
    2.9957
    >>> round(upper_limit(background=3.0, background_uncertainty=1.0), 3)  # n = 3
    5.024
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaincc, gammainccinv, gammaln

from millicharge.core.errors import InputError

__all__ = ["METHODS", "marginal_cdf", "median_background_count", "poisson_cdf", "upper_limit"]

METHODS = ("poisson", "cls")


def poisson_cdf(n: int, mu: float) -> float:
    """P(N ≤ n | μ) for a Poisson mean μ ≥ 0, as Q(n + 1, μ) (continuous in μ).

    >>> round(poisson_cdf(0, 1.0), 6) == round(math.exp(-1.0), 6)
    True
    """
    if mu == 0.0:
        return 1.0
    return float(gammaincc(n + 1, mu))


def marginal_cdf(n: int, mu: float, background: float, background_uncertainty: float) -> float:
    """P(N ≤ n | μ) with a background of mean b ± σ_b (Gamma prior) added to μ ≥ 0.

    The Poisson mean is μ + b' with b' ~ Gamma(mean b, standard deviation σ_b); the
    background count is then negative-binomial (module docstring), summed here in closed
    form. σ_b = 0 gives :func:`poisson_cdf` (n, μ + b).

    >>> round(marginal_cdf(0, 0.0, 2.0, 1.0), 6) == round((1 + 0.5) ** -4, 6)  # E[e^-b']
    True
    """
    _check_background(background)
    _check_uncertainty(background, background_uncertainty)
    if background_uncertainty == 0.0:
        return poisson_cdf(n, mu + background)
    b, sigma = float(background), float(background_uncertainty)
    theta = sigma * sigma / b  # scale; the shape is k = b / theta
    m = np.arange(n + 1)
    # log P(B = m) = Σ_{j<m} ln(kθ + jθ) − ln m! − (k + m) ln(1 + θ), with kθ = b: stable
    # for θ → 0, where it becomes the Poisson log-probability of m at mean b
    log_rising = np.concatenate(([0.0], np.cumsum(np.log(b + theta * m[:-1]))))
    log_pmf = log_rising - gammaln(m + 1.0) - (b / theta + m) * math.log1p(theta)
    signal = np.ones(n + 1) if mu == 0.0 else gammaincc(n - m + 1.0, mu)
    return float(min(np.sum(np.exp(log_pmf) * signal), 1.0))


def _check_uncertainty(background: float, background_uncertainty: float) -> None:
    if not (
        isinstance(background_uncertainty, int | float)
        and not isinstance(background_uncertainty, bool)
        and math.isfinite(background_uncertainty)
        and background_uncertainty >= 0.0
    ):
        raise InputError(f"background_uncertainty must be a finite number >= 0 (events), "
                         f"got {background_uncertainty!r}")
    if background_uncertainty > 0.0 and background == 0.0:
        raise InputError("background_uncertainty > 0 needs background > 0 (the Gamma prior "
                         "of the background has mean background)")


def median_background_count(background: float) -> int:
    """Median of Pois(b): the smallest n with P(N ≤ n | b) ≥ 1/2.

    >>> median_background_count(0.0), median_background_count(0.7), median_background_count(3.0)
    (0, 1, 3)
    """
    _check_background(background)
    n = 0
    while poisson_cdf(n, background) < 0.5:
        n += 1
    return n


def _check_background(background: float) -> None:
    if not (
        isinstance(background, int | float)
        and not isinstance(background, bool)
        and math.isfinite(background)
        and background >= 0.0
    ):
        raise InputError(f"background must be a finite number >= 0, got {background!r}")


def upper_limit(
    background: float = 0.0,
    cl: float = 0.95,
    method: str = "poisson",
    observed: int | None = None,
    background_uncertainty: float = 0.0,
) -> float:
    """Upper limit s_up on the signal mean (events) at confidence level ``cl``.

    Parameters
    ----------
    background
        Expected background events b ≥ 0.
    cl
        Confidence level, 0 < cl < 1 (the paper uses 0.95).
    method
        ``"poisson"`` (classical) or ``"cls"``; see the module docstring.
    observed
        Observed events n ≥ 0. ``None`` gives the projected limit with n = median of
        Pois(b) (n = 0 for b = 0).
    background_uncertainty
        Absolute uncertainty σ_b ≥ 0 of the background (events), marginalised with a
        Gamma prior (Cousins–Highland; module docstring). σ_b > 0 needs b > 0.

    Returns
    -------
    float
        s_up ≥ 0. With N(ε) = ε² N(ε=1) the coupling limit is ε = √(s_up / N(ε=1))
        (:func:`millicharge.experiments.yields.epsilon_limit`).

    >>> round(upper_limit(cl=0.9), 4)   # −ln 0.1
    2.3026
    """
    _check_background(background)
    if not (isinstance(cl, int | float) and not isinstance(cl, bool) and 0.0 < cl < 1.0):
        raise InputError(f"cl must be a number in (0, 1), got {cl!r}")
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    _check_uncertainty(background, background_uncertainty)
    if observed is None:
        n = median_background_count(background)
    else:
        if isinstance(observed, bool) or not (
            isinstance(observed, int) or (isinstance(observed, float) and observed.is_integer())
        ) or observed < 0:
            raise InputError(f"observed must be an integer >= 0, got {observed!r}")
        n = int(observed)
    alpha = 1.0 - cl
    if background_uncertainty > 0.0:
        return _marginalised_limit(n, background, background_uncertainty, alpha, method)
    mu_up = float(gammainccinv(n + 1, alpha))  # P(N <= n | mu_up) = alpha
    if method == "poisson":
        return max(mu_up - background, 0.0)
    # CLs: P(N<=n|s+b) = alpha * P(N<=n|b). CLs(s) falls monotonically from 1 at s = 0.
    target = alpha * poisson_cdf(n, background)

    def f(s: float) -> float:
        return poisson_cdf(n, s + background) - target

    hi = max(mu_up, 1.0)
    while f(hi) > 0.0:
        hi *= 2.0
    return float(brentq(f, 0.0, hi, xtol=1e-12, rtol=1e-12))


def _marginalised_limit(n: int, background: float, sigma_b: float, alpha: float,
                        method: str) -> float:
    """s_up with the background marginalised over its Gamma prior (module docstring)."""
    target = alpha if method == "poisson" else alpha * marginal_cdf(n, 0.0, background,
                                                                     sigma_b)

    def f(s: float) -> float:
        return marginal_cdf(n, s, background, sigma_b) - target

    if f(0.0) <= 0.0:
        return 0.0  # classical limit below zero (n far below b): clipped, as without σ_b
    hi = max(float(gammainccinv(n + 1, alpha)), 1.0)
    while f(hi) > 0.0:
        hi *= 2.0
    return float(brentq(f, 0.0, hi, xtol=1e-12, rtol=1e-12))
