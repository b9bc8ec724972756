"""The ``millicharge`` command line: thin wrappers that read options, call the library and
write a table, JSON or CSV. Bad input ends with one line on stderr and exit status 2."""

from __future__ import annotations

import errno
import json
import math
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from millicharge._version import __version__
from millicharge.core.atomic import check_output_path, write_text
from millicharge.core.citations import SOFTWARE_KEYS, bibtex, reset, used
from millicharge.core.errors import InputError
from millicharge.running.interrupt import exit_on_interrupt
from millicharge.target.formfactors import FORM_FACTORS

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DEFAULT_PRECISION", "main", "parse_masses"]

DEFAULT_PRECISION = 5e-3
"""Target relative MC error of every computing command unless ``--precision`` says otherwise.

It is the reach's long-standing default, so ``millicharge plot reach`` keeps its numbers;
``xsec`` and ``scan`` (were 1e-3), ``spectrum`` (was 3e-3) and ``plot spectrum`` (was 1e-2)
changed to it in 0.2.0."""


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


def parse_masses(words: str | Sequence[str]) -> np.ndarray:
    """Masses in GeV from the CLI's one grammar: each word is ``start:stop:n`` (log-spaced),
    a number, or a comma list of either; several words add up.

    ``"0.01:1:3"``, ``"0.01,0.1,1"`` and ``["0.01", "0.1", "1"]`` give the same masses.
    Each piece is read by :func:`millicharge.limits.reach.parse_masses`.

    >>> parse_masses(["0.01:1:3", "2,3"]).round(3).tolist()
    [0.01, 0.1, 1.0, 2.0, 3.0]
    """
    import numpy as np

    from millicharge.limits.reach import MAX_MASSES, check_masses
    from millicharge.limits.reach import parse_masses as _parse_one

    if isinstance(words, str):
        words = [words]
    pieces = [p.strip() for w in words for p in str(w).split(",")]
    parts: list[np.ndarray] = []
    total = 0
    for piece in pieces:
        if not piece:
            continue
        values = _parse_one(piece)
        total += len(values)
        if total > MAX_MASSES:
            raise InputError(f"--masses asks for more than {MAX_MASSES} masses: at most "
                             f"{MAX_MASSES}")
        parts.append(values)
    if not parts:
        raise InputError(f"no masses in {' '.join(map(str, words))!r}: use start:stop:n (GeV, "
                         "log-spaced), a comma list or several values")
    return check_masses(np.concatenate(parts))


def _cl_text() -> str:
    """Each shipped experiment's CL, read from its file: "the experiment's CL (90 % for
    na64mu-2022, 95 % for the others)"."""
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
        return f"the experiment's CL ({'; '.join(parts)}; see `millicharge experiments`)"
    except Exception:  # help text only: never break the command line
        return "the experiment's CL (see `millicharge experiments`)"


_CL_TEXT = _cl_text()

_MASSES_HELP = ("m_χ (or m_A') in GeV: start:stop:n (log-spaced), a comma list, or several "
                "values (--masses 0.01 0.1).")


def _masses_option(*, default: str | None = None, names: Sequence[str] = ("--masses", "--mass"),
                   help: str = _MASSES_HELP):  # type: ignore[no-untyped-def]
    """``--masses`` (alias ``--mass``) in the one grammar of :func:`parse_masses`."""
    return click.option(*names, "masses", cls=MultiValueOption, required=default is None,
                        default=(default,) if default is not None else None,
                        show_default=default, help=help)


def _one_line(message: str) -> str:
    """``message`` with its line breaks and indentation folded into single spaces."""
    return " ".join(part.strip() for part in str(message).splitlines() if part.strip())


def _usage_message(err: click.ClickException) -> str:
    """click's error text on one line, with the allowed commands where click omits them."""
    message = _one_line(err.format_message())
    ctx = getattr(err, "ctx", None)
    if (message.startswith("No such command") and ctx is not None
            and isinstance(ctx.command, click.Group)):
        message += f" Commands: {', '.join(ctx.command.list_commands(ctx))}."
    return message


def _fail(message: str, code: int = 2) -> None:
    """Print ``Error: <message>`` as one line on stderr and stop with ``code``."""
    click.echo(f"Error: {_one_line(message)}", err=True)
    raise click.exceptions.Exit(code)


