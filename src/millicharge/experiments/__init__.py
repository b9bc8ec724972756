"""Experiments: their configuration (TOML files), the signal yields from
bremsstrahlung-like production over the target depth and from vector-meson decays."""
