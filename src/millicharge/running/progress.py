"""The progress-bar class used by every scan.

``tqdm.auto`` picks the notebook widget in Jupyter, but without ipywidgets it warns
("IProgress not found") at first use. We use it only when ipywidgets is importable and
fall back to the plain text bar (``tqdm.std``) otherwise, so nothing warns.
"""

from __future__ import annotations

import importlib.util

__all__ = ["tqdm"]


def _has_ipywidgets() -> bool:
    try:
        return importlib.util.find_spec("ipywidgets") is not None
    except (ImportError, ValueError):
        return False


if _has_ipywidgets():
    from tqdm.auto import tqdm
else:
    from tqdm.std import tqdm
