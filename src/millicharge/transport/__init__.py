"""Transport of the beam through the target: the electromagnetic shower of an
electron beam (Rossi's Approximation A) that thick targets fold σ(E) with."""
