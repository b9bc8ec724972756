r"""Exact spin-summed |M|² for l(p) N(P) → l(p') N(P') V(k), V a vector of mass² s.

The two tree amplitudes of the paper's Fig. 1 in which V is radiated from the lepton
line, with the nucleus vertex i e Z F(t) Ū γ_μ U (paper Eq. 9):

.. math::

    \mathcal M = \frac{e^3 Z F(t)}{t}\,\varepsilon^*_\alpha(k)\,J^{\alpha\mu}\,
                 \bar U(P')\gamma_\mu U(P),\qquad
    J^{\alpha\mu} = \bar u(p')\Big[\gamma^\alpha\frac{\not p' + \not k + m}{D_1}\gamma^\mu
                  + \gamma^\mu\frac{\not p - \not k + m}{D_2}\gamma^\alpha\Big]u(p),

D₁ = 2p'·k + s, D₂ = s − 2p·k, t = −(P − P')². The lepton tensor is evaluated as
numerical helicity amplitudes (:mod:`millicharge.amplitudes.dirac`), vectorised over events; the
nucleus is summed analytically, H_μν = Tr[(P̸'+M)γ_μ(P̸+M)γ_ν] → 4(2P_μP_ν − ½ t g_μν)
(the q_μ terms drop because q_μ J^{αμ} = 0). No Weizsäcker–Williams or collinear
approximation is made anywhere.

The polarisation sum over V uses −g_αβ (the k_αk_β/s term vanishes since
k_α J^{αμ} = 0). In the fast path it is written with the Ward identity as
|J_⊥|² + (s/E_k²)|J_∥|² (∥ = along k⃗), which is the same number without the
cancellation between |J⁰|² and |J_∥|² for a boosted light vector.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from millicharge.amplitudes.dirac import GAMMA, slash, u_spinor, ubar_spinor
from millicharge.kinematics.lorentz import METRIC, METRIC_DIAG, lower, stable_dot
from millicharge.kinematics.process import transverse_basis

__all__ = [
    "contract_general",
    "lepton_current",
    "minus_g_polarisation",
    "physical_polarisations",
    "reduced_contraction",
    "stable_dot",
]
# stable_dot lives in millicharge.kinematics.lorentz (the phase space needs it too); it is
# re-exported here for the callers that import it from the matrix elements.


def lepton_current(
    p: NDArray, pp: NDArray, k: NDArray, lepton_mass: float, s: NDArray
) -> NDArray[np.complex128]:
    """J^{αμ} for every helicity pair: shape (N, 2 [λ], 2 [λ'], 4 [α], 4 [μ]).

    ``p``/``pp`` are the incoming/outgoing lepton, ``k`` the vector (k² = s); the index α
    contracts with the vector's polarisation, μ with the exchanged photon.
    """
    m = lepton_mass
    d1 = 2.0 * stable_dot(pp, m, k, np.sqrt(s)) + s  # (p' + k)² − m²
    d2 = s - 2.0 * stable_dot(p, m, k, np.sqrt(s))  # (p − k)² − m²
    eye = np.eye(4)
    s1 = (slash(pp + k) + m * eye) / d1[:, None, None]
    s2 = (slash(p - k) + m * eye) / d2[:, None, None]
    u = u_spinor(p, m)  # (N, 2, 4)
    ubar = ubar_spinor(pp, m)  # (N, 2, 4)
    gu = np.einsum("mab,nhb->nhma", GAMMA, u)  # γ^μ u
    row = np.einsum("nha,mab->nhmb", ubar, GAMMA)  # ū' γ^α
    s1gu = np.einsum("nab,nhmb->nhma", s1, gu)
    s2gu = np.einsum("nab,nhmb->nhma", s2, gu)
    term1 = np.einsum("ngab,nhmb->nhgam", row, s1gu)  # ū'γ^α S₁ γ^μ u
    term2 = np.einsum("ngmb,nhab->nhgam", row, s2gu)  # ū'γ^μ S₂ γ^α u
    return term1 + term2


def reduced_contraction(
    current: NDArray[np.complex128], k: NDArray, s: NDArray, nucleus: NDArray, t: NDArray
) -> NDArray[np.float64]:
    """Σ_hel (−g_αβ) J^{αμ} J^{βν*} H_μν / 4(…) with the Ward-reduced V polarisation sum.

    Returns C = Σ_{λλ'} Σ_a [8 |P·j_a|² − 2t j_a·j_a*], a ∈ {⊥₁, ⊥₂, ∥}, where
    j_⊥ = ê_⊥·J⃗ and j_∥ = (√s/E_k) k̂·J⃗: the −g sum and H_μν = 4(2P_μP_ν − ½t g_μν).
    """
    e1, e2, khat = transverse_basis(k[:, 1:])
    scale = np.sqrt(s) / k[:, 0]
    basis = np.stack([e1, e2, khat * scale[:, None]], axis=1)  # (N, 3, 3)
    j = np.einsum("nai,nhgim->nhgam", basis, current[:, :, :, 1:, :])  # (N,2,2,3,4)
    plow = lower(nucleus)
    pj = np.einsum("nhgam,nm->nhga", j, plow)
    jj = np.einsum("nhgam,nhgam,m->nhga", j, j.conj(), METRIC_DIAG).real
    return np.sum(8.0 * np.abs(pj) ** 2 - 2.0 * t[:, None, None, None] * jj, axis=(1, 2, 3))


def contract_general(
    current: NDArray[np.complex128], vector_tensor: NDArray, nucleus: NDArray, t: NDArray
) -> NDArray[np.float64]:
    """Σ_hel W_αβ J^{αμ} J^{βν*} H_μν / 4 for any lower-index tensor W_αβ (N, 4, 4).

    Frame independent and free of the Ward-identity rewriting; used to validate
    :func:`reduced_contraction` (−g against physical polarisations, boosts) and for the
    direct 2 → 4 integration, where W is the χχ̄ current tensor.
    """
    plow = lower(nucleus)
    pj = np.einsum("nhgam,nm->nhga", current, plow)  # J^{αμ} P_μ
    x_pp = 8.0 * np.einsum("nhga,nhgb->nab", pj, pj.conj())
    x_gg = np.einsum("nhgam,nhgbm,m->nab", current, current.conj(), METRIC_DIAG)
    x = x_pp - 2.0 * t[:, None, None] * x_gg
    return np.einsum("nab,nab->n", vector_tensor, x).real


def minus_g_polarisation(n: int) -> NDArray[np.float64]:
    """W_αβ = −g_αβ for ``n`` events."""
    return np.broadcast_to(-METRIC, (n, 4, 4))


def physical_polarisations(k: NDArray, s: NDArray) -> NDArray[np.complex128]:
    """Σ_λ ε_α(k, λ) ε*_β(k, λ) over the three physical polarisations (lower indices)."""
    e1, e2, khat = transverse_basis(k[:, 1:])
    kabs = np.sqrt(np.sum(k[:, 1:] ** 2, axis=-1))
    msq = np.sqrt(s)
    eps = np.zeros((len(k), 3, 4))
    eps[:, 0, 1:] = e1
    eps[:, 1, 1:] = e2
    eps[:, 2, 0] = kabs / msq
    eps[:, 2, 1:] = khat * (k[:, 0] / msq)[:, None]
    low = lower(eps)
    return np.einsum("nla,nlb->nab", low, low).astype(complex)


def check_current_conservation(current: NDArray, k: NDArray, q: NDArray) -> tuple:
    """(k_α J^{αμ}, q_μ J^{αμ}): both vanish for on-shell spinors (gauge invariance)."""
    klow, qlow = lower(k), lower(q)
    return (
        np.einsum("nhgam,na->nhgm", current, klow),
        np.einsum("nhgam,nm->nhga", current, qlow),
    )

