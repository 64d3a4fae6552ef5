"""A helper for the lab check tests: a passing check yields exactly the rows of its table."""

from __future__ import annotations

from ecs_learn.checks.catalog import Lab
from ecs_learn.checks.result import LabReport

__all__ = ["assert_every_row_priced", "run_student_version"]


def assert_every_row_priced(lab: Lab, report: LabReport) -> None:
    """Each check that passed yielded one row per label of its points table (no label
    the check never yields, so partial credit can add up to the total), and said what
    it judged."""
    for result in report.results:
        if not result.passed:
            continue
        table = set(lab.get_check(result.check_id).weights)
        labels = [r.label for r in result.requirements]
        assert len(labels) == len(set(labels)), (result.check_id, labels)
        assert set(labels) == table, (result.check_id, set(labels) ^ table)
        assert result.judged, result.check_id


def run_student_version(lab: Lab) -> list[str]:
    """Run what a learner who wrote nothing runs (the student version's code cells, checks,
    report and quiz left out) in this process; the cells that raised, as a kernel would
    report them and go on."""
    import contextlib
    import io

    from ecs_learn.grading.notebooks import cell_check_id, cell_source, cell_tags, read_notebook
    from ecs_learn.grading.release import student_version

    namespace: dict[str, object] = {"__name__": "__lab__"}
    raised: list[str] = []
    for index, cell in enumerate(student_version(read_notebook(lab.notebook_path))["cells"]):
        if cell["cell_type"] != "code" or cell_check_id(cell):
            continue
        if {"report", "quiz"} & set(cell_tags(cell)):
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell_source(cell), f"<student cell {index}>", "exec"), namespace)
        except Exception as exc:  # the learner's empty cell: later cells still run
            raised.append(f"cell {index}: {type(exc).__name__}")
    return raised
