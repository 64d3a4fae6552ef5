"""The learner's progress: one fsrs card and its review log per item, in one JSON file.

This module holds the file's format (the serialized forms and the check that a document
is one) and :class:`Progress`, a snapshot read from it; :mod:`ecs_learn.quiz.store`
keeps the file itself durable. Reading progress needs neither fsrs nor filelock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from ecs_learn.errors import EcsLearnError
from ecs_learn.quiz.rating import State

if TYPE_CHECKING:
    from fsrs import Scheduler
    from fsrs.card import CardDict
    from fsrs.review_log import ReviewLogDict
else:  # the serialized forms, without importing fsrs at run time
    CardDict = dict
    ReviewLogDict = dict

__all__ = [
    "PROGRESS_FILE",
    "CheckRecordDict",
    "CorruptProgress",
    "FlagDict",
    "ItemProgressDict",
    "Progress",
    "ProgressDict",
    "ProgressError",
    "ReviewDict",
    "ReviewResult",
    "build_scheduler",
    "card_id_for",
    "problem_in",
]

PROGRESS_FILE = "progress.json"
FORMAT_VERSION = 1


class ReviewDict(ReviewLogDict):
    """An fsrs review log plus where the review came from (``quiz`` or ``cards``)."""

    source: str


class ItemProgressDict(TypedDict):
    card: CardDict
    reviews: list[ReviewDict]


class CheckRecordDict(TypedDict):
    """A lab check's latest result, and when it first passed (``None``: not yet)."""

    status: str
    points: float
    max_points: float
    judged: str
    account: str
    at: str
    first_passed: str | None


class FlagDict(TypedDict):
    """An item made due by something outside its own reviews (a failed lab check...)."""

    at: str
    why: str


class _ProgressRequired(TypedDict):
    version: int
    items: dict[str, ItemProgressDict]


class ProgressDict(_ProgressRequired, total=False):
    labs: dict[str, dict[str, CheckRecordDict]]  # lab id -> check id -> record
    flags: dict[str, FlagDict]  # item id -> why it is due now


class ProgressError(EcsLearnError):
    """Progress cannot be read or written (a user-facing problem, not a bug)."""


@dataclass(frozen=True)
class CorruptProgress:
    """A progress file that could not be read, and where it was moved."""

    path: Path
    reason: str
    moved_to: Path

    def __str__(self) -> str:
        return (
            f"the progress file {self.path} is corrupt ({self.reason}); it was set aside "
            f"as {self.moved_to.name} and a fresh progress was started"
        )


def card_id_for(item_id: str) -> int:
    """A stable fsrs card id for an item (53 bits, safe in JSON and JavaScript)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:8], "big") >> 11


def build_scheduler(*, fuzz: bool = True) -> Scheduler:
    """An fsrs scheduler with default parameters; ``fuzz=False`` makes it deterministic."""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=fuzz)


def _parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass
class Progress:
    """A snapshot of the progress file: per item id, the card and its reviews."""

    items: dict[str, ItemProgressDict] = field(default_factory=dict)
    labs: dict[str, dict[str, CheckRecordDict]] = field(default_factory=dict)
    flags: dict[str, FlagDict] = field(default_factory=dict)

    def due(self, item_id: str) -> datetime | None:
        """When the item is next due, or ``None`` if it was never reviewed. A flag (a
        failed lab check on its topic) makes a reviewed item due from the flag's time."""
        entry = self.items.get(item_id)
        if not entry:
            return None
        when = _parse_time(entry["card"]["due"])
        flag = self.flags.get(item_id)
        return min(when, _parse_time(flag["at"])) if flag else when

    def flagged(self, item_id: str) -> FlagDict | None:
        return self.flags.get(item_id)

    def lab(self, lab_id: str) -> dict[str, CheckRecordDict]:
        """The recorded check results of one lab (check id -> record)."""
        return dict(self.labs.get(lab_id, {}))

    def state(self, item_id: str) -> State | None:
        """Where the item's card is in the schedule, ``None`` if it was never reviewed."""
        entry = self.items.get(item_id)
        return State(int(entry["card"]["state"])) if entry else None

    def reviews(self, item_id: str) -> list[ReviewDict]:
        entry = self.items.get(item_id)
        return list(entry["reviews"]) if entry else []

    def first_review(self, item_id: str) -> datetime | None:
        reviews = self.reviews(item_id)
        return _parse_time(reviews[0]["review_datetime"]) if reviews else None

    def to_dict(self) -> ProgressDict:
        data: ProgressDict = {"version": FORMAT_VERSION, "items": self.items}
        if self.labs:
            data["labs"] = self.labs
        if self.flags:
            data["flags"] = self.flags
        return data

    @classmethod
    def from_dict(cls, data: ProgressDict) -> Progress:
        return cls(
            items=dict(data["items"]),
            labs={k: dict(v) for k, v in data.get("labs", {}).items()},
            flags=dict(data.get("flags", {})),
        )


@dataclass(frozen=True)
class ReviewResult:
    """One persisted review: the card after it, and its log."""

    item_id: str
    card: CardDict
    review: ReviewDict

    @property
    def due(self) -> datetime:
        return _parse_time(self.card["due"])


def problem_in(data: Any) -> str | None:
    """Why ``data`` is not a progress document, or ``None`` if it is one."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if data.get("version") != FORMAT_VERSION:
        return f"unknown format version {data.get('version')!r}"
    items = data.get("items")
    if not isinstance(items, dict):
        return "'items' is not an object"
    for item_id, entry in items.items():
        if not isinstance(entry, dict):
            return f"entry {item_id!r} is not an object"
        card, reviews = entry.get("card"), entry.get("reviews")
        if not isinstance(card, dict) or not isinstance(reviews, list):
            return f"entry {item_id!r} lacks a card or its reviews"
        try:
            _parse_time(card["due"])
            State(int(card["state"]))
            for review in reviews:
                _parse_time(review["review_datetime"])
                int(review["rating"])
        except (KeyError, TypeError, ValueError):
            return f"entry {item_id!r} has an unreadable card or review"
    labs, flags = data.get("labs", {}), data.get("flags", {})
    if not isinstance(labs, dict) or not all(isinstance(v, dict) for v in labs.values()):
        return "'labs' is not an object of objects"
    if not isinstance(flags, dict):
        return "'flags' is not an object"
    try:
        for flag in flags.values():
            _parse_time(flag["at"])
    except (KeyError, TypeError, ValueError):
        return "a flag has no readable time"
    return None
