"""What a lab notebook imports: ``lab = open_lab("01")`` then ``lab.check("fargate-task")``.

Opening a lab starts the sandbox (moto in the kernel, or the grader's moto server when
``ECS_LEARN_ENDPOINT`` is set) and turns on the strict layer, so a call AWS would
reject fails here too. In a notebook a check renders as a panel; under grading
(``ECS_LEARN_GRADING=1``) a failed check also raises, which fails its cell.
"""

from __future__ import annotations

import os
from typing import Any

from ecs_learn.checks import AccountReader, CheckResult, Lab, LabReport, get_lab
from ecs_learn.checks.catalog import UnknownCheckError, UnknownLabError
from ecs_learn.errors import EcsLearnError
from ecs_learn.sandbox import Sandbox, get_sandbox

__all__ = ["GRADING_ENV", "CheckFailedError", "LabSession", "open_lab"]

GRADING_ENV = "ECS_LEARN_GRADING"


class CheckFailedError(EcsLearnError, AssertionError):
    """Raised under grading when a check does not pass, so the cell fails."""


class LabNotFoundError(EcsLearnError, LookupError):
    """An unknown lab or check id (the message lists the valid ones)."""


def _grading() -> bool:
    return os.environ.get(GRADING_ENV, "") not in ("", "0", "false")


class LabSession:
    """One lab opened in one kernel."""

    def __init__(self, lab: Lab, sandbox: Sandbox) -> None:
        self.lab = lab
        self.sandbox = sandbox
        self._reader = AccountReader.for_sandbox(sandbox)
        self._warm_up_told = False

    def client(self, service: str) -> Any:
        """A boto3 client on the sandbox (plain ``boto3.client`` works just as well)."""
        return self.sandbox.client(service)

    def check(self, check_id: str) -> CheckResult:
        """Grade one exercise against the account and show the result."""
        try:
            item = self.lab.get_check(check_id)
        except UnknownCheckError as exc:
            raise LabNotFoundError(str(exc)) from None
        self._tell_warm_up_problem()
        result = self.lab.run(item.id, self._reader)
        if _grading() and not result.passed:
            _display(result)
            raise CheckFailedError(str(result))
        return result

    def report(self) -> LabReport:
        """Every check of the lab at once."""
        self._tell_warm_up_problem()
        return self.lab.run_all(self._reader)

    def reset(self) -> None:
        """Empty the mocked account (every resource of every exercise goes)."""
        self.sandbox.reset()

    def quiz(self, topic: str, count: int = 3) -> Any:
        """A quiz widget on one topic of the course notes."""
        from ecs_learn.ui.quiz import QuizWidget

        return QuizWidget(topic=topic, count=count)

    def _tell_warm_up_problem(self) -> None:
        """Wait for the warm-up; once, say so if it failed (before the first result)."""
        self.sandbox.wait_ready()
        problem = self.sandbox.warm_up_problem
        if problem is not None and not self._warm_up_told:
            self._warm_up_told = True
            print(f"Warning: {problem}")

    def __repr__(self) -> str:
        problem = self.sandbox.warm_up_problem
        return (
            f"<ecs-learn lab {self.lab.id}: {self.lab.title} — {self.sandbox.mode} sandbox, "
            f"account {self.sandbox.account_id}, region {self.sandbox.region}"
            + (f"; warning: {problem}" if problem else "")
            + ">"
        )


def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # plain Python
        print(obj)
        return
    display(obj)  # type: ignore[no-untyped-call]


def open_lab(lab_id: str, *, strict: bool = True) -> LabSession:
    """Open a lab: start (or join) the sandbox and turn on AWS-faithful validation."""
    try:
        lab = get_lab(lab_id)
    except UnknownLabError as exc:
        raise LabNotFoundError(str(exc)) from None
    sandbox = get_sandbox()
    if strict:
        from ecs_learn import strict as strict_layer

        strict_layer.enable()
    return LabSession(lab, sandbox)
