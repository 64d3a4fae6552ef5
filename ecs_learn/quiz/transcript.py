"""The text of a quiz or card session, written to any :class:`Printer`.

:class:`~ecs_learn.quiz.runner.SessionRunner` decides what happens; this module says it,
line by line, so the terminal transcript lives in one place (docs/quiz.md shows one).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from ecs_learn.quiz.model import Item
from ecs_learn.quiz.rating import RATINGS, Rating
from ecs_learn.quiz.session import AnswerFormatError, CardQueue, Question

__all__ = ["REVEAL_PROMPT", "Printer", "Transcript", "when"]

REVEAL_PROMPT = "(Enter shows the answer) "


class Printer(Protocol):
    """Somewhere to write lines: ``style`` is ``None`` or one of ``"bold"``, ``"dim"``,
    ``"yellow"``, ``"bold green"``, ``"bold red"``, ``"bold yellow"``."""

    def print(self, text: str = "", *, end: str = "\n", style: str | None = None) -> None: ...


def when(due: datetime, now: datetime) -> str:
    """``2026-01-05 09:10 UTC (in 10 min)``: a due time and how far off it is."""
    seconds = (due - now).total_seconds()
    if seconds < 3600:
        span = f"{max(1, round(seconds / 60))} min"
    elif seconds < 86400:
        span = f"{round(seconds / 3600)} h"
    else:
        span = f"{round(seconds / 86400)} days"
    return f"{due:%Y-%m-%d %H:%M} UTC (in {span})"


class Transcript:
    """Each step of a session as text; ``sections`` titles the notes' anchors."""

    def __init__(self, out: Printer, sections: Mapping[str, str]) -> None:
        self.out = out
        self.sections = sections

    def invalid(self, error: AnswerFormatError) -> None:
        self.out.print(str(error), style="yellow")

    def feedback(self, item: Item) -> None:
        """The explanation, the erratum if any, and where to read more."""
        out = self.out
        out.print(item.explanation)
        if item.erratum is not None:
            out.print("Erratum", style="bold yellow", end="")
            out.print(" — your notes say: " + item.erratum.notes_claim)
            out.print("In fact", style="bold yellow", end="")
            out.print(": " + item.erratum.truth)
        title = self.sections.get(item.section) or item.section
        out.print(f"Notes: {title} (notes.md#{item.section})", style="dim")

    # -- quiz ------------------------------------------------------------------------------

    def question(self, number: int, total: int, question: Question) -> None:
        out, item = self.out, question.item
        out.print()
        out.print(f"Question {number} of {total}", style="bold", end=" ")
        out.print(f"· {item.topic} · {item.type.value}", style="dim")
        out.print(item.prompt)
        for n, choice in enumerate(question.choices, 1):
            out.print(f"  {n}) {choice}")

    @staticmethod
    def answer_prompt(question: Question) -> str:
        hint = "numbers, e.g. 1,3" if question.multiple else "a number"
        return f"Your answer ({hint}; q to quit): "

    def verdict(self, question: Question, right: bool) -> None:
        if right:
            self.out.print("✔ Correct.", style="bold green")
            return
        shown = ", ".join(
            f"{n}) {question.choices[n - 1]}" for n in sorted(question.correct_numbers)
        )
        self.out.print("✘ Not quite.", style="bold red", end="")
        self.out.print(" The answer: " + shown)

    def score(self, asked: int, correct: int, total: int) -> None:
        if asked < total:
            self.out.print(f"\nSession ended after {asked} of {total} questions.")
        if asked:
            self.out.print(f"Score: {correct}/{asked}", style="bold", end="")
            self.out.print(f" ({100 * correct // asked}%)")

    # -- cards -----------------------------------------------------------------------------

    def nothing_due(
        self, now: datetime, next_due: datetime | None, new_per_day: int, limit_reached: int | None
    ) -> None:
        """No card to review; ``limit_reached`` is how many new cards were seen today
        when unseen cards wait only because of the daily limit."""
        later = f" Next card due {when(next_due, now)}." if next_due is not None else ""
        if limit_reached is not None:
            later += (
                f" {limit_reached} new cards were introduced today "
                f"(limit {new_per_day}; raise it with --new-per-day)."
            )
        self.out.print(f"Nothing to review now.{later}")

    def queue(self, queue: CardQueue, new_per_day: int) -> None:
        self.out.print(f"{len(queue.due)} due, {len(queue.new)} new", style="bold", end=" ")
        self.out.print(
            f"(new today so far: {queue.new_seen_today}, limit {new_per_day})", style="dim"
        )

    def card(self, number: int, total: int, kind: str, item: Item) -> None:
        out = self.out
        out.print()
        out.print(f"Card {number} of {total}", style="bold", end=" ")
        out.print(f"· {kind} · {item.id}", style="dim")
        out.print(item.prompt)
        for n, choice in enumerate(item.choices, 1):
            out.print(f"  {n}) {choice}")

    def back(self, item: Item) -> None:
        self.out.print("Answer:", style="bold", end=" ")
        self.out.print(item.back)
        self.feedback(item)

    @staticmethod
    def card_choice_prompt(question: Question) -> str:
        hint = "numbers, e.g. 1,3" if question.multiple else "a number"
        return f"Your answer ({hint}; Enter shows the answer; q to quit): "

    @staticmethod
    def rating_prompt() -> str:
        labels = " · ".join(f"{int(rating)} {name}" for rating, name in RATINGS.items())
        return f"Rate {labels} (q to quit): "

    def next_review(self, rating: Rating, due: datetime, now: datetime) -> None:
        self.out.print(f"{RATINGS[rating]}. Next review: {when(due, now)}")

    def reviewed(self, reviewed: int, total: int) -> None:
        self.out.print()
        self.out.print(f"Reviewed {reviewed} of {total} cards.")
