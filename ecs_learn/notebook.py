"""What a lab notebook imports: ``lab = open_lab("01")`` then ``lab.check("fargate-task")``.

Opening a lab starts the sandbox (moto in the kernel, or the grader's moto server when
``ECS_LEARN_ENDPOINT`` is set) and turns on the strict layer, so a call AWS would
reject fails here too; in the notebook such a rejection shows as a short panel (AWS's
message first, then why) instead of a traceback. In a notebook a check renders as a
panel and is recorded in the learner's progress (the store ``ecs-learn stats`` reads);
under grading (``ECS_LEARN_GRADING=1``) a failed check also raises, which fails its
cell, and nothing is recorded.

The mocked account lives in the kernel: a kernel restart starts a new, empty one. Each
account gets a session label; panels say which one judged them, and ``lab`` (the setup
cell) says when checks passed in an earlier, gone account.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from typing import Any

from ecs_learn.checks import AccountReader, CheckResult, Lab, LabReport, get_lab
from ecs_learn.checks.catalog import UnknownCheckError, UnknownLabError
from ecs_learn.checks.review import ArchitectureReview, architecture_review
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


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class AccountSession:
    """One mocked account's life: a label and when it started (a kernel restart ends it)."""

    label: str
    started: datetime


_ACCOUNTS: dict[int, AccountSession] = {}


def _account_for(sandbox: Sandbox) -> AccountSession:
    found = _ACCOUNTS.get(id(sandbox))
    if found is None:
        found = AccountSession(secrets.token_hex(3), _now())
        _ACCOUNTS[id(sandbox)] = found
    return found


