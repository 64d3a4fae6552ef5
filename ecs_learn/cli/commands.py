"""Assembles the CLI: every area module exposes ``register(app)``; one line each here."""

from __future__ import annotations

import importlib

import typer

__all__ = ["register"]

# Area modules under ecs_learn.cli. Each must keep module-level imports light
# (typer/rich only) and import its heavy dependencies inside command bodies.
_AREAS = ("lab", "grade", "quiz", "cards", "stats", "export", "lint")


def register(app: typer.Typer) -> None:
    """Attach every area's commands to ``app``."""
    for area in _AREAS:
        importlib.import_module(f"ecs_learn.cli.{area}").register(app)
