"""Field paths such as ``containerDefinitions[0].portMappings[1].hostPort``.

A path is a dot-separated list of keys, each optionally followed by ``[index]``
subscripts; ``""`` names the whole document. :func:`join` builds them and
:func:`resolve` follows one through a payload.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ecs_learn.errors import EcsLearnError

__all__ = ["PathError", "join", "path_exists", "resolve"]

_SEGMENT = re.compile(r"(?P<key>[^.\[\]]+)?(?P<subs>(?:\[\d+\])*)")
_SUB = re.compile(r"\[(\d+)\]")


class PathError(EcsLearnError, LookupError):
    """The path does not name a field of the document."""


def join(*parts: str | int) -> str:
    """Build a path: ``join("containerDefinitions", 0, "image")`` gives
    ``containerDefinitions[0].image``.

    A part may itself be a path (``join("volumes[1]", "name")``); empty parts are skipped.
    """
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part:
            out = f"{out}.{part}" if out else part
    return out


def resolve(document: Any, path: str) -> Any:
    """Return the value that ``path`` names in ``document``; raise :class:`PathError` if none."""
    if path == "":
        return document
    node = document
    for segment in path.split("."):
        match = _SEGMENT.fullmatch(segment)
        if match is None or (match.group("key") is None and not match.group("subs")):
            raise PathError(f"malformed path segment {segment!r} in {path!r}")
        key = match.group("key")
        if key is not None:
            if not isinstance(node, Mapping) or key not in node:
                raise PathError(f"{path!r}: no field {key!r}")
            node = node[key]
        for index_text in _SUB.findall(match.group("subs")):
            index = int(index_text)
            if isinstance(node, (str, bytes)) or not isinstance(node, Sequence):
                raise PathError(f"{path!r}: [{index}] on a non-list")
            if index >= len(node):
                raise PathError(f"{path!r}: index {index} out of range")
            node = node[index]
    return node


def path_exists(document: Any, path: str) -> bool:
    try:
        resolve(document, path)
    except PathError:
        return False
    return True
