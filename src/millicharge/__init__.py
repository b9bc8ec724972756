"""millicharge: reach of lepton fixed-target experiments for millicharged particles."""

from __future__ import annotations

from ._version import __version__
from .cross_sections import cross_section, spectrum
from .errors import InputError
from .materials import Material, get_material
from .reach import ReachTable, reach  # the function; the module stays importable
from .result import CrossSection, Spectrum

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
