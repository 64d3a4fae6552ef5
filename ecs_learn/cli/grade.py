"""``ecs-learn grade``: score a folder of submitted notebooks (or merge shards' grades)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from ecs_learn.checks.catalog import Lab
    from ecs_learn.grading.submission import SubmissionResult

from ecs_learn.cli.output import CliError

__all__ = ["app"]

app = typer.Typer()
err = Console(stderr=True)  # the progress bar
out = Console()


def _default_jobs() -> int:
    from ecs_learn.grading.grade import default_jobs

    return default_jobs()


@app.command("grade")
def grade(
    submissions: Annotated[
        list[Path],
        typer.Argument(
            help="Folder of submitted notebooks (*.ipynb); or `merge` and shards' grades.json."
        ),
    ],
    lab_id: Annotated[str, typer.Option("--lab", help="Lab id, e.g. 01.")],
    out_csv: Annotated[Path, typer.Option("--out", help="CSV file to write.")] = Path("grades.csv"),
    out_json: Annotated[
        Path | None, typer.Option("--json", help="Also write every detail as JSON.")
    ] = None,
    out_html: Annotated[
        Path | None, typer.Option("--html", help="Also write the instructor's HTML summary.")
    ] = None,
    feedback_dir: Annotated[
        Path | None, typer.Option("--feedback", help="Folder for one feedback file per student.")
    ] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Also write JUnit XML.")] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Submissions graded at once (default: cores)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds allowed per submission.")
    ] = 600.0,
    cell_timeout: Annotated[
        float, typer.Option("--cell-timeout", min=1, help="Seconds allowed per cell.")
    ] = 120.0,
    memory: Annotated[
        float, typer.Option("--memory", min=0.25, help="GiB of memory per submission.")
    ] = 2.0,
    shard: Annotated[
        str | None, typer.Option("--shard", help="Grade only slice K of N (e.g. 2/4).")
    ] = None,
) -> None:
    """Run each submission in its own box against its own moto account; write the scores."""
    import importlib.util

    missing = [m for m in ("pytest", "nbval", "flask") if importlib.util.find_spec(m) is None]
    if missing:
        raise CliError(
            f"grading needs {', '.join(missing)}: install the instructors' extra, "
            "pip install 'ecs-learn[grade]'",
            code=1,
        )
    from ecs_learn.checks.catalog import UnknownLabError, get_lab
    from ecs_learn.grading.shard import ShardError, parse_shard

    try:
        lab = get_lab(lab_id)
    except UnknownLabError as exc:
        raise CliError(str(exc)) from None
    part: tuple[int, int] | None = None
    try:
        if submissions[0].name == "merge" and not submissions[0].exists():
            results = _merge(submissions[1:], lab.id)
        else:
            part = None if shard is None else parse_shard(shard)
            results = _grade(submissions, lab, jobs, timeout, cell_timeout, memory, part)
    except ShardError as exc:
        raise CliError(str(exc)) from None
    _write(results, lab, out_csv, out_json, out_html, feedback_dir, junit, part)


def _merge(files: list[Path], lab_id: str) -> list[SubmissionResult]:
    from ecs_learn.grading.shard import ShardError, merge_results

    if not files:
        raise ShardError("grade merge: name the shards' grades.json files")
    return merge_results(files, lab_id)


def _grade(
    submissions: list[Path],
    lab: Lab,
    jobs: int | None,
    timeout: float,
    cell_timeout: float,
    memory: float,
    shard: tuple[int, int] | None,
) -> list[SubmissionResult]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from ecs_learn.grading.grade import grade_paths, submission_paths
    from ecs_learn.grading.isolation import GiB, Limits
    from ecs_learn.grading.shard import in_shard

    folder = submissions[0]
    if len(submissions) != 1 or not folder.is_dir():
        raise CliError(f"{folder} is not a folder of submissions")
    paths = submission_paths(folder)
    if shard is not None:
        paths = [p for p in paths if in_shard(p, *shard)]
    failures = 0
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("graded · {task.fields[left]} left · {task.fields[failures]} failed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(f"lab {lab.id}", total=len(paths), left=len(paths), failures=0)

        def done(result: SubmissionResult) -> None:
            nonlocal failures
            failures += result.status != "graded" or bool(result.incidents)
            left = len(paths) - int(progress.tasks[0].completed) - 1
            progress.update(task, advance=1, left=left, failures=failures)

        return grade_paths(
            paths,
            lab,
            jobs=jobs or _default_jobs(),
            timeout=timeout,
            cell_timeout=cell_timeout,
            limits=Limits(memory=int(memory * GiB), cpu=int(timeout) + 1),
            on_done=done,
        )


def _write(
    results: list[SubmissionResult],
    lab: Lab,
    out_csv: Path,
    out_json: Path | None,
    out_html: Path | None,
    feedback_dir: Path | None,
    junit: Path | None,
    shard: tuple[int, int] | None = None,
) -> None:
    """Every report, written only now that the whole batch is done."""
    from ecs_learn.grading.feedback import write_feedback
    from ecs_learn.grading.junit import write_junit
    from ecs_learn.grading.report import write_csv, write_json
    from ecs_learn.grading.summary import write_html

    write_csv(results, lab, out_csv)
    written = [out_csv]
    if out_json is not None:
        write_json(results, lab, out_json, shard)
        written.append(out_json)
    if out_html is not None:
        write_html(results, lab, out_html)
        written.append(out_html)
    if junit is not None:
        write_junit(results, lab, junit)
        written.append(junit)
    if feedback_dir is not None:
        write_feedback(results, lab, feedback_dir)
        written.append(feedback_dir)
    for r in results:
        note = f" — {r.reason}" if r.reason else ""
        out.print(f"{r.student:<24} {r.status:<8} {r.points:g}/{r.max_points:g}{note}")
    levels = sorted({r.isolation for r in results if r.isolation})
    if levels:
        out.print("isolation: " + ", ".join(levels))
    out.print("wrote " + ", ".join(str(p) for p in written))
