"""Assembles the CLI, one way for every area.

Each area module under ``ecs_learn.cli`` declares its commands on a module-level
``app = typer.Typer()`` with typer's own decorators (``@app.command(...)``, or
``app.add_typer(sub_app, name=...)`` for a command with subcommands); :func:`include`
adds them to the root as top-level commands.

Areas are imported lazily: when the command line names a command, only the area that
provides it is imported (the quiz must start fast); ``--help`` or an unknown command
imports them all. :data:`AREAS` is that index (``tests/cli/test_commands.py`` checks it
against what each area declares).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import typer

__all__ = ["AREAS", "include", "register"]

# Area module under ecs_learn.cli -> the top-level commands it declares. Each module
# keeps its module-level imports light (typer/rich) and imports heavy parts in bodies.
AREAS: dict[str, tuple[str, ...]] = {
    "lab": ("lab", "release"),
    "grade": ("grade",),
    "quiz": ("quiz",),
    "cards": ("cards",),
    "stats": ("stats",),
    "export": ("export",),
    "lint": ("lint",),
    "simulate": ("simulate",),
}


def include(app: typer.Typer, area: typer.Typer) -> None:
    """Add the commands and command groups declared on ``area`` to ``app``."""
    app.registered_commands.extend(area.registered_commands)
    app.registered_groups.extend(area.registered_groups)


def register(app: typer.Typer, argv: Sequence[str] = ()) -> None:
    """Attach the areas ``argv`` needs (all of them when it names no known command)."""
    command = next((a for a in argv if not a.startswith("-")), None)
    areas = [area for area, commands in AREAS.items() if command in commands] or list(AREAS)
    for area in areas:
        include(app, importlib.import_module(f"ecs_learn.cli.{area}").app)
