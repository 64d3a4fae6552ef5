"""One Markdown file per student that can be handed back: what passed, what failed, why."""

from __future__ import annotations

from pathlib import Path

from ecs_learn.atomic import write_text_atomic
from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.submission import CheckStatus, SubmissionResult

__all__ = ["feedback_markdown", "write_feedback"]

_MARK = {
    CheckStatus.PASSED: "passed",
    CheckStatus.FAILED: "not yet",
    CheckStatus.CRASHED: "not judged (the check itself failed; your instructor will regrade)",
    CheckStatus.NOT_RUN: "not run",
}


def feedback_markdown(result: SubmissionResult, lab: Lab) -> str:
    hints = {c.id: c.hint for c in lab.checks}
    lines = [
        f"# Lab {lab.id} — {lab.title}: feedback for {result.student}",
        "",
        f"**Score: {result.points:g} / {result.max_points:g}**",
        "",
    ]
    if result.reason:
        lines += [f"Your notebook could not be graded: {result.reason}", ""]
    lines += ["| Exercise | Points | Result |", "|---|---|---|"]
    for s in result.scores:
        lines.append(f"| {s.check_id} | {s.points:g} / {s.max_points:g} | {_MARK[s.status]} |")
    lines.append("")
    for s in result.scores:
        if s.status is CheckStatus.PASSED:
            continue
        lines += [f"## {s.check_id}", ""]
        if s.reason:
            lines += [f"- What was found: {s.reason}"]
        if hints.get(s.check_id):
            lines += [f"- Hint: {hints[s.check_id]}"]
        lines.append("")
    if result.feedback:
        lines += ["## Notes from the grader", ""]
        lines += [f"- {line}" for line in result.feedback]
    return "\n".join(lines) + "\n"


def write_feedback(results: list[SubmissionResult], lab: Lab, folder: Path) -> None:
    """``folder/<student>.md`` for each student."""
    folder.mkdir(parents=True, exist_ok=True)
    for r in results:
        write_text_atomic(folder / f"{r.student}.md", feedback_markdown(r, lab))
