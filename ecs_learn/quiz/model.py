"""The question-bank model: items, errata and banks, with their serialized forms.

Everything here is plain data. ``from_dict`` trusts its input (the loader validates
banks before building items); ``to_dict`` writes exactly the bank format, so
``Item.from_dict(item.to_dict()) == item`` for every item.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TypedDict

__all__ = [
    "TOPICS",
    "Bank",
    "BankDict",
    "Erratum",
    "ErratumDict",
    "Item",
    "ItemDict",
    "ItemType",
]

# The topics of the course notes, in the order the notes present them.
TOPICS: tuple[str, ...] = (
    "ecs-definitions",
    "launch-types",
    "iam-roles",
    "load-balancing",
    "storage",
    "autoscaling",
    "eks",
    "ecr",
)

ID_PATTERN = re.compile(r"^([a-z0-9-]+)/([a-z0-9-]+)$")


class ItemType(str, enum.Enum):
    """What kind of question an item is."""

    FLASHCARD = "flashcard"
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCENARIO = "scenario"

    @property
    def has_choices(self) -> bool:
        """True for the types asked with numbered choices (everything but flashcards)."""
        return self is not ItemType.FLASHCARD


class ErratumDict(TypedDict):
    notes_claim: str
    truth: str


class _ItemDictRequired(TypedDict):
    id: str
    type: str
    section: str
    prompt: str
    answer: str | list[str]
    explanation: str


class ItemDict(_ItemDictRequired, total=False):
    """An item exactly as written in a bank file."""

    choices: list[str]
    erratum: ErratumDict
    tags: list[str]


class BankDict(TypedDict):
    """A bank file: ``topic`` equals the file stem."""

    topic: str
    title: str
    items: list[ItemDict]


@dataclass(frozen=True)
class Erratum:
    """Where the student's seed notes are wrong or outdated: what they claim, what is true."""

    notes_claim: str
    truth: str

    def to_dict(self) -> ErratumDict:
        return {"notes_claim": self.notes_claim, "truth": self.truth}

    @classmethod
    def from_dict(cls, data: ErratumDict) -> Erratum:
        return cls(notes_claim=data["notes_claim"], truth=data["truth"])


@dataclass(frozen=True)
class Item:
    """One question.

    ``answers`` holds one text for flashcard, single and scenario items, and one or
    more for multiple-choice items; every answer of a choice item is one of ``choices``.
    """

    id: str
    type: ItemType
    section: str
    prompt: str
    answers: tuple[str, ...]
    explanation: str
    choices: tuple[str, ...] = ()
    erratum: Erratum | None = None
    tags: tuple[str, ...] = ()

    @property
    def topic(self) -> str:
        """The topic the item belongs to: the part of its id before the slash."""
        return self.id.split("/", 1)[0]

    @property
    def back(self) -> str:
        """The answer as the back of a flashcard."""
        return "; ".join(self.answers)

    def is_correct(self, selected: Collection[str]) -> bool:
        """Whether the selected choice texts are exactly the right answer.

        Flashcards cannot be graded automatically and are never correct here.
        """
        if not self.type.has_choices:
            return False
        return set(selected) == set(self.answers) and len(set(selected)) == len(selected)

    def to_dict(self) -> ItemDict:
        answer: str | list[str]
        answer = list(self.answers) if self.type is ItemType.MULTIPLE else self.answers[0]
        data: ItemDict = {
            "id": self.id,
            "type": self.type.value,
            "section": self.section,
            "prompt": self.prompt,
            "answer": answer,
            "explanation": self.explanation,
        }
        if self.type.has_choices:
            data["choices"] = list(self.choices)
        if self.erratum is not None:
            data["erratum"] = self.erratum.to_dict()
        if self.tags:
            data["tags"] = list(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: ItemDict) -> Item:
        answer = data["answer"]
        erratum = data.get("erratum")
        return cls(
            id=data["id"],
            type=ItemType(data["type"]),
            section=data["section"],
            prompt=data["prompt"],
            answers=(answer,) if isinstance(answer, str) else tuple(answer),
            explanation=data["explanation"],
            choices=tuple(data.get("choices", ())),
            erratum=Erratum.from_dict(erratum) if erratum is not None else None,
            tags=tuple(data.get("tags", ())),
        )


@dataclass(frozen=True)
class Bank:
    """The items of one topic, as loaded from ``quizzes/<topic>.yaml``."""

    topic: str
    title: str
    items: tuple[Item, ...] = field(default=())

    def to_dict(self) -> BankDict:
        return {
            "topic": self.topic,
            "title": self.title,
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: BankDict) -> Bank:
        return cls(
            topic=data["topic"],
            title=data["title"],
            items=tuple(Item.from_dict(item) for item in data["items"]),
        )
