"""The package's vocabularies, each in one place as a :class:`enum.StrEnum`.

A member *is* its string (``Beam.MUON == "mu"``, ``json.dumps`` writes ``"mu"``), so the
API, the TOML files and the command line keep taking plain strings while the code branches
on types. The command line derives its choices from these classes (:func:`choices`), and
:func:`parse` turns a user's string into a member with a one-line
:class:`~millicharge.core.errors.InputError` naming what is allowed.

The physics models (millicharged pair, dark photon, …) are objects with behaviour, not a
vocabulary: see :mod:`millicharge.models`. The atomic form factor is
:class:`millicharge.target.formfactors.FormFactor`.

    >>> parse(Beam, "mu") is Beam.MUON
    True
    >>> choices(Method)
    ('etl', 'ww')
    >>> parse(Channel, "eta")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: unknown channel 'eta': allowed are 'brem', 'rho', ...
"""

from __future__ import annotations

import enum
from typing import TypeVar

from millicharge.core.errors import InputError
from millicharge.core.validation import show

__all__ = [
    "Backend",
    "Beam",
    "Channel",
    "EnergyLoss",
    "MesonSource",
    "Method",
    "Statistics",
    "Transport",
    "choices",
    "parse",
]


class Beam(enum.StrEnum):
    """The beam lepton (a positron beam is ``"e"``: the cross sections are the same at
    tree level for a beam of either charge)."""

    ELECTRON = "e"
    MUON = "mu"


class Method(enum.StrEnum):
    """How a cross section is computed."""

    ETL = "etl"
    """Exact tree level: the full 2 → 4 |M|² integrated with VEGAS (:mod:`millicharge.xsec.etl`)."""
    WW = "ww"
    """The Weizsäcker–Williams approximation (Kim & Tsai 1973; :mod:`millicharge.xsec.ww`)."""


class Channel(enum.StrEnum):
    """Signal channels of an experiment: bremsstrahlung-like production (paper Eq. 4)
    and vector-meson decays V → χχ̄ (paper Eqs. 5–7, 11)."""

    BREM = "brem"
    RHO = "rho"
    OMEGA = "omega"
    PHI = "phi"

    @property
    def is_meson(self) -> bool:
        return self is not Channel.BREM

    @classmethod
    def mesons(cls) -> tuple[Channel, ...]:
        """The vector-meson channels, in order ρ, ω, φ."""
        return tuple(c for c in cls if c.is_meson)


class Backend(enum.StrEnum):
    """Where many points are computed (:mod:`millicharge.running.executors`)."""

    SERIAL = "serial"
    PROCESSES = "processes"
    DASK = "dask"


class Statistics(enum.StrEnum):
    """How an upper limit on the signal is set (:mod:`millicharge.limits.statistics`)."""

    POISSON = "poisson"
    CLS = "cls"


class Transport(enum.StrEnum):
    """How the beam crosses the target (``[target] transport``)."""

    THIN = "thin"
    """Paper Eq. 4: the full beam energy through the whole thickness."""
    SHOWER = "shower"
    """An electron beam's shower e± (:mod:`millicharge.transport.shower`)."""


class EnergyLoss(enum.StrEnum):
    """A muon beam's energy loss in the target (``[target] energy_loss``)."""

    NONE = "none"
    MEAN = "mean"


class MesonSource(enum.StrEnum):
    """Where an experiment's vector-meson yields come from (``[mesons] source``)."""

    PAPER_EQ7 = "paper-eq7"
    TYPED = "typed"
    COMPUTED = "computed"


_E = TypeVar("_E", bound=enum.StrEnum)


def choices(kind: type[enum.StrEnum]) -> tuple[str, ...]:
    """The allowed strings of ``kind``, in definition order (for CLI choices and messages)."""
    return tuple(member.value for member in kind)


def _what(kind: type[enum.StrEnum]) -> str:
    """``Channel`` → ``"channel"``, ``MesonSource`` → ``"meson source"``."""
    name = kind.__name__
    return "".join(f" {c.lower()}" if c.isupper() and i else c.lower()
                   for i, c in enumerate(name))


def parse(kind: type[_E], value: object, what: str | None = None) -> _E:
    """``value`` as a member of ``kind``; InputError naming the allowed values otherwise."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    allowed = ", ".join(repr(c) for c in choices(kind))
    raise InputError(f"unknown {what or _what(kind)} {show(value)}: allowed are {allowed}")
