"""The item model: symmetric to_dict/from_dict, grading, and agreement with the schema."""

from __future__ import annotations

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from ecs_learn.quiz import Bank, Erratum, Item, ItemType
from ecs_learn.quiz.model import ItemDict
from ecs_learn.quiz.schema import bank_schema

_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), min_size=1,
                max_size=20).filter(lambda s: s.strip() != "")
_slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)


@st.composite
def items(draw: st.DrawFn, topic: str = "launch-types") -> Item:
    kind = draw(st.sampled_from(list(ItemType)))
    choices: tuple[str, ...] = ()
    if kind.has_choices:
        choices = tuple(draw(st.lists(_text, min_size=2, max_size=6, unique=True)))
        if kind is ItemType.MULTIPLE:
            answers = tuple(draw(st.lists(st.sampled_from(choices), min_size=1, unique=True)))
        else:
            answers = (draw(st.sampled_from(choices)),)
    else:
        answers = (draw(_text),)
    erratum = draw(st.none() | st.builds(Erratum, _text, _text))
    return Item(
        id=f"{topic}/{draw(_slug)}", type=kind, section=draw(_slug), prompt=draw(_text),
        answers=answers, explanation=draw(_text), choices=choices, erratum=erratum,
        tags=tuple(draw(st.lists(_slug, max_size=3, unique=True))),
    )


@given(items())
def test_item_round_trips_through_its_dict(item: Item) -> None:
    assert Item.from_dict(item.to_dict()) == item


@given(st.lists(items(), min_size=1, max_size=4))
def test_a_bank_of_generated_items_is_schema_valid_and_round_trips(generated: list[Item]) -> None:
    bank = Bank(topic="launch-types", title="Launch types", items=tuple(generated))
    data = bank.to_dict()
    jsonschema.validate(data, bank_schema())
    assert Bank.from_dict(data) == bank


def test_single_answer_is_written_as_text_and_multiple_as_a_list() -> None:
    single: ItemDict = {"id": "t/a", "type": "single", "section": "s", "prompt": "p",
                        "choices": ["x", "y"], "answer": "y", "explanation": "e"}
    multiple: ItemDict = {**single, "type": "multiple", "answer": ["x", "y"]}
    assert Item.from_dict(single).answers == ("y",)
    assert Item.from_dict(single).to_dict() == single
    assert Item.from_dict(multiple).to_dict() == multiple


def test_grading_needs_exactly_the_right_choices() -> None:
    item = Item("t/a", ItemType.MULTIPLE, "s", "p", ("x", "z"), "e", ("x", "y", "z"))
    assert item.is_correct(["z", "x"])
    assert not item.is_correct(["x"])
    assert not item.is_correct(["x", "y", "z"])
    flashcard = Item("t/b", ItemType.FLASHCARD, "s", "p", ("x",), "e")
    assert not flashcard.is_correct(["x"])
    assert item.topic == "t" and item.back == "x; z"
