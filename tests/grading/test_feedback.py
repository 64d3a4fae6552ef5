"""The feedback file handed back to each student, from grades made in code (no kernel)."""

from __future__ import annotations

from pathlib import Path

from ecs_learn.grading.feedback import feedback_markdown, write_feedback
from tests.grading.made import CRASH, LAB, klass, made

HINTS = {c.id: c.hint for c in LAB.checks}


def _by_student() -> dict[str, str]:
    return {r.student: feedback_markdown(r, LAB) for r in klass()}


def test_a_failed_check_names_what_was_expected_what_was_found_and_the_hint() -> None:
    ben = _by_student()["ben"]
    assert "**Score: 9 / 14**" in ben
    assert "| execution-role | 2 / 2 | passed |" in ben
    assert "| task-role | 0 / 2 | not yet |" in ben
    section = ben.split("## task-role\n", 1)[1].split("\n## ", 1)[0]
    assert "- trusted by — expected: ecs-tasks.amazonaws.com; found: ec2.amazonaws.com" in section
    assert f"- Hint: {HINTS['task-role']}" in section
    assert "## execution-role" not in ben  # passed: no section


def test_each_failed_requirement_of_a_check_gets_its_own_line() -> None:
    section = _by_student()["cleo"].split("## task-role\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert lines == [
        "- policy attached — expected: s3:GetObject; found: nothing",
        "- trusted by — expected: ecs-tasks.amazonaws.com; found: ec2.amazonaws.com",
        f"- Hint: {HINTS['task-role']}",
    ]


def test_a_crashed_check_says_it_will_be_regraded_without_blaming_the_student() -> None:
    cleo = _by_student()["cleo"]
    assert "| ec2-task | 0 / 2 | not judged (the check itself failed; your instructor" in cleo
    section = cleo.split("## ec2-task\n", 1)[1].split("\n## ", 1)[0]
    assert "your instructor will regrade" in section
    assert HINTS["ec2-task"] not in section
    assert CRASH not in cleo  # the check's error is the instructor's business (the JSON has it)


def test_the_graders_notes_keep_what_the_sections_do_not_say() -> None:
    ben = _by_student()["ben"]
    notes = ben.split("## Notes from the grader\n", 1)[1]
    assert notes.strip().splitlines() == [
        "- the check cell for 'execution-role' was edited; it was restored"
    ]
    dan = _by_student()["dan"]
    assert "- code cell 4 used more than 2 GiB of memory" in dan
    assert "## Notes from the grader" not in feedback_markdown(made("ana"), LAB)


def test_a_submission_that_could_not_be_graded_says_why() -> None:
    eve = _by_student()["eve"]
    assert "Your notebook could not be graded: eve.ipynb: invalid JSON" in eve
    assert eve.count("| not run |") == len(LAB.checks)


def test_one_file_per_student_named_after_the_student(tmp_path: Path) -> None:
    results = klass()
    write_feedback(results, LAB, tmp_path / "feedback")
    files = sorted(p.name for p in (tmp_path / "feedback").iterdir())
    assert files == sorted(f"{r.student}.md" for r in results)
    text = (tmp_path / "feedback" / "zoë.md").read_text(encoding="utf-8")
    assert text.startswith(f"# Lab 01 — {LAB.title}: feedback for zoë\n")
