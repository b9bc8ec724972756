"""millicharge: reach of lepton fixed-target experiments for millicharged particles."""

from __future__ import annotations

from .errors import InputError
from .materials import Material, get_material

__version__ = "0.1.0"

__all__ = ["InputError", "Material", "__version__", "get_material"]
