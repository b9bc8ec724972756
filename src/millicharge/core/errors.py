"""Exceptions raised for bad user input.

Every message is one line that says what was wrong and what is allowed; the CLI prints
it without a traceback.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Invalid physics or configuration input (mass, energy, x range, material, ...)."""
