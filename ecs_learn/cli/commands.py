"""Assembles the CLI: every area module exposes ``register(app)``.

Areas are imported lazily: when the command line names a command, only the area that
provides it is imported and registered (the quiz must start fast); ``--help`` or an
unknown command registers them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import typer

__all__ = ["AREAS", "register"]

# Area module under ecs_learn.cli -> the top-level commands it registers. Each module
# keeps its module-level imports light (typer/rich) and imports heavy parts in bodies.
AREAS: dict[str, tuple[str, ...]] = {
    "lab": ("lab", "release"),
    "grade": ("grade",),
    "quiz": ("quiz",),
    "cards": ("cards",),
    "stats": ("stats",),
    "export": ("export",),
    "lint": ("lint",),
}


def register(app: typer.Typer, argv: Sequence[str] = ()) -> None:
    """Attach the areas ``argv`` needs (all of them when it names no known command)."""
    command = next((a for a in argv if not a.startswith("-")), None)
    areas = [area for area, commands in AREAS.items() if command in commands] or list(AREAS)
    for area in areas:
        importlib.import_module(f"ecs_learn.cli.{area}").register(app)
