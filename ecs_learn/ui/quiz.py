"""A quiz inside a lab notebook: ``QuizWidget(topic="launch-types", count=3)``.

Each question shows its shuffled choices (radio buttons, or checkboxes for multiple
choice), a Check button and, once checked, the feedback with the explanation (and the
erratum when the seed notes are wrong). The first answer to each question is the one
that counts: ``results`` and ``score`` keep it, and once the answer has been shown the
question's score is locked (answering again gives feedback, never credit). ``answers``
holds the latest choice. With a :class:`ProgressRecorder` the first answers go to the
learner's progress store, the one ``ecs-learn quiz``/``cards``/``stats`` use. Without
widgets (a static notebook viewer, nbconvert) the quiz renders as HTML with the answers
folded away.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from ecs_learn.quiz import Item, Question, build_questions, load_catalog

__all__ = ["NOTES_LINK", "ProgressRecorder", "QuizWidget", "feedback_html"]

# The course notes as the workspace holds them (``ecs-learn lab`` writes notes.html
# next to the lab notebooks), so "Notes: #section" is a link a learner can follow.
NOTES_LINK = "notes.html"


class ProgressRecorder:
    """``on_check`` for a :class:`QuizWidget`: each first answer becomes a review in the
    learner's progress store (right: *Good*, wrong: *Again*, source ``notebook``); a
    wrong one also makes the flashcards on the same tags due."""

    def __init__(self, store: Any = None, now: Callable[[], Any] | None = None) -> None:
        self._store = store
        self._now = now
        self._scheduler: Any = None
        self.problem: str | None = None

    def __call__(self, item: Item, correct: bool) -> None:
        from datetime import datetime, timezone

        from ecs_learn import learner
        from ecs_learn.errors import EcsLearnError
        from ecs_learn.quiz import build_scheduler, rating_for_answer
        from ecs_learn.quiz.session import related_cards

        store = self._store if self._store is not None else learner.progress_store()
        when = self._now() if self._now is not None else datetime.now(timezone.utc)
        if self._scheduler is None:
            self._scheduler = build_scheduler()
        try:
            store.record(
                item.id,
                rating_for_answer(correct),
                when,
                scheduler=self._scheduler,
                source="notebook",
            )
            if not correct and item.tags:
                ids = [
                    c.id for c in related_cards(load_catalog().items(), item.tags, exclude=item.id)
                ]
                store.flag_due(ids, why=f"missed {item.id}", when=when)
        except (OSError, EcsLearnError) as exc:  # progress helps; it never breaks the quiz
            self.problem = str(exc)


def _explanation_html(item: Item) -> str:
    parts = [f"<div>{escape(item.explanation)}</div>"]
    if item.erratum is not None:
        parts.append(
            f"<div style='color:#9a6700'><b>Erratum</b> — your notes say: "
            f"{escape(item.erratum.notes_claim)}<br><b>In fact</b>: "
            f"{escape(item.erratum.truth)}</div>"
        )
    anchor = escape(item.section)
    parts.append(
        f"<div style='color:#57606a'><small>Notes: <a href='{NOTES_LINK}#{anchor}' "
        f"target='_blank' rel='noopener'>{NOTES_LINK}#{anchor}</a></small></div>"
    )
    return "".join(parts)


def feedback_html(item: Item, correct: bool) -> str:
    """The verdict, the right answer, the explanation and any erratum, as HTML."""
    colour, verdict = ("#1a7f37", "✔ Correct.") if correct else ("#cf222e", "✘ Not quite.")
    answer = "" if correct else f" The answer: <b>{escape(item.back)}</b>"
    return f"<b style='color:{colour}'>{verdict}</b>{answer}{_explanation_html(item)}"


@dataclass
class _Row:
    """The widgets of one question."""

    question: Question
    selector: Any  # RadioButtons, or a VBox of Checkboxes for multiple choice
    button: Any
    feedback: Any
    box: Any

    def boxes(self) -> list[Any]:
        """The checkboxes of a multiple-choice question, in choice order."""
        return [pair.children[0] for pair in self.selector.children]

    def selected(self) -> list[str]:
        if self.question.multiple:
            return [
                choice
                for choice, box in zip(self.question.choices, self.boxes(), strict=True)
                if box.value
            ]
        value = self.selector.value
        return [] if value is None else [str(value)]


class QuizWidget:
    """Ask ``count`` choice questions of one topic (or all), or of the given ``items``.

    ``answers`` maps each checked item id to the latest selected choice texts,
    ``results`` to whether the *first* answer was right; ``score`` counts those.
    ``on_check(item, correct)`` is called once per question, on its first answer (e.g.
    a :class:`ProgressRecorder`).
    """

    def __init__(
        self,
        topic: str | None = None,
        count: int = 5,
        *,
        items: Sequence[Item] | None = None,
        seed: int | None = None,
        banks: Path | None = None,
        on_check: Callable[[Item, bool], None] | None = None,
    ) -> None:
        if items is None:
            items = load_catalog(banks).items(topic)
        self.questions = build_questions(items, count, random.Random(seed))
        self.answers: dict[str, list[str]] = {}
        self.results: dict[str, bool] = {}
        self._last: dict[str, bool] = {}
        self.on_check = on_check
        self._rows: list[_Row] | None = None
        self._widget: Any = None

    @property
    def score(self) -> int:
        """How many questions were answered right at the first try."""
        return sum(self.results.values())

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def rows(self) -> list[_Row]:
        if self._rows is None:
            self._build()
        assert self._rows is not None
        return self._rows

    @property
    def widget(self) -> Any:
        """The ``ipywidgets.VBox`` holding every question and the score line."""
        if self._widget is None:
            self._build()
        return self._widget

    def _build(self) -> None:
        import ipywidgets as w

        self._score_label = w.HTML(self._score_text())
        rows = []
        for number, question in enumerate(self.questions, 1):
            says_so = "all that apply" in question.item.prompt.lower()
            hint = " <i>(choose all that apply)</i>" if question.multiple and not says_so else ""
            prompt = w.HTML(f"<b>{number}.</b> {escape(question.item.prompt)}{hint}")
            if question.multiple:  # a box and a wrapping label: long choices are never cut off
                selector: Any = w.VBox(
                    [
                        w.HBox(
                            [
                                w.Checkbox(
                                    value=False,
                                    indent=False,
                                    layout=w.Layout(width="28px", flex="0 0 auto"),
                                ),
                                w.HTML(escape(choice), layout=w.Layout(width="auto")),
                            ],
                            layout=w.Layout(align_items="center"),
                        )
                        for choice in question.choices
                    ]
                )
            else:
                selector = w.RadioButtons(
                    options=list(question.choices), value=None, layout=w.Layout(width="max-content")
                )
            button = w.Button(description="Check", button_style="primary")
            feedback = w.HTML("")
            feedback.add_class("ecs-learn-quiz-feedback")
            row = _Row(
                question, selector, button, feedback, w.VBox([prompt, selector, button, feedback])
            )
            row.box.add_class("ecs-learn-quiz-question")
            button.on_click(lambda _button, row=row: self._check(row))
            rows.append(row)
        self._rows = rows
        self._score_label.add_class("ecs-learn-quiz-score")
        self._widget = w.VBox([*(row.box for row in rows), self._score_label])
        self._widget.add_class("ecs-learn-quiz")  # stable hooks for styling and browser tests

    def _score_text(self) -> str:
        return (
            f"<b>Score: {self.score} / {self.total}</b> ({len(self.results)} checked; "
            "the first answer to each question counts)"
        )

    def _check(self, row: _Row) -> None:
        item = row.question.item
        selected = row.selected()
        if not selected:
            row.feedback.value = "<i>Pick an answer first.</i>"
            return
        correct = item.is_correct(selected)
        self.answers[item.id] = selected
        self._last[item.id] = correct
        if item.id in self.results:  # the answer was shown: feedback, no credit
            first = "right" if self.results[item.id] else "not right"
            row.feedback.value = (
                feedback_html(item, correct)
                + f"<div style='color:#57606a'><small>Your first answer ({first}) is the one "
                "that counts for the score.</small></div>"
            )
            return
        self.results[item.id] = correct
        row.feedback.value = feedback_html(item, correct)
        row.box.add_class("ecs-learn-quiz-answered")
        self._score_label.value = self._score_text()
        if self.on_check is not None:
            self.on_check(item, correct)

    def check(self, index: int, selected: Sequence[str]) -> bool:
        """Answer question ``index`` with the given choice texts, as a click would;
        whether this answer was right (the score keeps the first one)."""
        row = self.rows[index]
        if row.question.multiple:
            for choice, box in zip(row.question.choices, row.boxes(), strict=True):
                box.value = choice in selected
        else:
            row.selector.value = selected[0] if selected else None
        row.button.click()
        return self._last.get(row.question.item.id, False)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self._repr_html_()
        return bundle

    def _repr_html_(self) -> str:
        """A static rendering: questions, choices, and the answers folded in <details>."""
        parts = []
        for number, question in enumerate(self.questions, 1):
            item = question.item
            choices = "".join(f"<li>{escape(c)}</li>" for c in question.choices)
            parts.append(
                f"<div style='margin-bottom:1em'><b>{number}.</b> {escape(item.prompt)}"
                f"<ol>{choices}</ol><details><summary>Answer</summary>"
                f"<div>Answer: <b>{escape(item.back)}</b></div>{_explanation_html(item)}"
                f"</details></div>"
            )
        return "<div class='ecs-learn-quiz'>" + "".join(parts) + "</div>"

    def __repr__(self) -> str:
        return f"<QuizWidget {len(self.results)}/{self.total} checked, score {self.score}>"
