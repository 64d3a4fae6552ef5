"""Plain styled output for the quiz hot path.

``typer.style``/``typer.echo`` come with typer, which is loaded anyway; rich costs 13 ms
of imports, a sixth of the quiz's cold start, so the quiz and card sessions print through
this instead (tables elsewhere still use rich). Colour is dropped when the stream is not
a terminal, as rich does.
"""

from __future__ import annotations

import typer

__all__ = ["Terminal", "wrap"]

_STYLES: dict[str, dict[str, object]] = {
    "bold": {"bold": True},
    "dim": {"dim": True},
    "bold green": {"fg": "green", "bold": True},
    "bold red": {"fg": "red", "bold": True},
    "bold yellow": {"fg": "yellow", "bold": True},
    "yellow": {"fg": "yellow"},
    "green": {"fg": "green"},
}


def wrap(text: str, width: int, column: int = 0) -> tuple[str, int]:
    """``text`` word-wrapped to ``width`` columns, starting at ``column``; and the column
    it ends at. A wrapped line keeps the indentation of its own line ("  3) a long
    choice" continues under "a long"); words longer than a line are left whole."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("\n")
            column = 0
        indent = len(line) - len(line.lstrip(" "))
        marker = line.lstrip(" ")
        hang = indent
        if marker[:1].isdigit() and ") " in marker[:5]:
            hang = indent + marker.index(") ") + 2
        for index, word in enumerate(line.split(" ")):
            piece = word if index == 0 else " " + word
            if index and column + len(piece) > width and column > hang:
                out.append("\n" + " " * hang)
                column = hang
                piece = word
            out.append(piece)
            column += len(piece)
    return "".join(out), column


class Terminal:
    """``print(text, style=..., end=...)`` to stdout (or stderr); on a terminal, text is
    word-wrapped to its width (never broken mid-word)."""

    def __init__(self, *, err: bool = False, width: int | None = None) -> None:
        self.err = err
        self.width = width
        self._column = 0

    def _width(self) -> int | None:
        if self.width is not None:
            return self.width
        stream = typer.get_text_stream("stderr" if self.err else "stdout")
        if not stream.isatty():
            return None  # a pipe or a file: the reader wraps (transcripts stay exact)
        import shutil

        return max(20, shutil.get_terminal_size().columns - 1)

    def print(self, text: str = "", *, end: str = "\n", style: str | None = None) -> None:
        width = self._width()
        if width is not None and text:
            text, self._column = wrap(text, width, self._column)
        else:
            self._column = (
                self._column + len(text) if "\n" not in text else len(text.rsplit("\n", 1)[-1])
            )
        if "\n" in end:
            self._column = 0
        shown = typer.style(text, **_STYLES[style]) if style and text else text  # type: ignore[arg-type]
        typer.echo(shown + end, nl=False, err=self.err)

    def flush(self) -> None:
        stream = typer.get_text_stream("stderr" if self.err else "stdout")
        stream.flush()
