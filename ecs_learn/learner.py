"""The learner's own state, as the notebook front ends find it: where progress lives
(the same store ``ecs-learn quiz``/``cards``/``stats`` use) and what a result touches.

The CLI resolves the same folder from ``--data-dir``/``$ECS_LEARN_HOME``
(:mod:`ecs_learn.cli.quiz_support`); a notebook has no command line, so it reads the
environment here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecs_learn.quiz import ProgressStore

__all__ = ["HOME_ENV", "data_dir", "flag_related_cards", "progress_store"]

HOME_ENV = "ECS_LEARN_HOME"


def data_dir() -> Path:
    """``$ECS_LEARN_HOME``, else the user data folder (as the CLI)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("ecs-learn"))


def progress_store() -> ProgressStore:
    from ecs_learn.quiz import ProgressStore

    return ProgressStore(data_dir())


def flag_related_cards(
    tags: Sequence[str], *, why: str, when: datetime, exclude: str | None = None
) -> list[str]:
    """Make the flashcards sharing a tag with ``tags`` due now; their ids."""
    from ecs_learn.quiz import load_catalog
    from ecs_learn.quiz.session import related_cards

    ids = [item.id for item in related_cards(load_catalog().items(), tags, exclude=exclude)]
    progress_store().flag_due(ids, why=why, when=when)
    return ids
