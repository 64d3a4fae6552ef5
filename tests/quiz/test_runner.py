"""The session runner on its own: scripted answers, a fixed clock, a recording printer and
a real progress store in a temporary folder."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ecs_learn.quiz import Bank, Catalog, Item, ItemType, ProgressStore, Rating, load_catalog
from ecs_learn.quiz.runner import NoQuestionsError, SessionRunner
from ecs_learn.quiz.session import Question, build_questions

from .conftest import SAMPLE_BANKS

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


class Recorder:
    """A printer that keeps what was printed, and in which style."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str | None]] = []

    def print(self, text: str = "", *, end: str = "\n", style: str | None = None) -> None:
        self.parts.append((text + end, style))

    @property
    def text(self) -> str:
        return "".join(part for part, _ in self.parts)

    def styled(self, style: str) -> list[str]:
        return [part.strip() for part, used in self.parts if used == style]


class Script:
    """Answers given in order; ``None`` (end of input) once they run out."""

    def __init__(self, answers: Iterable[str]) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        return self.answers.pop(0) if self.answers else None


def _runner(tmp_path: Path, answers: Iterable[str], catalog: Catalog | None = None,
            pause: bool = False, now: datetime = NOW) -> tuple[SessionRunner, Recorder, Script]:
    out, script = Recorder(), Script(answers)
    runner = SessionRunner(catalog or load_catalog(SAMPLE_BANKS), ProgressStore(tmp_path),
                           script, out, lambda: now, fuzz=False, pause=pause)
    return runner, out, script


def _planned(topic: str, count: int, seed: int) -> list[Question]:
    return build_questions(load_catalog(SAMPLE_BANKS).items(topic), count, random.Random(seed))


def _right(question: Question) -> str:
    return ",".join(str(n) for n in sorted(question.correct_numbers))


def _wrong(question: Question) -> str:
    return str(next(n for n in range(1, len(question.choices) + 1)
                    if frozenset({n}) != question.correct_numbers))


def _ratings(store: ProgressStore) -> dict[str, list[int]]:
    return {item_id: [r["rating"] for r in entry["reviews"]]
            for item_id, entry in store.load().items.items()}


def test_a_quiz_grades_explains_and_records_good_or_again_at_the_clock(tmp_path: Path) -> None:
    questions = _planned("launch-types", 3, seed=7)
    runner, out, _ = _runner(tmp_path, [_right(questions[0]), _wrong(questions[1]),
                                        _right(questions[2])])
    score = runner.quiz("launch-types", 3, random.Random(7))
    assert (score.asked, score.correct, score.total) == (3, 2, 3)
    assert out.styled("bold green") == ["✔ Correct.", "✔ Correct."]
    assert out.styled("bold red") == ["✘ Not quite."]
    assert out.text.endswith("Score: 2/3 (66%)\n")
    assert all(q.item.explanation in out.text for q in questions)
    assert _ratings(runner.store) == {
        questions[0].item.id: [Rating.Good], questions[1].item.id: [Rating.Again],
        questions[2].item.id: [Rating.Good]}
    reviews = [r for e in runner.store.load().items.values() for r in e["reviews"]]
    assert {(r["source"], r["review_datetime"]) for r in reviews} == {("quiz", NOW.isoformat())}


def test_an_answer_that_is_not_a_choice_is_explained_and_asked_again(tmp_path: Path) -> None:
    [question] = _planned("launch-types", 1, seed=3)
    runner, out, script = _runner(tmp_path, ["9", "", _right(question)])
    assert runner.quiz("launch-types", 1, random.Random(3)).correct == 1
    assert len(script.prompts) == 3 and len(set(script.prompts)) == 1
    [not_a_choice, empty] = out.styled("yellow")
    assert not_a_choice.startswith("'9' is not a choice") and empty.startswith("type the number")


