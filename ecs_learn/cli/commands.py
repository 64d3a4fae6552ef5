"""Assembles the CLI: every area adds its commands here, one line each."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Attach every area's commands to ``app``."""
    # Each area module exposes ``register(app)``; keep their imports light.
    from ecs_learn.cli import lab as lab_cli

    lab_cli.register(app)
