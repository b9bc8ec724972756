"""The command line's one grammar, defined once and used by every command.

* ``--masses`` (alias ``--mass``): ``start:stop:n`` (log-spaced, GeV), a comma list, or
  several values (:func:`parse_masses`);
* ``-o/--output`` (alias ``--out`` on the plots) with the format taken from the extension
  (:func:`output_format`), ``--format`` for stdout;
* ``--precision`` (default :data:`DEFAULT_PRECISION`), ``--seed``, ``--no-progress``,
  ``--no-cache`` and ``--cite`` with the same meaning everywhere;
* choices derived from the package's vocabularies (:mod:`millicharge.core.vocab`,
  :class:`millicharge.target.formfactors.FormFactor`), never typed here.

Only light modules are imported at module level: ``millicharge --help`` must stay fast.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from millicharge.core.atomic import check_output_path
from millicharge.core.errors import InputError
from millicharge.core.vocab import Backend, Beam, Method, Transport, choices
from millicharge.models import MODELS, registry
from millicharge.target.formfactors import FormFactor

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np

    from millicharge.target.materials import Material

__all__ = [
    "DEFAULT_PRECISION",
    "FIGURE_SUFFIXES",
    "SCAN_OUTPUTS",
    "TEXT_OUTPUTS",
    "MultiValueOption",
    "check_figure",
    "output_format",
    "parse_masses",
    "parse_target",
]

DEFAULT_PRECISION = 5e-3
"""Target relative MC error of every computing command unless ``--precision`` says otherwise.

It is the reach's long-standing default, so ``millicharge plot reach`` keeps its numbers;
``xsec`` and ``scan`` (were 1e-3), ``spectrum`` (was 3e-3) and ``plot spectrum`` (was 1e-2)
changed to it in 0.2.0."""

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


# --------------------------------------------------------------------------- several values

class MultiValueOption(click.Option):
    """An option that takes every following word up to the next option: ``--x 0.5 0.7``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("multiple", True)
        super().__init__(*args, **kwargs)
        self._previous_parser_process = None

    def add_to_parser(self, parser, ctx):  # type: ignore[no-untyped-def]
        def parser_process(value, state):  # type: ignore[no-untyped-def]
            values = [value]
            while state.rargs and not (
                state.rargs[0].startswith("--") or _is_short_option(state.rargs[0])
            ):
                values.append(state.rargs.pop(0))
            for v in values:
                self._previous_parser_process(v, state)

        retval = super().add_to_parser(parser, ctx)
        for name in self.opts:
            our_parser = parser._long_opt.get(name) or parser._short_opt.get(name)
            if our_parser:
                self._previous_parser_process = our_parser.process
                our_parser.process = parser_process
                break
        return retval


def _is_short_option(word: str) -> bool:
    if not word.startswith("-") or len(word) < 2:
        return False
    try:
        float(word)
    except ValueError:
        return True
    return False  # a negative number is a value, not an option


def with_options(options: Sequence[Decorator]) -> Decorator:
    """Apply a list of click options in the order listed (first = first in ``--help``)."""

    def deco(f: Callable[..., Any]) -> Callable[..., Any]:
        for opt in reversed(options):
            f = opt(f)
        return f

    return deco


# --------------------------------------------------------------------------- masses

def parse_masses(words: str | Sequence[str]) -> np.ndarray:
    """Masses in GeV from ``--masses``: the one grammar of
    :func:`millicharge.core.grammar.read_masses` (each word ``start:stop:n`` log-spaced, a
    number, or a comma list of either; several words add up), at most
    :data:`~millicharge.limits.reach.MAX_MASSES`.

    ``"0.01:1:3"``, ``"0.01,0.1,1"`` and ``["0.01", "0.1", "1"]`` give the same masses.

    >>> parse_masses(["0.01:1:3", "2,3"]).round(3).tolist()
    [0.01, 0.1, 1.0, 2.0, 3.0]
    """
    from millicharge.core.grammar import read_masses
    from millicharge.limits.reach import MAX_MASSES

    return read_masses(words, limit=MAX_MASSES, option="--masses")


def mass_words(words: Sequence[str]) -> list[str]:
    """The pieces of ``--masses`` words, split at commas, empty pieces dropped: each is a
    number or ``start:stop:n`` (``scan`` hands them to its grid, which bounds their count
    by ``--max-points`` before allocating them)."""
    return [p.strip() for w in words for p in str(w).split(",") if p.strip()]


MASSES_HELP = ("m_χ (or m_A') in GeV: start:stop:n (log-spaced), a comma list, or several "
               "values (--masses 0.01 0.1).")


