"""The documentation site builds with warnings as errors (mkdocs.yml, docs/).

``mkdocs build --strict`` fails on any warning: a broken link, a page missing from the
navigation, a docstring mkdocstrings cannot parse, a cross-reference to nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_site_builds_strict(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    assert "WARNING" not in log, log[-4000:]
    site = tmp_path / "site"
    for page in ("index.html", "tutorial/index.html", "physics/index.html",
                 "architecture/index.html", "reference/xsec/index.html", "tutorial.ipynb"):
        assert (site / page).is_file(), page
    api = (site / "reference" / "millicharge" / "index.html").read_text("utf-8")
    assert 'id="millicharge.reach"' in api and 'id="millicharge.cross_section"' in api
    tutorial = (site / "tutorial" / "index.html").read_text("utf-8")
    assert "figure4" in tutorial and "experiment_from_dict" in tutorial
