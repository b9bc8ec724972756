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

    >>> round(upper_limit(), 4)              # b = 0, 95 % CL: −ln 0.05 (paper: ≈ 3)
    2.9957
    >>> round(upper_limit(observed=1), 3)    # classical, n = 1, b = 0
    4.744
    >>> round(upper_limit(background=2.0, method="cls", observed=0), 4)
    2.9957
"""

from __future__ import annotations

import math

from scipy.optimize import brentq
from scipy.special import gammaincc, gammainccinv

from .errors import InputError

__all__ = ["METHODS", "median_background_count", "poisson_cdf", "upper_limit"]

METHODS = ("poisson", "cls")


def poisson_cdf(n: int, mu: float) -> float:
    """P(N ≤ n | μ) for a Poisson mean μ ≥ 0, as Q(n + 1, μ) (continuous in μ).

    >>> round(poisson_cdf(0, 1.0), 6) == round(math.exp(-1.0), 6)
    True
    """
    if mu == 0.0:
        return 1.0
    return float(gammaincc(n + 1, mu))


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

    Returns
    -------
    float
        s_up ≥ 0. With N(ε) = ε² N(ε=1) the coupling limit is ε = √(s_up / N(ε=1))
        (SPEC §6; :func:`millicharge.yields.epsilon_limit`).

    >>> round(upper_limit(cl=0.9), 4)   # −ln 0.1
    2.3026
    """
    _check_background(background)
    if not (isinstance(cl, int | float) and not isinstance(cl, bool) and 0.0 < cl < 1.0):
        raise InputError(f"cl must be a number in (0, 1), got {cl!r}")
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if observed is None:
        n = median_background_count(background)
    else:
        if isinstance(observed, bool) or not (
            isinstance(observed, int) or (isinstance(observed, float) and observed.is_integer())
        ) or observed < 0:
            raise InputError(f"observed must be an integer >= 0, got {observed!r}")
        n = int(observed)
    alpha = 1.0 - cl
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
