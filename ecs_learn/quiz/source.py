"""Reading a bank file: the parsed data plus a map from field paths to line numbers.

PyYAML's composed node tree keeps a mark (line, column) on every node; walking it gives
the line of every field, so a problem found in the data can name its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecs_learn.quiz.problems import BankProblem, format_path

__all__ = ["FieldPath", "LineIndex", "ParsedFile", "parse_bank_file"]

FieldPath = tuple[str | int, ...]


@dataclass
class LineIndex:
    """The 1-based line of each field path in one file."""

    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_for(self, path: FieldPath) -> int | None:
        """The line of ``path``, or of its nearest parent present in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


@dataclass
class ParsedFile:
    """A bank file read from disk: ``data`` is ``None`` when the YAML itself is broken."""

    path: Path
    display: str
    data: Any
    lines: LineIndex
    problems: list[BankProblem]

    def problem(self, path: FieldPath, message: str) -> BankProblem:
        return BankProblem(self.display, self.lines.line_for(path), format_path(path), message)


def _index(
    node: Any, path: FieldPath, index: LineIndex, problems: list[BankProblem], display: str
) -> None:
    import yaml

    index.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    BankProblem(
                        display,
                        line,
                        format_path((*path, key)),
                        f"duplicate key {key!r} (first given on line {seen[key]})",
                    )
                )
            seen[key] = line
            child_path: FieldPath = (*path, key)
            _index(value_node, child_path, index, problems, display)
            index.lines[child_path] = line
    elif isinstance(node, yaml.SequenceNode):
        for position, child in enumerate(node.value):
            _index(child, (*path, position), index, problems, display)


def parse_bank_file(path: Path, display: str | None = None) -> ParsedFile:
    """Read and parse ``path``; YAML errors become problems, never exceptions."""
    import yaml

    shown = display if display is not None else str(path)
    problems: list[BankProblem] = []
    index = LineIndex()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(BankProblem(shown, None, "", f"cannot read the file: {error}"))
        return ParsedFile(path, shown, None, index, problems)
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            data = None
            problems.append(BankProblem(shown, 1, "", "the file is empty"))
        else:
            _index(node, (), index, problems, shown)
            data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        problems.append(BankProblem(shown, line, "", f"invalid YAML: {message}"))
        data = None
    except yaml.YAMLError as error:
        problems.append(BankProblem(shown, None, "", f"invalid YAML: {error}"))
        data = None
    finally:
        loader.dispose()
    return ParsedFile(path, shown, data, index, problems)
