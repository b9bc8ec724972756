"""Writing a figure to a file: PNG, PDF or SVG by extension, atomically."""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib.figure import Figure

from millicharge.core.atomic import atomic_path, check_output_path
from millicharge.core.errors import InputError

__all__ = ["FORMATS", "save_figure"]

FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
"""The figure formats, by file extension."""


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 200) -> Path:
    """Write ``fig`` to ``path`` as PNG, PDF or SVG (chosen by the extension), atomically.

    The folder must exist (a missing one is refused in one line). The figure goes to a
    temporary file in the same folder, which then replaces ``path``
    (:func:`millicharge.core.atomic.atomic_path`), so a reader never sees half a file;
    the file's mode follows the umask, and no temporary file is left behind if drawing
    fails or is interrupted.

    Parameters
    ----------
    fig
        The figure.
    path
        Output file; extension ``.png`` (``dpi`` applies), ``.pdf`` or ``.svg``.
    dpi
        Resolution for PNG output.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        For any other extension, or a path that cannot be written (a directory, a folder
        on the way that is a file, an unwritable folder).
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot save figure as {path.name!r}: extension must be .png, .pdf or .svg"
        )
    check_output_path(path, what="figure")
    metadata = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}.get(fmt)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi if fmt == "png" else "figure",
                    metadata=metadata)
    return path