@pytest.mark.parametrize("stop", [None, "q", " QUIT "])
def test_end_of_input_or_q_ends_a_quiz_and_keeps_what_was_answered(
        tmp_path: Path, stop: str | None) -> None:
    questions = _planned("launch-types", 3, seed=1)
    answers = [_right(questions[0])] + ([stop] if stop is not None else [])
    runner, out, _ = _runner(tmp_path, answers)
    score = runner.quiz("launch-types", 3, random.Random(1))
    assert (score.asked, score.correct) == (1, 1)
    assert "\nSession ended after 1 of 3 questions.\nScore: 1/1 (100%)\n" in out.text
    assert list(_ratings(runner.store)) == [questions[0].item.id]


def test_a_quiz_without_choice_questions_is_an_error(tmp_path: Path) -> None:
    card = Item("t/card", ItemType.FLASHCARD, "s", "Front?", ("Back",), "Why.")
    runner, out, _ = _runner(tmp_path, [], Catalog((Bank("t", "T", (card,)),)))
    with pytest.raises(NoQuestionsError, match="no choice questions in topic 't' yet"):
        runner.quiz("t", 5, random.Random(0))
    assert out.text == ""


def test_cards_are_rated_by_the_learner_and_scheduled_from_the_clock(tmp_path: Path) -> None:
    runner, out, script = _runner(tmp_path, ["", "x", "1", "", "good"])  # Enter shows the back
    tally = runner.cards("iam-roles", new_per_day=2)
    assert (tally.reviewed, tally.total) == (2, 2)
    assert script.prompts[0].startswith("Your answer (a number; Enter shows the answer")
    assert script.prompts[1] == "Rate 1 Again · 2 Hard · 3 Good · 4 Easy (q to quit): "
    assert out.styled("yellow") == ["rate with 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)"]
    assert "Card 1 of 2 · new · iam-roles/pull-image\n" in out.text
    assert "Again. Next review: 2026-01-05 09:01 UTC (in 1 min)\n" in out.text
    assert "Good. Next review: 2026-01-05 09:10 UTC (in 10 min)\n" in out.text
    assert out.text.endswith("\nReviewed 2 of 2 cards.\n")
    assert _ratings(runner.store) == {"iam-roles/pull-image": [Rating.Again],
                                      "iam-roles/app-permissions": [Rating.Good]}


def test_due_cards_come_first_then_new_ones_within_the_daily_limit(tmp_path: Path) -> None:
    first, _, _ = _runner(tmp_path, ["", "1", "", "3"])
    first.cards("iam-roles", new_per_day=2)
    later, out, _ = _runner(tmp_path, ["", "3", "", "3", "3"], now=NOW + timedelta(minutes=15))
    assert later.cards("iam-roles", new_per_day=3).total == 3
    headers = [part for part, style in out.parts if part.startswith("· ") and style == "dim"]
    assert headers == ["· due · iam-roles/pull-image\n", "· due · iam-roles/app-permissions\n",
                       "· new · iam-roles/trust\n"]


def test_with_nothing_due_the_next_due_time_and_the_limit_are_shown(tmp_path: Path) -> None:
    first, _, _ = _runner(tmp_path, ["", "3"])
    first.cards("iam-roles", new_per_day=1)
    again, out, script = _runner(tmp_path, ["3"])
    assert again.cards("iam-roles", new_per_day=1).total == 0
    assert out.text == ("Nothing to review now. Next card due 2026-01-05 09:10 UTC (in 10 min). "
                        "1 new cards were introduced today (limit 1; raise it with "
                        "--new-per-day).\n")
    assert script.prompts == []


def test_in_a_terminal_the_answer_waits_for_enter_and_end_of_input_stops(tmp_path: Path) -> None:
    runner, out, script = _runner(tmp_path, ["", "4"], pause=True)
    assert runner.cards("iam-roles", new_per_day=2).reviewed == 1
    assert script.prompts[0] == script.prompts[2]  # choice cards: answer, or Enter to look
    assert script.prompts[0].startswith("Your answer (a number; Enter shows the answer")
    assert out.text.count("Answer: ") == 1  # the second card stopped before its answer
    assert _ratings(runner.store) == {"iam-roles/pull-image": [Rating.Easy]}
