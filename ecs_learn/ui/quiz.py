"""A quiz inside a lab notebook: ``QuizWidget(topic="launch-types", count=3)``.

Each question shows its shuffled choices (radio buttons, or checkboxes for multiple
choice), a Check button and, once checked, the feedback with the explanation (and the
erratum when the seed notes are wrong). The answers reach the kernel: ``answers``,
``results`` and ``score`` are updated on every click. Without widgets (a static
notebook viewer, nbconvert) the quiz renders as HTML with the answers folded away.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from ecs_learn.quiz import Item, Question, build_questions, load_catalog

__all__ = ["QuizWidget", "feedback_html"]


def _explanation_html(item: Item) -> str:
    parts = [f"<div>{escape(item.explanation)}</div>"]
    if item.erratum is not None:
        parts.append(
            f"<div style='color:#9a6700'><b>Erratum</b> — your notes say: "
            f"{escape(item.erratum.notes_claim)}<br><b>In fact</b>: "
            f"{escape(item.erratum.truth)}</div>"
        )
    parts.append(f"<div style='color:#57606a'><small>Notes: #{escape(item.section)}</small></div>")
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

    def selected(self) -> list[str]:
        if self.question.multiple:
            return [box.description for box in self.selector.children if box.value]
        value = self.selector.value
        return [] if value is None else [str(value)]


class QuizWidget:
    """Ask ``count`` choice questions of one topic (or all), or of the given ``items``.

    ``answers`` maps each checked item id to the selected choice texts, ``results`` to
    whether it was right; ``score`` counts the right ones. ``on_check(item, correct)``
    is called after every click (e.g. to record progress).
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
        self.on_check = on_check
        self._rows: list[_Row] | None = None
        self._widget: Any = None

    @property
    def score(self) -> int:
        """How many questions were answered right (at their last check)."""
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
            if question.multiple:
                selector: Any = w.VBox(
                    [
                        w.Checkbox(value=False, description=choice, indent=False)
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
        return f"<b>Score: {self.score} / {self.total}</b> ({len(self.results)} checked)"

    def _check(self, row: _Row) -> None:
        item = row.question.item
        selected = row.selected()
        if not selected:
            row.feedback.value = "<i>Pick an answer first.</i>"
            return
        correct = item.is_correct(selected)
        self.answers[item.id] = selected
        self.results[item.id] = correct
        row.feedback.value = feedback_html(item, correct)
        self._score_label.value = self._score_text()
        if self.on_check is not None:
            self.on_check(item, correct)

    def check(self, index: int, selected: Sequence[str]) -> bool:
        """Answer question ``index`` with the given choice texts, as a click would."""
        row = self.rows[index]
        if row.question.multiple:
            for box in row.selector.children:
                box.value = box.description in selected
        else:
            row.selector.value = selected[0] if selected else None
        row.button.click()
        return self.results.get(row.question.item.id, False)

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
