"""Tests for millicharge.limits.existing: every registered curve loads sanely; the default
set (with SENSEI, without the unverified curves); the user-file grammar; the CLI listing."""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from click.testing import CliRunner

from millicharge.cli.main import main
from millicharge.core.errors import InputError
from millicharge.limits.existing import (
    default_limits,
    limit_info,
    limit_names,
    load_limit,
    load_limit_file,
    missing_limits,
)
from millicharge.plots.figures import DEFAULT_EXISTING, figure4_data
from millicharge.plots.plotting import _LIMIT_FACE, _on_grid, plot_reach


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
    assert set(missing) == {"direct-detection-Emken2019", "EDGES"}
    for entry in missing.values():
        assert entry["reason"] and entry["citation"] and entry["label"]
        assert "arXiv:" in entry["citation"]
    for key in missing:
        with pytest.raises(InputError, match="no digitised curve") as info:
            load_limit(key)
        assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="allowed are"):
        load_limit("Nonexistent")
    with pytest.raises(InputError, match="category"):
        limit_names("rumours")


UNVERIFIED = ["milliQan-Run3-unverified", "MiniBooNE-decaysim-unverified", "CHARMII-unverified",
              "MiniBooNE-unverified"]


@pytest.mark.parametrize("key", UNVERIFIED)
def test_unverified_curve_warns(key: str) -> None:
    with pytest.warns(UserWarning, match="provenance"):
        curve = load_limit(key)
    assert curve.verified is False


def test_default_set_has_sensei_and_no_unverified_curve() -> None:
    default = default_limits()
    assert {"LSND", "SLAC-mQ", "BEBC", "SENSEI"} <= set(default)
    assert not set(UNVERIFIED) & set(default)
    for key in limit_names():
        info = limit_info(key)
        if info["file"].endswith("_unverified.csv") or "unverified" in key:
            assert info.get("verified") is False, key
        if info.get("default", False):  # the default set: verified published limits only
            assert info.get("verified", True) and info["category"] == "existing", key
    # Fig. 4 shades exactly this set when nothing else is asked for (no reach computed here)
    assert DEFAULT_EXISTING == tuple(default)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no unverified curve sneaks in (it would warn)
        _, _, limits = figure4_data([])
    assert [c.key for c in limits] == default
    assert figure4_data([], model="dark-photon")[2] == []


def test_sensei_curve_units_and_physics() -> None:
    c = load_limit("SENSEI")
    assert (c.in_paper, c.verified, c.kind, c.label) == (True, True, "bound", "SENSEI@MINOS")
    assert "2305.04964" in c.citation
    # first and last rows of the file (GeV, eps); the original was in MeV
    assert (c.mass_gev[0], c.epsilon[0]) == pytest.approx((0.0102057567, 2.6139782e-4))
    assert (c.mass_gev[-1], c.epsilon[-1]) == pytest.approx((2.4683917933, 4.3150865e-2))
    assert c.mass_gev.size == 190  # 200 lines minus 9 comments and the header
    assert np.all(np.diff(c.mass_gev) >= 0)  # a boundary line, with vertical steps kept
    assert np.any(np.diff(c.mass_gev) == 0)
    # SENSEI@MINOS leads for m ~ 0.1-0.2 GeV: clearly below every other default curve
    grid = np.geomspace(0.1, 0.2, 9)
    others = np.vstack([_on_grid(load_limit(k), grid) for k in default_limits()
                        if k != "SENSEI"])
    assert np.all(_on_grid(c, grid) < 0.6 * np.nanmin(others, axis=0))


