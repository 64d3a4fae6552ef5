"""The architecture review is written from check results alone: built from the states, the
requirements and their hints, it changes with them (no text is fixed in advance)."""

from __future__ import annotations

from dataclasses import replace

from ecs_learn.checks.registry import Check, check, requirement
from ecs_learn.checks.result import CheckResult, LabReport, Requirement, Status
from ecs_learn.checks.review import State, architecture_review


def _check(check_id: str) -> Check:
    return check(check_id, title=f"{check_id.title()}: the {check_id}", points=1, hint="")(
        lambda aws: iter(())
    )


def _result(check_id: str, *reqs: tuple[str, bool, float], error: str | None = None) -> CheckResult:
    requirements = tuple(
        requirement(label, "wanted", "seen" if ok else "other", ok=ok, hint=f"fix {label}").priced(
            worth
        )
        for label, ok, worth in reqs
    )
    earned = sum(r.earned for r in requirements)
    total = sum(r.worth for r in requirements) or 1.0
    status = Status.ERROR if error else Status.PASSED if earned == total else Status.FAILED
    return CheckResult(
        "99",
        check_id,
        f"{check_id.title()}: the {check_id}",
        status,
        earned,
        total,
        requirements,
        error=error,
        judged=f"{check_id}-1",
    )


def _report() -> LabReport:
    return LabReport(
        "99",
        (
            _result("images", ("repository", True, 1.0), ("policy", True, 1.0)),
            _result("storage", ("file system", True, 1.0), ("mount target", False, 2.0)),
            # a failed gate earns the check nothing (run_check), whatever else holds
            replace(
                _result("balancer", ("alb", True, 1.0), ("AWS accepts it", False, 0.5)), points=0
            ),
            _result("services", ("running", False, 1.0), ("healthy", False, 1.0)),
            _result("load", ("scaled out", True, 1.0), ("caught up", False, 1.5)),
        ),
    )


def test_each_component_gets_its_state_from_its_result() -> None:
    checks = [_check("images"), _check("storage"), _check("services"), _check("load")]
    checks.append(
        check("balancer", title="b", points=1, hint="", gates=("AWS accepts it",))(
            lambda aws: iter(())
        )
    )
    review = architecture_review(_report(), checks, title="t", behaviour=("load",))
    states = {c.result.check_id: c.state for c in review.components}
    assert states == {
        "images": State.COMPLETE,
        "storage": State.PARTIAL,
        "balancer": State.REJECTED,
        "services": State.MISSING,
        "load": State.PARTIAL,
    }
    assert [c.result.check_id for c in review.built] == ["images", "storage"]
    assert [c.result.check_id for c in review.behaviour] == ["load"]
    assert review.verdict == (
        "1 of 4 components complete, 1 partly built, 1 rejected by AWS, 1 missing; "
        "not yet shown to work: load."
    )


def test_changes_put_what_aws_rejects_first_then_the_points_at_stake() -> None:
    checks = [check("balancer", title="b", points=1, hint="", gates=("AWS accepts it",))(
        lambda aws: iter(())
    )]  # fmt: skip
    review = architecture_review(_report(), checks, behaviour=("load",))
    changes = review.changes(None)
    assert [
        (c.requirement.label if c.requirement else None, c.worth, c.rejected) for c in changes
    ] == [
        ("AWS accepts it", 1.5, True),  # the whole check's points wait for it
        ("mount target", 2.0, False),  # then the gaps of what is half built, by points
        ("caught up", 1.5, False),
        (None, 2.0, False),  # then what is not there at all, whole, in the lab's order
    ]
    assert changes[3].whole and changes[3].component == "Services: the services"
    assert changes[1].advice == "mount target: expected wanted, found other — fix mount target"
    assert len(review.changes()) == 4 and len(review.changes(2)) == 2


def test_the_text_and_the_html_follow_the_results() -> None:
    review = architecture_review(_report(), [], title="the shop", behaviour=("load",))
    text = str(review)
    assert "Architecture review — lab 99: the shop" in text
    assert "◐ Storage: the storage [storage-1]: 1 of 2 requirements hold (1/3 points)" in text
    assert "no  caught up: other" in text and "ok  scaled out: seen" in text
    assert "Services: the services (missing): running; healthy" in text
    html = review._repr_html_()
    assert "ecs-learn-review" in html and "What to change first" in html
    assert "ecs-learn-report" in html and "Lab 99: 4/11 points" in text  # the score, line by line
    fixed = LabReport(
        "99", (_result("images", ("repository", True, 1.0)), _result("load", ("up", True, 1.0)))
    )
    clean = architecture_review(fixed, [], behaviour=("load",))
    assert clean.missing == () and clean.changes() == []
    assert "nothing: every requirement holds" in str(clean)
    assert clean.verdict == "1 of 1 components complete, and it behaves as asked (load)."
    assert "What to change first" not in clean._repr_html_()


def test_a_crashed_check_is_not_judged_rather_than_missing() -> None:
    report = LabReport("99", (_result("images", error="KeyError: 'x'"),))
    review = architecture_review(report, [])
    assert review.components[0].state is State.NOT_JUDGED
    assert "the check itself failed (KeyError: 'x')" in review.components[0].summary
    assert review.to_dict()["components"][0]["state"] == "not judged"


def test_unpriced_requirements_are_reviewed_too() -> None:
    report = LabReport(
        "99",
        (
            CheckResult(
                "99", "x", "X: y", Status.FAILED, 0, 1, (Requirement("a", "b", "c", False),)
            ),
        ),
    )
    assert architecture_review(report, []).changes()[0].whole  # nothing of it holds
