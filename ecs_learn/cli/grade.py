"""``ecs-learn grade``: score a folder of submitted notebooks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ecs_learn.cli.output import CliError

__all__ = ["app"]

app = typer.Typer()
out = Console()


@app.command("grade")
def grade(
    submissions: Annotated[Path, typer.Argument(help="Folder of submitted notebooks (*.ipynb).")],
    lab_id: Annotated[str, typer.Option("--lab", help="Lab id, e.g. 01.")],
    out_csv: Annotated[Path, typer.Option("--out", help="CSV file to write.")] = Path("grades.csv"),
    out_json: Annotated[
        Path | None, typer.Option("--json", help="Also write every detail as JSON.")
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Submissions graded at once.")
    ] = max(1, min(4, os.cpu_count() or 1)),
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds allowed per submission.")
    ] = 600.0,
    cell_timeout: Annotated[
        float, typer.Option("--cell-timeout", min=1, help="Seconds allowed per cell.")
    ] = 120.0,
) -> None:
    """Run each submission in its own kernel against its own moto server; write the scores."""
    import importlib.util

    missing = [m for m in ("pytest", "nbval", "flask") if importlib.util.find_spec(m) is None]
    if missing:
        raise CliError(
            f"grading needs {', '.join(missing)}: install the instructors' extra, "
            "pip install 'ecs-learn[grade]'",
            code=1,
        )
    from rich.progress import Progress

    from ecs_learn.checks.catalog import UnknownLabError, get_lab
    from ecs_learn.grading.grade import grade_folder
    from ecs_learn.grading.report import write_csv, write_json

    if not submissions.is_dir():
        raise CliError(f"{submissions} is not a folder of submissions")
    try:
        lab = get_lab(lab_id)
    except UnknownLabError as exc:  # a LookupError, not yet an EcsLearnError
        raise CliError(str(exc)) from None
    count = sum(1 for p in submissions.glob("*.ipynb") if not p.name.startswith("."))
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"grading lab {lab.id}", total=count)
        results = grade_folder(
            submissions,
            lab,
            jobs=jobs,
            timeout=timeout,
            cell_timeout=cell_timeout,
            on_done=lambda _r: progress.advance(task),
        )
    write_csv(results, lab, out_csv)
    if out_json is not None:
        write_json(results, lab, out_json)
    for r in results:
        note = f" — {r.reason}" if r.reason else ""
        out.print(f"{r.student:<24} {r.status:<8} {r.points:g}/{r.max_points:g}{note}")
    out.print(f"wrote {out_csv}" + (f" and {out_json}" if out_json else ""))
