"""Notebook-facing behaviour of the result objects: short repr, HTML view, pandas, CSV;
cross sections at a list of masses; no warning on import; plot_reach of a ReachTable."""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from millicharge import Runner, cross_section, reach, spectrum
from millicharge.core.errors import InputError
from millicharge.events.generate import generate_events
from millicharge.limits.reach import ReachTable
from millicharge.running.grid import make_grid, scan

pd = pytest.importorskip("pandas")

VOID = {"br", "hr", "img", "input", "meta", "link"}


class _Checker(HTMLParser):
    """Fails on unbalanced tags; collects the text of <td> cells."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.cells: list[str] = []
        self._in_td = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)
        self._in_td = tag == "td"
        if self._in_td:
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        self._in_td = False

    def handle_data(self, data: str) -> None:
        if self._in_td:
            self.cells[-1] += data


def _html_ok(text: str) -> _Checker:
    p = _Checker()
    p.feed(text)
    p.close()
    assert p.stack == [], f"unclosed tags {p.stack}"
    assert "<table>" in text
    return p


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def xsecs() -> list:
    return cross_section("mu", 160, "Pb", [0.01, 0.1], 0.5, method="ww", progress=False)


@pytest.fixture(scope="module")
def table() -> ReachTable:
    return reach("na64mu", [0.01, 0.1, 0.3], method="ww", progress=False, cache=False,
                 backend="serial")


@pytest.fixture(scope="module")
def sample():  # type: ignore[no-untyped-def]
    return generate_events("na64mu", 0.1, 200, seed=5, neval=5000, train_iterations=5,
                           prerun_passes=2)


@pytest.fixture(scope="module")
def scan_table():  # type: ignore[no-untyped-def]
    g = make_grid("mu", 160, "Pb", [0.01, 0.1], 0.5, method="ww")
    return scan(g, backend="serial", cache=False, progress=False)


def test_cross_section_repr_html_pandas_csv(xsecs: list, tmp_path: Path) -> None:
    r = xsecs[0]
    text = repr(r)
    assert "\n" not in text and len(text) < 200
    assert f"{r.sigma_pb:.6g}" in text and f"{r.error_pb:.2g}" in text and "Pb" in text
    cells = _html_ok(r._repr_html_()).cells
    assert "ww" in cells and "mu" in cells
    df = r.to_pandas()
    assert list(df.columns) == list(r.to_dict())
    assert df["sigma_pb"][0] == r.sigma_pb and df["error_pb"][0] == r.error_pb
    out = tmp_path / "sub" / "x.csv"
    text = r.to_csv(out)
    assert out.read_text() == text
    (row,) = _csv_rows(text)
    assert float(row["sigma_pb"]) == r.sigma_pb and float(row["mass_gev"]) == 0.01
    assert row["chi2_dof"] == ""  # nan is empty
    assert not list(tmp_path.glob("sub/.*"))  # no temporary left beside it


def test_spectrum_repr_html_pandas_csv(tmp_path: Path) -> None:
    s = spectrum("mu", 160, "Pb", 0.01, [0.2, 0.5, 0.9], method="ww")
    text = repr(s)
    assert "\n" not in text and "3 points" in text and "array" not in text
    cells = _html_ok(s._repr_html_()).cells
    assert len(cells) == 9
    df = s.to_pandas()
    assert list(df.columns) == ["x", "dsigma_dx_pb", "error_pb"]
    np.testing.assert_array_equal(df["dsigma_dx_pb"].to_numpy(), s.dsigma_dx_pb)
    text = s.to_csv(tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_text() == text
    back = _csv_rows(text)
    np.testing.assert_array_equal([float(r["x"]) for r in back], s.x)
    np.testing.assert_array_equal([float(r["dsigma_dx_pb"]) for r in back], s.dsigma_dx_pb)


def test_long_spectrum_html_is_cut() -> None:
    x = np.linspace(0.05, 0.95, 60)
    s = spectrum("mu", 160, "Pb", 0.01, x, method="ww")
    html = s._repr_html_()
    cells = _html_ok(html).cells
    assert len(cells) < 3 * 25 and "rows" in html


def test_reach_table(table: ReachTable, tmp_path: Path) -> None:
    text = repr(table)
    assert text.startswith("ReachTable(NA64mu") and "\n" not in text and len(text) < 300
    eps = table["epsilon_combined"]
    i = int(np.nanargmin(eps))
    assert f"{eps[i]:.3g}" in text
    _html_ok(table._repr_html_())
    df = table.to_pandas()
    assert list(df.columns) == table.names
    for name in table.names:
        np.testing.assert_array_equal(df[name].to_numpy(), table[name])
    plain = table.to_csv()
    assert table.to_csv(tmp_path / "r.csv") == plain
    assert (tmp_path / "r.csv").read_text() == plain
    back = _csv_rows(plain)
    for name in table.names:
        got = np.array([float(r[name]) if r[name] else np.nan for r in back])
        np.testing.assert_array_equal(got, table[name])


def test_reach_csv_format_unchanged() -> None:
    t = ReachTable("demo", {"mass_gev": np.array([0.01, 0.1]),
                            "epsilon_combined": np.array([1.5e-4, np.nan])})
    assert t.to_csv() == "mass_gev,epsilon_combined\n0.01,0.00015\n0.1,\n"
    assert repr(t) == ("ReachTable(demo: 2 masses 0.01-0.1 GeV; "
                       "epsilon_combined min 0.00015 at 0.01 GeV)")


def test_html_escapes_text() -> None:
    t = ReachTable("<b>x</b>&", {"mass_gev": np.array([0.01]),
                                "epsilon_combined": np.array([1e-4])})
    html = t._repr_html_()
    assert "<b>x</b>&" not in html and "&lt;b&gt;x&lt;/b&gt;&amp;" in html
    _html_ok(html)


def test_scan_table(scan_table, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = repr(scan_table)
    assert text.startswith("ScanTable(2 points") and "\n" not in text
    _html_ok(scan_table._repr_html_())
    df = scan_table.to_pandas()
    assert list(df.columns) == scan_table.names
    assert df["sigma_pb"].tolist() == scan_table["sigma_pb"]
    plain = scan_table.to_csv()
    assert scan_table.to_csv(tmp_path / "g.csv") == plain == (tmp_path / "g.csv").read_text()
    back = _csv_rows(plain)
    assert [float(r["sigma_pb"]) for r in back] == scan_table["sigma_pb"]


def test_event_sample(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = repr(sample)
    assert text.startswith("EventSample(200 mcp events") and "\n" not in text
    assert len(text) < 250 and "array" not in text
    _html_ok(sample._repr_html_())
    df = sample.to_pandas()
    assert len(df) == sample.n_events
    np.testing.assert_array_equal(df["x"].to_numpy(), sample.x)
    np.testing.assert_array_equal(df["chi_E"].to_numpy(), sample.momenta["chi"][:, 0])
    text = sample.to_csv(tmp_path / "ev.csv")
    assert (tmp_path / "ev.csv").read_text() == text
    back = _csv_rows(text)
    assert len(back) == 200
    np.testing.assert_array_equal([float(r["lepton_out_pz"]) for r in back],
                                  sample.momenta["lepton_out"][:, 3])


def test_to_pandas_without_pandas(monkeypatch: pytest.MonkeyPatch, xsecs: list) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(InputError, match="pip install pandas"):
        xsecs[0].to_pandas()


@pytest.mark.parametrize("method", ["ww", "etl"])
def test_mass_list_equals_scalar_calls(method: str) -> None:
    masses = [0.01, 0.1]
    kw = dict(method=method, precision=1e-2, seed=3, cache=False)
    many = cross_section("mu", 160, "Pb", np.array(masses), 0.5, progress=False, **kw)
    assert isinstance(many, list) and len(many) == 2
    for m, r in zip(masses, many, strict=True):
        one = cross_section("mu", 160, "Pb", m, 0.5, **kw)
        assert r.sigma_pb == one.sigma_pb and r.error_pb == one.error_pb
        assert r.mass_gev == m and r.n_eval == one.n_eval
        assert r.to_dict().keys() == one.to_dict().keys()


def test_mass_list_serial_backend_and_cache(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MILLICHARGE_CACHE_DIR", str(tmp_path))
    first = cross_section("mu", 160, "Pb", [0.05], 0.5, method="ww", cache=True,
                          backend="serial", progress=False)
    again = cross_section("mu", 160, "Pb", [0.05], 0.5, method="ww", cache=True,
                          backend="serial", progress=False)
    assert not first[0].cached and again[0].cached
    assert again[0].sigma_pb == first[0].sigma_pb


def test_mass_list_bad_input() -> None:
    with pytest.raises(InputError, match=r"^mass must be"):
        cross_section("mu", 160, "Pb", [], 0.5, method="ww")
    with pytest.raises(InputError, match="pass either runner= or cache, not both"):
        cross_section("mu", 160, "Pb", [0.1], 0.5, method="ww", cache=False,
                      runner=Runner())
    with pytest.raises(InputError):  # checked before any work: 200 GeV is above threshold
        cross_section("mu", 160, "Pb", [0.1, 200.0], 0.5, method="ww", progress=False)


def test_spectrum_mass_list_equals_scalar_calls() -> None:
    x = [0.3, 0.7]
    many = spectrum("mu", 160, "Pb", [0.01, 0.1], x, method="ww", progress=False)
    assert [s.mass_gev for s in many] == [0.01, 0.1]
    for s in many:
        one = spectrum("mu", 160, "Pb", s.mass_gev, x, method="ww")
        np.testing.assert_array_equal(s.dsigma_dx_pb, one.dsigma_dx_pb)


def test_scalar_mass_still_one_result() -> None:
    r = cross_section("mu", 160, "Pb", np.float64(0.1), 0.5, method="ww")
    assert r.mass_gev == 0.1 and not isinstance(r, list)


def test_import_prints_no_warning() -> None:
    proc = subprocess.run([sys.executable, "-W", "error", "-c", "import millicharge"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and proc.stdout == ""


def test_progress_bar_without_ipywidgets() -> None:
    code = ("import sys; sys.modules['ipywidgets'] = None\n"
            "import millicharge.running.progress as p, tqdm.std\n"
            "assert p.tqdm is tqdm.std.tqdm, p.tqdm\n")
    proc = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_plot_reach_accepts_reach_table(table: ReachTable) -> None:
    pytest.importorskip("matplotlib")
    from millicharge.plots.plotting import plot_reach

    art = plot_reach([table])
    (line,) = art["curves"]
    np.testing.assert_array_equal(line.get_xdata(), table["mass_gev"])
    assert line.get_label() == table.experiment
    finite = table["mass_gev"][np.isfinite(table["epsilon_combined"])]
    lo, hi = line.axes.get_xlim()
    assert lo <= finite.min() and hi >= finite.max()
    assert lo == 10.0 ** math.floor(math.log10(finite.min()))
    art = plot_reach(table)  # a single table alone
    assert len(art["curves"]) == 1
