"""The notebook quiz widget, driven in Python: set the widgets' values, click Check."""

from __future__ import annotations

from pathlib import Path

from ecs_learn.quiz import Item, load_catalog
from ecs_learn.ui.quiz import QuizWidget

BANKS = Path(__file__).resolve().parents[1] / "quiz" / "data" / "banks"


def test_widget_scores_answers_set_on_its_widgets_and_shows_feedback() -> None:
    quiz = QuizWidget(topic="launch-types", count=3, seed=1, banks=BANKS)
    assert quiz.total == 3 and quiz.score == 0
    checked: list[tuple[str, bool]] = []
    quiz.on_check = lambda item, ok: checked.append((item.id, ok))
    for row in quiz.rows:
        question = row.question
        if question.multiple:
            for choice, box in zip(question.choices, row.boxes(), strict=True):
                box.value = choice in question.item.answers
        else:
            wrong = next(c for c in question.choices if c not in question.item.answers)
            row.selector.value = wrong
        row.button.click()
        assert question.item.explanation in row.feedback.value
    multiple = [r for r in quiz.rows if r.question.multiple]
    assert quiz.score == len(multiple) == 1
    assert len(quiz.answers) == 3 and len(checked) == 3
    assert (
        "✘ Not quite."
        in quiz.rows[[r.question.multiple for r in quiz.rows].index(False)].feedback.value
    )
    assert f"Score: {quiz.score} / 3" in quiz.widget.children[-1].value


def test_the_first_answer_counts_after_the_answer_is_shown() -> None:
    """Seen in issue 13: the widget gave full credit after showing the answer."""
    items = load_catalog(BANKS).items("launch-types")
    fargate = [item for item in items if item.id == "launch-types/fargate-networking"]
    recorded: list[bool] = []
    quiz = QuizWidget(items=fargate, count=1, on_check=lambda item, ok: recorded.append(ok))
    assert not quiz.check(0, ["bridge"])
    assert quiz.answers == {"launch-types/fargate-networking": ["bridge"]}
    assert "The answer: <b>awsvpc</b>" in quiz.rows[0].feedback.value  # the answer is shown
    assert "Erratum" in quiz.rows[0].feedback.value
    assert quiz.check(0, ["awsvpc"])  # right now...
    assert quiz.score == 0 and quiz.results == {"launch-types/fargate-networking": False}
    assert "first answer (not right) is the one that counts" in quiz.rows[0].feedback.value
    assert recorded == [False]  # ...but only the first answer reached the progress
    assert repr(quiz) == "<QuizWidget 1/1 checked, score 0>"


def test_long_checkbox_labels_wrap_instead_of_being_cut_off() -> None:
    items = [i for i in load_catalog(BANKS).items() if i.type.value == "multiple"][:1]
    quiz = QuizWidget(items=items, count=1)
    (row,) = quiz.rows
    for pair, choice in zip(row.selector.children, row.question.choices, strict=True):
        box, label = pair.children
        assert box.description == "" and choice in label.value  # the label is wrapping HTML


def test_notes_are_a_link_into_the_workspace_notes() -> None:
    items = load_catalog(BANKS).items("launch-types")[:1]
    html = QuizWidget(items=items, count=1)._repr_html_()
    assert f"<a href='notes.html#{items[0].section}'" in html


def test_the_recorder_puts_first_answers_in_the_progress_store(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from ecs_learn.quiz import ProgressStore
    from ecs_learn.ui.quiz import ProgressRecorder

    store = ProgressStore(tmp_path)
    when = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)
    items = load_catalog().items("ecs-definitions")
    choice = next(i for i in items if i.type.value == "single" and i.tags)
    quiz = QuizWidget(items=[choice], count=1, on_check=ProgressRecorder(store, lambda: when))
    wrong = next(c for c in quiz.questions[0].choices if c not in choice.answers)
    quiz.check(0, [wrong])
    quiz.check(0, list(choice.answers))
    progress = store.load()
    (review,) = progress.reviews(choice.id)
    assert review["source"] == "notebook" and int(review["rating"]) == 1  # Again
    assert progress.flags  # the related flashcards are due now


def test_check_without_a_selection_asks_for_one() -> None:
    item = Item.from_dict(
        {
            "id": "t/a",
            "type": "single",
            "section": "s",
            "prompt": "p?",
            "choices": ["x", "y"],
            "answer": "x",
            "explanation": "because",
        }
    )
    quiz = QuizWidget(items=[item], count=1)
    quiz.rows[0].button.click()
    assert "Pick an answer first" in quiz.rows[0].feedback.value
    assert quiz.answers == {} and quiz.score == 0


def test_html_fallback_lists_the_questions_with_answers_folded() -> None:
    quiz = QuizWidget(topic="iam-roles", count=2, seed=0, banks=BANKS)
    html = quiz._repr_html_()
    assert html.count("<details>") == 2
    for question in quiz.questions:
        assert question.item.prompt in html
    bundle = quiz._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == html
