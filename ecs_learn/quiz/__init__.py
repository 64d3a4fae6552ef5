"""Question banks, spaced-repetition review (fsrs) and the progress store.

One concept per module: ``model`` (items and banks), ``loader`` (validation, the
catalog of banks), ``session`` (asking and grading), ``progress`` (the durable store),
``stats`` and ``anki`` (export). Heavy dependencies (PyYAML, fsrs, filelock,
jsonschema, genanki) are imported only where used, so ``import ecs_learn.quiz`` is cheap.
"""

from __future__ import annotations

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
    ProgressStore,
    ReviewResult,
    build_scheduler,
)
from ecs_learn.quiz.session import (
    RATINGS,
    AnswerFormatError,
    CardQueue,
    Question,
    build_questions,
    choose_cards,
    parse_rating,
)
from ecs_learn.quiz.stats import Stats, TopicStats, compute_stats

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
    "Progress",
    "ProgressError",
    "ProgressStore",
    "Question",
    "ReviewResult",
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
    "validate",
]

