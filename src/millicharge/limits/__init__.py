"""Limits: the counting statistics (Poisson, CLs), the reach in ε of an experiment
and the existing limits drawn beside it."""
