"""The checks on a parsed bank (named apart from the ``ecs_learn.checks`` lab graders).

``structure_problems`` mirrors ``bank.schema.json`` in plain Python (the fast path:
importing jsonschema costs about a second); ``content_problems`` holds the rules a
schema cannot express (answers among the choices, id prefixes, notes sections,
ids unique across banks).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from ecs_learn.quiz.problems import BankProblem
from ecs_learn.quiz.source import FieldPath, ParsedFile

__all__ = ["content_problems", "structure_problems"]

_SLUG = re.compile(r"^[a-z0-9-]+$")
_ID = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+$")
_SECTION = re.compile(r"^[A-Za-z0-9_-]+$")
_TYPES = ("flashcard", "single", "multiple", "scenario")
_BANK_KEYS = ("topic", "title", "items")
_ITEM_REQUIRED = ("id", "type", "section", "prompt", "answer", "explanation")
_ITEM_KEYS = (*_ITEM_REQUIRED, "choices", "erratum", "tags")


def _type_name(value: Any) -> str:
    names = {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a mapping",
        type(None): "empty",
    }
    return names.get(type(value), type(value).__name__)


class _Checker:
    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        self.problems: list[BankProblem] = []

    def add(self, path: FieldPath, message: str) -> None:
        self.problems.append(self.parsed.problem(path, message))

    def text(self, value: Any, path: FieldPath) -> bool:
        if not isinstance(value, str):
            self.add(path, f"must be a string, not {_type_name(value)}")
            return False
        if not value.strip():
            self.add(path, "must not be empty")
            return False
        return True

    def pattern(self, value: Any, path: FieldPath, pattern: re.Pattern[str], what: str) -> None:
        if not isinstance(value, str):
            self.add(path, f"must be a string, not {_type_name(value)}")
        elif not pattern.match(value):
            self.add(path, f"{value!r} is not {what}")

    def keys(
        self,
        data: dict[Any, Any],
        path: FieldPath,
        required: tuple[str, ...],
        allowed: tuple[str, ...],
    ) -> None:
        for key in required:
            if key not in data:
                self.add(path, f"missing required field {key!r}")
        for key in data:
            if key not in allowed:
                self.add(
                    (*path, str(key)), f"unknown field {key!r} (allowed: {', '.join(allowed)})"
                )

    def text_list(self, value: Any, path: FieldPath, low: int, high: int | None, what: str) -> bool:
        if not isinstance(value, list):
            self.add(path, f"must be a list of {what}, not {_type_name(value)}")
            return False
        if len(value) < low or (high is not None and len(value) > high):
            bounds = f"at least {low}" if high is None else f"{low} to {high}"
            self.add(path, f"must have {bounds} {what} (has {len(value)})")
        ok = all([self.text(entry, (*path, n)) for n, entry in enumerate(value)])
        seen: set[str] = set()
        for n, entry in enumerate(value):
            if isinstance(entry, str):
                if entry in seen:
                    self.add((*path, n), f"duplicate entry {entry!r}")
                    ok = False
                seen.add(entry)
        return ok

    def item(self, item: Any, path: FieldPath) -> None:
        if not isinstance(item, dict):
            self.add(path, f"each item must be a mapping, not {_type_name(item)}")
            return
        self.keys(item, path, _ITEM_REQUIRED, _ITEM_KEYS)
        if "id" in item:
            self.pattern(
                item["id"],
                (*path, "id"),
                _ID,
                'an id of the form "<topic>/<slug>" (lowercase letters, digits and dashes)',
            )
        if "section" in item:
            self.pattern(item["section"], (*path, "section"), _SECTION, "a notes anchor")
        for key in ("prompt", "explanation"):
            if key in item:
                self.text(item[key], (*path, key))
        kind = item.get("type")
        if "type" in item and kind not in _TYPES:
            self.add((*path, "type"), f"{kind!r} is not one of {', '.join(_TYPES)}")
        if kind == "flashcard":
            if "choices" in item:
                self.add((*path, "choices"), "a flashcard has no choices")
        elif kind in _TYPES and "choices" not in item:
            self.add(path, f"missing required field 'choices' (a {kind} item needs 2 to 6)")
        if "choices" in item:
            self.text_list(item["choices"], (*path, "choices"), 2, 6, "choices")
        if "answer" in item:
            answer = item["answer"]
            if kind == "multiple":
                self.text_list(answer, (*path, "answer"), 1, None, "answers")
            elif kind in _TYPES:
                self.text(answer, (*path, "answer"))
        if "erratum" in item:
            erratum = item["erratum"]
            epath = (*path, "erratum")
            if not isinstance(erratum, dict):
                self.add(
                    epath,
                    f"must be a mapping with notes_claim and truth, not {_type_name(erratum)}",
                )
            else:
                self.keys(erratum, epath, ("notes_claim", "truth"), ("notes_claim", "truth"))
                for key in ("notes_claim", "truth"):
                    if key in erratum:
                        self.text(erratum[key], (*epath, key))
        if "tags" in item:
            tags = item["tags"]
            if not isinstance(tags, list):
                self.add((*path, "tags"), f"must be a list of tags, not {_type_name(tags)}")
            else:
                for n, tag in enumerate(tags):
                    self.pattern(
                        tag,
                        (*path, "tags", n),
                        _SLUG,
                        "a tag (lowercase letters, digits and dashes)",
                    )
                if len({str(t) for t in tags}) != len(tags):
                    self.add((*path, "tags"), "tags must be unique")


def structure_problems(parsed: ParsedFile) -> list[BankProblem]:
    """Everything ``bank.schema.json`` would reject, found without jsonschema."""
    checker = _Checker(parsed)
    data = parsed.data
    if data is None:
        return []
    if not isinstance(data, dict):
        checker.add(
            (), f"a bank must be a mapping with topic, title and items, not {_type_name(data)}"
        )
        return checker.problems
    checker.keys(data, (), _BANK_KEYS, _BANK_KEYS)
    if "topic" in data:
        checker.pattern(data["topic"], ("topic",), _SLUG, "a topic name")
    if "title" in data:
        checker.text(data["title"], ("title",))
    if "items" in data:
        items = data["items"]
        if not isinstance(items, list):
            checker.add(("items",), f"must be a list of items, not {_type_name(items)}")
        elif not items:
            checker.add(("items",), "must have at least one item")
        else:
            for n, item in enumerate(items):
                checker.item(item, ("items", n))
    return checker.problems


def content_problems(
    parsed: ParsedFile, sections: Collection[str] | None, seen_ids: dict[str, str]
) -> list[BankProblem]:
    """The cross-field rules: topic = file stem, id prefix = topic, answers among the
    choices, sections present in the notes (skipped when ``sections`` is ``None``), ids
    unique across banks (``seen_ids`` maps each id already seen to where; updated here).
    """
    checker = _Checker(parsed)
    data = parsed.data
    if not isinstance(data, dict):
        return []
    topic = data.get("topic")
    stem = parsed.path.stem
    if isinstance(topic, str) and topic != stem:
        checker.add(("topic",), f"topic {topic!r} must equal the file name stem {stem!r}")
    items = data.get("items")
    if not isinstance(items, list):
        return checker.problems
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        path: FieldPath = ("items", n)
        item_id = item.get("id")
        if isinstance(item_id, str):
            prefix = item_id.split("/", 1)[0]
            if isinstance(topic, str) and "/" in item_id and prefix != topic:
                checker.add(
                    (*path, "id"),
                    f'id {item_id!r} must start with the topic {topic!r} ("{topic}/...")',
                )
            where = f"{parsed.display}:{parsed.lines.line_for((*path, 'id'))}"
            if item_id in seen_ids:
                checker.add(
                    (*path, "id"), f"duplicate id {item_id!r} (already used at {seen_ids[item_id]})"
                )
            else:
                seen_ids[item_id] = where
        section = item.get("section")
        if sections is not None and isinstance(section, str) and section not in sections:
            checker.add(
                (*path, "section"),
                f'section {section!r} has no anchor <a id="{section}"></a> in notes.md',
            )
        choices = item.get("choices")
        answer = item.get("answer")
        if item.get("type") not in ("single", "multiple", "scenario"):
            continue
        if not isinstance(choices, list):
            continue
        answers = answer if isinstance(answer, list) else [answer]
        for k, entry in enumerate(answers):
            if isinstance(entry, str) and entry not in choices:
                where_path = (*path, "answer", k) if isinstance(answer, list) else (*path, "answer")
                checker.add(where_path, f"answer {entry!r} is not one of the choices")
    return checker.problems
