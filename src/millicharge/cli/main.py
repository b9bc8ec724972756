"""The ``millicharge`` command line: the command group, the global options (``--version``,
``--cite``), one-line errors and warnings, and the entry point.

The commands live in one module per family (:mod:`~millicharge.cli.cross_sections`,
:mod:`~millicharge.cli.reach`, :mod:`~millicharge.cli.scan`,
:mod:`~millicharge.cli.generate`, :mod:`~millicharge.cli.plot`,
:mod:`~millicharge.cli.listings`); the grammar they share (masses, output, precision,
choices) is defined once in :mod:`~millicharge.cli.options`. Bad input ends with one line on
stderr and exit status 2."""

from __future__ import annotations

import errno
import sys
import warnings
from typing import Any

import click

from millicharge._version import __version__
from millicharge.cli.cross_sections import spectrum, xsec
from millicharge.cli.generate import generate
from millicharge.cli.listings import cache, experiments, limits
from millicharge.cli.options import DEFAULT_PRECISION, parse_masses
from millicharge.cli.plot import plot
from millicharge.cli.reach import reach
from millicharge.cli.scan import scan
from millicharge.core.citations import SOFTWARE_KEYS, bibtex
from millicharge.core.errors import InputError
from millicharge.running.interrupt import exit_on_interrupt

__all__ = ["DEFAULT_PRECISION", "main", "parse_masses"]


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


def _global_cite(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(bibtex(list(SOFTWARE_KEYS)))
        ctx.exit()


def _one_line_warning(message: Warning | str, category: type[Warning], filename: str,
                      lineno: int, line: str | None = None) -> str:
    """A warning shown by the command line is one line, ``Warning: …`` (no source line)."""
    return f"Warning: {message}\n"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="millicharge")
@click.option("--cite", is_flag=True, is_eager=True, expose_value=False, callback=_global_cite,
              help="Print the BibTeX of the software and of the paper it reproduces, and exit.")
def main() -> None:
    """Reach of lepton fixed-target missing-energy experiments for millicharged particles."""
    warnings.formatwarning = _one_line_warning


for _command in (xsec, spectrum, reach, scan, experiments, generate, limits, cache, plot):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
