"""The target: materials (Z, A, X₀, density) and the atomic form factors of the
paper's Eq. 10 (and the inelastic term)."""
