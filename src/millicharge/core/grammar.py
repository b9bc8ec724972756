"""The one mass grammar, shared by the API, the command line, grids and experiment scans.

A mass specification (GeV) is any of

* a number: ``0.1``;
* a string: a number (``"0.1"``), a log-spaced range ``"start:stop:n"`` (``n`` points from
  ``start`` to ``stop``, both included, ``numpy.geomspace``), or a comma list of either
  (``"0.01,0.1"``, ``"0.01:0.1:3,1"``; empty pieces are skipped);
* a sequence (list, tuple, 1-d array) of these: the values add up in order.

Every mass must be finite and at least :data:`~millicharge.core.validation.MASS_MIN_GEV`.
The caller gives the most masses allowed (``limit``); a range is counted before it is
allocated, so a slip such as ``0.01:1:1000000000`` fails at once.

    >>> read_masses(["0.01:1:3", "2,3"], limit=10).tolist()
    [0.01, 0.1, 1.0, 2.0, 3.0]
    >>> read_masses("0.01:1:1000000000", limit=100_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: the mass list '0.01:1:1000000000' has 1000000000 points...

Messages are one line. ``option`` names where the value came from: with ``option="--mass"``
they read ``bad --mass value '…': …``; without, ``cannot read masses '…': …`` for what
cannot be read and ``masses must be …, got …`` for a mass out of range.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from millicharge.core.errors import InputError
from millicharge.core.validation import MASS_MIN_GEV, is_real, show

__all__ = ["MASS_FORMS", "MASS_RULE", "check_count", "read_masses"]

MASS_RULE = f"positive numbers in GeV, each ≥ {MASS_MIN_GEV:g}"
"""What every mass must be (the rule quoted by the messages)."""

MASS_FORMS = "use start:stop:n (GeV, log-spaced), a number, a comma list or a list of these"
"""The forms a mass specification may take (the hint of the messages)."""

_RANGE_RULE = "start:stop:n needs 0 < start < stop and n ≥ 1"


def check_count(n: int, limit: int, what: str, hint: str = "") -> None:
    """InputError ``"<what> has <n> points, more than the limit of <limit><hint>"`` when
    ``n > limit``; call it before allocating the ``n`` points.

    >>> check_count(3, 2, "the grid", ": raise it")
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: the grid has 3 points, more than the limit of 2: raise it
    """
    if n > limit:
        raise InputError(f"{what} has {n} points, more than the limit of {limit}{hint}")


class _Reader:
    """Accumulates the masses of one specification (the state of :func:`read_masses`)."""

    def __init__(self, spec: Any, limit: int, option: str | None, hint: str) -> None:
        self.spec, self.limit, self.option, self.hint = spec, limit, option, hint
        self.parts: list[NDArray[np.float64]] = []
        self.count = 0

    # --- messages
    def unreadable(self, given: Any, reason: str) -> InputError:
        if self.option:
            return InputError(f"bad {self.option} value {show(given)}: {reason}")
        return InputError(f"cannot read masses {show(given)}: {reason}")

    def out_of_range(self, given: Any) -> InputError:
        if self.option:
            return InputError(f"bad {self.option} value {show(given)}: masses must be "
                              f"{MASS_RULE}")
        return InputError(f"masses must be {MASS_RULE}, got {show(given)}")

    # --- pieces
    def add(self, values: NDArray[np.float64], given: Any) -> None:
        if not (np.all(np.isfinite(values)) and np.all(values >= MASS_MIN_GEV)):
            raise self.out_of_range(given)
        self.parts.append(values)

    def reserve(self, n: int, span: str | None = None) -> None:
        """Count ``n`` more masses (before allocating them); a range names itself."""
        self.count += n
        check_count(self.count, self.limit, f"the mass list {show(span or self.spec)}",
                    self.hint)

    def number(self, value: Any) -> None:
        self.reserve(1)
        self.add(np.array([float(value)]), value)

    def text(self, text: str) -> None:
        for piece in (p.strip() for p in text.split(",")):
            if not piece:
                continue
            if ":" in piece:
                self.span(piece)
                continue
            try:
                value = float(piece)
            except ValueError:
                raise self.unreadable(piece, MASS_FORMS) from None
            self.reserve(1)
            self.add(np.array([value]), piece)

    def span(self, piece: str) -> None:
        """``start:stop:n``, counted before :func:`numpy.geomspace` allocates it."""
        fields = piece.split(":")
        if len(fields) != 3:
            raise self.unreadable(piece, MASS_FORMS)
        ends = []
        for word in fields[:2]:
            try:
                ends.append(float(word))
            except ValueError:
                raise self.unreadable(word.strip(), f"start and stop of {piece!r} must be "
                                      "numbers (GeV)") from None
        try:
            n = int(fields[2])
        except ValueError:
            raise self.unreadable(piece, "n in start:stop:n must be an integer") from None
        lo, hi = ends
        if not all(map(math.isfinite, ends)):
            raise self.out_of_range(piece)
        if not (0 < lo < hi and n >= 1):
            raise self.unreadable(piece, _RANGE_RULE)
        if lo < MASS_MIN_GEV:
            raise self.out_of_range(piece)
        self.reserve(n, piece)
        self.add(np.geomspace(lo, hi, n), piece)

    def array(self, arr: NDArray[Any], given: Any) -> None:
        """A numeric array, checked as a whole (no loop in Python)."""
        if arr.ndim != 1:
            raise self.unreadable(given, MASS_FORMS)
        self.reserve(arr.size)
        self.add(arr.astype(float), given)

    def item(self, value: Any, top: bool) -> None:
        """One value: a number, a string, or (at the top only) a flat sequence of them."""
        if isinstance(value, str):
            self.text(value)
        elif is_real(value):
            self.number(value)
        elif top and not isinstance(value, list | tuple | range | np.ndarray) \
                and hasattr(value, "__array__"):  # a pandas Series, an xarray …
            self.item(np.asarray(value), top)
        elif isinstance(value, np.ndarray) and value.ndim == 0:
            self.item(value.item(), top)
        elif top and isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
            self.array(value, value)
        elif top and isinstance(value, list | tuple | range | np.ndarray):
            for v in value:
                self.item(v, top=False)
        else:
            raise self.unreadable(value, MASS_FORMS)


def read_masses(spec: Any, *, limit: int, option: str | None = None,
                hint: str = "") -> NDArray[np.float64]:
    """The masses (GeV, a flat float array, in the order given) of ``spec``.

    Parameters
    ----------
    spec : a number, a string (a number, ``start:stop:n`` or a comma list of either) or a
        sequence of these (not nested); see the module docstring.
    limit : most masses allowed in all; a range is counted before it is allocated.
    option : the name the messages give the value (``"--mass"``); None for the API.
    hint : appended to the too-many message (``": raise it with --max-points …"``).

    Raises
    ------
    InputError
        One line naming the piece that is wrong: unreadable, out of range
        (:data:`MASS_RULE`), too many, or nothing at all.

    >>> read_masses("0.1,0", limit=10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: masses must be positive numbers in GeV, ..., got '0'
    >>> read_masses("x:1:3", limit=10, option="--mass")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: bad --mass value 'x': start and stop of 'x:1:3' must...
    """
    try:
        size = operator.index(limit)
    except TypeError:
        size = 0
    if isinstance(limit, bool) or size < 1:
        raise InputError(f"the mass limit must be a positive integer, got {show(limit)}")
    reader = _Reader(spec, size, option, hint)
    reader.item(spec, top=True)
    if not reader.parts:
        raise InputError(f"{option or 'masses'} is empty: give at least one mass in GeV")
    return np.concatenate(reader.parts)
