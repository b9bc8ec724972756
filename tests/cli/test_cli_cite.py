"""``--cite`` prints the BibTeX of what each command's results rest on (their
``citations``), then the software and its paper; nothing is recorded run-wide, so a result
computed in a worker process is cited like one computed here (issue 10, item 8)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from millicharge.cli.main import main
from millicharge.core.citations import BIBTEX

MU = ["--beam", "mu", "--energy", "160", "--target", "Pb", "--masses", "0.05"]
QUIET = ["--no-cache", "--no-progress", "--cite"]
SOFTWARE = ["millicharge2026", "gninenko2025"]
WW = ["gninenko2025", "kim-tsai1973"]


def bibtex_keys(text: str) -> list[str]:
    """The registry keys of the BibTeX entries in ``text``, in order."""
    by_bibtex_key = {re.match(r"@\w+\{([^,]+),", v).group(1): k for k, v in BIBTEX.items()}
    return [by_bibtex_key[k] for k in re.findall(r"^@\w+\{([^,]+),", text, re.MULTILINE)]


def cited(args: list[str]) -> list[str]:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    keys = bibtex_keys(result.stderr)
    assert len(keys) == len(set(keys)), keys  # each entry once
    return keys


@pytest.mark.parametrize(("form_factor", "expected"), [
    ("elastic", [*WW, "millicharge2026"]),
    ("elastic+inelastic", [*WW, "tsai1974", "bjorken2009", "millicharge2026"]),
])
def test_xsec_cites_its_method_and_form_factor(form_factor, expected):
    assert cited(["xsec", *MU, "--x-min", "0.5", "--method", "ww", "--form-factor",
                  form_factor, *QUIET]) == expected


def test_nothing_carries_over_from_one_command_to_the_next():
    cited(["xsec", *MU, "--x-min", "0.5", "--method", "ww", "--form-factor",
           "elastic+inelastic", *QUIET])
    assert cited(["xsec", *MU, "--x-min", "0.5", "--method", "ww", *QUIET]) == [
        *WW, "millicharge2026"]


def test_spectrum_cites_its_method():
    assert cited(["spectrum", *MU, "--x", "0.5", "0.7", "--method", "ww",
                  "--no-progress", "--cite"]) == [*WW, "millicharge2026"]


def test_reach_computed_by_worker_processes_is_cited(tmp_path):
    """The issue's reproduction, in a real process: the default processes backend, two
    workers, no cache, so every cross section is computed in a worker."""
    proc = subprocess.run(
        [sys.executable, "-m", "millicharge", "reach", "-e", "na64mu", "--masses", "0.05,0.1",
         "--method", "ww", "--backend", "processes", "--workers", "2", *QUIET],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={**os.environ, "MILLICHARGE_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 0, proc.stderr
    assert bibtex_keys(proc.stderr) == [*WW, "millicharge2026"]


def test_reach_cites_the_shower_and_the_background_uncertainty(tmp_path):
    assert cited(["reach", "-e", "na64e", "--masses", "0.05", "--method", "ww", "--backend",
                  "serial", "--transport", "shower", *QUIET]) == [
        *WW, "rossi1941", "tsai1974", "millicharge2026"]
    from importlib import resources

    toml = resources.files("millicharge.data.experiments").joinpath("na64mu.toml").read_text()
    toml, n = re.subn(r"(?m)^background = 0\.0.*$",
                      "background = 1.0\nbackground_uncertainty = 0.5", toml)
    assert n == 1
    path = tmp_path / "uncertain.toml"
    path.write_text(toml)
    assert cited(["reach", "-e", str(path), "--masses", "0.05", "--method", "ww",
                  "--backend", "serial", *QUIET]) == [
        *WW, "cousins-highland1992", "cousins2008", "millicharge2026"]


def test_scan_cites_the_methods_of_its_points():
    assert cited(["scan", *MU, "--x-min", "0.5", "--method", "ww", "--backend", "serial",
                  "--format", "csv", *QUIET]) == [*WW, "millicharge2026"]


def test_generate_cites_the_exact_tree_level_and_vegas(tmp_path):
    assert cited(["generate", "-e", "na64mu", "--masses", "0.1", "--events", "5", "-o",
                  str(tmp_path / "ev.lhe"), "--cite"]) == [
        "gninenko2025", "lepage2021", "millicharge2026"]


@pytest.mark.parametrize("figure", [
    ["spectrum", "-e", "na64mu", "--masses", "0.1", "--points", "2", "--method", "ww"],
    ["xsec", "-e", "na64mu", "--masses", "0.05", "--method", "ww"],
    ["reach", "-e", "na64mu", "--masses", "0.05", "--method", "ww", "--no-csv"],
], ids=lambda a: a[0])
def test_plot_commands_cite_what_the_figure_was_computed_with(figure, tmp_path):
    assert cited(["plot", *figure, "-o", str(tmp_path / "f.png"), *QUIET]) == [
        *WW, "millicharge2026"]


def test_plot_xsec_with_both_methods_cites_both(tmp_path):
    assert cited(["plot", "xsec", "-e", "na64mu", "--masses", "0.1", "--method", "ww", "etl",
                  "--precision", "0.05", "-o", str(tmp_path / "f.png"), *QUIET]) == [
        *WW, "lepage2021", "millicharge2026"]