def masses_option(*, default: str | None = None, names: Sequence[str] = ("--masses", "--mass"),
                  help: str = MASSES_HELP) -> Decorator:
    """``--masses`` (alias ``--mass``) in the one grammar of :func:`parse_masses`."""
    return click.option(*names, "masses", cls=MultiValueOption, required=default is None,
                        default=(default,) if default is not None else None,
                        show_default=default, help=help)


# --------------------------------------------------------------------------- target

def parse_target(value: str) -> Material:
    """``Pb`` or a custom target ``Z=6,A=12.011[,density=…,X0=…]``: the one target grammar,
    :func:`millicharge.target.materials.parse_target`, shared with ``scan``, the API and
    the experiment files."""
    from millicharge.target.materials import parse_target as _parse

    return _parse(value)


TARGET_HELP = "Material symbol (Pb, Al, W, Cu, Fe, C, Si, Be) or Z=…,A=…,density=…,X0=…"


# --------------------------------------------------------------------------- output

TEXT_OUTPUTS = {".csv": "csv", ".json": "json", ".txt": "table"}
"""``--output`` extensions of ``xsec``, ``spectrum`` and ``reach`` and the format each means."""
SCAN_OUTPUTS = {".csv": "csv", ".json": "json", ".parquet": "parquet"}
"""``scan --output`` extensions and their formats."""
FIGURE_SUFFIXES = (".png", ".pdf", ".svg")
"""``plot … --output`` extensions (matplotlib picks the format from it)."""


def output_format(output: str | None, fmt: str | None, formats: dict[str, str], *,
                  inputs: Sequence[str] = ()) -> str:
    """The format to write, checking ``--output`` before any work is done.

    Without ``--output`` it is ``--format`` (default ``table``). With it, the extension
    decides (``formats``); an explicit ``--format`` that says otherwise is an error, and
    so is a path that cannot be written or that is one of the ``inputs``.
    """
    if not output:
        return fmt or "table"
    path = check_output_path(output, suffixes=list(formats), inputs=inputs, what="--output")
    suffix = next(s for s in formats if path.name.lower().endswith(s))
    inferred = formats[suffix]
    if fmt is not None and fmt != inferred:
        raise InputError(
            f"--format {fmt} conflicts with --output {output!r}: a {suffix} file is "
            f"written as {inferred}; drop --format or change the extension")
    return inferred


def check_figure(out: str, inputs: Sequence[str] = ()) -> Path:
    """``--output`` of a plot command, checked before anything is computed."""
    return check_output_path(out, suffixes=FIGURE_SUFFIXES, inputs=inputs, what="--output")


FORMAT_HELP = "Format on stdout; with --output the extension decides (.csv, .json, .txt = table)."


def text_output_options(formats: Sequence[str] = ("table", "csv", "json"),
                        help: str = "Write to FILE (.csv, .json or .txt).",
                        format_help: str = FORMAT_HELP) -> list[Decorator]:
    """``--format`` (stdout) and ``-o/--output FILE`` (the extension decides)."""
    return [
        click.option("--format", "fmt", type=click.Choice(list(formats)), default=None,
                     show_default="table", help=format_help),
        click.option("--output", "-o", type=click.Path(dir_okay=False), help=help),
    ]


def figure_output_option() -> Decorator:
    """``-o/--output FILE`` of the plots, ``--out`` kept as an alias."""
    return click.option("--output", "-o", "--out", "out", required=True,
                        type=click.Path(dir_okay=False),
                        help="Output file: .png, .pdf or .svg (--out is an alias).")


# --------------------------------------------------------------------------- choices

def choice(kind: type[enum.StrEnum]) -> click.Choice:
    """A click choice of every value of a vocabulary (:func:`millicharge.core.vocab.choices`)."""
    return click.Choice(choices(kind))


def listed(kind: type[enum.StrEnum]) -> str:
    """``'e, mu'``: a vocabulary's values for a help text."""
    return ", ".join(choices(kind))


def beam_option() -> Decorator:
    return click.option("--beam", type=choice(Beam), required=True, help="Beam lepton.")


def method_option(help: str = "Exact tree level (VEGAS) or Weizsäcker–Williams.") -> Decorator:
    return click.option("--method", type=choice(Method), default=Method.ETL.value,
                        show_default=True, help=help)


def _model_help() -> str:
    """``"Model: mcp (millicharged particle pair) or dark-photon (invisible dark photon)."``,
    from the registered models (:mod:`millicharge.models`)."""
    items = [f"{name} ({model.title})" for name, model in registry().items()]
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
    return f"Model: {listed}."


