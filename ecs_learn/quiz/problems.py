"""What bank validation reports: a problem (file, line, field path, message) and the error
that carries every problem found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ecs_learn.errors import EcsLearnError

__all__ = ["BankError", "BankProblem", "format_path"]


def format_path(path: Iterable[str | int]) -> str:
    """``("items", 2, "answer")`` -> ``items[2].answer``; ``()`` -> ``""`` (the whole file)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class BankProblem:
    """One thing wrong in one bank file.

    ``line`` is 1-based (``None`` when the problem is not tied to a line, such as a
    missing file); ``path`` names the field, e.g. ``items[3].answer`` (``""`` for the
    whole file).
    """

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class BankError(EcsLearnError):
    """The banks are invalid; ``problems`` lists everything found, in file and line order."""

    def __init__(self, problems: Iterable[BankProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        plural = "s" if count != 1 else ""
        super().__init__(f"{count} problem{plural} in the question banks:\n{lines}")
