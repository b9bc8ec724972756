"""The package's architecture, checked so that it cannot regress (docs/architecture.md).

- Imports run one way through the layers declared in pyproject.toml
  (``[tool.importlinter]``), checked with import-linter's ``lint-imports``.
- No layer module imports the package root (``millicharge/__init__.py`` is the facade on
  top; importing it from inside would make a cycle).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import millicharge

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(millicharge.__file__).resolve().parent


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_imports_run_one_way_through_the_layers():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    proc = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_no_module_imports_the_package_root():
    offenders = []
    for path in _modules():
        if path.parent == PACKAGE:  # the facade and its entry points
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 \
                    and node.module == "millicharge":
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(a.name == "millicharge"
                                                      for a in node.names):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, offenders


def test_physics_layers_are_type_clean():
    """mypy on the layers listed in pyproject.toml ([tool.mypy] files): core to limits."""
    proc = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", "/dev/null"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "Success" in proc.stdout


MAX_LINES = 400


def test_no_module_is_over_400_lines():
    """Small modules named after what they hold: split one before it grows past this."""
    long = {str(p.relative_to(PACKAGE)): n for p in _modules()
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_tests_tree_mirrors_the_package():
    """Every test folder is named after a subpackage (plus docs/ for the documentation)."""
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} - {"data"}
    folders = {p.name for p in (ROOT / "tests").iterdir()
               if p.is_dir() and p.name not in ("data", "__pycache__")}
    assert folders - subpackages <= {"docs"}
    assert subpackages - folders == set()
