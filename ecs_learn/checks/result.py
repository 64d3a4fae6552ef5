"""What a check returns, and how results add up to a lab report."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, TypedDict

__all__ = [
    "CheckResult",
    "CheckResultDict",
    "LabReport",
    "Requirement",
    "RequirementDict",
    "Status",
]


class Status(str, enum.Enum):
    """``FAILED`` means the learner's resources are wrong; ``ERROR`` means the check crashed."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"


class RequirementDict(TypedDict, total=False):
    label: str
    expected: str
    found: str
    ok: bool
    worth: float
    hint: str


@dataclass(frozen=True)
class Requirement:
    """One thing a check looked at: what it expected, what it found, whether they agree."""

    label: str
    expected: str
    found: str
    ok: bool
    worth: float = 0.0  # the points this requirement earns when it holds (0: all or nothing)
    hint: str = ""  # what to change, given what was found (only when it does not hold)

    def priced(self, worth: float) -> Requirement:
        return Requirement(self.label, self.expected, self.found, self.ok, worth, self.hint)

    @property
    def earned(self) -> float:
        return self.worth if self.ok else 0.0

    def to_dict(self) -> RequirementDict:
        return {
            "label": self.label,
            "expected": self.expected,
            "found": self.found,
            "ok": self.ok,
            "worth": self.worth,
            "hint": self.hint,
        }

    @classmethod
    def from_dict(cls, data: RequirementDict) -> Requirement:
        return cls(
            data["label"],
            data["expected"],
            data["found"],
            data["ok"],
            data.get("worth", 0.0),
            data.get("hint", ""),
        )


class _CheckResultRequired(TypedDict):
    lab_id: str
    check_id: str
    title: str
    status: str
    points: float
    max_points: float
    requirements: list[RequirementDict]
    hint: str
    error: str | None


class CheckResultDict(_CheckResultRequired, total=False):
    judged: str
    judged_at: str
    account: str


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check against the account."""

    lab_id: str
    check_id: str
    title: str
    status: Status
    points: float
    max_points: float
    requirements: tuple[Requirement, ...] = ()
    hint: str = ""
    error: str | None = None
    judged: str = ""  # the revision or resource judged, e.g. "web-fargate:3"
    judged_at: str = ""  # when (ISO 8601, UTC)
    account: str = ""  # which mocked account (a session label: a new kernel has a new one)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def expected(self) -> str:
        """What the check wanted, failing requirements first."""
        return "; ".join(f"{r.label}: {r.expected}" for r in self._ordered())

    @property
    def found(self) -> str:
        """What the check saw, failing requirements first."""
        return "; ".join(f"{r.label}: {r.found}" for r in self._ordered())

    def _ordered(self) -> list[Requirement]:
        return sorted(self.requirements, key=lambda r: r.ok)

    def to_dict(self) -> CheckResultDict:
        return {
            "lab_id": self.lab_id,
            "check_id": self.check_id,
            "title": self.title,
            "status": self.status.value,
            "points": self.points,
            "max_points": self.max_points,
            "requirements": [r.to_dict() for r in self.requirements],
            "hint": self.hint,
            "error": self.error,
            "judged": self.judged,
            "judged_at": self.judged_at,
            "account": self.account,
        }

    @classmethod
    def from_dict(cls, data: CheckResultDict) -> CheckResult:
        return cls(
            lab_id=data["lab_id"],
            check_id=data["check_id"],
            title=data["title"],
            status=Status(data["status"]),
            points=data["points"],
            max_points=data["max_points"],
            requirements=tuple(Requirement.from_dict(r) for r in data["requirements"]),
            hint=data["hint"],
            error=data["error"],
            judged=data.get("judged", ""),
            judged_at=data.get("judged_at", ""),
            account=data.get("account", ""),
        )

    def __str__(self) -> str:
        head = {
            Status.PASSED: "PASS",
            Status.FAILED: "FAIL",
            Status.ERROR: "CHECK ERROR",
        }[self.status]
        lines = [f"[{head}] {self.check_id}: {self.title} ({self.points:g}/{self.max_points:g})"]
        if self.judged:
            lines.append(f"  judged {self.judged}")
        for r in self._ordered():
            mark = "ok " if r.ok else "XX "
            if r.ok and r.expected == r.found:
                lines.append(f"  {mark}{r.label}: {r.found}")
            else:
                lines.append(f"  {mark}{r.label}: expected {r.expected}; found {r.found}")
            if r.hint:
                lines.append(f"     -> {r.hint}")
        if self.error:
            lines.append(f"  the check itself failed: {self.error}")
        if not self.passed and self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ecs_learn.checks.html import result_html

        return result_html(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Plain-text frontends (a terminal IPython) show the readable summary."""
        printer.text(str(self))


@dataclass(frozen=True)
class LabReport:
    """Every check of one lab, run against one account."""

    lab_id: str
    results: tuple[CheckResult, ...] = field(default_factory=tuple)

    @property
    def points(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_points(self) -> float:
        return sum(r.max_points for r in self.results)

    @property
    def check_errors(self) -> tuple[CheckResult, ...]:
        """Checks that crashed (a bug or an unreadable account), kept apart from failures."""
        return tuple(r for r in self.results if r.status is Status.ERROR)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    def by_id(self) -> dict[str, CheckResult]:
        return {r.check_id: r for r in self.results}

    def to_dict(self) -> dict[str, object]:
        return {
            "lab_id": self.lab_id,
            "points": self.points,
            "max_points": self.max_points,
            "results": [r.to_dict() for r in self.results],
        }

    def __str__(self) -> str:
        lines = [f"Lab {self.lab_id}: {self.points:g}/{self.max_points:g} points"]
        marks = {Status.PASSED: "PASS", Status.FAILED: "    ", Status.ERROR: "ERR "}
        for r in self.results:
            lines.append(
                f"  {marks[r.status]} {r.check_id:<16} {r.points:g}/{r.max_points:g}  {r.title}"
            )
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        from ecs_learn.checks.html import report_html

        return report_html(self)