class LabSession:
    """One lab opened in one kernel."""

    def __init__(self, lab: Lab, sandbox: Sandbox, *, record: bool | None = None) -> None:
        self.lab = lab
        self.sandbox = sandbox
        self.account = _account_for(sandbox)
        self.record = (not _grading()) if record is None else record
        self._reader = AccountReader.for_sandbox(sandbox)
        self._warm_up_told = False
        self._store_problem_told = False
        self.earlier = self._earlier_passes()

    def client(self, service: str) -> Any:
        """A boto3 client on the sandbox (plain ``boto3.client`` works just as well)."""
        return self.sandbox.client(service)

    # -- checks --------------------------------------------------------------------
    def check(self, check_id: str) -> CheckResult:
        """Grade one exercise against the account and show the result."""
        try:
            item = self.lab.get_check(check_id)
        except UnknownCheckError as exc:
            raise LabNotFoundError(str(exc)) from None
        self._tell_warm_up_problem()
        result = self.lab.run(item.id, self._reader, **self._stamp())
        self._remember(result)
        if _grading() and not result.passed:
            _display(result)
            raise CheckFailedError(str(result))
        return result

    def report(self) -> LabReport:
        """Every check of the lab at once: one line each, details on demand."""
        self._tell_warm_up_problem()
        report = self.lab.run_all(self._reader, **self._stamp())
        for result in report.results:
            self._remember(result)
        return report

    def review(self, report: LabReport | None = None) -> ArchitectureReview:
        """The checks' results read as a review of the architecture in the account: what is
        built, how it behaves, what is missing and what to change first. ``report``: a
        :meth:`report` just made (its results are reused); by default every check runs again."""
        return architecture_review(
            report if report is not None else self.report(),
            self.lab.checks,
            title=self.lab.title,
            behaviour=self.lab.behaviour,
        )

    def _stamp(self) -> dict[str, str]:
        return {"at": _now().isoformat(timespec="seconds"), "account": self.account.label}

    def _remember(self, result: CheckResult) -> None:
        """Record the result in the learner's progress; a failure makes its cards due."""
        if not self.record:
            return
        from ecs_learn import learner

        try:
            learner.progress_store().record_check(
                self.lab.id,
                result.check_id,
                status=result.status.value,
                points=result.points,
                max_points=result.max_points,
                when=_now(),
                judged=result.judged,
                account=result.account,
            )
            item = self.lab.get_check(result.check_id)
            if result.status.value == "failed" and item.tags:
                learner.flag_related_cards(
                    item.tags, why=f"lab {self.lab.id} check {item.id}", when=_now()
                )
        except (OSError, EcsLearnError) as exc:  # progress is a help, never a blocker
            if not self._store_problem_told:
                self._store_problem_told = True
                print(f"Warning: your progress could not be saved ({exc}).")

    # -- starting over -------------------------------------------------------------
    def reset(self, check_id: str | None = None) -> None:
        """Start one exercise over (``lab.reset("task-role")`` removes only what that
        exercise created), or, with no argument, empty the whole mocked account. Says
        what it removed."""
        print(self._reset(check_id))

    def _reset(self, check_id: str | None) -> str:
        if check_id is None:
            self.sandbox.reset()
            return (
                "Emptied the mocked account: every exercise's resources are gone "
                "(run the exercise cells again to rebuild them)."
            )
        from ecs_learn.exercise_reset import remove_owned

        try:
            item = self.lab.get_check(check_id)
        except UnknownCheckError as exc:
            raise LabNotFoundError(str(exc)) from None
        if item.owns_nothing:
            return f"Reset {check_id}: nothing to remove: {item.owns_nothing}"
        if not item.owns.describe():
            return (
                f"Reset {check_id}: this exercise cannot be started over on its own (it names "
                "nothing to remove). lab.reset() empties the whole mocked account; then run "
                "the cells from the top again."
            )
        done = remove_owned(item.owns, self.sandbox.client)
        if not done.removed and not done.kept:
            return f"Reset {check_id}: nothing to remove yet."
        said = [f"removed {'; '.join(done.removed)}."] if done.removed else []
        if done.kept:
            said.append(f"Kept {'; '.join(done.kept)}.")
        return f"Reset {check_id}: " + " ".join(said)

    # -- looking ----------------------------------------------------------------------
    def explain(self, error: BaseException) -> None:
        """Show a strict rejection as a panel: AWS's message first, then the fields and why
        (for any other exception, the exception itself)."""
        from ecs_learn import strict

        _display(strict.explain(error))

    def show(self) -> Any:
        """A diagram of what is in the account (cluster, services, task definitions,
        roles, load balancers, file systems) and how they connect."""
        from ecs_learn.ui.diagram_read import account_diagram

        return account_diagram(self._reader)

    def quiz(
        self,
        topic: str | None = None,
        count: int = 3,
        *,
        tag: str | None = None,
        seed: int | None = None,
    ) -> Any:
        """A quiz widget on one topic of the course notes, or on the items of every topic that
        carry ``tag`` (``lab.quiz(tag="capstone")``); answers count in your progress (the
        first answer to each question; it locks once its answer is shown)."""
        from ecs_learn.quiz import load_catalog
        from ecs_learn.ui.quiz import QuizWidget

        recorder = None
        if self.record:
            from ecs_learn.ui.quiz import ProgressRecorder

            recorder = ProgressRecorder()
        items = None
        if tag is not None:
            items = [i for i in load_catalog().items(topic) if tag in i.tags]
            if not items:
                raise LabNotFoundError(f"no quiz item carries the tag {tag!r}")
        return QuizWidget(topic=topic, count=count, items=items, seed=seed, on_check=recorder)

    # -- what the learner sees of the session ---------------------------------------
    def _earlier_passes(self) -> list[str]:
        """Checks passed in an account that is gone (an earlier kernel)."""
        if not self.record:
            return []
        from ecs_learn import learner

        try:
            records = learner.progress_store().load().lab(self.lab.id)
        except (OSError, EcsLearnError):
            return []
        return [
            check_id
            for check_id, r in records.items()
            if r.get("first_passed") and r.get("account") not in ("", self.account.label)
        ]

    def _tell_warm_up_problem(self) -> None:
        """Wait for the warm-up; once, say so if it failed (before the first result)."""
        self.sandbox.wait_ready()
        problem = self.sandbox.warm_up_problem
        if problem is not None and not self._warm_up_told:
            self._warm_up_told = True
            print(f"Warning: {problem}")

    def _restart_notice(self) -> str:
        if not self.earlier:
            return ""
        return (
            f"This kernel started a new, empty mocked account. You passed "
            f"{', '.join(self.earlier)} in an earlier one, which went with the old kernel "
            "(saved panels above show that account's session). To rebuild it, run the "
            "exercise cells again: Run ▸ Run All Cells."
        )

    def __repr__(self) -> str:
        problem = self.sandbox.warm_up_problem
        notice = self._restart_notice()
        return (
            f"<ecs-learn lab {self.lab.id}: {self.lab.title} — {self.sandbox.mode} sandbox, "
            f"account {self.sandbox.account_id}, region {self.sandbox.region}, "
            f"session {self.account.label}"
            + (f"; warning: {problem}" if problem else "")
            + ">"
            + (f"\n{notice}" if notice else "")
        )

    def _repr_html_(self) -> str:
        problem = self.sandbox.warm_up_problem
        notice = self._restart_notice()
        started = self.account.started.strftime("%H:%M:%S")
        parts = [
            f"<div class='ecs-learn-session' style='text-align:left'><b>Lab {escape(self.lab.id)}"
            f"</b> — {escape(self.lab.title)}<br><span style='color:#57606a'>"
            f"{escape(self.sandbox.mode)} mocked account {escape(self.sandbox.account_id)}, "
            f"region {escape(self.sandbox.region)}, session <code>{escape(self.account.label)}"
            f"</code> started {started} UTC. It lives in this kernel: a restart empties it."
            "</span>"
        ]
        if problem:
            parts.append(f"<div style='color:#9a6700'>Warning: {escape(problem)}</div>")
        if notice:
            parts.append(
                "<div class='ecs-learn-restarted' style='margin-top:4px;padding:4px 8px;"
                f"border-left:6px solid #9a6700'>{escape(notice)}</div>"
            )
        return "".join(parts) + "</div>"


