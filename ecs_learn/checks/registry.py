"""Checks as named, decorated functions (the otter-grader shape, without its globals).

A check's points are data on its decorator: either one number (all or nothing) or a
table ``{requirement label: points}``, so that each requirement the brief states earns
its share. ``owns`` names what the exercise creates (``lab.reset("task-role")`` removes
exactly that), or ``owns_nothing`` says why an exercise creates nothing a reset could
remove (a load test only drives load); ``tags`` link it to the quiz items of the same tags
(a failed check makes their flashcards due).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecs_learn.checks.owns import Owns
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.result import CheckResult, Requirement, Status

__all__ = [
    "Check",
    "CheckFunc",
    "Judged",
    "Owns",
    "check",
    "judged",
    "requirement",
    "run_check",
]


@dataclass(frozen=True)
class Judged:
    """What a check yields to name the resource it judged (``web-fargate:3``)."""

    what: str


CheckFunc = Callable[[AccountReader], Iterable[Requirement | Judged]]


@dataclass(frozen=True)
class Check:
    """One graded exercise: the function judges, the rest is what a learner is told."""

    id: str
    title: str
    points: float
    hint: str
    func: CheckFunc
    weights: Mapping[str, float] = field(default_factory=dict)
    owns: Owns = field(default_factory=Owns)
    owns_nothing: str = ""
    tags: tuple[str, ...] = ()
    gates: tuple[str, ...] = ()


def check(
    id: str,
    *,
    title: str,
    points: float | Mapping[str, float],
    hint: str,
    owns: Owns | None = None,
    owns_nothing: str = "",
    tags: Iterable[str] = (),
    gates: Iterable[str] = (),
) -> Callable[[CheckFunc], Check]:
    """Declare a check. The function yields :class:`Requirement` s (and at most one
    :class:`Judged`); all must hold to pass. With a points table, each requirement
    that holds earns the points of its label — unless a requirement named in ``gates``
    fails, which earns the check nothing (e.g. "AWS accepts it": a resource slipped past
    AWS's rules is worth no partial credit).

    ``owns_nothing`` is the reason, in words for the learner, that the exercise creates
    nothing to remove; it excludes ``owns``."""
    if owns and owns_nothing:
        raise ValueError(f"check {id}: owns and owns_nothing exclude each other")
    weights = dict(points) if isinstance(points, Mapping) else {}
    total = round(float(sum(weights.values())), 4) if weights else float(points)  # type: ignore[arg-type]

    def wrap(func: CheckFunc) -> Check:
        return Check(
            id=id,
            title=title,
            points=total,
            hint=hint,
            func=func,
            weights=weights,
            owns=owns or Owns(),
            owns_nothing=owns_nothing,
            tags=tuple(tags),
            gates=tuple(gates),
        )

    return wrap


def judged(what: str) -> Judged:
    return Judged(what)


def requirement(
    label: str, expected: Any, found: Any, ok: bool | None = None, *, hint: str = ""
) -> Requirement:
    """A requirement; ``ok`` defaults to ``expected == found``. ``None`` found reads
    'nothing'. ``hint`` is said only when it does not hold (what to change, given
    what was found)."""
    if ok is None:
        ok = expected == found
    return Requirement(label, _show(expected), _show(found), bool(ok), hint=hint if not ok else "")


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) if value else "none"
    return str(value)


class UnknownRequirementError(KeyError):
    """A check yielded a requirement its points table does not name (a bug in the check)."""


def _score(
    item: Check, requirements: tuple[Requirement, ...], passed: bool
) -> tuple[float, tuple[Requirement, ...]]:
    if not item.weights:
        return (item.points if passed else 0.0), requirements
    priced = []
    for r in requirements:
        if r.label in item.weights:
            priced.append(r.priced(item.weights[r.label]))
        elif not r.ok:  # a precondition ("family web-ec2 registered") earns nothing itself
            priced.append(r)
        else:
            raise UnknownRequirementError(
                f"check {item.id!r} has no points for requirement {r.label!r}"
            )
    earned = sum(r.worth for r in priced if r.ok)
    return round(earned, 4), tuple(priced)


def run_check(
    lab_id: str, item: Check, reader: AccountReader, *, at: str = "", account: str = ""
) -> CheckResult:
    """Run one check; a crash inside it is reported as a check error, never raised."""
    common: dict[str, Any] = {
        "lab_id": lab_id,
        "check_id": item.id,
        "title": item.title,
        "max_points": item.points,
        "hint": item.hint,
        "judged_at": at,
        "account": account,
    }
    try:
        yielded = list(item.func(reader))
        requirements = tuple(r for r in yielded if isinstance(r, Requirement))
        what = next((j.what for j in yielded if isinstance(j, Judged)), "")
        passed = bool(requirements) and all(r.ok for r in requirements)
        points, requirements = _score(item, requirements, passed)
        if any(not r.ok and r.label in item.gates for r in requirements):
            points = 0.0
    except Exception as exc:  # the check's own failure, kept apart from the learner's
        return CheckResult(
            **common, status=Status.ERROR, points=0.0, error=f"{type(exc).__name__}: {exc}"
        )
    return CheckResult(
        **common,
        status=Status.PASSED if passed else Status.FAILED,
        points=item.points if passed else min(points, item.points),
        requirements=requirements,
        judged=what,
    )
