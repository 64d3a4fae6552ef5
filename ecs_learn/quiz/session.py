"""Building and grading quiz questions and choosing flashcards: pure functions over
items, progress and a clock (no I/O), shared by the CLI and the notebook widget."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from ecs_learn.errors import EcsLearnError
from ecs_learn.quiz.model import Item, ItemType

if TYPE_CHECKING:
    from ecs_learn.quiz.progress import Progress

__all__ = [
    "AnswerFormatError",
    "CardQueue",
    "Question",
    "build_questions",
    "choose_cards",
    "related_cards",
]


class AnswerFormatError(EcsLearnError, ValueError):
    """The learner's input is not an answer to this question (ask again)."""


@dataclass(frozen=True)
class Question:
    """A choice item asked with its choices in a shuffled order, numbered from 1."""

    item: Item
    choices: tuple[str, ...]

    @property
    def multiple(self) -> bool:
        return self.item.type is ItemType.MULTIPLE

    @property
    def correct_numbers(self) -> frozenset[int]:
        return frozenset(n for n, text in enumerate(self.choices, 1) if text in self.item.answers)

    def parse(self, text: str) -> frozenset[int]:
        """Choice numbers from input such as ``2`` or (multiple) ``1,3`` / ``1 3`` / ``1+3``."""
        parts = [part for part in re.split(r"[\s,+;]+", text.strip()) if part]
        if not parts:
            raise AnswerFormatError("type the number of your choice")
        numbers = set()
        for part in parts:
            if not part.isdigit() or not 1 <= int(part) <= len(self.choices):
                raise AnswerFormatError(
                    f"{part!r} is not a choice; type a number from 1 to {len(self.choices)}"
                )
            numbers.add(int(part))
        if len(numbers) > 1 and not self.multiple:
            raise AnswerFormatError("this question has a single answer; type one number")
        return frozenset(numbers)

    def grade(self, numbers: frozenset[int]) -> bool:
        return numbers == self.correct_numbers

    def selected_texts(self, numbers: frozenset[int]) -> list[str]:
        return [self.choices[n - 1] for n in sorted(numbers)]


def build_questions(items: Sequence[Item], count: int, rng: random.Random) -> list[Question]:
    """Up to ``count`` choice items in random order, each with shuffled choices."""
    choice_items = [item for item in items if item.type.has_choices]
    picked = rng.sample(choice_items, min(count, len(choice_items)))
    questions = []
    for item in picked:
        choices = list(item.choices)
        rng.shuffle(choices)
        questions.append(Question(item, tuple(choices)))
    return questions


@dataclass(frozen=True)
class CardQueue:
    """The flashcards of a review session: due cards (oldest first), then new ones."""

    due: tuple[Item, ...]
    new: tuple[Item, ...]
    new_seen_today: int

    @property
    def items(self) -> tuple[Item, ...]:
        return self.due + self.new


def _day_start(now: datetime) -> datetime:
    utc = now.astimezone(timezone.utc)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0)


def choose_cards(
    items: Sequence[Item], progress: Progress, now: datetime, new_per_day: int
) -> CardQueue:
    """Cards due at ``now`` (flagged ones too: a failed lab check or a missed quiz item
    on their topic), then unseen items in bank order, limited so that no more than
    ``new_per_day`` items are first reviewed per (UTC) day."""
    day = _day_start(now)
    due: list[tuple[datetime, Item]] = []
    fresh: list[Item] = []
    for item in items:
        when = progress.due(item.id)
        flag = progress.flagged(item.id)
        if when is None and flag is not None:  # never reviewed, but a lab check asks for it
            when = datetime.fromisoformat(flag["at"])
        if when is None:
            fresh.append(item)
        elif when <= now:
            due.append((when, item))
    seen_today = 0
    for item_id in progress.items:
        first = progress.first_review(item_id)
        if first is not None and day <= first < day + timedelta(days=1):
            seen_today += 1
    allowance = max(0, new_per_day - seen_today)
    due.sort(key=lambda pair: pair[0])
    return CardQueue(tuple(item for _, item in due), tuple(fresh[:allowance]), seen_today)


def related_cards(
    items: Sequence[Item], tags: Sequence[str], *, exclude: str | None = None
) -> list[Item]:
    """The flashcards that share a tag with ``tags`` (what a failed check or a missed
    question should bring back), in bank order."""
    wanted = set(tags)
    return [
        item
        for item in items
        if item.type is ItemType.FLASHCARD and item.id != exclude and wanted & set(item.tags)
    ]
