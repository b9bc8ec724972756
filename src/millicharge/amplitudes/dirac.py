r"""Dirac algebra on arrays of four-momenta: γ matrices, slashes and helicity spinors.

Conventions (Peskin & Schroeder, Sec. 3.3): metric (+, −, −, −), Weyl (chiral) basis

.. math::

    \gamma^0 = \begin{pmatrix} 0 & 1 \\ 1 & 0 \end{pmatrix},\quad
    \gamma^i = \begin{pmatrix} 0 & \sigma^i \\ -\sigma^i & 0 \end{pmatrix},\qquad
    u(p, \lambda) = \begin{pmatrix} \sqrt{E - \lambda |\vec p|}\,\xi_\lambda \\
                                   \sqrt{E + \lambda |\vec p|}\,\xi_\lambda \end{pmatrix},

with ξ_λ the two-component helicity eigenstates (σ·p̂ ξ_λ = λ ξ_λ). A four-vector is an
array whose last axis is (E, p_x, p_y, p_z). ``√(E − |p|)`` is evaluated as
``m/√(E + |p|)`` so ultra-relativistic spinors keep full precision.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from millicharge.kinematics.lorentz import METRIC, lower

__all__ = ["GAMMA", "METRIC", "minkowski", "slash", "u_spinor", "ubar_spinor"]

_I2 = np.eye(2, dtype=complex)
_Z2 = np.zeros((2, 2), dtype=complex)
_SIGMA = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)

GAMMA: NDArray[np.complex128] = np.array(
    [np.block([[_Z2, _I2], [_I2, _Z2]])]
    + [np.block([[_Z2, s], [-s, _Z2]]) for s in _SIGMA]
)
"""γ^μ, shape (4, 4, 4): index μ first, then the spinor row and column."""

def minkowski(a: NDArray, b: NDArray) -> NDArray:
    """a·b = a⁰b⁰ − a⃗·b⃗ over the last axis (complex allowed, no conjugation)."""
    return a[..., 0] * b[..., 0] - a[..., 1] * b[..., 1] - a[..., 2] * b[..., 2] - a[..., 3] * b[
        ..., 3
    ]


def slash(p: NDArray) -> NDArray[np.complex128]:
    """p̸ = γ^μ p_μ for an array of four-vectors, shape (..., 4, 4)."""
    return np.einsum("...m,mab->...ab", lower(p).astype(complex), GAMMA)


def _helicity_states(p3: NDArray) -> NDArray[np.complex128]:
    """ξ_±(p̂), shape (..., 2, 2): [helicity (+, −), component]. Stable near ±z."""
    px, py, pz = p3[..., 0], p3[..., 1], p3[..., 2]
    pt2 = px * px + py * py
    pabs = np.sqrt(pt2 + pz * pz)
    # 1 ∓ cos θ without cancellation: (|p| − p_z) = p_T² / (|p| + p_z) when p_z > 0.
    with np.errstate(invalid="ignore", divide="ignore"):
        one_minus = np.where(pz >= 0, pt2 / (pabs + np.abs(pz)), pabs - pz)
        one_plus = np.where(pz >= 0, pabs + pz, pt2 / (pabs + np.abs(pz)))
        cos_half = np.sqrt(one_plus / (2 * pabs))
        sin_half = np.sqrt(one_minus / (2 * pabs))
        pt = np.sqrt(pt2)
        phase = np.where(pt > 0, (px + 1j * py) / np.where(pt > 0, pt, 1.0), 1.0 + 0j)
    xi = np.empty((*px.shape, 2, 2), dtype=complex)
    xi[..., 0, 0] = cos_half
    xi[..., 0, 1] = phase * sin_half
    xi[..., 1, 0] = -np.conj(phase) * sin_half
    xi[..., 1, 1] = cos_half
    return xi


def u_spinor(p: NDArray, mass: NDArray | float) -> NDArray[np.complex128]:
    """Dirac spinors u(p, λ) for λ = +, −; shape (..., 2, 4) [helicity, spinor].

    Normalised to ū u = 2m (Peskin & Schroeder Eq. 3.49).

    >>> p = np.array([5.0, 0.3, -0.4, 4.0]); m = np.sqrt(5.0**2 - 0.25 - 16.0)
    >>> u = u_spinor(p, m)
    >>> bool(np.allclose(np.einsum('ha,ab,hb->h', u.conj(), GAMMA[0], u), 2 * m))
    True
    """
    energy = p[..., 0]
    pabs = np.sqrt(p[..., 1] ** 2 + p[..., 2] ** 2 + p[..., 3] ** 2)
    root_plus = np.sqrt(energy + pabs)
    root_minus = np.asarray(mass) / root_plus  # √(E − |p|) = m / √(E + |p|)
    xi = _helicity_states(p[..., 1:])
    u = np.empty((*energy.shape, 2, 4), dtype=complex)
    # helicity + : upper √(E − |p|) ξ₊, lower √(E + |p|) ξ₊; helicity − swaps the roots.
    u[..., 0, :2] = root_minus[..., None] * xi[..., 0, :]
    u[..., 0, 2:] = root_plus[..., None] * xi[..., 0, :]
    u[..., 1, :2] = root_plus[..., None] * xi[..., 1, :]
    u[..., 1, 2:] = root_minus[..., None] * xi[..., 1, :]
    return u


def ubar_spinor(p: NDArray, mass: NDArray | float) -> NDArray[np.complex128]:
    """ū(p, λ) = u† γ⁰, shape (..., 2, 4)."""
    u = u_spinor(p, mass)
    return np.einsum("...ha,ab->...hb", u.conj(), GAMMA[0])
