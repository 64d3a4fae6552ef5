"""Small defensive helpers shared by the rule modules (payloads may hold anything)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules.paths import join

__all__ = [
    "NAME_255",
    "as_int",
    "as_list",
    "as_mapping",
    "as_number",
    "dicts",
    "join",
    "json_document",
    "lookup",
    "nonempty_str",
]

NAME_255 = re.compile(r"[A-Za-z0-9_-]{1,255}")


def lookup(table: Mapping[str, Any], key: Any) -> Any:
    """``table[key]`` when ``key`` is a string present in ``table``, else ``None``."""
    return table.get(key) if isinstance(key, str) else None


def as_mapping(value: Any) -> Mapping[str, Any] | None:
    """``value`` if it is a JSON object, else ``None``."""
    return value if isinstance(value, Mapping) else None


def as_list(value: Any) -> list[Any] | None:
    """``value`` as a list if it is a JSON array, else ``None``."""
    return list(value) if isinstance(value, (list, tuple)) else None


def dicts(value: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Enumerate the objects of a JSON array, skipping anything that is not an object."""
    items = as_list(value)
    if items is None:
        return
    for index, item in enumerate(items):
        if isinstance(item, Mapping):
            yield index, item


def as_int(value: Any) -> int | None:
    """An integer (not a bool, not a float) or ``None``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def as_number(value: Any) -> float | None:
    """An int or float (not a bool, not NaN) as a float, or ``None``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    if number != number:  # NaN
        return None
    return number


def nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def json_document(value: Any) -> Mapping[str, Any] | None:
    """A policy document given as a dict or as JSON text; ``None`` if it is neither."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        return parsed if isinstance(parsed, Mapping) else None
    return None
