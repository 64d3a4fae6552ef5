"""fsrs ratings and card states by name, and the rules that turn an answer into a rating.

The members and values are fsrs's own (``fsrs.Rating``, ``fsrs.State``). They are
mirrored here because ``import fsrs`` loads the whole fsrs package (about 10 ms), and a
quiz asks its first question before fsrs is needed; ``tests/quiz/test_rating.py``
checks the mirror against fsrs.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from ecs_learn.quiz.session import AnswerFormatError

__all__ = ["RATINGS", "Rating", "State", "parse_rating", "rating_for_answer"]


class Rating(enum.IntEnum):
    """How well the learner recalled an item (``fsrs.Rating``)."""

    Again = 1
    Hard = 2
    Good = 3
    Easy = 4


class State(enum.IntEnum):
    """Where a reviewed card is in fsrs's schedule (``fsrs.State``); new items have none."""

    Learning = 1
    Review = 2  # graduated from the learning steps: "learned" in the stats
    Relearning = 3


# The label of each rating, as shown to the learner ("3 Good").
RATINGS: Mapping[Rating, str] = {rating: rating.name for rating in Rating}


def rating_for_answer(correct: bool) -> Rating:
    """The rule for choice questions: a right answer is a *Good* review, a wrong one *Again*."""
    return Rating.Good if correct else Rating.Again


def parse_rating(text: str) -> Rating:
    """The learner's own rating of a flashcard, from ``3`` or ``good`` (any case, or its
    first letters); raises :class:`AnswerFormatError` for anything else."""
    word = text.strip().lower()
    if word.isdigit() and 1 <= int(word) <= len(Rating):
        return Rating(int(word))
    for rating in Rating:
        if word and rating.name.lower().startswith(word):
            return rating
    raise AnswerFormatError("rate with 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
