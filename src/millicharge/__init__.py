"""millicharge: reach of lepton fixed-target experiments for millicharged particles."""

from __future__ import annotations

from .cross_sections import cross_section, spectrum
from .errors import InputError
from .materials import Material, get_material
from .reach import ReachTable, reach  # the function; the module stays importable
from .result import CrossSection, Spectrum

__version__ = "0.1.0"

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
