r"""Electron and positron beams in a thick target: the shower's e± track length.

An electron entering a target of L radiation lengths does not keep its energy E₀ over the
whole depth (paper Eq. 4 assumes that): it radiates, and the photons convert into e± pairs
that radiate again. A bremsstrahlung-like signal can be emitted by every e± of the shower,
so the yield of a thick target is

.. math::

    N = N_\mathrm{EOT}\,\frac{\rho N_A}{A}\,X_0\int dE\;\frac{dT}{dE}(E;E_0,L)\;
        \sigma\big(E;\ x_\mathrm{min}E_0/E \le x \le \min(1, x_\mathrm{max}E_0/E)\big),

with dT/dE the differential track length (in X₀ per GeV) of e± of energy E and X₀ in cm.
The cut stays on the missing energy relative to the *nominal* beam energy,
E_miss ≥ x_min·E₀, so an e± of degraded energy E needs a local x ≥ x_min·E₀/E and only
E > x_min·E₀ contributes. For a thin target dT/dE → L·δ(E − E₀) and this is Eq. 4.

Transport model: Approximation A of cascade theory
--------------------------------------------------
Rossi & Greisen, Rev. Mod. Phys. 13 (1941) 240; Rossi, *High-Energy Particles* (1952),
Ch. 5: bremsstrahlung and pair production with their asymptotic complete-screening
cross sections, no ionisation loss, no Compton scattering. Per radiation length X₀ (PDG's,
the project's X₀), an e± of energy E radiates a photon of energy yE with probability

.. math::

    \varphi(y)\,dy = \frac{c\,(1-y) + y^2}{y}\,dy, \qquad c = \tfrac43 + 2\beta,

(Tsai, Rev. Mod. Phys. 46 (1974) 815, Eq. 3.83, complete screening; β = 0 is the form
quoted by PDG, "Passage of particles through matter", which neglects the small last term),
and a photon of energy k converts into e⁻ (energy xk) e⁺ ((1 − x)k) with probability

.. math::

    \psi(x)\,dx = \big[1 - c\,x(1-x)\big]\,dx, \qquad
    \sigma_0 = \int_0^1\psi\,dx = \tfrac79 - \tfrac{\beta}{3}

(Bethe–Heitler, complete screening; Rossi's ψ₀ with his b ↔ β). β carries the term
(1/9)(1 − y)(Z² + Z) of Tsai's Eq. 3.83 relative to the X₀ normalisation:
2β = (Z² + Z) / {9 [Z²(L_rad − f(Z)) + Z L'_rad]} (:meth:`Cascade.for_element`; Pb:
β = 0.0162). Rossi's own tables use c = 1.36, σ₀ = 0.773 (β = 0.0133).

Why Approximation A: only e± above x_min·E₀ matter (50 GeV for NA64e). Ionisation
(≈ ε_c ≈ 7 MeV per X₀ in Pb) shifts their energy by ~10⁻⁴ per X₀, far below everything
else here, so Approximation B (constant ionisation loss) would change nothing. Complete
screening holds for these energies (screening parameter ~10⁻⁴). Neglected: the LPM
suppression of soft photons (y ≲ E/E_LPM, E_LPM ≈ 4.3 TeV in Pb), bounded in
``benchmarks/shower_na64e.py``; Compton scattering and photo-nuclear reactions (irrelevant
above tens of GeV).

Solution (all generations, no truncation)
-----------------------------------------
With u = ln(E₀/E) the cascade equations are translation invariant in u, so their Laplace
transforms in u (Mellin transforms in E, Rossi's method) are ordinary linear ODEs in depth.
For f̃(s) = ∫ e^{−su} f(u) du and three species — the primary (p), the secondary e± (e) and
the photons (γ) — they read d/dt (p̃, ẽ, γ̃) = M(s)(p̃, ẽ, γ̃) with

.. math::

    M(s) = \begin{pmatrix} -A & 0 & 0\\ 0 & -A & C\\ B & B & -\sigma_0\end{pmatrix},\quad
    \begin{aligned}
    A(s) &= \int_0^1\varphi(y)\,[1-(1-y)^s]\,dy
          = c\,[\psi(s+1) + \gamma_E - \tfrac{s}{s+1}] + \tfrac12 - \tfrac{1}{(s+1)(s+2)},\\
    B(s) &= \int_0^1\varphi(y)\,y^s\,dy = \tfrac{c}{s} - \tfrac{c}{s+1} + \tfrac{1}{s+2},\qquad
    C(s) = 2\!\int_0^1\psi(x)\,x^s\,dx = \tfrac{2}{s+1} - \tfrac{2c}{(s+2)(s+3)},
    \end{aligned}

(Rossi's A, B, C). The track lengths over the depth [0, L] are
T̃(s) = ∫₀ᴸ exp(tM) dt · (1, 0, 0)ᵀ, computed as a block matrix exponential. The primary
alone: T̃_p = (1 − e^{−LA})/A. Energy conservation is λ = 0 at s = 1 (A(1) = 1 + β,
B(1) = 1 + β). The transforms are inverted numerically with the fixed Talbot contour
(Abate & Valkó, Int. J. Numer. Meth. Eng. 60 (2004) 979), checked to 10⁻¹² against closed
forms.

The fold
--------
The primary's track length density behaves like 1/(u ln²u) at u → 0 (the delta at E₀ of a
thin target, smeared); it is never sampled. :func:`shower_rule` gives nodes E_i and weights
W_i (in X₀) with Σ W_i σ(E_i) ≈ ∫ dE (dT/dE) σ: σ is interpolated by a polynomial in
ζ at n + 1 Chebyshev–Lobatto nodes, with u = U[1 − (1 − ζ)²], U = ln(1/x_min) (the square
clusters nodes at E → x_min·E₀, where σ(E; x ≥ x_min E₀/E) closes like a logarithm for
heavy A'); the weights are W_i = ∫ T(u) ℓ_i(ζ(u)) du, computed by parts from the cumulative
track length F(u) = ∫₀ᵘ T, which is continuous. Node 0 is E₀ with the nominal window (the
thin-target σ), node n is E = x_min E₀ where the window is empty (σ = 0), so n + 1 nodes cost
n − 1 new cross sections. The nested n/2 rule gives the error estimate |Q_n − Q_{n/2}|
at no extra cost (it bounds the error of the coarser rule, so it is conservative).

    >>> rule = shower_rule(0.5, 1e-6)                  # thin: all weight at E0
    >>> round(float(rule.weights[0]) / 1e-6, 4), float(rule.fraction[0])
    (1.0, 1.0)
    >>> round(float(track_length_cdf(0.5, 40.0, component="primary")), 4)
    0.8335
"""

from __future__ import annotations

from millicharge.transport.cascade import (
    COMPONENTS,
    FRACTION_MIN,
    THICKNESS_MAX,
    Cascade,
    tsai_primary_density,
)
from millicharge.transport.fold import (
    ShowerFold,
    ShowerRule,
    effective_thickness,
    local_window,
    shower_rule,
)
from millicharge.transport.track_length import (
    track_length_cdf,
    track_length_spectrum,
    track_length_transform,
)

__all__ = [
    "COMPONENTS",
    "FRACTION_MIN",
    "THICKNESS_MAX",
    "Cascade",
    "ShowerFold",
    "ShowerRule",
    "effective_thickness",
    "local_window",
    "shower_rule",
    "track_length_cdf",
    "track_length_spectrum",
    "track_length_transform",
    "tsai_primary_density",
]