def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # plain Python
        print(obj)
        return
    display(obj)  # type: ignore[no-untyped-call]


def _hide_response_metadata() -> None:
    """In IPython, a boto3 response shown as a cell's value leaves out ResponseMetadata
    (and a response that is nothing else shows as one short line)."""
    try:
        from IPython import get_ipython
        from IPython.lib import pretty
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    plain_dict = pretty._dict_pprinter_factory("{", "}")  # type: ignore[no-untyped-call]

    def show(obj: dict[Any, Any], printer: Any, cycle: bool) -> None:
        if "ResponseMetadata" not in obj or cycle:
            plain_dict(obj, printer, cycle)
            return
        rest = {k: v for k, v in obj.items() if k != "ResponseMetadata"}
        if not rest:
            status = obj["ResponseMetadata"].get("HTTPStatusCode", "")
            printer.text(f"<done: HTTP {status}>")
            return
        plain_dict(rest, printer, cycle)

    shell.display_formatter.formatters["text/plain"].for_type(dict, show)


def open_lab(lab_id: str, *, strict: bool = True) -> LabSession:
    """Open a lab: start (or join) the sandbox and turn on AWS-faithful validation."""
    try:
        lab = get_lab(lab_id)
    except UnknownLabError as exc:
        raise LabNotFoundError(str(exc)) from None
    # Under grading nobody waits for a first call: no warm-up calls (they would build, on
    # the grader's server, the backends of services the notebook may never use).
    sandbox = get_sandbox(warm=not _grading())
    if strict:
        from ecs_learn import strict as strict_layer

        strict_layer.enable()
        if not _grading():  # the grader reads tracebacks; learners get the panel
            from ecs_learn.strict.panel import install_notebook_display

            install_notebook_display()
    _hide_response_metadata()
    return LabSession(lab, sandbox)
