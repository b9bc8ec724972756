"""Checks of user input shared by the public functions.

Each check raises :class:`~millicharge.core.errors.InputError` with one line that names the
argument, says what is allowed and shows what was given (shortened to one line). A real
number is an ``int``, ``float`` or NumPy integer/float; ``True``/``False`` (not 1 and 0
GeV), strings and complex numbers are refused, and so are NaN and ±inf.

    >>> real("energy", 8)
    8.0
    >>> real("energy", True)
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: energy must be a real number, got True
    >>> seed(None), seed(3)
    (None, 3)
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray

from millicharge.core.errors import InputError

__all__ = [
    "ENERGY_MAX_GEV",
    "ENERGY_MIN_GEV",
    "EPSILON_RANGE",
    "MASS_MIN_GEV",
    "flag",
    "is_real",
    "real",
    "real_array",
    "seed",
    "show",
]

ENERGY_MAX_GEV = 1e5
"""Largest beam energy accepted (100 TeV): far above any fixed-target beam. Energies are
plain numbers of GeV; a :mod:`hepunits` quantity (base unit MeV) must be divided by ``GeV``
(``energy=160 * GeV / GeV``): ``160 * GeV`` alone means 160 TeV and is refused here."""

ENERGY_MIN_GEV = 0.01
"""Smallest beam energy accepted (10 MeV, and above the lepton mass): an energy in MeV
typed as GeV (``160 * MeV`` from :mod:`hepunits` is the number 160) cannot be detected,
but a sub-10 MeV "beam" is always a unit slip."""

MASS_MIN_GEV = 1e-9
"""Smallest χ (or A') mass accepted, 1 eV: σ only grows like ln(1/m) below the lepton mass,
and the pair-mass maps lose precision far below it."""

EPSILON_RANGE = (1e-30, 1e3)
"""Accepted ε: σ ∝ ε² is applied after integrating at ε = 1, and inside this range
ε²·σ can neither overflow nor underflow for any cross section the package computes."""


def show(value: Any, limit: int = 60) -> str:
    """``repr(value)`` on one line, shortened to about ``limit`` characters.

    >>> show("a\\nb")
    "'a\\\\nb'"
    >>> show(list(range(100)))[-3:]
    '...'
    """
    if isinstance(value, np.ndarray) and value.size <= 1000:
        value = value.tolist()
    try:
        text = " ".join(repr(value).split())
    except Exception:  # a broken __repr__ must not hide the real message
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_real(value: Any) -> bool:
    """True for int, float and NumPy integer/float scalars; False for bool and the rest."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def real(name: str, value: Any, what: str = "a real number") -> float:
    """``value`` as a finite float.

    InputError ``"<name> must be <what>, got …"`` for anything that is not a real number
    and ``"<name> must be finite, got …"`` for NaN and ±inf; callers check the range.
    """
    if not is_real(value):
        raise InputError(f"{name} must be {what}, got {show(value)}")
    try:
        out = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be {what}, got {show(value)}") from None
    if not math.isfinite(out):
        raise InputError(f"{name} must be finite, got {show(value)}")
    return out


def seed(value: Any, name: str = "seed") -> int | None:
    """None, or a non-negative integer (NumPy integers too; not bool, 1.5 or "3").

    >>> seed(-1)
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: seed must be None or an integer ≥ 0, got -1
    """
    if value is None:
        return None
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral) \
            or value < 0:
        raise InputError(f"{name} must be None or an integer ≥ 0, got {show(value)}")
    return int(value)


def flag(name: str, value: Any) -> bool:
    """``value`` if it is True or False (NumPy bools too), else InputError."""
    if not isinstance(value, bool | np.bool_):
        raise InputError(f"{name} must be True or False, got {show(value)}")
    return bool(value)


def real_array(name: str, values: Any, rule: str = "real numbers") -> NDArray[np.float64]:
    """A flat, non-empty float array of finite reals from a number, list or array.

    Strings, bools, None, dicts, nested or ragged lists and complex numbers are refused
    with one line (never a NumPy message).

    >>> real_array("x", [0.1, 0.5]).tolist()
    [0.1, 0.5]
    >>> real_array("x", "0.5")
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: x must be real numbers, got '0.5'
    """
    bad = InputError(f"{name} must be {rule}, got {show(values)}")
    if values is None or isinstance(values, str | bytes | dict | set | frozenset):
        raise bad
    if is_real(values):
        values = [values]
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError, OverflowError):
        raise bad from None
    if arr.ndim != 1 or arr.size == 0:
        if arr.size == 0:
            raise InputError(f"{name} is empty: give at least one value ({rule})")
        raise bad
    if arr.dtype.kind == "O":
        if not all(is_real(v) for v in arr):
            raise bad
    elif arr.dtype.kind not in "iuf":
        raise bad
    try:
        out = arr.astype(float)
    except (TypeError, ValueError, OverflowError):
        raise bad from None
    if not np.all(np.isfinite(out)):
        raise bad
    return out