MODEL_HELP = _model_help()


def model_option(help: str = "") -> Decorator:
    """``--model``: one of the registered models (:data:`millicharge.models.MODELS`; the
    first is the default); ``help`` is added to the list of models."""
    return click.option("--model", type=click.Choice(list(MODELS)), default=MODELS[0],
                        show_default=True, help=f"{MODEL_HELP} {help}".strip())


def form_factor_option(default: FormFactor | None) -> Decorator:
    """``--form-factor``: a default value, or None for the experiment's own choice."""
    text = ("Atomic form factor: elastic (paper Eq. 10) or elastic+inelastic (adds the "
            "inelastic atomic term, Tsai 1974; Bjorken et al. 2009).")
    if default is None:
        text += " Default: the experiment's ([target] form_factor)."
    return click.option("--form-factor", type=choice(FormFactor),
                        default=None if default is None else default.value,
                        show_default=default is not None, help=text)


def transport_option() -> Decorator:
    """``--transport thin|shower``: None keeps the experiment's ([target] transport)."""
    return click.option(
        "--transport", type=choice(Transport), default=None,
        help="Target transport: thin (paper Eq. 4 at the beam energy) or shower (an electron"
             " beam's e+- shower, for thick targets). Default: the experiment's "
             "([target] transport).")


def backend_option(help: str) -> Decorator:
    return click.option("--backend", type=choice(Backend), default=None, help=help)


# --------------------------------------------------------------------------- the rest

SEED = click.IntRange(min=0)
"""A random seed: a non-negative integer (numpy and VEGAS reject negative ones)."""
POSITIVE_INT = click.IntRange(min=1)
POSITIVE_FLOAT = click.FloatRange(min=0.0, min_open=True)

CITE_HELP = "Print BibTeX of the references used, the software and its paper (on stderr)."
NO_PROGRESS_HELP = "Hide the progress bar."
PRECISION_HELP = "Target relative MC error (ETL)."


def precision_option(type: Any = float) -> Decorator:
    """``--precision`` with the one default (``scan`` reads it as text: its grid checks it)."""
    default = DEFAULT_PRECISION if type is float else str(DEFAULT_PRECISION)
    return click.option("--precision", type=type, default=default, show_default=True,
                        help=PRECISION_HELP)


def seed_option(help: str = "VEGAS random seed.") -> Decorator:
    return click.option("--seed", type=SEED, default=0, show_default=True, help=help)


def experiment_option(help: str = "Shipped name (see `millicharge experiments`) or a TOML "
                      "file.") -> Decorator:
    return click.option("--experiment", "-e", required=True, help=help)


def experiments_option() -> Decorator:
    return click.option("--experiment", "-e", "experiments", cls=MultiValueOption,
                        required=True,
                        help="One or more experiments, e.g. --experiment na64mu ldmx")


def no_progress_option(help: str = NO_PROGRESS_HELP) -> Decorator:
    return click.option("--no-progress", is_flag=True, help=help)


def no_cache_option() -> Decorator:
    return click.option("--no-cache", is_flag=True,
                        help="Neither read nor write the result cache.")


def cite_option() -> Decorator:
    return click.option("--cite", is_flag=True, help=CITE_HELP)


@functools.cache
def cl_text(whose: str = "the experiment's") -> str:
    """Each shipped experiment's CL, read from its file, for a help text: "the experiment's
    CL (90 % for na64mu-2022; 95 % for the others; see `millicharge experiments`)"."""
    import tomllib
    from importlib import resources

    try:
        groups: dict[float, list[str]] = {}
        for f in sorted(resources.files("millicharge.data").joinpath("experiments").iterdir(),
                        key=lambda f: f.name):
            if f.name.endswith(".toml"):
                cl = float(tomllib.loads(f.read_text(encoding="utf-8")).get("cl", 0.95))
                groups.setdefault(cl, []).append(f.name[: -len(".toml")])
        ordered = sorted(groups.items(), key=lambda kv: len(kv[1]))
        parts = [f"{100 * cl:g} % for {', '.join(names)}" for cl, names in ordered[:-1]]
        parts.append(f"{100 * ordered[-1][0]:g} % for " + ("the others" if parts else "all"))
        return f"{whose} CL ({'; '.join(parts)}; see `millicharge experiments`)"
    except Exception:  # help text only: never break the command line
        return f"{whose} CL (see `millicharge experiments`)"


CL_TEXT = cl_text()
