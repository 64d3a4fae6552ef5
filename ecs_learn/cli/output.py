"""Where the CLI writes, and its one way of reporting a mistake.

Commands print results through :func:`out_console` (or :func:`table_console` for rich
tables). A mistake is an :class:`~ecs_learn.errors.EcsLearnError`: a command raises one
(its own :class:`CliError`, or any area's error, left to propagate) and the root group
hands it to :func:`report`, which prints ``error: <message>`` on stderr and exits
non-zero, with no traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

from ecs_learn.cli.terminal import Terminal
from ecs_learn.errors import EcsLearnError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "CliError",
    "err_console",
    "exit_code_for",
    "out_console",
    "print_error",
    "print_warning",
    "report",
    "table_console",
]

EXIT_FAILED = 1  # the command could not do its job (invalid banks, unwritable progress...)
EXIT_USAGE = 2  # the command line itself is wrong (a bad option value, an unknown name)


class CliError(EcsLearnError):
    """A mistake the command found itself: a bad option value, a path that is not a
    folder. ``code`` is the exit status (:data:`EXIT_USAGE` unless told otherwise)."""

    def __init__(self, message: str, *, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def out_console() -> Terminal:
    """Standard output, styled only on a terminal."""
    return Terminal()


def err_console() -> Terminal:
    """Standard error: the one stream for errors and warnings."""
    return Terminal(err=True)


def table_console() -> Console:
    """A rich console on stdout, for tables (off the quiz's hot path)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, emoji=False)


def print_error(message: str) -> None:
    """``error: <message>`` on stderr, for a command that reports and goes on."""
    errors = err_console()
    errors.print("error:", style="bold red", end=" ")
    errors.print(message)


def print_warning(message: str) -> None:
    """``warning: <message>`` on stderr: something was wrong, and was dealt with."""
    err_console().print(f"warning: {message}", style="bold yellow")


def exit_code_for(error: EcsLearnError) -> int:
    """A :class:`CliError` carries its code; an unknown name (a ``LookupError``: topic,
    lab, check) is a usage mistake; anything else means the command failed."""
    if isinstance(error, CliError):
        return error.code
    return EXIT_USAGE if isinstance(error, LookupError) else EXIT_FAILED


def report(error: EcsLearnError) -> NoReturn:
    """Print the error on stderr and exit with :func:`exit_code_for` it (no traceback)."""
    print_error(str(error))
    raise typer.Exit(exit_code_for(error))
