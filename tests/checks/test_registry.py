"""Partial credit per requirement, and gates that earn a check nothing when they fail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecs_learn.checks.registry import check, requirement, run_check
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
    creates; a prediction stored in SSM counts (the reset removes the parameter)."""
    from dataclasses import fields

    from ecs_learn.checks import list_labs
    from ecs_learn.checks.owns import Owns

    silent = [(lab.id, c.id) for lab in list_labs() for c in lab.checks if not c.owns]
    assert silent == []
    for lab in list_labs():
        for item in lab.checks:
            count = sum(len(getattr(item.owns, f.name)) for f in fields(Owns))
            assert len(item.owns.describe()) == count, (lab.id, item.id)
