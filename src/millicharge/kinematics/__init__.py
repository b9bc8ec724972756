"""Kinematics of l N → l N γ*: the process (beam, target, masses, thresholds, the
missing-energy window) and the 2 → 4 phase space that the exact integrand samples."""
