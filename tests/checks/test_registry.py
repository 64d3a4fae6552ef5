"""Partial credit per requirement, and gates that earn a check nothing when they fail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn.checks.registry import Owns, check, requirement, run_check
from ecs_learn.checks.result import Requirement, Status


def _rows(accepted: bool) -> Iterator[Requirement]:
    yield requirement("image", "nginx", "nginx")
    yield requirement("port", 80, 80)
    found = "no error" if accepted else "TD003"
    yield requirement("AWS accepts it", "no error", found, ok=accepted)


@check(
    "gated",
    title="a gated check",
    points={"image": 1.0, "port": 1.0, "AWS accepts it": 0.5},
    hint="",
    gates=("AWS accepts it",),
)
def gated(_: Any) -> Iterator[Requirement]:
    yield from _rows(accepted=False)


@check(
    "ungated",
    title="the same rows without a gate",
    points={"image": 1.0, "port": 1.0, "AWS accepts it": 0.5},
    hint="",
)
def ungated(_: Any) -> Iterator[Requirement]:
    yield from _rows(accepted=False)


def test_rows_that_hold_earn_their_points_without_a_gate() -> None:
    result = run_check("99", ungated, reader=None)  # type: ignore[arg-type]
    assert (result.status, result.points, result.max_points) == (Status.FAILED, 2.0, 2.5)


def test_a_failed_gate_earns_the_check_nothing() -> None:
    result = run_check("99", gated, reader=None)  # type: ignore[arg-type]
    assert (result.status, result.points, result.max_points) == (Status.FAILED, 0.0, 2.5)
    assert [r.label for r in result.requirements if not r.ok] == ["AWS accepts it"]


def test_every_check_of_every_lab_names_what_its_reset_removes() -> None:
    """lab.reset("<id>") starts an exercise over only if its check says what the exercise
    creates; a prediction stored in SSM counts (the reset removes the parameter). A check
    whose exercise truly creates nothing says why, in owns_nothing, for the learner."""
    from dataclasses import fields

    from ecs_learn.checks import list_labs
    from ecs_learn.checks.owns import Owns

    checks = [(lab.id, c) for lab in list_labs() for c in lab.checks]
    silent = [(lab, c.id) for lab, c in checks if not c.owns and not c.owns_nothing]
    assert silent == []
    reasons = [c.owns_nothing for _, c in checks if c.owns_nothing]
    assert all(len(r.split()) >= 8 and r.endswith(".") for r in reasons), reasons
    for lab in list_labs():
        for item in lab.checks:
            count = sum(len(getattr(item.owns, f.name)) for f in fields(Owns))
            assert len(item.owns.describe()) == count, (lab.id, item.id)


def test_a_check_owns_something_or_says_why_not_never_both() -> None:
    with pytest.raises(ValueError, match="check both: owns and owns_nothing exclude each other"):
        check(
            "both",
            title="t",
            points=1.0,
            hint="",
            owns=Owns(iam_roles=("r",)),
            owns_nothing="It only reads what other exercises made, and creates nothing.",
        )


def test_every_check_of_every_lab_prices_its_requirements() -> None:
    """Partial credit is data: each check has a points table adding up to its total, and
    its gates are rows of that table. (The labels a check yields are held against the
    table by the registry itself, and by each lab's solution test.)"""
    from ecs_learn.checks import list_labs

    missing = []
    for lab in list_labs():
        for item in lab.checks:
            if not item.weights:
                missing.append(f"lab {lab.id} {item.id}")
                continue
            assert round(sum(item.weights.values()), 4) == item.points, (lab.id, item.id)
            assert all(w >= 0 for w in item.weights.values()), (lab.id, item.id)
            assert set(item.gates) <= set(item.weights), (lab.id, item.id, item.gates)
            assert any(item.weights.values()), (lab.id, item.id)
    assert missing == [], "checks scored all or nothing: " + ", ".join(missing)


def test_a_zero_point_gate_earns_nothing_itself_but_voids_the_rest() -> None:
    """A repair's 'kept as given' row: holding it is worth nothing, breaking it voids."""

    @check(
        "kept",
        title="a repair",
        points={"fix": 2.0, "kept as given": 0},
        hint="",
        gates=("kept as given",),
    )
    def kept(_: Any) -> Iterator[Requirement]:
        yield requirement("fix", "done", "done")
        yield requirement("kept as given", "8080", "80")

    result = run_check("99", kept, reader=None)  # type: ignore[arg-type]
    assert (result.status, result.points, result.max_points) == (Status.FAILED, 0.0, 2.0)
