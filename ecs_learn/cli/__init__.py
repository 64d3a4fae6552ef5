"""The ``ecs-learn`` command line: a thin typer app assembled from one module per area.

Each area module (``lab``, ``quiz``, ``lint``, ``grade``...) defines a ``typer.Typer``
or plain commands and imports its heavy dependencies inside the command bodies, so
that ``ecs-learn quiz`` never pays for boto3, moto or Jupyter.
"""

from __future__ import annotations

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="ecs-learn",
    help="Learn AWS containers against a mocked AWS account: labs, quizzes, lint and grading.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from ecs_learn.cli import commands

    commands.register(app)


def main() -> None:
    """Console-script entry point."""
    _register()
    app(prog_name="ecs-learn")
