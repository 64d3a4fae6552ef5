"""Text for the markup reports (HTML, JUnit XML): what the students' values may hold,
made safe to carry.

A reason quotes what the checks found in a student's account (names, images, values
they typed), and the runner's messages; either can hold control characters (an ANSI
colour, a NUL). XML 1.0 cannot carry those at all — one of them and the whole
``junit.xml`` fails to parse — and HTML calls them parse errors. They are written as
``\\xNN`` instead (tab and newline stay).
"""

from __future__ import annotations

import re

__all__ = ["markup_text"]

# C0 controls but tab, newline and carriage return; DEL and the C1 controls; lone
# surrogates; and the two non-characters XML forbids.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def markup_text(text: str) -> str:
    """``text`` with every character XML and HTML cannot carry written as ``\\xNN``."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
