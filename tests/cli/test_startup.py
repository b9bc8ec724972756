"""Start-up: what ``import millicharge`` loads, lazy public names, and where numba's compiled
kernels are cached and when their compilation is announced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import millicharge

HEAVY = ("numba", "scipy", "vegas", "matplotlib")


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (nothing imported yet); fail on a non-zero exit."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env if env is not None else dict(os.environ), check=False,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    loaded = set(_python(code).stdout.split())
    return {name for name in HEAVY if name in loaded}


def test_import_millicharge_loads_no_heavy_library():
    assert _loaded_after("import millicharge") == set()


def test_cli_module_loads_no_heavy_library():
    """``millicharge --help`` imports the CLI module and nothing that needs numba or scipy."""
    assert _loaded_after("import millicharge.cli.main") == set()


def test_version_and_input_error_are_eager():
    assert _loaded_after("from millicharge import __version__, InputError") == set()


def test_a_lazy_name_loads_its_module_on_first_use():
    assert "numba" in _loaded_after("import millicharge\nmillicharge.cross_section")


@pytest.mark.parametrize("name", millicharge.__all__)
def test_every_public_name_resolves(name):
    value = getattr(millicharge, name)
    assert value is not None
    namespace: dict[str, object] = {}
    exec(f"from millicharge import {name}", namespace)
    assert namespace[name] is value


def test_public_names_are_the_defining_objects():
    """The facade's names are the running layer's cached functions and the core types."""
    from millicharge.core import results as result
    from millicharge.running import api
    from millicharge.target import materials

    assert millicharge.cross_section is api.cross_section
    assert millicharge.spectrum is api.spectrum
    assert millicharge.reach is api.reach
    assert millicharge.get_material is materials.get_material
    assert millicharge.CrossSection is result.CrossSection
    assert callable(millicharge.reach) and not isinstance(millicharge.reach, type(sys))


def test_reach_stays_the_function_after_its_module_is_imported():
    out = _python("import millicharge.limits.reach, importlib\n"
                  "m = importlib.import_module('millicharge.limits.reach')\n"
                  "print(type(millicharge.reach).__name__, type(m).__name__)").stdout
    assert out.split() == ["function", "module"]


def test_dir_lists_every_public_name():
    assert set(millicharge.__all__) <= set(dir(millicharge))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        millicharge.no_such_name  # noqa: B018


# ------------------------------------------------------------------- numba's kernel cache
_REPORT = ("import os\nfrom millicharge.xsec import kernels as k\n"
           "print(k.CACHE_DIR)\nprint(os.environ.get('NUMBA_CACHE_DIR', ''))\n"
           "print(k.contraction_kernel._cache._cache_path)")


def _env(**changes: str | None) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in changes.items():
        env.pop(key, None)
        if value is not None:
            env[key] = value
    return env


def test_numba_cache_dir_set_by_the_user_is_respected(tmp_path):
    chosen, env_value, kernel_dir = _python(_REPORT, _env(NUMBA_CACHE_DIR=str(tmp_path)))\
        .stdout.splitlines()
    assert chosen == env_value == str(tmp_path)
    assert Path(kernel_dir).is_relative_to(tmp_path)


def test_numba_cache_dir_chosen_when_the_package_is_read_only(tmp_path):
    """A read-only install: numba's cache goes to $XDG_CACHE_HOME/millicharge/numba."""
    package_cache = str(Path(millicharge.__file__).resolve().parent / "xsec" / "__pycache__")
    read_only = ("import tempfile\n"  # no file can be created in the package's __pycache__
                 "original = tempfile.TemporaryFile\n"
                 "def refuse(*a, dir=None, **k):\n"
                 f"    if dir is not None and str(dir).startswith({package_cache!r}):\n"
                 "        raise PermissionError('read-only')\n"
                 "    return original(*a, dir=dir, **k)\n"
                 "tempfile.TemporaryFile = refuse\n")
    env = _env(NUMBA_CACHE_DIR=None, XDG_CACHE_HOME=str(tmp_path))
    chosen, env_value, kernel_dir = _python(read_only + _REPORT, env).stdout.splitlines()
    expected = tmp_path / "millicharge" / "numba"
    assert chosen == env_value == str(expected)
    assert Path(kernel_dir).is_relative_to(expected)


def test_numba_cache_dir_left_alone_when_the_package_is_writable(tmp_path):
    env = _env(NUMBA_CACHE_DIR=None, XDG_CACHE_HOME=str(tmp_path))
    chosen, env_value, _ = _python(_REPORT, env).stdout.splitlines()
    package = Path(millicharge.__file__).resolve().parent / "xsec"
    if not os.access(package, os.W_OK):
        pytest.skip("the package folder is read-only here")
    assert env_value == ""
    assert Path(chosen) == package / "__pycache__"


def test_compilation_announced_once_then_cached(tmp_path):
    """An empty cache: the first process announces the compilation on one stderr line,
    once even if warmed up twice; the second process loads the kernels silently."""
    code = ("from millicharge.xsec import kernels as k\nk.warm_up()\nk.warm_up()\n"
            "import numpy as np\nev = k.three_body_events_fast(160.0, 0.1056583755, 193.7,"
            " np.full(3, 0.5), np.full(3, 0.01), np.full(3, 0.5), np.full(3, 0.5),"
            " np.full(3, 1.0))\nprint(ev.weight.shape)")
    env = _env(NUMBA_CACHE_DIR=str(tmp_path))
    first = _python(code, env)
    lines = [line for line in first.stderr.splitlines() if "compiling kernels" in line]
    assert len(lines) == 1, first.stderr
    assert lines[0].startswith("millicharge: compiling kernels, once: ~")
    assert any(tmp_path.rglob("*.nbi")), "nothing was cached"
    second = _python(code, env)
    assert "compiling" not in second.stderr, second.stderr
    assert second.stdout == first.stdout == "(3,)\n"