class _Group(click.Group):
    """Every error ends as one line ``Error: <message>`` on stderr and exit status 2.

    That covers :class:`InputError` from the library and click's own usage errors (a
    missing option, a bad choice or number, an unknown command or an extra argument),
    which click would otherwise print as three lines (usage, hint, error). ``--help``
    still prints the usage, and a command group given no command prints its help.
    """

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.ClickException as err:
            _fail(_usage_message(err))
            raise  # unreachable: _fail raises

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with exit_on_interrupt():  # Ctrl-C / SIGTERM: one line, exit 130 / 143
                return super().invoke(ctx)
        except InputError as err:
            _fail(str(err))
        except click.exceptions.NoArgsIsHelpError:
            raise  # `millicharge plot` alone: its help, as click prints it
        except click.ClickException as err:
            _fail(_usage_message(err))
        except click.exceptions.Abort:
            _fail("aborted", 1)
        except OSError as err:
            if err.errno == errno.EPIPE:
                raise  # click quiets a closed pipe (`millicharge … | head`)
            where = f" {err.filename!r}" if err.filename else ""
            _fail(f"cannot write or read{where}: {err.strerror or err}", 1)


def _target(value: str):
    """``Pb`` or a custom target ``Z=6,A=12.011,density=2.21,X0=19.32``."""
    from millicharge.target.materials import Material, get_material

    if "=" not in value:
        return get_material(value)
    fields: dict[str, float] = {}
    for part in value.split(","):
        key, _, val = part.partition("=")
        key = key.strip()
        if key not in ("Z", "A", "density", "X0"):
            raise InputError(
                f"custom target field {key!r} unknown: use Z=…,A=…[,density=…,X0=…]"
            )
        try:
            fields[key] = float(val)
        except ValueError:
            raise InputError(f"custom target field {key} must be a number, got {val!r}") from None
    if "Z" not in fields or "A" not in fields:
        raise InputError("a custom target needs at least Z=… and A=…")
    z = fields.pop("Z")
    return Material(symbol=f"Z{z:g}A{fields['A']:g}", Z=int(z) if z.is_integer() else z,
                    **fields)


