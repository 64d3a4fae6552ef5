"""Export the banks as an Anki deck (genanki).

Model and deck ids are fixed numbers derived from names, and each note's GUID is
``genanki.guid_for(item_id)``: importing a newer export into Anki updates the notes
already there instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ecs_learn.quiz.model import Item

__all__ = ["DECK_NAME", "build_package", "note_guid", "stable_id", "write_apkg"]

DECK_NAME = "ecs-learn"
_MODEL_NAME = "ecs-learn item v1"
_FIELDS = ["Id", "Front", "Back", "Explanation", "Erratum", "Section"]
_CSS = ".card { font-family: sans-serif; font-size: 18px; } .erratum { color: #a40; }"


def stable_id(name: str) -> int:
    """A fixed Anki id (between 2**30 and 2**31) for a model or deck name."""
    return (1 << 30) + int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") % (1 << 30)


def note_guid(item_id: str) -> str:
    import genanki

    guid: str = genanki.guid_for(item_id)
    return guid


def _front(item: Item) -> str:
    text = html.escape(item.prompt)
    if item.type.has_choices:
        options = "".join(f"<li>{html.escape(choice)}</li>" for choice in item.choices)
        text += f"<ol>{options}</ol>"
    return text


def _erratum(item: Item) -> str:
    if item.erratum is None:
        return ""
    return (
        f"<div class='erratum'>Your notes say: {html.escape(item.erratum.notes_claim)}"
        f"<br>In fact: {html.escape(item.erratum.truth)}</div>"
    )


def build_package(items: Sequence[Item], sections: dict[str, str] | None = None) -> Any:
    """A ``genanki.Package`` with one sub-deck per topic (``ecs-learn::<topic>``)."""
    import genanki

    model = genanki.Model(
        stable_id(_MODEL_NAME),
        _MODEL_NAME,
        fields=[{"name": name} for name in _FIELDS],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer><b>{{Back}}</b><p>{{Explanation}}</p>"
                "{{Erratum}}<p><small>Notes: {{Section}}</small></p>",
            }
        ],
        css=_CSS,
    )
    decks: dict[str, Any] = {}
    for item in items:
        name = f"{DECK_NAME}::{item.topic}"
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(stable_id(name), name)
        section = (sections or {}).get(item.section) or item.section
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[
                    item.id,
                    _front(item),
                    html.escape(item.back),
                    html.escape(item.explanation),
                    _erratum(item),
                    html.escape(section),
                ],
                guid=note_guid(item.id),
                tags=[item.topic, *item.tags, *(["erratum"] if item.erratum else [])],
            )
        )
    return genanki.Package(list(decks.values()))


def write_apkg(items: Sequence[Item], out: Path, sections: dict[str, str] | None = None) -> int:
    """Write the deck to ``out``; returns the number of notes."""
    build_package(items, sections).write_to_file(str(out))
    return len(items)
