"""The built wheel is a complete package: every module, the data files and ``py.typed``.

The wheel is built from this source tree (``pip wheel --no-deps``), unpacked into a
folder, and a fresh interpreter that puts that folder first on its path must import the
package from there (not from the editable checkout) and find the experiment files, the
materials table and the existing limits a user of ``pip install millicharge`` gets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "millicharge"

PROBE = r"""
import json, sys
from importlib import resources
import millicharge
from millicharge.experiments.config import load_experiment
from millicharge.limits.existing import load_limit
from millicharge.target.materials import get_material

data = resources.files("millicharge.data")
experiments = sorted(p.name for p in data.joinpath("experiments").iterdir())
print(json.dumps({
    "file": millicharge.__file__,
    "version": millicharge.__version__,
    "experiments": experiments,
    "ldmx_energy": load_experiment("ldmx").energy_gev,
    "lead_z": get_material("Pb").Z,
    "sensei_points": len(load_limit("SENSEI").mass_gev),
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
         str(ROOT)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (path,) = out.glob("millicharge-*.whl")
    return path


def test_wheel_holds_every_module_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "millicharge/" + p.relative_to(SOURCE).as_posix()
        for p in SOURCE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert expected - names == set()
    assert "millicharge/py.typed" in names


def test_unpacked_wheel_runs_with_its_own_data(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "MILLICHARGE_CACHE_DIR": str(tmp_path / "c")}
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    info = json.loads(proc.stdout)
    assert Path(info["file"]).is_relative_to(site)  # not the editable checkout
    shipped = sorted(p.name for p in (SOURCE / "data" / "experiments").iterdir())
    assert info["experiments"] == shipped and "ldmx.toml" in shipped
    assert info["ldmx_energy"] > 0 and info["lead_z"] == 82 and info["sensei_points"] > 10
