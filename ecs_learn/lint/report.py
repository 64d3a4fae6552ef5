"""What linting one file found, the exit code, and the JSON report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ecs_learn.rules import Finding, Severity

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "FileReport",
    "exit_code",
    "reports_to_json",
]

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


@dataclass(frozen=True)
class FileReport:
    """What linting one file found: its kind and findings, or why it could not be read.

    ``operation`` is the AWS call whose input shape the file was judged against
    (``RegisterTaskDefinition``...); ``fix`` is a fix-it line for the whole file (how to
    turn describe output into the call's input), or ``None``.
    """

    file: str
    kind: str | None = None
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    document: str = ""  # where the checked document sits in the file ("" = the whole file)
    operation: str | None = None
    fix: str | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "error": self.error,
            "document": self.document,
            "operation": self.operation,
            "fix": self.fix,
            "findings": [f.to_dict() for f in self.findings],
        }


def exit_code(reports: Sequence[FileReport]) -> int:
    """2 if any file could not be read or parsed, else 1 if any error finding, else 0."""
    if any(r.error is not None for r in reports):
        return EXIT_UNREADABLE
    if any(r.errors for r in reports):
        return EXIT_FINDINGS
    return EXIT_OK


def reports_to_json(reports: Sequence[FileReport]) -> str:
    """The machine-readable report (``--format json``)."""
    summary = {
        "files": len(reports),
        "unreadable": sum(r.error is not None for r in reports),
        "errors": sum(len(r.errors) for r in reports),
        "warnings": sum(len(r.warnings) for r in reports),
        "exit_code": exit_code(reports),
    }
    return json.dumps({"files": [r.to_dict() for r in reports], "summary": summary}, indent=2)
