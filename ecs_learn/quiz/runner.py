"""A whole quiz or flashcard session: ask, read the answer, grade, record, report.

:class:`SessionRunner` is the loop behind ``ecs-learn quiz`` and ``ecs-learn cards``.
Everything from outside is injected: answers come from ``ask`` (a prompt in, a line out,
``None`` at the end of input), text goes to a :class:`~ecs_learn.quiz.transcript.Printer`,
the clock is ``now`` and the shuffle ``rng``; every review is saved through the
:class:`~ecs_learn.quiz.store.ProgressStore` as soon as it is given. How an answer
becomes an fsrs rating is :mod:`ecs_learn.quiz.rating`'s rule.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from ecs_learn.errors import EcsLearnError
from ecs_learn.quiz.rating import Rating, parse_rating, rating_for_answer
from ecs_learn.quiz.session import AnswerFormatError, Question, build_questions, choose_cards
from ecs_learn.quiz.transcript import REVEAL_PROMPT, Printer, Transcript

if TYPE_CHECKING:
    from fsrs import Scheduler

    from ecs_learn.quiz.loader import Catalog
    from ecs_learn.quiz.progress import ReviewResult
    from ecs_learn.quiz.store import ProgressStore

__all__ = ["QUIT", "Ask", "CardTally", "NoQuestionsError", "QuizScore", "SessionRunner"]

Ask = Callable[[str], "str | None"]
QUIT = ("q", "quit")  # typed instead of an answer, they end the session

_T = TypeVar("_T")


def _optional(parse: Callable[[str], frozenset[int]]) -> Callable[[str], frozenset[int]]:
    """An empty answer means "show me the answer" (then the learner rates the card)."""

    def parse_or_reveal(text: str) -> frozenset[int]:
        return frozenset() if not text.strip() else parse(text)

    return parse_or_reveal


class NoQuestionsError(EcsLearnError):
    """The topic (or every bank) has no choice questions to quiz on."""


@dataclass(frozen=True)
class QuizScore:
    """How a quiz went: ``asked`` of ``total`` questions answered, ``correct`` right."""

    asked: int
    correct: int
    total: int


@dataclass(frozen=True)
class CardTally:
    """How a card review went: ``reviewed`` of the ``total`` cards in the queue rated."""

    reviewed: int
    total: int


@dataclass
class SessionRunner:
    """Runs sessions over ``catalog``, saving reviews in ``store``.

    ``pause``: before showing a card's answer, wait for a line (Enter in a terminal).
    ``fuzz``: let fsrs fuzz the intervals (off for deterministic schedules).
    """

    catalog: Catalog
    store: ProgressStore
    ask: Ask
    out: Printer
    now: Callable[[], datetime]
    fuzz: bool = True
    pause: bool = False
    transcript: Transcript = field(init=False, repr=False)
    _scheduler: Scheduler | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.transcript = Transcript(self.out, self.catalog.sections)

    def quiz(self, topic: str | None, count: int, rng: random.Random) -> QuizScore:
        """Ask up to ``count`` shuffled choice questions; each answer is graded, explained
        and recorded (right: *Good*, wrong: *Again*) before the next question."""
        questions = build_questions(self.catalog.items(topic), count, rng)
        if not questions:
            raise NoQuestionsError(
                f"no choice questions{f' in topic {topic!r}' if topic else ''} yet"
            )
        view = self.transcript
        asked = correct = 0
        for number, question in enumerate(questions, 1):
            view.question(number, len(questions), question)
            picked = self._answer(view.answer_prompt(question), question.parse)
            if picked is None:
                break
            asked += 1
            right = question.grade(picked)
            correct += right
            view.verdict(question, right)
            view.feedback(question.item)
            self._record(question.item.id, rating_for_answer(right), "quiz")
        view.score(asked, correct, len(questions))
        return QuizScore(asked, correct, len(questions))

    def cards(
        self, topic: str | None, new_per_day: int, *, only: frozenset[str] | None = None
    ) -> CardTally:
        """Review the due cards, then new ones (at most ``new_per_day`` first reviews a
        day); the learner rates each card and the rating is recorded at once. A choice
        item can be answered with its number (graded like a quiz: right is *Good*, wrong
        *Again*), or with Enter to see the answer and rate it. ``only``: these item ids
        (``ecs-learn cards --lab 01``)."""
        items = self.catalog.items(topic)
        if only is not None:
            items = [item for item in items if item.id in only]
        progress = self.store.load()
        moment = self.now()
        queue = choose_cards(items, progress, moment, new_per_day)
        view = self.transcript
        if not queue.items:
            upcoming = [d for d in (progress.due(item.id) for item in items) if d is not None]
            unseen = any(progress.due(item.id) is None for item in items)
            held_back = unseen and queue.new_seen_today >= new_per_day
            view.nothing_due(
                moment,
                min(upcoming) if upcoming else None,
                new_per_day,
                queue.new_seen_today if held_back else None,
            )
            return CardTally(0, 0)
        view.queue(queue, new_per_day)
        reviewed = 0
        for number, item in enumerate(queue.items, 1):
            kind = "due" if number <= len(queue.due) else "new"
            view.card(number, len(queue.items), kind, item)
            if item.type.has_choices:  # answer it like a quiz question, or just look
                question = Question(item, item.choices)
                picked = self._answer(view.card_choice_prompt(question), _optional(question.parse))
                if picked is None:
                    break
                if picked:
                    right = question.grade(picked)
                    view.verdict(question, right)
                    view.back(item)
                    graded = rating_for_answer(right)
                    result = self._record(item.id, graded, "cards")
                    reviewed += 1
                    view.next_review(graded, result.due, self.now())
                    continue
            elif self.pause and self.ask(REVEAL_PROMPT) is None:
                break
            view.back(item)
            rating = self._answer(view.rating_prompt(), parse_rating)
            if rating is None:
                break
            result = self._record(item.id, rating, "cards")
            reviewed += 1
            view.next_review(rating, result.due, self.now())
        view.reviewed(reviewed, len(queue.items))
        return CardTally(reviewed, len(queue.items))

    def _answer(self, prompt: str, parse: Callable[[str], _T]) -> _T | None:
        """Ask until ``parse`` accepts the answer; ``None`` when the learner stops."""
        while True:
            text = self.ask(prompt)
            if text is None or text.strip().lower() in QUIT:
                return None
            try:
                return parse(text)
            except AnswerFormatError as error:
                self.transcript.invalid(error)

    def _record(self, item_id: str, rating: Rating, source: str) -> ReviewResult:
        if self._scheduler is None:  # fsrs is imported on the first review, not before
            from ecs_learn.quiz.progress import build_scheduler

            self._scheduler = build_scheduler(fuzz=self.fuzz)
        return self.store.record(
            item_id, rating, self.now(), scheduler=self._scheduler, source=source
        )
