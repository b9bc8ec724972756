"""The grid grammar: beams × energies × targets × masses × x_min, parsed and checked.

    >>> from millicharge.running.grid_spec import make_grid
    >>> g = make_grid("mu", [100, 160], ["Pb", "W"], "0.01:1:3", [0.3, 0.5])
    >>> len(g), g.masses
    (24, (0.01, 0.1, 1.0))

:func:`make_grid` validates a whole spec into a :class:`Grid`; :func:`parse_masses`
(the one mass grammar, :func:`millicharge.core.grammar.read_masses`) and
:func:`parse_target` (the one target grammar, a shipped symbol or
``Z=…,A=…[,density=…,X0=…]``, :func:`millicharge.target.materials.parse_target`) are the
pieces the command line shares. Every bad piece
raises an :class:`~millicharge.core.errors.InputError` naming the option. The scan over a
grid is :func:`millicharge.running.grid.scan`.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from millicharge.core import validation
from millicharge.core.errors import InputError
from millicharge.core.grammar import read_masses
from millicharge.core.validation import ENERGY_MAX_GEV, is_real, show
from millicharge.kinematics.process import MODELS
from millicharge.running.executors import MAX_POINTS, SIZE_HINT, check_size
from millicharge.target.formfactors import FORM_FACTORS
from millicharge.target.materials import Material, parse_target
from millicharge.xsec.jobs import METHODS

__all__ = ["Grid", "make_grid", "parse_masses", "parse_target"]

_BEAMS = ("e", "mu")



def _words(values: Any) -> list[Any]:
    """Flatten scalars, lists and comma-separated strings into a list of items."""
    if isinstance(values, str | Material) or not isinstance(values, Iterable):
        values = [values]
    out: list[Any] = []
    for v in values:
        if isinstance(v, str):
            out += [w.strip() for w in v.split(",") if w.strip()]
        else:
            out.append(v)
    return out


def _number(value: Any, option: str, rule: str) -> float:
    """A real number or a string holding one (command-line words); never a bool."""
    if isinstance(value, bool | np.bool_) or not (isinstance(value, str) or is_real(value)):
        raise InputError(f"bad {option} value {show(value)}: {rule}")
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"bad {option} value {show(value)}: {rule}") from None
    if not math.isfinite(x):
        raise InputError(f"bad {option} value {show(value)}: {rule}")
    return x


def parse_masses(values: Any, *, max_points: int | None = None) -> tuple[float, ...]:
    """Masses in GeV in the one mass grammar (:func:`millicharge.core.grammar.read_masses`):
    numbers, ``start:stop:n`` (log-spaced), comma lists, or lists of these; at most
    ``max_points`` (default :data:`~millicharge.running.executors.MAX_POINTS`), counted
    before a range is allocated. Messages name ``--mass``.

    >>> parse_masses(["0.01:1:3", "2"])
    (0.01, 0.1, 1.0, 2.0)
    """
    check_size(0, max_points)  # a bad max_points is named as --max-points
    limit = MAX_POINTS if max_points is None else operator.index(max_points)
    masses = read_masses(values, limit=limit, option="--mass", hint=SIZE_HINT)
    return tuple(float(m) for m in masses)


def _positive(values: Any, option: str, unit: str,
              upper: float = math.inf) -> tuple[float, ...]:
    rule = f"must be a positive number ({unit})" + (
        f" at most {upper:g}" if upper < math.inf else "")
    out = []
    for w in _words(values):
        x = _number(w, option, rule)
        if not 0 < x <= upper:
            raise InputError(f"bad {option} value {show(w)}: {rule}")
        out.append(x)
    if not out:
        raise InputError(f"{option} is empty: give at least one value")
    return tuple(out)


def _fractions(values: Any, option: str) -> tuple[float, ...]:
    out = []
    for w in _words(values):
        x = _number(w, option, "must lie in (0, 1]")
        if not 0 < x <= 1:
            raise InputError(f"bad {option} value {show(w)}: must lie in (0, 1]")
        out.append(x)
    if not out:
        raise InputError(f"{option} is empty: give at least one value")
    return tuple(out)


def _targets(values: Any) -> tuple[Material, ...]:
    single = isinstance(values, str | Material) or not isinstance(values, Iterable)
    items = [values] if single else list(values)
    # a word with '=' is one custom target (its fields are ','-separated); others may be
    # comma lists of symbols
    words: list[Any] = []
    for v in items:
        words += _words(v) if isinstance(v, str) and "=" not in v else [v]
    if not words:
        raise InputError("--target is empty: give at least one target")
    return tuple(parse_target(w) for w in words)


@dataclass(frozen=True)
class Grid:
    """A Cartesian grid of cross-section inputs (build it with :func:`make_grid`).

    Points run over ``beams × energies × targets × masses × x_mins`` in that order (the
    last varies fastest); ``x_max``, method, model, form factor, precision and seed are
    common.
    """

    beams: tuple[str, ...]
    energies: tuple[float, ...]
    targets: tuple[Material, ...]
    masses: tuple[float, ...]
    x_mins: tuple[float, ...]
    x_max: float = 1.0
    method: str = "etl"
    model: str = "mcp"
    precision: float = 1e-3
    seed: int | None = 0
    form_factor: str = "elastic"

    def __len__(self) -> int:
        return (len(self.beams) * len(self.energies) * len(self.targets) * len(self.masses)
                * len(self.x_mins))

    def points(self) -> list[dict[str, Any]]:
        """Every point as keyword arguments of :func:`millicharge.cross_section`."""
        return [
            dict(beam=b, energy=e, target=t, mass=m, x_min=x, x_max=self.x_max,
                 method=self.method, model=self.model, precision=self.precision,
                 seed=self.seed, form_factor=self.form_factor)
            for b, e, t, m, x in itertools.product(self.beams, self.energies, self.targets,
                                                   self.masses, self.x_mins)
        ]


def make_grid(
    beam: str | Sequence[str],
    energy: float | str | Sequence[float | str],
    target: str | Material | Sequence[str | Material],
    mass: float | str | Sequence[float | str],
    x_min: float | str | Sequence[float | str],
    *,
    x_max: float = 1.0,
    method: str = "etl",
    model: str = "mcp",
    precision: float = 1e-3,
    seed: int | None = 0,
    max_points: int | None = None,
    form_factor: str = "elastic",
) -> Grid:
    """Validate a grid spec; every bad piece raises an :class:`InputError` naming it.

    Parameters
    ----------
    beam : ``"e"``, ``"mu"`` or a list of them.
    energy : beam energies in GeV (numbers, a list, or ``"100,160"``).
    target : material symbols or :class:`Material` objects (a custom target as
        ``"Z=6,A=12.011,density=2.21,X0=19.32"``).
    mass : m_χ in GeV: numbers, lists, or ``"start:stop:n"`` (log-spaced).
    x_min : lower edges of x = E_miss/E, each in (0, 1).
    x_max : common upper edge of x.
    method, model, precision, seed, form_factor : as for :func:`millicharge.cross_section`.
    max_points : most points allowed (default :data:`millicharge.running.executors.MAX_POINTS`,
        100000); checked before anything is allocated.

    Returns
    -------
    Grid
    """
    beams = tuple(str(b) for b in _words(beam))
    for b in beams:
        if b not in _BEAMS:
            raise InputError(f"bad --beam value {b!r}: allowed are 'e' and 'mu'")
    if not beams:
        raise InputError("--beam is empty: give 'e' and/or 'mu'")
    energies = _positive(energy, "--energy", "GeV", ENERGY_MAX_GEV)
    targets = _targets(target)
    masses = parse_masses(mass, max_points=max_points)
    x_mins = _fractions(x_min, "--x-min")
    check_size(len(beams) * len(energies) * len(targets) * len(masses) * len(x_mins),
               max_points)
    (x_max,) = _fractions(x_max, "--x-max")
    for x in x_mins:
        if x >= x_max:
            raise InputError(f"bad --x-min value {x!r}: must be below --x-max = {x_max}")
    if method not in METHODS:
        raise InputError(f"bad --method value {method!r}: allowed are 'etl' and 'ww'")
    if model not in MODELS:
        raise InputError(f"bad --model value {model!r}: allowed are 'mcp' and 'dark-photon'")
    prec = _number(precision, "--precision", "must lie in (0, 1)")
    if not 0 < prec < 1:
        raise InputError(f"bad --precision value {precision!r}: must lie in (0, 1)")
    seed = validation.seed(seed, "--seed")
    if not isinstance(form_factor, str) or form_factor not in FORM_FACTORS:
        raise InputError(f"bad --form-factor value {show(form_factor)}: allowed are "
                         f"{' and '.join(repr(f) for f in FORM_FACTORS)}")
    return Grid(beams, energies, targets, masses, x_mins, x_max, method, model, prec,
                None if seed is None else int(seed), str(form_factor))
