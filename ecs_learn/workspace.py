"""The learner's own folder of lab notebooks: student versions, never overwritten."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ecs_learn.checks.catalog import lab_entries
from ecs_learn.grading.release import release_notebook
from ecs_learn.resources import labs_dir

__all__ = ["WORKSPACE_ENV", "Copied", "default_workspace", "prepare_workspace"]

WORKSPACE_ENV = "ECS_LEARN_WORKSPACE"


@dataclass(frozen=True)
class Copied:
    notebook: str
    path: Path
    created: bool  # False: the learner's existing copy was kept as it is


def default_workspace() -> Path:
    """``$ECS_LEARN_WORKSPACE``, else ``~/ecs-learn-labs``."""
    override = os.environ.get(WORKSPACE_ENV)
    return Path(override).expanduser() if override else Path.home() / "ecs-learn-labs"


def prepare_workspace(directory: Path) -> list[Copied]:
    """Put the student version of every lab in ``directory``, keeping existing files."""
    directory.mkdir(parents=True, exist_ok=True)
    copied: list[Copied] = []
    for entry in lab_entries():
        target = directory / entry.notebook
        if target.exists():
            copied.append(Copied(entry.notebook, target, created=False))
            continue
        release_notebook(labs_dir() / entry.notebook, target)
        copied.append(Copied(entry.notebook, target, created=True))
    return copied