def test_sensei_is_shaded_and_named_in_fig4() -> None:
    limits = [load_limit(k) for k in default_limits()]
    m = np.geomspace(0.005, 1.0, 30)
    art = plot_reach([{"label": "NA64", "mass_gev": m, "epsilon": 1e-4 * (1 + m / 0.06)}],
                     limits)
    poly, edge = art["limits"]["SENSEI"]
    sensei = limits[default_limits().index("SENSEI")]
    np.testing.assert_array_equal(poly.get_xy()[: sensei.mass_gev.size],
                                  np.column_stack([sensei.mass_gev, sensei.epsilon]))
    assert poly.get_facecolor() == art["limits"]["LSND"][0].get_facecolor()
    assert poly.get_facecolor()[:3] == pytest.approx([float(_LIMIT_FACE)] * 3)
    np.testing.assert_array_equal(edge.get_xdata(), sensei.mass_gev)
    assert art["labels"]["SENSEI"].get_text() == "SENSEI@MINOS"
    plt.close(poly.figure)
    art = plot_reach([], limits, limit_labels="legend")
    assert "SENSEI@MINOS" in [t.get_text() for t in art["legend"].get_texts()]
    plt.close(art["legend"].figure)


def test_limits_command_lists_default_unverified_and_missing() -> None:
    result = CliRunner().invoke(main, ["limits"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()
            if line.strip() and line.split()[0] in limit_names()}
    assert rows["SENSEI"][1:4] == ["existing", "yes", "yes"]
    assert rows["CMS"][1:4] == ["existing", "no", "yes"]
    for key in UNVERIFIED:
        assert rows[key][1:4] == ["existing", "no", "no"]
    assert "no public digitisation found" in result.stdout
    for key in ("direct-detection-Emken2019", "EDGES", "arXiv:1905.06348", "arXiv:1908.06986"):
        assert key in result.stdout


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_loads(tmp_path: Path) -> None:
    path = _csv(tmp_path, "# my curve\nmass_gev,epsilon\n0.01,1e-3\n0.1, 2e-3\n")
    c = load_limit_file(path, label="mine", citation="me")
    assert c.mass_gev.tolist() == [0.01, 0.1] and c.epsilon.tolist() == [1e-3, 2e-3]
    assert (c.label, c.citation, c.category) == ("mine", "me", "user")


# One curve (m in GeV, eps), written in every form the grammar allows.
_M = np.array([0.01, 0.03, 0.1, 0.3, 1.0])
_E = np.array([1.3e-4, 2.5e-4, 8e-4, 3e-3, 0.02])


def _rows(m: np.ndarray, y: np.ndarray, sep: str) -> str:
    return "".join(f"{float(a)!r}{sep}{float(b)!r}\n" for a, b in zip(m, y, strict=True))


VARIANTS = {
    "csv GeV eps": "mass_gev,epsilon\n" + _rows(_M, _E, ","),
    "csv GeV eps, spaces, comments": "# from Fig. 3 of a paper\n\n mass_gev , epsilon \n"
                                     + _rows(_M, _E, " , ") + "# end\n",
    "whitespace MeV eps2": "mass_mev epsilon2\n" + _rows(_M * 1e3, _E**2, "\t "),
    "columns comment MeV eps^2": "# columns: mass[MeV] eps^2\n" + _rows(_M * 1e3, _E**2, " "),
    "columns comment GeV eps, csv": "# Columns: Mass[GeV], EPS\n" + _rows(_M, _E, ","),
    "csv MeV eps": "MASS_MEV,Eps\n" + _rows(_M * 1e3, _E, ","),
    "whitespace GeV eps2": "mass[GeV] eps2\n" + _rows(_M, _E**2, "  "),
    "csv GeV epsilon^2 with BOM": "\ufeffmass_gev,epsilon^2\n" + _rows(_M, _E**2, ","),
}


@pytest.mark.parametrize("name", VARIANTS)
def test_user_file_variants_give_the_same_curve(tmp_path: Path, name: str) -> None:
    c = load_limit_file(_csv(tmp_path, VARIANTS[name]))
    np.testing.assert_allclose(c.mass_gev, _M, rtol=1e-14)
    np.testing.assert_allclose(c.epsilon, _E, rtol=1e-14)
    # and through Fig. 4's loader (what --limits FILE uses), without computing any reach
    (curve,) = figure4_data([], existing=[], user_limits=[tmp_path / "mine.csv"])[2]
    np.testing.assert_allclose(curve.epsilon, _E, rtol=1e-14)


def test_user_file_units_are_not_ignored(tmp_path: Path) -> None:
    # the same numbers under different headers must give different curves
    gev = load_limit_file(_csv(tmp_path, "mass_gev,epsilon\n10,1e-4\n100,4e-4\n"))
    mev = load_limit_file(_csv(tmp_path, "mass_mev,epsilon2\n10,1e-4\n100,4e-4\n"))
    assert gev.mass_gev.tolist() == [10.0, 100.0]
    np.testing.assert_allclose(mev.mass_gev, [0.01, 0.1], rtol=1e-15)
    np.testing.assert_allclose(mev.epsilon, [0.01, 0.02], rtol=1e-15)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("mass,eps\n0.1,1e-3\n0.2,1e-3\n", "unknown header 'mass eps'"),
        ("0.1,1e-3\n0.2,1e-3\n", "unknown header"),
        ("mass_gev,epsilon,note\n0.1,1e-3\n0.2,1e-3\n", "unknown header"),
        ("epsilon,mass_gev\n1e-3,0.1\n1e-3,0.2\n", "unknown header"),
        ("# columns: mass[keV] eps\n1,1e-3\n2,1e-3\n", "unknown header"),
        ("", "empty"),
        ("# only a comment\n\n", "empty"),
        ("mass_gev,epsilon\n", "at least 2 data rows .* got 0"),
        ("mass_gev,epsilon\n0.1,1e-3\n", "at least 2 data rows .* got 1"),
        ("mass_gev,epsilon\n0.1,abc\n0.2,1e-3\n", "line 2: non-numeric"),
        ("mass_gev epsilon\n0.1 1e-3\n0.2 1e-3 5\n", "line 3: expected 2 columns"),
        ("mass_gev,epsilon\n0.1,,1e-3\n0.2,1e-3\n", "expected 2 columns"),
        ("mass_gev,epsilon\n-0.1,1e-3\n0.2,1e-3\n", r"mass must be a positive number \(in GeV"),
        ("mass_mev,epsilon\n0,1e-3\n0.2,1e-3\n", r"mass must be a positive number \(in MeV"),
        ("mass_gev,epsilon\ninf,1e-3\n0.2,1e-3\n", "mass must be a positive"),
        ("mass_gev,epsilon\n0.1,0\n0.2,1e-3\n", r"epsilon must be in \(0, 1\], got 0"),
        ("mass_gev,epsilon\n0.1,1.5\n0.2,1e-3\n", r"epsilon must be in \(0, 1\]"),
        ("mass_gev,epsilon\n0.1,-1e-3\n0.2,1e-3\n", r"epsilon must be in \(0, 1\]"),
        ("mass_gev,epsilon\n0.1,nan\n0.2,1e-3\n", r"epsilon must be in \(0, 1\]"),
        ("mass_gev,eps2\n0.1,1e-6\n0.2,2\n", r"line 3: epsilon\^2 must be in \(0, 1\]"),
        ("mass_gev,epsilon\n0.1,10\n0.2,1e-3\n", r"epsilon must be in \(0, 1\]"),
    ],
)
def test_user_file_errors(tmp_path: Path, text: str, match: str) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(InputError, match=match) as info:
        load_limit_file(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_user_file_missing_or_bad_kind(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_limit_file(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="kind must be one of bound, contour"):
        load_limit_file(_csv(tmp_path, "mass_gev,epsilon\n0.1,1e-3\n0.2,1e-3\n"), kind="band")
    with pytest.raises(InputError, match="cannot read"):
        load_limit_file(_csv_bytes(tmp_path, b"mass_gev,epsilon\n\xff\xfe,1\n"))


def _csv_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "raw.csv"
    path.write_bytes(data)
    return path
