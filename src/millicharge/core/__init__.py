"""Basics every layer may use: units, constants, errors, input checks, atomic file
writing, citations and the result objects (:class:`~millicharge.core.results.CrossSection`, …).

Nothing here imports another part of the package."""
