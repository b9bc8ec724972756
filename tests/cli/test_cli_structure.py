"""The command line's structure: small modules, every choice derived from a vocabulary, the
one grammar (masses, output, target) used by every command, help texts that state each
experiment's CL, and ``generate``'s x window and precision handed to the generator."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import click
import pytest
from click.testing import CliRunner

import millicharge.cli
from millicharge.cli import options
from millicharge.cli.main import main
from millicharge.core.vocab import Backend, Beam, Method, Transport, choices
from millicharge.models import MODELS, registry
from millicharge.target.formfactors import FormFactor

VOCABULARIES = {"beam": Beam, "method": Method, "methods": Method, "backend": Backend,
                "transport": Transport, "form_factor": FormFactor}
"""Parameter name → the vocabulary its choices must be."""
OUTPUT_FORMATS = {"fmt"}
"""The one other kind of choice: what a command writes (table, csv, json)."""


def commands(group: click.Group = main, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], click.Command]]:
    """Every command and group under ``group``, with its path of names."""
    for name, cmd in group.commands.items():
        yield (*path, name), cmd
        if isinstance(cmd, click.Group):
            yield from commands(cmd, (*path, name))


ALL = dict(commands())


def test_no_cli_module_over_400_lines():
    folder = Path(millicharge.cli.__file__).parent
    sizes = {f.name: len(f.read_text(encoding="utf-8").splitlines())
             for f in folder.glob("*.py")}
    assert len(sizes) >= 8  # the group, the grammar, the writers, one per command family
    assert max(sizes.values()) <= 400, sizes


@pytest.mark.parametrize("path", list(ALL), ids=" ".join)
def test_every_choice_is_a_vocabulary(path):
    for param in ALL[path].params:
        if not isinstance(param.type, click.Choice):
            continue
        allowed = tuple(param.type.choices)
        if param.name == "model":
            assert allowed == tuple(MODELS), path
            assert param.default == MODELS[0]
        elif param.name in VOCABULARIES:
            assert allowed == choices(VOCABULARIES[param.name]), (path, param.name)
        else:
            assert param.name in OUTPUT_FORMATS, f"{path}: --{param.name} types its choices"


def test_the_vocabularies_are_all_offered_somewhere():
    offered = {p.name for cmd in ALL.values() for p in cmd.params
               if isinstance(p.type, click.Choice)}
    assert offered >= {*VOCABULARIES, "model"}


@pytest.mark.parametrize("path", [p for p, c in ALL.items()
                                  if any(q.name == "model" for q in c.params)], ids=" ".join)
def test_model_help_names_every_registered_model(path):
    (param,) = [p for p in ALL[path].params if p.name == "model"]
    for name, model in registry().items():
        assert f"{name} ({model.title})" in param.help


def test_scan_beam_help_lists_the_beams():
    help_text = " ".join(CliRunner().invoke(main, ["scan", "--help"]).output.split())
    assert f"Beam lepton(s): {', '.join(choices(Beam))}." in help_text


@pytest.mark.parametrize("path", [p for p, c in ALL.items()
                                  if any(q.name == "masses" for q in c.params)], ids=" ".join)
def test_masses_is_the_one_grammar_everywhere(path):
    (param,) = [p for p in ALL[path].params if p.name == "masses"]
    assert isinstance(param, options.MultiValueOption)
    assert "--masses" in param.opts
    assert "GeV" in param.help and ("start:stop:n" in param.help or path == ("generate",))


@pytest.mark.parametrize("path", [p for p, c in ALL.items()
                                  if any(q.name in ("output", "out") for q in c.params)],
                         ids=" ".join)
def test_output_is_dash_o_everywhere(path):
    (param,) = [p for p in ALL[path].params if p.name in ("output", "out")]
    assert {"-o", "--output"} <= set(param.opts)
    if path[0] == "plot":
        assert "--out" in param.opts  # the old spelling stays an alias


def test_every_computing_command_writes_output():
    with_output = {p for p, c in ALL.items() if any(q.name in ("output", "out")
                                                     for q in c.params)}
    assert {("xsec",), ("spectrum",), ("reach",), ("scan",), ("generate",), ("plot", "xsec"),
            ("plot", "spectrum"), ("plot", "reach")} <= with_output


def _cls() -> dict[str, float]:
    found = {}
    for f in resources.files("millicharge.data").joinpath("experiments").iterdir():
        if f.name.endswith(".toml"):
            found[f.name[:-5]] = tomllib.loads(f.read_text(encoding="utf-8"))["cl"]
    return found


def test_plot_reach_help_states_each_experiments_cl():
    text = " ".join(CliRunner().invoke(main, ["plot", "reach", "--help"]).output.split())
    cls = _cls()
    assert len(set(cls.values())) > 1  # the shipped set mixes CLs: help must tell them apart
    majority = max(set(cls.values()), key=list(cls.values()).count)
    for name, cl in cls.items():
        if cl != majority:
            assert f"{100 * cl:g} % for {name}" in text
    assert f"{100 * majority:g} % for the others" in text


def test_plot_help_line_is_not_cut_at_figs():
    lines = CliRunner().invoke(main, ["--help"]).output.splitlines()
    (line,) = [ln for ln in lines if ln.strip().startswith("plot ")]
    assert "Figs. 2-4" in line


def test_custom_target_in_the_one_target_grammar():
    """xsec reads a target as scan and the API do: fields may be split by ';' too, and a
    bad field is named with the option."""
    base = ["xsec", "--beam", "mu", "--energy", "160", "--mass", "0.1", "--x-min", "0.5",
            "--method", "ww", "--format", "json", "--no-cache"]
    comma = CliRunner().invoke(main, [*base, "--target", "Z=82,A=207.2"])
    semicolon = CliRunner().invoke(main, [*base, "--target", "Z=82;A=207.2"])
    assert comma.exit_code == semicolon.exit_code == 0, semicolon.output
    assert json.loads(comma.stdout)["sigma_pb"] == json.loads(semicolon.stdout)["sigma_pb"] > 0
    bad = CliRunner().invoke(main, [*base, "--target", "Z=6,A=12,B=1"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: bad --target value") and "'B'" in bad.stderr


# --------------------------------------------------------------------------- generate

@pytest.fixture
def generator(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The event generator replaced by one that records what the command asked of it."""
    import millicharge.events.generate as events

    asked: dict[str, object] = {}

    def fake_generate(experiment, mass, n_events, **kwargs):  # type: ignore[no-untyped-def]
        asked.update(kwargs, experiment=experiment, mass=mass, n_events=n_events)
        return SimpleNamespace(n_events=n_events, sigma_pb=1.0, error_pb=0.1, efficiency=0.5,
                               overweight_fraction=0.0)

    monkeypatch.setattr(events, "generate_events", fake_generate)
    monkeypatch.setattr(events, "write_lhe", lambda sample, path: Path(path))
    return asked


