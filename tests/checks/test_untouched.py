"""What the labs' given cells build earns nothing: a repair's broken starting point (the
stopped service, the unhealthy targets, the profile that matches no pod) must fail every
row that carries points, or partial credit would pay a learner who wrote nothing."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import AccountReader, Status, get_lab
from tests.checks.priced import run_student_version


@pytest.mark.parametrize("lab_id", ["02", "03", "04", "05", "06", "07"])
def test_the_untouched_student_version_earns_no_point(lab_id: str, sandbox: Any) -> None:
    lab = get_lab(lab_id)
    try:
        run_student_version(lab)
        report = lab.run_all(AccountReader.for_sandbox(sandbox))
    finally:
        strict.disable()
    earned = {r.check_id: r.points for r in report.results if r.points}
    assert earned == {}, "\n".join(str(r) for r in report.results if r.points)
    assert {r.status for r in report.results} == {Status.FAILED}
