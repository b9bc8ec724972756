"""Tests for millicharge.existing_limits: every registered curve loads sanely; user files."""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from millicharge.errors import InputError
from millicharge.existing_limits import (
    limit_info,
    limit_names,
    load_limit,
    load_limit_file,
    missing_limits,
)


def _load_quiet(key: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_limit(key)


@pytest.mark.parametrize("key", limit_names())
def test_every_registered_curve_loads(key: str) -> None:
    c = _load_quiet(key)
    assert c.mass_gev.shape == c.epsilon.shape and c.mass_gev.size >= 5
    assert np.all(np.isfinite(c.mass_gev)) and np.all(np.isfinite(c.epsilon))
    assert np.all((c.mass_gev > 1e-6) & (c.mass_gev < 1e4))  # GeV, not MeV
    assert np.all((c.epsilon > 0) & (c.epsilon <= 1))  # eps, not eps^2, no sentinels
    assert c.label and c.citation and c.kind in ("bound", "contour")


def test_registry_files_exist_and_are_all_registered() -> None:
    folder = resources.files("millicharge.data").joinpath("limits")
    shipped = {p.name for p in folder.iterdir() if p.name.endswith((".txt", ".csv"))}
    registered = {limit_info(k)["file"] for k in limit_names()}
    assert registered == shipped


def test_eps2_files_are_converted() -> None:
    # The same SLAC mQ limit digitised twice: FORESEE (eps) and HeavenlyMCP (eps^2).
    foresee = load_limit("SLAC-mQ")
    hmcp = load_limit("slac-mq-hmcp")
    assert hmcp.epsilon.min() == pytest.approx(foresee.epsilon.min(), rel=0.1)
    # if eps^2 were left unconverted the minimum would be ~2e-8
    assert hmcp.epsilon.min() > 1e-4


def test_paper_fig4_curves_and_values() -> None:
    for key in ("LSND", "SLAC-mQ", "BEBC"):
        c = load_limit(key)
        assert c.in_paper and c.category == "existing"
    lsnd = load_limit("LSND")
    # LSND reinterpretation: eps ~ 1.3e-4 at 10 MeV (first boundary point of the FORESEE file)
    assert lsnd.epsilon[0] == pytest.approx(1.3227e-4)
    assert lsnd.mass_gev[0] == pytest.approx(0.0101006)


def test_sentinel_rows_dropped() -> None:
    raw = limit_info("BEBC")
    assert raw["file"] == "foresee_bounds_BEBC.txt"
    c = load_limit("BEBC")
    assert c.epsilon.max() < 1.0  # the eps = 10 closing rows are gone
    assert c.mass_gev.size == 108  # 110 rows minus the two closing rows


def test_categories_and_missing() -> None:
    assert "FerMINI" in limit_names("projection")
    assert "FerMINI" not in limit_names("existing")
    assert load_limit("relic-standard").kind == "contour"
    missing = missing_limits()
    assert {"SENSEI", "EDGES"} <= set(missing)
    for entry in missing.values():
        assert entry["reason"] and entry["citation"]
    with pytest.raises(InputError, match="no digitised data"):
        load_limit("SENSEI")
    with pytest.raises(InputError, match="allowed are"):
        load_limit("Nonexistent")
    with pytest.raises(InputError, match="category"):
        limit_names("rumours")


def test_unverified_curve_warns() -> None:
    with pytest.warns(UserWarning, match="provenance"):
        load_limit("MiniBooNE-unverified")


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_loads(tmp_path: Path) -> None:
    path = _csv(tmp_path, "# my curve\nmass_gev,epsilon\n0.01,1e-3\n0.1, 2e-3\n")
    c = load_limit_file(path, label="mine", citation="me")
    assert c.mass_gev.tolist() == [0.01, 0.1] and c.epsilon.tolist() == [1e-3, 2e-3]
    assert (c.label, c.citation, c.category) == ("mine", "me", "user")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("mass,eps\n0.1,1e-3\n", "header"),
        ("0.1,1e-3\n", "header"),
        ("", "empty"),
        ("mass_gev,epsilon\n", "no data"),
        ("mass_gev,epsilon\n0.1,abc\n", "non-numeric"),
        ("mass_gev,epsilon\n0.1,1e-3,5\n", "2 columns"),
        ("mass_gev,epsilon\n-0.1,1e-3\n", "mass_gev must be a positive"),
        ("mass_gev,epsilon\n0.1,0\n", "epsilon must be a positive"),
        ("mass_gev,epsilon\n0.1,nan\n", "epsilon must be a positive"),
    ],
)
def test_user_file_errors(tmp_path: Path, text: str, match: str) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(InputError, match=match) as info:
        load_limit_file(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_user_file_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_limit_file(tmp_path / "nope.csv")
