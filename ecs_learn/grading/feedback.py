"""One Markdown file per student that can be handed back: what passed, what failed, why.

Each check that did not pass has a section: per requirement it failed, what was
expected and what was found, then the check's hint. A check that crashed says only that
it will be regraded (its error is about the check, not the student's work). The
grader's notes follow: restored check cells, cells that failed or hit a limit, a run
that was stopped.
"""

from __future__ import annotations

from pathlib import Path

from ecs_learn.atomic import write_text_atomic
from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.submission import CheckStatus, SubmissionResult, failure_parts

__all__ = ["feedback_markdown", "write_feedback"]

_MARK = {
    CheckStatus.PASSED: "passed",
    CheckStatus.FAILED: "not yet",
    CheckStatus.CRASHED: "not judged (the check itself failed; your instructor will regrade)",
    CheckStatus.NOT_RUN: "not run",
}


def _expected_found(part: str) -> str:
    """``label: expected X, found Y`` -> ``label — expected: X; found: Y``."""
    label, sep, rest = part.partition(": expected ")
    expected, sep2, found = rest.rpartition(", found ")
    if not (sep and sep2):
        return f"What was found: {part}"
    return f"{label} — expected: {expected}; found: {found}"


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
        if s.status is CheckStatus.CRASHED:
            # The check's own bug: nothing to tell the student about their work.
            lines += ["- The check itself failed while judging; your instructor will regrade.", ""]
            continue
        for part in failure_parts(s.reason):
            lines.append(f"- {_expected_found(part)}")
        if hints.get(s.check_id):
            lines += [f"- Hint: {hints[s.check_id]}"]
        lines.append("")
    # The checks' own lines in the feedback say again what the sections above say.
    per_check = tuple(f"{c.id}: " for c in lab.checks)
    notes = [line for line in result.feedback if not line.startswith(per_check)]
    if notes:
        lines += ["## Notes from the grader", ""]
        lines += [f"- {line}" for line in notes]
    return "\n".join(lines) + "\n"


def write_feedback(results: list[SubmissionResult], lab: Lab, folder: Path) -> None:
    """``folder/<student>.md`` for each student."""
    folder.mkdir(parents=True, exist_ok=True)
    for r in results:
        write_text_atomic(folder / f"{r.student}.md", feedback_markdown(r, lab))
