"""Question banks, spaced-repetition review (fsrs) and the progress store.

One concept per module: ``model`` (items and banks), ``loader`` (validation, the
catalog of banks; ``crosscheck`` and ``schema`` hold the checks), ``session`` (building
and grading questions, choosing cards), ``rating`` (fsrs ratings and states, and how an
answer becomes a rating), ``runner`` (a whole quiz or card session, with ``transcript``
as its text), ``progress`` (the progress format) and ``store`` (the durable file),
``stats`` and ``anki`` (export). Heavy dependencies (PyYAML, fsrs, filelock,
jsonschema, genanki) are imported only where used, so ``import ecs_learn.quiz`` is cheap; the
public names below are loaded from their modules on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecs_learn.quiz.loader import (
        Catalog,
        UnknownTopicError,
        Validation,
        load_catalog,
        validate,
    )
    from ecs_learn.quiz.model import TOPICS, Bank, Erratum, Item, ItemType
    from ecs_learn.quiz.problems import BankError, BankProblem
    from ecs_learn.quiz.progress import (
        CorruptProgress,
        Progress,
        ProgressError,
        ReviewResult,
        build_scheduler,
    )
    from ecs_learn.quiz.rating import RATINGS, Rating, State, parse_rating, rating_for_answer
    from ecs_learn.quiz.runner import NoQuestionsError, SessionRunner
    from ecs_learn.quiz.session import (
        AnswerFormatError,
        CardQueue,
        Question,
        build_questions,
        choose_cards,
    )
    from ecs_learn.quiz.stats import Stats, TopicStats, compute_stats
    from ecs_learn.quiz.store import ProgressStore

__all__ = [
    "RATINGS",
    "TOPICS",
    "AnswerFormatError",
    "Bank",
    "BankError",
    "BankProblem",
    "CardQueue",
    "Catalog",
    "CorruptProgress",
    "Erratum",
    "Item",
    "ItemType",
    "NoQuestionsError",
    "Progress",
    "ProgressError",
    "ProgressStore",
    "Question",
    "Rating",
    "ReviewResult",
    "SessionRunner",
    "State",
    "Stats",
    "TopicStats",
    "UnknownTopicError",
    "Validation",
    "build_questions",
    "build_scheduler",
    "choose_cards",
    "compute_stats",
    "load_catalog",
    "parse_rating",
    "rating_for_answer",
    "validate",
]

_HOMES = {
    "loader": ("Catalog", "UnknownTopicError", "Validation", "load_catalog", "validate"),
    "model": ("TOPICS", "Bank", "Erratum", "Item", "ItemType"),
    "problems": ("BankError", "BankProblem"),
    "progress": ("CorruptProgress", "Progress", "ProgressError", "ReviewResult", "build_scheduler"),
    "rating": ("RATINGS", "Rating", "State", "parse_rating", "rating_for_answer"),
    "runner": ("NoQuestionsError", "SessionRunner"),
    "session": ("AnswerFormatError", "CardQueue", "Question", "build_questions", "choose_cards"),
    "stats": ("Stats", "TopicStats", "compute_stats"),
    "store": ("ProgressStore",),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'ecs_learn.quiz' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ecs_learn.quiz.{module}"), name)
    globals()[name] = value
    return value
