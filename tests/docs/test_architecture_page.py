"""The walk-throughs of docs/architecture.md run as written.

Every ```python block of the page is executed, in order and in one namespace, in a
temporary folder (the per-test result cache of conftest.py); a ```toml block with a
``title`` is first written to that file name, as a reader would save it.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path

import numpy as np

PAGE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.S | re.M)


def _blocks() -> list[tuple[str, str, str]]:
    return [(lang, attrs, body) for lang, attrs, body in FENCE.findall(PAGE.read_text("utf-8"))]


def _run_page(tmp_path, monkeypatch) -> tuple[dict, str]:
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    for lang, attrs, body in _blocks():
        title = re.search(r'title="([^"]+)"', attrs)
        if lang == "toml" and title:
            (tmp_path / title.group(1)).write_text(body, encoding="utf-8")
        elif lang == "python":
            with contextlib.redirect_stdout(out):
                exec(compile(body, str(PAGE), "exec"), namespace)
    return namespace, out.getvalue()


def test_the_page_has_both_walk_throughs():
    langs = [lang for lang, _, _ in _blocks()]
    assert langs.count("python") == 3 and "toml" in langs
    text = PAGE.read_text("utf-8")
    assert "## Walk-through: adding an experiment" in text
    assert "## Walk-through: adding a model" in text
    assert "../shared" not in text and "SPEC" not in text


def test_walk_throughs_run(tmp_path, monkeypatch):
    ns, printed = _run_page(tmp_path, monkeypatch)

    # (a) the new experiment is read from the TOML block and its reach computed
    exp, table = ns["exp"], ns["table"]
    assert (exp.name, exp.beam, exp.energy_gev, exp.material.symbol) == ("MuW20", "mu", 20.0, "W")
    assert math.isclose(exp.thickness_cm, 20 * exp.material.X0, rel_tol=1e-12)
    assert table.experiment == "MuW20" and len(table) == 2
    assert np.allclose(table["mass_gev"], [0.01, 0.1])
    assert table.meta["method"] == "ww" and table.meta["cl"] == 0.9
    eps = table["epsilon_combined"]
    assert np.isfinite(eps).all() and ((eps > 1e-6) & (eps < 1.0)).all()
    assert eps[0] < eps[1]  # the lighter pair is produced more often
    assert "eps <" in printed and "MuW20" in printed

    # (b) the new model: what the page prints is what the physics says
    model = ns["model"]
    assert str(model) == "scalar-mcp" and model.threshold(0.1) == 0.2
    assert model.integration_variables[0] == "s"
    assert model.spectral_factor(0.04, 0.1) == 0.0  # threshold s = 4m²
    s = np.array([0.0401, 0.05, 1.0, 1e4])
    ratio = model.spectral_factor(s, 0.1) / ns["spectral_density"](s, 0.1)
    beta2 = 1 - 4 * 0.1**2 / s  # scalar / fermion = β²/(4(1 + 2m²/s))
    assert np.allclose(ratio, beta2 / (4 * (1 + 2 * 0.1**2 / s)), rtol=1e-12)
    assert ratio[0] < 1e-3 and abs(ratio[-1] - 0.25) < 1e-4
    # ... and the engines integrate it through that factor
    assert 0 < ns["scalar"].sigma_pb < ns["fermion"].sigma_pb / 4
    assert ns["scalar"].model == "scalar-mcp"
