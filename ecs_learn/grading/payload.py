"""What the grading subprocess hands the grader: every cell's outcome and every check's result.

The pytest plugin (:mod:`ecs_learn.grading.plugin`) builds a :class:`GradingPayload` and
writes it with :func:`write_payload`; the grader reads it back with :func:`read_payload`.
It is the only thing that crosses that process boundary, so it has one serialized form
(:class:`GradingPayloadDict`) and a symmetric ``to_dict``/``from_dict`` round trip.

A cell is named by where it sits in the notebook that ran (``index`` among all cells,
``code_index`` among code cells), taken from the notebook cell itself, never from a
test id, so it does not depend on how nbval numbers its items.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from ecs_learn.atomic import write_text_atomic
from ecs_learn.checks.result import CheckResult, CheckResultDict, LabReport
from ecs_learn.errors import EcsLearnError
from ecs_learn.grading.notebooks import check_id_from_tags

__all__ = [
    "FORMAT",
    "CellOutcome",
    "CellRun",
    "CellRunDict",
    "GradingPayload",
    "GradingPayloadDict",
    "Limit",
    "PayloadError",
    "read_payload",
    "write_payload",
]

FORMAT = 2  # bumped when the serialized form changes incompatibly


class PayloadError(EcsLearnError, ValueError):
    """A grading payload that cannot be read; the message names the file and the reason."""


class CellOutcome(str, enum.Enum):
    """How one code cell ran. ``SKIPPED`` covers nbval's skip and cells after a timeout.

    ``DIED``: the kernel died while the cell ran (killed by a signal, a limit, a crash);
    the cells after it did not run.
    """

    PASSED = "passed"
    FAILED = "failed"
    TIMED_OUT = "timed out"
    SKIPPED = "skipped"
    DIED = "kernel died"


class Limit(str, enum.Enum):
    """A limit of the grading box that a cell ran into (the reason it failed or died)."""

    MEMORY = "memory"
    CPU = "cpu time"
    OUTPUT = "output"
    FILE_SIZE = "file size"
    PROCESSES = "processes"


class CellRunDict(TypedDict):
    index: int | None
    code_index: int | None
    tags: list[str]
    outcome: str
    timeout: float | None
    message: str
    limit: str | None


@dataclass(frozen=True)
class CellRun:
    """One code cell of the submission as it ran.

    ``index`` is the cell's position among all cells of the notebook, ``code_index`` its
    position among code cells (both from 0; ``None`` if the cell could not be located).
    ``timeout`` is the limit in seconds a ``TIMED_OUT`` cell ran into; ``message`` is the
    tail of the failure text (colour codes removed), empty for a cell that passed;
    ``limit`` the box limit the cell ran into, if any (its output may exceed the output
    limit and the cell still pass: the rest of its output was dropped).
    """

    index: int | None
    code_index: int | None
    tags: tuple[str, ...]
    outcome: CellOutcome
    timeout: float | None = None
    message: str = ""
    limit: Limit | None = None

    @property
    def check_id(self) -> str | None:
        """The check this cell runs (a check cell is tagged ``check:<id>``), else ``None``."""
        return check_id_from_tags(self.tags)

    @property
    def number(self) -> int | None:
        """The human number of the cell among code cells (from 1), as feedback shows it."""
        return None if self.code_index is None else self.code_index + 1

    @property
    def last_line(self) -> str:
        """The last non-blank line of the failure text (usually ``SomeError: why``)."""
        lines = [ln.strip() for ln in self.message.splitlines() if ln.strip()]
        return lines[-1] if lines else ""

    def to_dict(self) -> CellRunDict:
        return {
            "index": self.index,
            "code_index": self.code_index,
            "tags": list(self.tags),
            "outcome": self.outcome.value,
            "timeout": self.timeout,
            "message": self.message,
            "limit": None if self.limit is None else self.limit.value,
        }

    @classmethod
    def from_dict(cls, data: CellRunDict) -> CellRun:
        return cls(
            index=data["index"],
            code_index=data["code_index"],
            tags=tuple(data["tags"]),
            outcome=CellOutcome(data["outcome"]),
            timeout=data["timeout"],
            message=data["message"],
            limit=None if data.get("limit") is None else Limit(data["limit"]),
        )


class GradingPayloadDict(TypedDict):
    format: int
    lab_id: str
    cells: list[CellRunDict]
    results: list[CheckResultDict] | None
    error: str | None


@dataclass(frozen=True)
class GradingPayload:
    """One grading run: the cells in the order they ran, then the lab's check results.

    ``results`` is ``None`` when the checks could not run at all; ``error`` then says why.
    A check that ran and crashed is a result with status ``ERROR``, not an ``error`` here.
    """

    lab_id: str
    cells: tuple[CellRun, ...] = ()
    results: tuple[CheckResult, ...] | None = None
    error: str | None = None

    @property
    def report(self) -> LabReport | None:
        """The check results as a lab report, or ``None`` when the checks did not run."""
        return None if self.results is None else LabReport(self.lab_id, self.results)

    def to_dict(self) -> GradingPayloadDict:
        return {
            "format": FORMAT,
            "lab_id": self.lab_id,
            "cells": [c.to_dict() for c in self.cells],
            "results": None if self.results is None else [r.to_dict() for r in self.results],
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: GradingPayloadDict) -> GradingPayload:
        if data.get("format") != FORMAT:
            raise PayloadError(f"grading payload format {data.get('format')!r}, expected {FORMAT}")
        results = data["results"]
        return cls(
            lab_id=data["lab_id"],
            cells=tuple(CellRun.from_dict(c) for c in data["cells"]),
            results=None if results is None else tuple(CheckResult.from_dict(r) for r in results),
            error=data["error"],
        )


def write_payload(payload: GradingPayload, path: Path) -> None:
    """Write ``payload`` as JSON so that a reader never sees half a file."""
    write_text_atomic(path, json.dumps(payload.to_dict(), indent=1) + "\n")


def read_payload(path: Path) -> GradingPayload:
    """Read a payload written by :func:`write_payload`; :class:`PayloadError` if unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return GradingPayload.from_dict(data)
    except PayloadError as exc:
        raise PayloadError(f"{path}: {exc}") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PayloadError(f"{path}: not a grading payload ({type(exc).__name__}: {exc})") from None
