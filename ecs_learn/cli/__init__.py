"""The ``ecs-learn`` command line: a thin typer app assembled from one module per area.

Each area module (``lab``, ``quiz``, ``lint``, ``grade``...) declares its commands (see
:mod:`ecs_learn.cli.commands`) and imports its heavy dependencies inside the command
bodies, so that ``ecs-learn quiz`` never pays for boto3, moto or Jupyter. A command
reports a mistake by raising an :class:`~ecs_learn.errors.EcsLearnError`; the root group
turns it into a message on stderr and an exit status (:mod:`ecs_learn.cli.output`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from ecs_learn.cli.output import report
from ecs_learn.cli.plain import PlainGroup
from ecs_learn.errors import EcsLearnError

__all__ = ["RootGroup", "main", "make_app"]


class RootGroup(PlainGroup):
    """The ``ecs-learn`` group: every command runs inside it, so it is the one place
    where an :class:`EcsLearnError` becomes ``error: ...`` and an exit status."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        from ecs_learn.cli.plain import hide_flag_metavars

        command = super().get_command(ctx, cmd_name)
        if command is not None:
            hide_flag_metavars(command)
        return command

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except EcsLearnError as error:
            report(error)


def _print_version(value: bool) -> None:
    if value:
        from ecs_learn import __version__

        typer.echo(f"ecs-learn {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Learn AWS containers against a mocked AWS account: labs, quizzes, lint and grading.

    Learners: `ecs-learn lab` (the labs in JupyterLab), `ecs-learn quiz`, `ecs-learn cards`,
    `ecs-learn stats`. Instructors: `ecs-learn release`, `ecs-learn grade`.
    """


def make_app(argv: Sequence[str] = ()) -> typer.Typer:
    """The CLI app, with the commands ``argv`` needs (every command when it names none)."""
    from ecs_learn.cli import commands

    app = typer.Typer(
        name="ecs-learn",
        cls=RootGroup,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(_root)
    commands.register(app, argv)
    return app


def main() -> None:
    """Console-script entry point."""
    import sys

    make_app(sys.argv[1:])(prog_name="ecs-learn")
