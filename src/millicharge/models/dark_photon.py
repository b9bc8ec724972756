r"""An invisible dark photon: l N → l N A', A' on shell with kinetic mixing ε.

The A' couples to the lepton like a photon with charge εe (Bjorken, Essig, Schuster,
Toro, PRD 80 (2009) 075018), so the 2 → 3 cross section is the vector one of
:mod:`millicharge.amplitudes.matrix_elements` at m_V = m_A' times ε², and the A' leaves
the detector unseen (the missing-energy signature of the paper, arXiv:2505.04295).
Its invariant mass is fixed, s = m_A'²: no spectral factor, no integral over s.

    >>> MODEL.threshold(0.1), MODEL.integration_variables
    (0.1, ('rho', 't', 'phi'))
"""

from __future__ import annotations

from millicharge.models.base import LheParticle, Model

__all__ = ["DARK_PHOTON_PDG", "MODEL", "DarkPhoton"]

DARK_PHOTON_PDG = 9000005
"""Code of an on-shell invisible dark photon A' in event files (outside the PDG table)."""


class DarkPhoton(Model):
    """The on-shell invisible dark photon A'."""

    name = "dark-photon"
    order = 1
    title = "invisible dark photon"
    mass_label = r"$m_{A'}$"
    mass_text = "m_A'"
    coupling_label = r"$\epsilon$"
    coupling_text = "epsilon = kinetic mixing"
    threshold_name = "dark-photon threshold m_A'"
    integrates_mass = False
    lhe_particles = (LheParticle(DARK_PHOTON_PDG, 1, "vector", "model", name="A'"),)

    def threshold(self, mass: float) -> float:
        """m_A': the A' is produced on shell."""
        return mass


MODEL = DarkPhoton()