GENERATE = ["generate", "-e", "ldmx", "--mass", "0.1", "--events", "3"]


def test_generate_hands_the_window_and_precision_to_the_generator(generator, tmp_path):
    result = CliRunner().invoke(main, [*GENERATE, "-o", str(tmp_path / "a.lhe"), "--x-min",
                                       "0.6", "--x-max", "0.9", "--precision", "0.02"])
    assert result.exit_code == 0, result.output
    assert (generator["x_min"], generator["x_max"], generator["precision"]) == (0.6, 0.9, 0.02)
    assert generator["mass"] == 0.1 and generator["n_events"] == 3


def test_generate_defaults_to_the_experiments_window(generator, tmp_path):
    result = CliRunner().invoke(main, [*GENERATE, "-o", str(tmp_path / "a.lhe")])
    assert result.exit_code == 0, result.output
    assert all(generator.get(k) is None for k in ("x_min", "x_max", "precision")), generator


@pytest.mark.parametrize("bad", [["--precision", "0"], ["--precision", "-1"],
                                 ["--x-min", "abc"], ["--x-max", "nan!"]])
def test_generate_refuses_bad_window_or_precision_in_one_line(generator, tmp_path, bad):
    result = CliRunner().invoke(main, [*GENERATE, "-o", str(tmp_path / "a.lhe"), *bad])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: ")
    assert generator == {}  # refused before anything was generated


def test_generate_writes_the_requested_window(tmp_path):
    """End to end: the file states the window asked for, not the experiment's (x_min 0.5)."""
    path = tmp_path / "w.lhe"
    result = CliRunner().invoke(main, ["generate", "-e", "na64mu", "--mass", "0.1", "--events",
                                       "5", "-o", str(path), "--x-min", "0.7", "--x-max",
                                       "0.9", "--precision", "0.05"])
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert "x_min = 0.7" in text and "x_max = 0.9" in text
    assert text.count("<event>") == 5


@pytest.mark.parametrize("bad", [["--precision", "0.5"], ["--x-min", "0.9", "--x-max", "0.8"],
                                 ["--x-min", "1.5"]])
def test_generate_window_refused_by_the_generator_in_one_line(tmp_path, bad):
    result = CliRunner().invoke(main, [*GENERATE, "-o", str(tmp_path / "a.lhe"), *bad])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("Error: ")
    assert list(tmp_path.iterdir()) == []
