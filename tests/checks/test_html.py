from __future__ import annotations

from ecs_learn.checks import CheckResult, LabReport, Requirement, Status


def _result(status: Status, **extra: object) -> CheckResult:
    return CheckResult(
        lab_id="01",
        check_id="fargate-task",
        title="A <Fargate> task",
        status=status,
        points=3 if status is Status.PASSED else 0,
        max_points=3,
        requirements=(
            Requirement("networkMode", "awsvpc", "bridge", False),
            Requirement("task cpu", "256", "256", True),
        ),
        hint="Use awsvpc & a valid size",
        **extra,  # type: ignore[arg-type]
    )


def test_a_failed_panel_shows_expected_found_and_the_hint_escaped() -> None:
    html = _result(Status.FAILED)._repr_html_()
    assert "Not yet" in html and "ecs-learn-failed" in html
    assert "A &lt;Fargate&gt; task" in html and "<Fargate>" not in html
    assert html.index("networkMode") < html.index("task cpu")  # failures first
    assert "Use awsvpc &amp; a valid size" in html


def test_a_passed_panel_has_no_hint() -> None:
    html = _result(Status.PASSED)._repr_html_()
    assert "Passed" in html and "Hint" not in html


def test_a_crashed_check_says_it_is_not_the_learners_fault() -> None:
    html = _result(Status.ERROR, error="KeyError: 'x'")._repr_html_()
    assert "not in your work" in html and "KeyError" in html


def test_plain_text_and_round_trip() -> None:
    result = _result(Status.FAILED)
    text = str(result)
    assert text.splitlines()[0] == "[FAIL] fargate-task: A <Fargate> task (0/3)"
    assert "XX networkMode: expected awsvpc; found bridge" in text
    assert CheckResult.from_dict(result.to_dict()) == result
    report = LabReport("01", (result, _result(Status.PASSED)))
    assert (report.points, report.max_points) == (3, 6)
    assert "Lab 01</b>: 3/6 points" in report._repr_html_()


def test_a_long_digest_can_wrap_so_the_panel_fits_its_cell() -> None:
    """Seen walking lab 02: an image URI with a sha256 digest (64 hex digits, no break
    allowed) pushed the found and points columns out of the cell."""
    from ecs_learn.checks.html import wrappable

    digest = "sha256:" + "0123456789abcdef" * 4
    html = wrappable(f"1234.dkr.ecr.us-east-1.amazonaws.com/shop/web@{digest}")
    assert "shop/<wbr>web@<wbr>sha256:<wbr>0123456789abcdef<wbr>0123456789abcdef<wbr>" in html
    assert html.replace("<wbr>", "") == f"1234.dkr.ecr.us-east-1.amazonaws.com/shop/web@{digest}"
    assert wrappable("AmazonEKSFargatePodExecutionRolePolicy") == (
        "AmazonEKSFargate<wbr>PodExecutionRole<wbr>Policy"
    )
    assert wrappable("ecs-tasks.amazonaws.com") == "ecs-tasks.amazonaws.com"  # short: kept whole
    assert wrappable("it's <b>") == "it&#x27;s &lt;b&gt;"  # still escaped
    stopped = Requirement("running", "1", "0", False, hint=f"the task stopped: ...@{digest}")
    result = CheckResult("02", "x", "t", Status.FAILED, 0, 1, requirements=(stopped,))
    assert "@<wbr>sha256:<wbr>0123456789abcdef<wbr>" in result._repr_html_()  # hints too
