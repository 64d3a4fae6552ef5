"""The ``ecs-learn`` command line: a thin typer app assembled from one module per area.

Each area module (``lab``, ``quiz``, ``lint``, ``grade``...) registers its commands and
imports its heavy dependencies inside the command bodies, so that ``ecs-learn quiz``
never pays for boto3, moto or Jupyter.
"""

from __future__ import annotations

from collections.abc import Sequence

import typer

from ecs_learn.cli.plain import PlainGroup

__all__ = ["main", "make_app"]


def _root() -> None:
    """Learn AWS containers against a mocked AWS account: labs, quizzes, lint and grading."""


def make_app(argv: Sequence[str] = ()) -> typer.Typer:
    """The CLI app, with the commands ``argv`` needs (every command when it names none)."""
    from ecs_learn.cli import commands

    app = typer.Typer(
        name="ecs-learn",
        cls=PlainGroup,
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
