"""Squared matrix elements: the leptonic tensor of l N → l N γ* (traces of Dirac
matrices) contracted with the hadronic tensor of the nucleus."""
