"""``ecs-learn simulate``: replay a load through scaling policies, write a figure and a CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ecs_learn.cli.output import CliError, out_console

__all__ = ["app"]

app = typer.Typer()


@app.command("simulate")
def simulate(
    policy: Annotated[
        Path, typer.Option("--policy", "-p", help="Policy file (JSON): target, policies, alarms.")
    ],
    load: Annotated[
        Path, typer.Option("--load", "-l", help="Load file (YAML/JSON, or a CSV trace).")
    ],
    minutes: Annotated[int, typer.Option("--minutes", "-m", help="Simulated minutes.")] = 1440,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the figure (.png or .svg).")
    ] = None,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Write the per-minute timeline (CSV).")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", help="Start of the replay, ISO 8601 (default 2026-01-05T00:00Z)."),
    ] = None,
) -> None:
    """Replay a load through Application Auto Scaling policies as AWS documents them."""
    from ecs_learn.simulator import DEFAULT_START, replay

    if minutes < 1:
        raise CliError("--minutes must be 1 or more")
    if out is not None and out.suffix.lower() not in (".png", ".svg"):
        raise CliError(f"--out {out}: use a .png or .svg file name")
    begin = DEFAULT_START
    if start:
        try:
            begin = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
        except ValueError:
            raise CliError(f"--start {start!r} is not an ISO 8601 time") from None
        if begin.tzinfo is None:
            begin = begin.replace(tzinfo=dt.timezone.utc)
    result = replay(policy, load, minutes, begin)
    console = out_console()
    console.print(str(result))
    for minute, what in result.timeline.acted():
        console.print(f"  minute {minute}: {what}")
    if csv_path is not None:
        result.save_csv(csv_path)
        console.print(f"timeline written to {csv_path}")
    if out is not None:
        result.save(out)
        console.print(f"figure written to {out}")
