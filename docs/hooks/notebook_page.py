"""mkdocs hook: show docs/tutorial.ipynb as the page ``tutorial.md``.

The notebook's markdown cells are copied as they are and its code cells become
``python`` code blocks (the notebook is kept without outputs; the test suite runs it,
tests/docs/test_tutorial.py). The ``.ipynb`` file itself is published beside the page for
download. Loaded by mkdocs.yml (``hooks``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

NOTEBOOK = "tutorial.ipynb"
PAGE = "tutorial.md"


def notebook_markdown(path: Path) -> str:
    """The notebook at ``path`` as one markdown page (code cells fenced as python)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    parts = []
    for cell in cells:
        source = "".join(cell["source"]).strip("\n")
        if not source:
            continue
        if cell["cell_type"] == "markdown":
            parts.append(source)
        elif cell["cell_type"] == "code":
            parts.append(f"```python\n{source}\n```")
    note = (f"!!! note \"Run it yourself\"\n    This page is the notebook "
            f"[`{NOTEBOOK}`]({NOTEBOOK}) without its outputs: download it and run it "
            f"in Jupyter (`pip install millicharge jupyter`).")
    first, *rest = parts
    return "\n\n".join([first, note, *rest]) + "\n"


def on_files(files: Files, config: Any) -> Files:
    """Add the generated page; the notebook stays as a static file to download."""
    source = Path(config["docs_dir"]) / NOTEBOOK
    files.append(File.generated(config, PAGE, content=notebook_markdown(source)))
    return files
