"""``ecs-learn lab`` (open the labs in JupyterLab) and ``ecs-learn release``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ecs_learn.cli.output import CliError, print_error
from ecs_learn.cli.plain import PlainCommand

__all__ = ["app"]

app = typer.Typer()
out = Console()


@app.command(
    "lab",
    cls=PlainCommand,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def lab(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Workspace folder (default: $ECS_LEARN_WORKSPACE or ~/ecs-learn-labs)."
        ),
    ] = None,
    list_only: Annotated[bool, typer.Option("--list", help="List the labs and exit.")] = False,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser.")
    ] = False,
    port: Annotated[int | None, typer.Option("--port", help="Port for JupyterLab.")] = None,
    ip: Annotated[str, typer.Option("--ip", help="Interface JupyterLab listens on.")] = "127.0.0.1",
    no_start: Annotated[
        bool,
        typer.Option(
            "--no-start", help="Copy the labs into the workspace but do not start JupyterLab."
        ),
    ] = False,
) -> None:
    """Copy the labs into your workspace (never overwriting your work) and open the next
    lab you have not finished in JupyterLab.

    Options after the known ones are passed through to `jupyter lab`.
    """
    from ecs_learn.checks.catalog import lab_entries
    from ecs_learn.lab_progress import lab_progress, next_unfinished
    from ecs_learn.workspace import default_workspace, prepare_workspace

    rows = lab_progress(lab_entries(), _load_progress())
    if list_only:
        for row in rows:
            out.print(
                f"[bold]{row.lab_id}[/bold]  {row.slug:<20} {row.title}\n    {row.summary()}",
                highlight=False,
            )
        return
    workspace = (directory or default_workspace()).expanduser().resolve()
    if workspace.exists() and not workspace.is_dir():
        raise CliError(f"{workspace} exists and is not a folder")
    try:
        copied = prepare_workspace(workspace)
    except OSError as exc:
        raise CliError(f"cannot prepare the workspace {workspace}: {exc.strerror or exc}") from None
    for item in copied:
        state = "copied" if item.created else "kept your copy of"
        out.print(f"{state} {item.notebook}")
    out.print(f"workspace: {workspace}")
    target = next_unfinished(rows) or rows[0]
    out.print(f"opening lab {target.lab_id} ({target.summary()})", highlight=False)
    if no_start:
        return
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={workspace}", f"--ip={ip}"]
    if no_browser:
        argv.append("--no-browser")
    if port is not None:
        argv += [f"--port={port}", "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # JupyterLab refuses root otherwise (containers, CI)
    argv += list(ctx.args)
    argv.append(str(workspace / target.notebook))  # JupyterLab opens it (not the Launcher)
    sys.stdout.flush()
    os.execv(sys.executable, argv)


def _load_progress() -> Any:
    """The learner's progress (as ``ecs-learn stats`` reads it); empty if unreadable."""
    from ecs_learn import learner
    from ecs_learn.quiz.progress import Progress, ProgressError

    try:
        return learner.progress_store().load()
    except ProgressError:
        return Progress()


@app.command("release")
def release(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the student versions.")] = Path(
        "release"
    ),
    sources: Annotated[
        list[Path] | None,
        typer.Argument(help="Instructor notebooks (default: every shipped lab)."),
    ] = None,
) -> None:
    """Write student versions: solutions removed, outputs cleared."""
    from ecs_learn.grading.notebooks import NotebookError
    from ecs_learn.grading.release import ReleaseError, release_notebook
    from ecs_learn.resources import labs_dir

    paths = list(sources or sorted(labs_dir().glob("*.ipynb")))
    failed = False
    for source in paths:
        try:
            written = release_notebook(source, out_dir / source.name)
        except (NotebookError, ReleaseError) as exc:  # report it and go on with the others
            print_error(str(exc))
            failed = True
            continue
        out.print(f"wrote {written}")
    if failed:
        raise typer.Exit(1)
