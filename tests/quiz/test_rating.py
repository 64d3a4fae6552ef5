"""Ratings and states: the mirror of fsrs's enums, the rating rules, and parsing."""

from __future__ import annotations

import fsrs
import pytest

from ecs_learn.quiz import AnswerFormatError, Rating, State, parse_rating, rating_for_answer


@pytest.mark.parametrize(("ours", "theirs"), [(Rating, fsrs.Rating), (State, fsrs.State)])
def test_the_enums_mirror_fsrs_exactly(ours: type, theirs: type) -> None:
    assert [(m.name, m.value) for m in ours] == [(m.name, m.value) for m in theirs]


def test_a_right_answer_is_good_and_a_wrong_one_again() -> None:
    assert rating_for_answer(True) is Rating.Good
    assert rating_for_answer(False) is Rating.Again


@pytest.mark.parametrize(
    ("text", "rating"),
    [("1", Rating.Again), (" 4 ", Rating.Easy), ("good", Rating.Good), ("H", Rating.Hard),
     ("ea", Rating.Easy)],
)
def test_ratings_parse_from_numbers_and_names(text: str, rating: Rating) -> None:
    assert parse_rating(text) is rating


@pytest.mark.parametrize("text", ["", "0", "5", "x", "goody"])
def test_anything_else_is_asked_again(text: str) -> None:
    with pytest.raises(AnswerFormatError, match="rate with 1"):
        parse_rating(text)
