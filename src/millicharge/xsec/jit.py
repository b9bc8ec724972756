"""numba, configured once for the package: where compiled kernels are cached, and the
decorator every kernel uses (:data:`KERNEL`: no ``fastmath``, so the rounding is IEEE and
no reassociation undoes the cancellation-free forms; numpy's error model).

numba is a hard dependency of the package (pyproject.toml). This module must be imported
before numba itself so that :func:`_configure_cache_dir` can still set ``NUMBA_CACHE_DIR``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

__all__ = [
    "CACHE_DIR", "COMPLEXES", "COMPLEX_ROWS", "FLOAT", "KERNEL", "KERNEL_INLINE", "REALS",
    "REAL_ROWS", "njit",
]


def _writable(folder: Path) -> bool:
    """True when files can be created in ``folder`` (made if missing), as numba needs."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _configure_cache_dir() -> str:
    """Where numba keeps the compiled kernels; sets ``NUMBA_CACHE_DIR`` if it must.

    A ``NUMBA_CACHE_DIR`` set by the user is respected. Otherwise numba writes next to this
    file (``__pycache__``) when that folder is writable; when it is not (a system-wide or
    read-only install), ``NUMBA_CACHE_DIR`` is set to ``$XDG_CACHE_HOME/millicharge/numba``
    (default ``~/.cache/millicharge/numba``). Must run before numba is imported.
    """
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if chosen:
        return chosen
    in_tree = Path(__file__).resolve().parent / "__pycache__"
    if _writable(in_tree):
        return str(in_tree)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    chosen = os.path.join(base, "millicharge", "numba")
    os.environ["NUMBA_CACHE_DIR"] = chosen
    if "numba" in sys.modules:  # imported before us: make numba re-read the variable
        from numba.core import config

        config.reload_config()
    return chosen


CACHE_DIR: str = _configure_cache_dir()
"""The folder holding numba's compiled kernels (see :func:`_configure_cache_dir`)."""
from numba import njit, types  # noqa: E402 - after the cache folder is chosen

KERNEL = njit(cache=True, fastmath=False, error_model="numpy")
"""The decorator of the compiled kernels (cached in :data:`CACHE_DIR`)."""
KERNEL_INLINE = njit(cache=True, fastmath=False, error_model="numpy", inline="always")
""":data:`KERNEL` for small helpers inlined into their callers."""

# The argument types of the kernels' signatures (compiled ahead of the first call by
# millicharge.xsec.kernels.warm_up): float64 scalars and C-contiguous arrays.
FLOAT = types.float64
REALS = types.float64[::1]
"""(N,) float64, C-contiguous."""
REAL_ROWS = types.float64[:, ::1]
"""(N, 4) float64 rows (four-vectors), C-contiguous."""
COMPLEXES = types.complex128[::1]
"""(4,) complex128 (a spinor), C-contiguous."""
COMPLEX_ROWS = types.complex128[:, ::1]
"""(n, 4) complex128 rows (spinors, a 4 × 4 matrix), C-contiguous."""
