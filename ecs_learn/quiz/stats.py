"""What the learner knows: due, learned and new items, accuracy, weakest topics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from ecs_learn.quiz.model import Item
from ecs_learn.quiz.progress import Progress
from ecs_learn.quiz.rating import Rating, State

__all__ = ["Stats", "StatsDict", "TopicStats", "TopicStatsDict", "compute_stats"]


class TopicStatsDict(TypedDict):
    topic: str
    items: int
    new: int
    learning: int
    learned: int
    due: int
    reviews: int
    correct: int
    accuracy: float | None


class StatsDict(TypedDict):
    now: str
    total: TopicStatsDict
    topics: list[TopicStatsDict]
    weakest: list[str]


@dataclass(frozen=True)
class TopicStats:
    """Counts for one topic (or all of them). A review is correct unless rated Again."""

    topic: str
    items: int = 0
    new: int = 0
    learning: int = 0
    learned: int = 0
    due: int = 0
    reviews: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.reviews if self.reviews else None

    def to_dict(self) -> TopicStatsDict:
        return {
            "topic": self.topic,
            "items": self.items,
            "new": self.new,
            "learning": self.learning,
            "learned": self.learned,
            "due": self.due,
            "reviews": self.reviews,
            "correct": self.correct,
            "accuracy": self.accuracy,
        }


@dataclass(frozen=True)
class Stats:
    now: datetime
    total: TopicStats
    topics: tuple[TopicStats, ...]
    weakest: tuple[str, ...]

    def to_dict(self) -> StatsDict:
        return {
            "now": self.now.isoformat(),
            "total": self.total.to_dict(),
            "topics": [t.to_dict() for t in self.topics],
            "weakest": list(self.weakest),
        }


def _count(topic: str, items: Sequence[Item], progress: Progress, now: datetime) -> TopicStats:
    new = learning = learned = due = reviews = correct = 0
    for item in items:
        state = progress.state(item.id)
        if state is None:
            new += 1
            continue
        if state is State.Review:
            learned += 1
        else:
            learning += 1
        when = progress.due(item.id)
        if when is not None and when <= now:
            due += 1
        for review in progress.reviews(item.id):
            reviews += 1
            correct += int(review["rating"]) != Rating.Again
    return TopicStats(topic, len(items), new, learning, learned, due, reviews, correct)


MIN_REVIEWS_FOR_WEAKEST = 5  # one wrong answer does not make a topic "weak"


def compute_stats(
    items: Sequence[Item],
    progress: Progress,
    now: datetime,
    weakest: int = 3,
    min_reviews: int = MIN_REVIEWS_FOR_WEAKEST,
) -> Stats:
    """Per-topic and overall counts; the weakest topics are those with the lowest
    accuracy among the topics with at least ``min_reviews`` reviews."""
    topics: dict[str, list[Item]] = {}
    for item in items:
        topics.setdefault(item.topic, []).append(item)
    per_topic = tuple(_count(topic, group, progress, now) for topic, group in topics.items())
    total = _count("all", items, progress, now)
    ranked = sorted(
        (t for t in per_topic if t.accuracy is not None and t.reviews >= min_reviews),
        key=lambda t: (t.accuracy, -t.reviews, t.topic),
    )
    return Stats(
        now, total, per_topic, tuple(t.topic for t in ranked[:weakest] if (t.accuracy or 0) < 1)
    )
