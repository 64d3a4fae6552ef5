"""``ecs-learn quiz``: a choice-question session, ``quiz list`` and ``quiz validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecs_learn.cli.output import EXIT_FAILED, CliError, err_console, out_console, table_console
from ecs_learn.cli.plain import PlainGroup
from ecs_learn.cli.quiz_support import (
    BanksOption,
    DataDirOption,
    FuzzOption,
    NowOption,
    QuizEnv,
)

__all__ = ["app", "quiz_app"]

app = typer.Typer()
quiz_app = typer.Typer(
    cls=PlainGroup,
    help="Answer choice questions (single, multiple, scenario) drawn from the course notes.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(quiz_app, name="quiz")


@quiz_app.callback()
def quiz(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many questions.")] = 10,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed the shuffle.")] = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            help='Answers instead of stdin, e.g. "2,1,3" or "1+3;2" (";" separates '
            "answers when a multiple-choice answer needs commas).",
        ),
    ] = None,
    data_dir: DataDirOption = None,
    now: NowOption = None,
    fuzz: FuzzOption = True,
    banks: BanksOption = None,
) -> None:
    """Ask COUNT shuffled questions; type a number (several for multiple choice, e.g.
    1,3), or q to stop. Answers go to your progress as you give them."""
    if ctx.invoked_subcommand is not None:
        return
    import random

    QuizEnv(data_dir, now, fuzz, banks).runner(answers).quiz(topic, count, random.Random(seed))


@quiz_app.command("list")
def list_items(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    data_dir: DataDirOption = None,
    banks: BanksOption = None,
) -> None:
    """Every item: id, type, topic and notes section."""
    items = QuizEnv(data_dir, None, True, banks).catalog().items(topic)
    rows = [
        {"id": item.id, "type": item.type.value, "topic": item.topic, "section": item.section}
        for item in items
    ]
    if as_json:
        import json

        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table("id", "type", "topic", "section", title=f"{len(rows)} items")
    for row in rows:
        table.add_row(row["id"], row["type"], row["topic"], row["section"])
    table_console().print(table)


@quiz_app.command("validate")
def validate_banks(
    path: Annotated[
        Path | None,
        typer.Argument(help="A bank file or a folder of banks (default: the shipped banks)."),
    ] = None,
    notes: Annotated[
        Path | None,
        typer.Option(
            "--notes",
            dir_okay=False,
            help="The notes to check sections against (default: notes.md beside the banks).",
        ),
    ] = None,
) -> None:
    """Check banks against the schema and the cross-item rules; report every problem."""
    from ecs_learn.quiz import validate

    if path is None:
        from ecs_learn.resources import quizzes_dir

        try:
            path = quizzes_dir()
        except FileNotFoundError as error:
            raise CliError(str(error), code=EXIT_FAILED) from None
    result = validate(path, notes=notes, use_schema=True)
    if not result.ok:
        errors = err_console()
        for problem in result.problems:
            errors.print(str(problem))
        count = len(result.problems)
        plural = "s" if count != 1 else ""
        raise CliError(f"{count} problem{plural} in {len(result.files)} file(s)", code=EXIT_FAILED)
    count = sum(len(bank.items) for bank in result.banks)
    out_console().print("✔", style="green", end=" ")
    out_console().print(f"{len(result.files)} bank(s), {count} items: valid")
