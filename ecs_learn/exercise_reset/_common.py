"""What every remover shares: the client factory, counting in words, and "kept"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Client", "Kept", "listed", "plural"]

Client = Callable[[str], Any]


class Kept(Exception):
    """A resource the reset leaves in place, and why (AWS would refuse to remove it)."""


def plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def listed(parts: list[str]) -> str:
    """``" (and its 2 listeners, 1 rule)"``, or nothing when there are no parts."""
    return f" (and its {', '.join(parts)})" if parts else ""
