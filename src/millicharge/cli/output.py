"""What the commands print or write: aligned tables, text to a file or stdout, progress bars,
the BibTeX of ``--cite``."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

import click

from millicharge.core.atomic import write_text
from millicharge.core.citations import SOFTWARE_KEYS, bibtex, collect

__all__ = ["emit", "finite", "maybe_cite", "progress", "table"]


def emit(text: str, output: str | None) -> None:
    """``text`` to ``output`` (atomically, mode from the umask) or to stdout."""
    if output:
        path = write_text(output, text if text.endswith("\n") else text + "\n")
        click.echo(f"wrote {path}", err=True)
    else:
        click.echo(text.rstrip("\n"))


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """``rows`` as right-aligned columns; a missing or non-finite number shows as ``—``.

    >>> print(table([{"a": 1.0, "b": None}], ["a", "b"]))
    a  b
    1  —
    """

    def fmt(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:.5g}" if math.isfinite(v) else "—"
        return str(v)

    cells = [[fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def finite(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with non-finite floats as None (JSON has no NaN)."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in record.items()}


def maybe_cite(cite: bool, *results: Any) -> None:
    """With ``cite``, the BibTeX of the references the ``results`` carry (their
    ``citations``, :func:`~millicharge.core.citations.collect`), then of the software
    itself and its paper, on stderr."""
    if cite:
        keys = collect(*results)
        keys += [k for k in SOFTWARE_KEYS if k not in keys]
        click.echo("\n" + bibtex(keys), err=True)


def progress(items: Sequence[Any], show: bool) -> Any:
    """``items`` behind a progress bar on stderr when there are several and ``show``."""
    if not show or len(items) < 2:
        return items
    from tqdm import tqdm

    return tqdm(items, unit="mass", file=sys.stderr, leave=False)
