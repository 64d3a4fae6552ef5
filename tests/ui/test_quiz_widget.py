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
            for box in row.selector.children:
                box.value = box.description in question.item.answers
        else:
            wrong = next(c for c in question.choices if c not in question.item.answers)
            row.selector.value = wrong
        row.button.click()
        assert question.item.explanation in row.feedback.value
    multiple = [r for r in quiz.rows if r.question.multiple]
    assert quiz.score == len(multiple) == 1
    assert len(quiz.answers) == 3 and len(checked) == 3
    assert "✘ Not quite." in quiz.rows[[r.question.multiple for r in quiz.rows].index(False)] \
        .feedback.value
    assert f"Score: {quiz.score} / 3" in quiz.widget.children[-1].value


def test_widget_built_from_items_checks_and_changes_its_mind() -> None:
    items = load_catalog(BANKS).items("launch-types")
    fargate = [item for item in items if item.id == "launch-types/fargate-networking"]
    quiz = QuizWidget(items=fargate, count=1)
    assert not quiz.check(0, ["bridge"])
    assert quiz.answers == {"launch-types/fargate-networking": ["bridge"]}
    assert "Erratum" in quiz.rows[0].feedback.value
    assert quiz.check(0, ["awsvpc"]) and quiz.score == 1
    assert repr(quiz) == "<QuizWidget 1/1 checked, score 1>"


def test_check_without_a_selection_asks_for_one() -> None:
    item = Item.from_dict({"id": "t/a", "type": "single", "section": "s", "prompt": "p?",
                           "choices": ["x", "y"], "answer": "x", "explanation": "because"})
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
