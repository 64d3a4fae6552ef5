"""Checks as named, decorated functions (the otter-grader shape, without its globals)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.result import CheckResult, Requirement, Status

__all__ = ["Check", "CheckFunc", "check", "requirement", "run_check"]

CheckFunc = Callable[[AccountReader], Iterable[Requirement]]


@dataclass(frozen=True)
class Check:
    """One graded exercise: the function judges, the rest is what a learner is told."""

    id: str
    title: str
    points: float
    hint: str
    func: CheckFunc


def check(id: str, *, title: str, points: float, hint: str) -> Callable[[CheckFunc], Check]:
    """Declare a check. The function yields :class:`Requirement` s; all must hold to pass."""

    def wrap(func: CheckFunc) -> Check:
        return Check(id=id, title=title, points=points, hint=hint, func=func)

    return wrap


def requirement(label: str, expected: Any, found: Any, ok: bool | None = None) -> Requirement:
    """A requirement; ``ok`` defaults to ``expected == found``. ``None`` found reads 'nothing'."""
    if ok is None:
        ok = expected == found
    return Requirement(label, _show(expected), _show(found), bool(ok))


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) if value else "none"
    return str(value)


def run_check(lab_id: str, item: Check, reader: AccountReader) -> CheckResult:
    """Run one check; a crash inside it is reported as a check error, never raised."""
    try:
        requirements = tuple(item.func(reader))
    except Exception as exc:  # the check's own failure, kept apart from the learner's
        return CheckResult(
            lab_id=lab_id,
            check_id=item.id,
            title=item.title,
            status=Status.ERROR,
            points=0.0,
            max_points=item.points,
            hint=item.hint,
            error=f"{type(exc).__name__}: {exc}",
        )
    passed = bool(requirements) and all(r.ok for r in requirements)
    return CheckResult(
        lab_id=lab_id,
        check_id=item.id,
        title=item.title,
        status=Status.PASSED if passed else Status.FAILED,
        points=item.points if passed else 0.0,
        max_points=item.points,
        requirements=requirements,
        hint=item.hint,
    )
