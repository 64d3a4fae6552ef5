"""Plain styled output for the quiz hot path.

``typer.style``/``typer.echo`` come with typer, which is loaded anyway; rich costs 13 ms
of imports, a sixth of the quiz's cold start, so the quiz and card sessions print through
this instead (tables elsewhere still use rich). Colour is dropped when the stream is not
a terminal, as rich does.
"""

from __future__ import annotations

import typer

__all__ = ["Terminal"]

_STYLES: dict[str, dict[str, object]] = {
    "bold": {"bold": True},
    "dim": {"dim": True},
    "bold green": {"fg": "green", "bold": True},
    "bold red": {"fg": "red", "bold": True},
    "bold yellow": {"fg": "yellow", "bold": True},
    "yellow": {"fg": "yellow"},
    "green": {"fg": "green"},
}


class Terminal:
    """``print(text, style=..., end=...)`` to stdout (or stderr)."""

    def __init__(self, *, err: bool = False) -> None:
        self.err = err

    def print(self, text: str = "", *, end: str = "\n", style: str | None = None) -> None:
        shown = typer.style(text, **_STYLES[style]) if style and text else text  # type: ignore[arg-type]
        typer.echo(shown + end, nl=False, err=self.err)

    def flush(self) -> None:
        stream = typer.get_text_stream("stderr" if self.err else "stdout")
        stream.flush()
