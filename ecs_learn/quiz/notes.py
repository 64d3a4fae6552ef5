"""The course notes the items are drawn from: section anchors and their headings."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["NOTES_FILE", "read_sections"]

NOTES_FILE = "notes.md"

_ANCHOR = re.compile(r"""<a\s+(?:id|name)\s*=\s*["']([^"']+)["']\s*>\s*</a>""")


def read_sections(notes: Path) -> dict[str, str]:
    """Map each anchor in ``notes`` to the heading that follows it (or ``""``)."""
    sections: dict[str, str] = {}
    pending: list[str] = []
    for line in notes.read_text(encoding="utf-8").splitlines():
        found = _ANCHOR.findall(line)
        if found:
            pending.extend(found)
            for anchor in found:
                sections[anchor] = ""
            continue
        stripped = line.strip()
        if stripped.startswith("#") and pending:
            title = stripped.lstrip("#").strip()
            for anchor in pending:
                sections[anchor] = title
            pending = []
        elif stripped:
            pending = []
    return sections
