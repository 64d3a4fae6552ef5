"""Each lab's progress, from the learner's progress store: what ``ecs-learn lab --list``,
``ecs-learn stats`` and ``ecs-learn lab`` (which opens the next unfinished lab) show.

An exercise is *done* once its check has passed (the mocked account may since have
gone with its kernel); the points are those of the latest result of each check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecs_learn.checks.catalog import LabEntry
    from ecs_learn.quiz.progress import Progress

__all__ = ["LabProgress", "lab_progress", "next_unfinished"]


@dataclass(frozen=True)
class LabProgress:
    lab_id: str
    slug: str
    title: str
    notebook: str
    exercises: int
    done: int
    points: float
    max_points: float
    last: str | None  # when a check of this lab last ran (ISO), None: never opened

    @property
    def finished(self) -> bool:
        return self.exercises > 0 and self.done == self.exercises

    def summary(self) -> str:
        if self.last is None:
            return "not started"
        return (
            f"{self.done}/{self.exercises} exercises done, "
            f"{self.points:g}/{self.max_points:g} points at the last check"
        )


def lab_progress(entries: Sequence[LabEntry], progress: Progress) -> list[LabProgress]:
    """The progress of every lab in ``entries`` (course order)."""
    from ecs_learn.checks.catalog import get_lab

    rows = []
    for entry in entries:
        lab = get_lab(entry.id)
        records = progress.lab(entry.id)
        known = [records[c.id] for c in lab.checks if c.id in records]
        rows.append(
            LabProgress(
                entry.id,
                entry.slug,
                entry.title,
                entry.notebook,
                len(lab.checks),
                sum(1 for r in known if r.get("first_passed")),
                round(sum(r["points"] for r in known), 4),
                sum(c.points for c in lab.checks),
                max((r["at"] for r in known), default=None),
            )
        )
    return rows


def next_unfinished(rows: Sequence[LabProgress]) -> LabProgress | None:
    """The first lab not finished (in course order), else ``None``."""
    return next((row for row in rows if not row.finished), None)
