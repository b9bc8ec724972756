"""millicharge: reach of lepton fixed-target experiments for millicharged particles.

The heavy parts (numba kernels, scipy, vegas) load only when a name that needs them is
first used, so ``import millicharge`` and ``millicharge --help`` stay fast (PEP 562).

:func:`cross_section`, :func:`spectrum` and :func:`reach` are the facades of
:mod:`millicharge.running.api`: mass lists, the on-disk cache (on by default) and parallel
execution through a :class:`Runner`. The pure one-mass physics is
:mod:`millicharge.xsec.api`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from millicharge._version import __version__
from millicharge.core.errors import InputError

if TYPE_CHECKING:  # for type checkers and IDEs only; nothing heavy is imported at run time
    from millicharge.core.citations import bibtex
    from millicharge.core.results import CrossSection, Spectrum
    from millicharge.limits.reach import ReachTable
    from millicharge.running.api import cross_section, reach, spectrum
    from millicharge.running.runner import Runner
    from millicharge.target.materials import Material, get_material

#: public name -> module that defines it (imported on first access)
_LAZY: dict[str, str] = {
    "cross_section": "millicharge.running.api",
    "spectrum": "millicharge.running.api",
    "reach": "millicharge.running.api",
    "Runner": "millicharge.running.runner",
    "Material": "millicharge.target.materials",
    "get_material": "millicharge.target.materials",
    "ReachTable": "millicharge.limits.reach",
    "CrossSection": "millicharge.core.results",
    "Spectrum": "millicharge.core.results",
    "bibtex": "millicharge.core.citations",
}

__all__ = [
    "CrossSection",
    "InputError",
    "Material",
    "ReachTable",
    "Runner",
    "Spectrum",
    "__version__",
    "bibtex",
    "cross_section",
    "get_material",
    "reach",
    "spectrum",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access and return the name (PEP 562)."""
    try:
        module_name = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later accesses skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

