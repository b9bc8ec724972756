"""millicharge: reach of lepton fixed-target experiments for millicharged particles.

The heavy parts (numba kernels, scipy, vegas) load only when a name that needs them is
first used, so ``import millicharge`` and ``millicharge --help`` stay fast (PEP 562).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import InputError

if TYPE_CHECKING:  # for type checkers and IDEs only; nothing heavy is imported at run time
    from .cross_sections import cross_section, spectrum
    from .materials import Material, get_material
    from .reach import ReachTable, reach
    from .result import CrossSection, Spectrum

#: public name -> module that defines it (imported on first access)
_LAZY: dict[str, str] = {
    "cross_section": ".cross_sections",
    "spectrum": ".cross_sections",
    "Material": ".materials",
    "get_material": ".materials",
    "ReachTable": ".reach",
    "reach": ".reach",  # the function; the module stays importable as millicharge.reach
    "CrossSection": ".result",
    "Spectrum": ".result",
}

__all__ = [
    "CrossSection",
    "InputError",
    "Material",
    "ReachTable",
    "Spectrum",
    "__version__",
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
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value  # later accesses skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package module; importing the submodule ``millicharge.reach`` (which the import
    system records as an attribute of the package) must not hide the function ``reach``."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return  # the submodule stays in sys.modules; the attribute resolves lazily
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
