"""``ecs-learn stats``: what is due, what is learned, accuracy and weakest topics."""

from __future__ import annotations

from typing import Annotated

import typer

from ecs_learn.cli.output import out_console, table_console
from ecs_learn.cli.plain import PlainCommand
from ecs_learn.cli.quiz_support import BanksOption, DataDirOption, NowOption, QuizEnv

__all__ = ["app"]

app = typer.Typer()


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


@app.command("stats", cls=PlainCommand)
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDirOption = None,
    now: NowOption = None,
    banks: BanksOption = None,
) -> None:
    """Show due, learning and learned items per topic, accuracy and the weakest topics."""
    from ecs_learn.checks.catalog import lab_entries
    from ecs_learn.lab_progress import lab_progress
    from ecs_learn.quiz import compute_stats

    env = QuizEnv(data_dir, now, True, banks)
    catalog = env.catalog()
    progress = env.store().load()
    result = compute_stats(catalog.items(), progress, env.now())
    labs = lab_progress(lab_entries(), progress)
    if as_json:
        import dataclasses
        import json

        data = {**result.to_dict(), "labs": [dataclasses.asdict(row) for row in labs]}
        typer.echo(json.dumps(data, indent=2))
        return
    from rich.table import Table

    table = Table(title="ecs-learn progress")
    table.add_column("topic", no_wrap=True, min_width=15)
    for header in ("items", "new", "learning", "learned", "due", "reviews", "accuracy"):
        table.add_column(header, justify="right")
    for row in (*result.topics, result.total):
        table.add_row(
            row.topic,
            str(row.items),
            str(row.new),
            str(row.learning),
            str(row.learned),
            str(row.due),
            str(row.reviews),
            _percent(row.accuracy),
            style="bold" if row is result.total else None,
        )
    table_console().print(table)
    console = out_console()
    for lab in labs:
        console.print(f"Lab {lab.lab_id} {lab.slug}: {lab.summary()}")
    if result.weakest:
        console.print(
            f"Weakest topics: {', '.join(result.weakest)} "
            f"(try `ecs-learn quiz --topic {result.weakest[0]}`)"
        )
    elif not result.total.reviews:
        console.print("No reviews yet: start with `ecs-learn quiz` or `ecs-learn cards`.")
    else:
        from ecs_learn.quiz.stats import MIN_REVIEWS_FOR_WEAKEST

        console.print(
            f"Weakest topics are named once a topic has {MIN_REVIEWS_FOR_WEAKEST} answers."
        )