TEXT_OUTPUTS = {".csv": "csv", ".json": "json", ".txt": "table"}
"""``--output`` extensions of ``reach`` and ``spectrum`` and the format each one means."""
SCAN_OUTPUTS = {".csv": "csv", ".json": "json", ".parquet": "parquet"}
"""``scan --output`` extensions and their formats."""
FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def _output_format(output: str | None, fmt: str | None, formats: dict[str, str], *,
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


def _check_figure(out: str, inputs: Sequence[str] = ()) -> Path:
    """``--out`` of a plot command, checked before anything is computed."""
    return check_output_path(out, suffixes=FIGURE_SUFFIXES, inputs=inputs, what="--output")


def _emit(text: str, output: str | None) -> None:
    """``text`` to ``output`` (atomically, mode from the umask) or to stdout."""
    if output:
        path = write_text(output, text if text.endswith("\n") else text + "\n")
        click.echo(f"wrote {path}", err=True)
    else:
        click.echo(text.rstrip("\n"))


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    def fmt(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:.5g}" if math.isfinite(v) else "—"
        return str(v)

    cells = [[fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def _maybe_cite(cite: bool) -> None:
    """The references the run used, then the software itself and its paper."""
    if cite:
        keys = used() + [k for k in SOFTWARE_KEYS if k not in used()]
        click.echo("\n" + bibtex(keys), err=True)


def _global_cite(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(bibtex(list(SOFTWARE_KEYS)))
        ctx.exit()


_CITE_HELP = "Print BibTeX of the references used, the software and its paper (on stderr)."
_NO_PROGRESS_HELP = "Hide the progress bar."
_PRECISION_HELP = "Target relative MC error (ETL)."


_FORMAT_HELP = "Format on stdout; with --output the extension decides (.csv, .json, .txt = table)."
_SEED = click.IntRange(min=0)
"""A random seed: a non-negative integer (numpy and VEGAS reject negative ones)."""
_POSITIVE_INT = click.IntRange(min=1)
_POSITIVE_FLOAT = click.FloatRange(min=0.0, min_open=True)

def _form_factor_option(default: str | None):  # type: ignore[no-untyped-def]
    """``--form-factor``: a default value, or None for the experiment's own choice."""
    text = ("Atomic form factor: elastic (paper Eq. 10) or elastic+inelastic (adds the "
            "inelastic atomic term, Tsai 1974; Bjorken et al. 2009).")
    if default is None:
        text += " Default: the experiment's ([target] form_factor)."
    return click.option("--form-factor", type=click.Choice(FORM_FACTORS), default=default,
                        show_default=default is not None, help=text)


_physics = [
    click.option("--beam", type=click.Choice(["e", "mu"]), required=True, help="Beam lepton."),
    click.option("--energy", type=float, required=True, help="Beam energy in GeV."),
    click.option("--target", required=True,
                 help="Material symbol (Pb, Al, W, Cu, Fe, C, Si, Be) or Z=…,A=…,density=…,X0=…"),
    _masses_option(),
    click.option("--method", type=click.Choice(["etl", "ww"]), default="etl", show_default=True,
                 help="Exact tree level (VEGAS) or Weizsäcker–Williams."),
    click.option("--model", type=click.Choice(["mcp", "dark-photon"]), default="mcp",
                 show_default=True, help="Millicharged pair or invisible dark photon."),
    click.option("--epsilon", type=float, default=1.0, show_default=True,
                 help="Charge / mixing ε (σ ∝ ε²)."),
    click.option("--seed", type=_SEED, default=0, show_default=True, help="VEGAS random seed."),
    _form_factor_option("elastic"),
    click.option("--cite", is_flag=True, help=_CITE_HELP),
    click.option("--precision", type=float, default=DEFAULT_PRECISION, show_default=True,
                 help=_PRECISION_HELP),
    click.option("--no-progress", is_flag=True, help=_NO_PROGRESS_HELP),
]


def _transport_option():  # type: ignore[no-untyped-def]
    """``--transport thin|shower``: None keeps the experiment's ([target] transport)."""
    return click.option(
        "--transport", type=click.Choice(["thin", "shower"]), default=None,
        help="Target transport: thin (paper Eq. 4 at the beam energy) or shower (an electron"
             " beam's e+- shower, for thick targets). Default: the experiment's "
             "([target] transport).")


def _transport_label(meta: dict[str, Any]) -> str:
    """'thin', or 'shower (8 nodes)' for the reach table's header line."""
    transport = meta.get("transport", "thin")
    if transport == "shower":
        return f"shower ({meta.get('shower_nodes')} nodes)"
    return str(transport)


def _with(options):  # type: ignore[no-untyped-def]
    def deco(f):  # type: ignore[no-untyped-def]
        for opt in reversed(options):
            f = opt(f)
        return f

    return deco


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="millicharge")
@click.option("--cite", is_flag=True, is_eager=True, expose_value=False, callback=_global_cite,
              help="Print the BibTeX of the software and of the paper it reproduces, and exit.")
def main() -> None:
    """Reach of lepton fixed-target missing-energy experiments for millicharged particles."""
    reset()
    warnings.formatwarning = _one_line_warning


def _one_line_warning(message: Warning | str, category: type[Warning], filename: str,
                      lineno: int, line: str | None = None) -> str:
    """A warning shown by the command line is one line, ``Warning: …`` (no source line)."""
    return f"Warning: {message}\n"


def _progress(items: Sequence[Any], show: bool) -> Any:
    """``items`` behind a progress bar on stderr when there are several and ``show``."""
    if not show or len(items) < 2:
        return items
    from tqdm import tqdm

    return tqdm(items, unit="mass", file=sys.stderr, leave=False)


@main.command()
@_with(_physics)
@click.option("--x-min", type=float, required=True, help="Lower edge of x = E_miss/E.")
@click.option("--x-max", type=float, default=1.0, show_default=True, help="Upper edge of x.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default=None,
              show_default="table", help=_FORMAT_HELP)
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write to FILE (.csv, .json or .txt).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
def xsec(beam, energy, target, masses, method, model, epsilon, seed, form_factor, cite,
         precision, no_progress, x_min, x_max, fmt, output, no_cache) -> None:
    """σ(x_min ≤ x ≤ x_max) in pb, one row per mass."""
    from millicharge.xsec.api import cross_section

    fmt = _output_format(output, fmt, TEXT_OUTPUTS)
    material = _target(target)
    values = parse_masses(masses)
    records = []
    form_factors = set()
    for m in _progress(values, not no_progress):
        r = cross_section(beam, energy, material, float(m), x_min, x_max, method=method,
                          model=model, epsilon=epsilon, precision=precision, seed=seed,
                          cache=not no_cache, form_factor=form_factor)
        record = r.to_dict()
        record["target"] = material.symbol
        records.append(_finite(record))
        form_factors.add(r.form_factor)
    cols = ["sigma_pb", "error_pb", "method", "model", "beam", "energy_gev", "target",
            "mass_gev", "x_min", "x_max", "chi2_dof", "n_eval"]
    if form_factors != {"elastic"}:
        cols.insert(4, "form_factor")
    if fmt == "json":  # one mass: the record itself, as before; several: a list
        text = json.dumps(records[0] if len(records) == 1 else records, indent=1)
    elif fmt == "csv":
        cols = ["mass_gev"] + [c for c in cols if c != "mass_gev"]
        text = ",".join(cols) + "\n" + "\n".join(
            ",".join("" if r.get(c) is None else repr(r.get(c)) if isinstance(r.get(c), float)
                     else str(r.get(c)) for c in cols) for r in records)
    else:
        text = _table(records, cols)
    _emit(text, output)
    _maybe_cite(cite)


def _finite(record: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in record.items()}


@main.command()
@_with(_physics)
@click.option("--x", "xs", cls=MultiValueOption, type=float, required=True,
              help="x values, e.g. --x 0.5 0.7 0.9")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default=None,
              show_default="table", help=_FORMAT_HELP)
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write to FILE (.csv, .json or .txt).")
def spectrum(beam, energy, target, masses, method, model, epsilon, seed, form_factor, cite,
             precision, no_progress, xs, fmt, output) -> None:
    """dσ/dx in pb at the given x = E_miss/E (a mass_gev column with several masses)."""
    from millicharge.xsec.api import spectrum as _spectrum

    fmt = _output_format(output, fmt, TEXT_OUTPUTS)
    material = _target(target)
    values = parse_masses(masses)
    rows: list[dict[str, Any]] = []
    for m in _progress(values, not no_progress):
        r = _spectrum(beam, energy, material, float(m), list(xs), method=method, model=model,
                      epsilon=epsilon, precision=precision, seed=seed, form_factor=form_factor)
        rows += [({"mass_gev": float(m)} if len(values) > 1 else {}) | d for d in r.rows()]
    cols = (["mass_gev"] if len(values) > 1 else []) + ["x", "dsigma_dx_pb", "error_pb"]
    if fmt == "json":
        text = json.dumps(rows, indent=1)
    elif fmt == "csv":
        text = ",".join(cols) + "\n" + "\n".join(
            ",".join(repr(d[c]) for c in cols) for d in rows)
    else:
        text = _table(rows, cols)
    _emit(text, output)
    _maybe_cite(cite)


@main.command()
@click.option("--experiment", "-e", required=True,
              help="Shipped name (see `millicharge experiments`) or a TOML file.")
@_masses_option(default="0.01:1:40")
@click.option("--cl", type=float, default=None,
              help=f"Confidence level (default: {_CL_TEXT}).")
@click.option("--method", type=click.Choice(["etl", "ww"]), default="etl", show_default=True)
@click.option("--model", type=click.Choice(["mcp", "dark-photon"]), default="mcp",
              show_default=True)
@click.option("--precision", type=float, default=DEFAULT_PRECISION, show_default=True,
              help=_PRECISION_HELP)
@click.option("--seed", type=_SEED, default=0, show_default=True)
@click.option("--backend", type=click.Choice(["serial", "processes", "dask"]), default=None,
              help="Where the cross sections run (default: local processes; dask with "
                   "--scheduler).")
@click.option("--workers", type=_POSITIVE_INT, default=None, help="Processes (default: all cores).")
@click.option("--scheduler", default=None, help="A running dask scheduler, tcp://HOST:PORT.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default=None,
              show_default="table", help=_FORMAT_HELP)
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write to FILE (.csv, .json or .txt).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--no-progress", is_flag=True, help=_NO_PROGRESS_HELP)
@click.option("--cite", is_flag=True, help=_CITE_HELP)
@click.option("--energy-loss/--no-energy-loss", default=None,
              help="Muon mean energy loss in the target on/off (default: experiment file's).")
@_form_factor_option(None)
@_transport_option()
def reach(experiment, masses, cl, method, model, precision, seed, backend, workers, scheduler,
          fmt, output, no_cache, no_progress, cite, energy_loss, form_factor,
          transport) -> None:
    """Projected reach ε(m_χ) (or ε(m_A') with --model dark-photon) at the experiment's CL
    unless --cl says otherwise."""
    from millicharge.limits.reach import reach as _reach

    fmt = _output_format(output, fmt, TEXT_OUTPUTS, inputs=[experiment])
    table = _reach(experiment, parse_masses(masses), cl=cl, method=method, model=model,
                   precision=precision, seed=seed, backend=backend, workers=workers,
                   cache=not no_cache, progress=not no_progress, energy_loss=energy_loss,
                   scheduler=scheduler, form_factor=form_factor, transport=transport)
    if fmt == "csv":
        text = table.to_csv()
    elif fmt == "json":
        text = table.to_json()
    else:
        cols = ["mass_gev", "sigma_pb", "sigma_error_pb"] + [
            c for c in table.names if c.startswith("epsilon_")
            and not all(math.isnan(v) for v in table[c])
        ]
        meta = table.meta
        text = (f"# {table.experiment}: model {meta['model']}, {100 * meta['cl']:g} % CL "
                f"(s_up = {meta['s_up']:.3g}), method {meta['method']}, energy loss "
                f"{meta.get('energy_loss', 'none')}, form factor {meta['form_factor']}, "
                f"transport {_transport_label(meta)}\n"
                + _table(table.rows(), [c for c in cols if c in table.names]))
    _emit(text, output)
    _maybe_cite(cite)


@main.command()
@click.option("--beam", "beams", cls=MultiValueOption, required=True,
              help="Beam lepton(s): e, mu.")
@click.option("--energy", "energies", cls=MultiValueOption, required=True,
              help="Beam energies in GeV, e.g. --energy 100 160")
@click.option("--target", "targets", cls=MultiValueOption, required=True,
              help="Targets, e.g. --target Pb W (or Z=…,A=…,density=…,X0=…)")
@_masses_option()
@click.option("--x-min", "x_mins", cls=MultiValueOption, required=True,
              help="Lower edges of x = E_miss/E, e.g. --x-min 0.3 0.5")
@click.option("--x-max", default="1", show_default=True, help="Upper edge of x.")
@click.option("--method", type=click.Choice(["etl", "ww"]), default="etl", show_default=True)
@click.option("--model", type=click.Choice(["mcp", "dark-photon"]), default="mcp",
              show_default=True)
@click.option("--precision", default=str(DEFAULT_PRECISION), show_default=True,
              help=_PRECISION_HELP)
@click.option("--seed", type=_SEED, default=0, show_default=True, help="VEGAS random seed.")
@click.option("--backend", type=click.Choice(["serial", "processes", "dask"]), default=None,
              help="Default: processes (all cores), or dask with --scheduler.")
@click.option("--scheduler", default=None,
              help="Running dask scheduler, tcp://HOST:PORT (needs millicharge[dask]).")
@click.option("--workers", type=_POSITIVE_INT, default=None,
              help="Local processes / LocalCluster workers (default: all cores).")
@click.option("--connect-timeout", type=_POSITIVE_FLOAT, default=10.0, show_default=True,
              help="Seconds to wait for the dask scheduler.")
@click.option("--no-worker-timeout", type=click.FloatRange(min=0.0), default=60.0,
              show_default=True, help="dask: seconds to wait while the cluster has no "
              "worker before stopping (0: wait forever).")
@click.option("--max-points", type=_POSITIVE_INT, default=None,
              help="Largest grid allowed (default 100000).")
@_form_factor_option("elastic")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default=None,
              show_default="table",
              help="Format on stdout; with --output the file's extension decides.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write FILE: .csv, .json or .parquet (needs pyarrow).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--no-progress", is_flag=True, help=_NO_PROGRESS_HELP)
@click.option("--cite", is_flag=True, help=_CITE_HELP)
def scan(beams, energies, targets, masses, x_mins, x_max, method, model, precision, seed,
         backend, scheduler, workers, connect_timeout, no_worker_timeout, max_points,
         form_factor, fmt, output, no_cache, no_progress, cite) -> None:
    """σ on a grid: beams × energies × targets × masses × x_min, one row per point."""
    from millicharge.running.grid import check_output, make_grid
    from millicharge.running.grid import scan as _scan

    if output:  # before any work: a bad name, an unwritable folder or a missing pyarrow
        fmt = _output_format(output, fmt, SCAN_OUTPUTS)
        check_output(output)
    # the same grammar, split at commas; the grid reads each piece (start:stop:n or a
    # number) itself so that --max-points bounds the masses before they are allocated
    mass_words = [p.strip() for w in masses for p in str(w).split(",") if p.strip()]
    grid = make_grid(list(beams), list(energies), list(targets), mass_words, list(x_mins),
                     x_max=x_max, method=method, model=model, precision=precision, seed=seed,
                     max_points=max_points, form_factor=form_factor)
    table = _scan(grid, backend=backend, workers=workers, scheduler=scheduler,
                  connect_timeout=connect_timeout, no_worker_timeout=no_worker_timeout or None,
                  cache=not no_cache,
                  progress=not no_progress)
    n = table.counts()
    click.echo(f"scan: {len(table)} points ({n['computed']} computed, {n['cached']} from "
               f"cache, {n['closed']} closed) in {table.meta['elapsed_s']:.1f} s", err=True)
    if output:
        click.echo(f"wrote {table.write(output)}", err=True)
    elif fmt == "csv":
        click.echo(table.to_csv().rstrip("\n"))
    elif fmt == "json":
        click.echo(table.to_json())
    else:
        click.echo(_table(table.rows, table.names))
    _maybe_cite(cite)


@main.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_context
def experiments(ctx: click.Context, fmt) -> None:
    """List the shipped experiments and their parameters; `experiments show NAME` prints one
    experiment's TOML file, to copy and edit."""
    if ctx.invoked_subcommand is not None:
        return
    from millicharge.experiments.config import experiment_names, load_experiment

    exps = [load_experiment(n) for n in experiment_names()]
    if fmt == "json":
        click.echo(json.dumps({n: e.to_dict() for n, e in zip(experiment_names(), exps,
                                                                 strict=True)}, indent=1))
        return
    rows = []
    for n, e in zip(experiment_names(), exps, strict=True):
        eff = e.efficiency if e.efficiency is not None else \
            f"table({len(e.efficiency_masses_gev)} masses)"
        row = {"name": n, "beam": e.beam, "energy_gev": e.energy_gev,
               "LOT": e.leptons_on_target, "target": e.material.symbol,
               "thickness_cm": e.thickness_cm, "x_min": e.x_min,
               "channels": "+".join(e.channels), "eff": eff, "bkg": e.background,
               "bkg_unc": e.background_uncertainty, "cl": e.cl, "form_factor": e.form_factor,
               "transport": e.transport if e.transport == "thin"
               else f"{e.transport}({e.shower_nodes})"}
        rows.append(row)
    click.echo(_table(rows, list(rows[0])))
    click.echo("\neff: signal efficiency (a constant, or a table against the mass: `millicharge"
               " experiments --format json`); bkg ± bkg_unc: expected background events and "
               "its uncertainty; cl: confidence level of the reach; transport: thin (paper Eq. "
               "4 at the beam energy) or shower(N) (an electron beam's shower folded over N "
               "energy nodes).")


@main.command()
@click.option("--experiment", "-e", required=True,
              help="Shipped name (see `millicharge experiments`) or a TOML file.")
@_masses_option(help="m_χ (or m_A') in GeV: one value (--mass is an alias).")
@click.option("--events", "n_events", type=int, required=True, help="Number of events.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="LHE file to write (.lhe, or .lhe.gz for gzip).")
@click.option("--seed", type=_SEED, default=0, show_default=True, help="Random seed.")
@click.option("--model", type=click.Choice(["mcp", "dark-photon"]), default="mcp",
              show_default=True, help="χχ̄ pair (exact 2→4) or invisible on-shell A'.")
@click.option("--epsilon", type=float, default=1.0, show_default=True,
              help="Charge / mixing ε: scales the file's cross section (σ ∝ ε²).")
@_form_factor_option(None)
@click.option("--no-progress", is_flag=True, help="Accepted for a uniform grammar: generate "
              "shows no progress bar.")
@click.option("--cite", is_flag=True, help=_CITE_HELP)
def generate(experiment, masses, n_events, output, seed, model, epsilon, form_factor,
             no_progress, cite) -> None:
    """Unweighted signal events (l, N, l', N', γ*, χ, χ̄) as a Les Houches Event file."""
    import time

    from millicharge.events.generate import LHE_SUFFIXES, generate_events, write_lhe

    values = parse_masses(masses)
    if len(values) != 1:
        raise InputError(f"generate takes one mass, got {len(values)}: run it once per mass")
    mass = float(values[0])
    check_output_path(output, suffixes=LHE_SUFFIXES, inputs=[experiment], what="--output")
    start = time.perf_counter()
    sample = generate_events(experiment, mass, n_events, model=model, epsilon=epsilon,
                             seed=seed, form_factor=form_factor)
    path = write_lhe(sample, output)
    rate = sample.n_events / (time.perf_counter() - start)
    click.echo(
        f"wrote {path}: {sample.n_events} events, σ = {sample.sigma_pb:.6g} ± "
        f"{sample.error_pb:.2g} pb, unweighting efficiency {sample.efficiency:.3f}, "
        f"overweight events {sample.overweight_fraction:.2g}, "
        f"{rate:.0f} events/s (file included)", err=True)
    _maybe_cite(cite)


@experiments.command("show")
@click.argument("name")
def experiments_show(name: str) -> None:
    """Print the shipped TOML file of experiment NAME (save it, edit it, pass it to -e)."""
    from importlib import resources

    from millicharge.experiments.config import experiment_names

    names = experiment_names()
    if name not in names:
        raise InputError(f"no shipped experiment {name!r}: choose one of {', '.join(names)}")
    text = resources.files("millicharge.data").joinpath("experiments", f"{name}.toml") \
        .read_text(encoding="utf-8")
    click.echo(text, nl=not text.endswith("\n"))


@main.command()
def limits() -> None:
    """List the limit curves shipped with the package, their sources, and what is missing.

    default = yes: shaded by `plot reach` unless --existing names others. verified = no:
    provenance unclear, never drawn by default (ask with --existing KEY; loading warns).
    Provenance of every file: data/limits/SOURCES.md in the package."""
    from millicharge.limits.existing import limit_info, limit_names, missing_limits

    rows = []
    for key in limit_names():
        info = limit_info(key)
        rows.append({"key": key, "category": info.get("category", ""),
                     "default": "yes" if info.get("default", False) else "no",
                     "verified": "yes" if info.get("verified", True) else "no",
                     "label": info.get("label", key), "citation": info.get("citation", "")})
    click.echo(_table(rows, ["key", "category", "default", "verified", "label", "citation"]))
    click.echo("\ndefault = yes: shaded by `millicharge plot reach` unless --existing names "
               "other keys; verified = no: provenance unclear, never drawn by default.")
    missing = missing_limits()
    if missing:
        click.echo("\nShown in the paper's Fig. 4 but not drawn: no public digitisation found "
                   "(not shipped, never invented):")
        for key, entry in missing.items():
            click.echo(f"  {key}: {entry['label']}; {entry['citation']}\n"
                       f"      why: {entry['reason']}")
        click.echo("Supply such a curve yourself with `millicharge plot reach --limits FILE` "
                   "(grammar: help(millicharge.limits.existing.load_limit_file)).")


@main.group()
def cache() -> None:
    """Inspect or clear the on-disk result cache."""


@cache.command("info")
def cache_info() -> None:
    """Where the cache is and how much it holds."""
    from millicharge.running.cache import stats

    s = stats()
    line = f"{s['path']}: {s['entries']} results, {s['bytes'] / 1024:.1f} KiB"
    if s["problem"]:
        line += f"; caching is off: {s['problem']}"
    click.echo(line)


@cache.command("clear")
def cache_clear() -> None:
    """Delete every cached result (and temporaries left by killed runs)."""
    from millicharge.running.cache import clear

    click.echo(f"removed {clear()} cached results")  # InputError: one line, exit 2


@main.group()
def plot() -> None:
    """Make the paper's figures (Figs. 2-4); the format follows --output's extension."""


def _save(fig, out: str) -> None:
    from millicharge.plots.plotting import save_figure

    path = save_figure(fig, out)
    click.echo(f"wrote {path}", err=True)


_plot_common = [
    click.option("--output", "-o", "--out", "out", required=True,
                 type=click.Path(dir_okay=False),
                 help="Output file: .png, .pdf or .svg (--out is an alias)."),
    click.option("--precision", type=float, default=DEFAULT_PRECISION, show_default=True,
                 help=_PRECISION_HELP),
    click.option("--no-progress", is_flag=True, help=_NO_PROGRESS_HELP),
    click.option("--cite", is_flag=True, help=_CITE_HELP),
    click.option("--seed", type=_SEED, default=0, show_default=True),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache."),
    click.option("--model", type=click.Choice(["mcp", "dark-photon"]), default="mcp",
                 show_default=True, help="Millicharged pair (m_χ) or invisible dark photon "
                 "(m_A')."),
    _form_factor_option(None),
]


@plot.command("spectrum", short_help="Fig. 2: dσ/dE_miss in the signal box, one curve per mass.")
@click.option("--experiment", "-e", required=True, help="Experiment name or TOML file.")
@_masses_option(names=("--masses",))
@click.option("--points", type=_POSITIVE_INT, default=15, show_default=True,
              help="x points per curve in the signal box.")
@click.option("--method", type=click.Choice(["etl", "ww"]), default="etl", show_default=True)
@_with(_plot_common)
def plot_spectrum(experiment, masses, points, method, out, precision, no_progress, cite, seed,
                  no_cache, model, form_factor) -> None:
    """Fig. 2: dσ/dE_miss in the signal box, one curve per mass."""
    from millicharge.plots.figures import figure2

    _check_figure(out, inputs=[experiment])
    fig, _ = figure2(experiment, [float(m) for m in parse_masses(masses)], points=points,
                     method=method, model=model, precision=precision, seed=seed,
                     cache=not no_cache, form_factor=form_factor)  # no progress bar to hide
    _save(fig, out)
    _maybe_cite(cite)


@plot.command("xsec", short_help="Fig. 3: σ in the signal box versus the mass.")
@click.option("--experiment", "-e", "experiments", cls=MultiValueOption, required=True,
              help="One or more experiments, e.g. --experiment na64mu ldmx")
@click.option("--method", "methods", cls=MultiValueOption,
              type=click.Choice(["etl", "ww"]), default=("etl",), show_default=True,
              help="etl, ww, or both (adds an ETL/WW ratio panel).")
@_masses_option(default="0.01:1:40", names=("--masses",))
@_with(_plot_common)
def plot_xsec(experiments, methods, masses, out, precision, no_progress, cite, seed, no_cache,
              model, form_factor) -> None:
    """Fig. 3: σ(x_th ≤ x ≤ x_max) versus m_χ (or m_A')."""
    from millicharge.plots.figures import figure3

    _check_figure(out, inputs=list(experiments))
    fig, _ = figure3(list(experiments), parse_masses(masses), methods=list(methods),
                     model=model,
                     precision=precision, seed=seed,
                     cache=not no_cache, progress=not no_progress, form_factor=form_factor)
    _save(fig, out)
    _maybe_cite(cite)


@plot.command("reach", short_help="Fig. 4: projected reach with existing limits.")
@click.option("--experiment", "-e", "experiments", cls=MultiValueOption, required=True,
              help="One or more experiments, e.g. --experiment na64mu ldmx")
@_masses_option(default="0.01:1:40", names=("--masses",))
@click.option("--method", type=click.Choice(["etl", "ww"]), default="etl", show_default=True)
@click.option("--existing", cls=MultiValueOption, default=None,
              help="Existing-limit keys to shade (see `millicharge limits`).")
@click.option("--limits", "user_limits", multiple=True, type=click.Path(dir_okay=False),
              help="Your own limit curve, CSV with header mass_gev,epsilon (repeatable).")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the reach table (default: --output with .csv).")
@click.option("--no-csv", is_flag=True, help="Write only the figure, not the reach table.")
@_transport_option()
@_with(_plot_common)
def plot_reach(experiments, masses, method, existing, user_limits, csv_out, no_csv, out,
               transport, precision, no_progress, cite, seed, no_cache, model,
               form_factor) -> None:
    """Fig. 4: projected reach at each experiment's CL with existing limits; the CL of the
    shipped ones is in `millicharge experiments`.

    Also writes the reach table as CSV: beside the figure (fig4.png gives fig4.csv) unless
    --csv names another file or --no-csv skips it. An input file (--limits, an experiment
    TOML) is never overwritten: such a name is refused before anything is computed.

    With --model dark-photon no millicharge limits are shaded unless --existing asks."""
    from millicharge.plots.figures import figure4, reach_csv

    inputs = [*user_limits, *experiments]
    _check_figure(out, inputs=inputs)
    if no_csv and csv_out:
        raise InputError("--csv and --no-csv exclude each other: give one")
    csv_path = None if no_csv else check_output_path(
        csv_out or Path(out).with_suffix(".csv"), suffixes=[".csv"], inputs=[*inputs, out],
        what="reach table (--csv)")
    if transport is not None:  # every experiment must take it, before anything is computed
        from millicharge.experiments.config import load_experiment
        from millicharge.experiments.thick_target import with_transport

        for name in experiments:
            with_transport(load_experiment(name), transport)
    fig, (tables, _, _) = figure4(
        list(experiments), parse_masses(masses), method=method, model=model,
        existing=list(existing) if existing else None,
        user_limits=list(user_limits), precision=precision,
        seed=seed, cache=not no_cache, progress=not no_progress, form_factor=form_factor,
        transport=transport)
    _save(fig, out)
    if csv_path is not None:
        click.echo(f"wrote {write_text(csv_path, reach_csv(tables))}", err=True)
    _maybe_cite(cite)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
