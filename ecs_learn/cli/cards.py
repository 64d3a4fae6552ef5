"""``ecs-learn cards``: flashcard review scheduled by fsrs."""

from __future__ import annotations

from typing import Annotated

import typer

from ecs_learn.cli.output import CliError
from ecs_learn.cli.plain import PlainCommand
from ecs_learn.cli.quiz_support import (
    BanksOption,
    DataDirOption,
    FuzzOption,
    NowOption,
    QuizEnv,
)

__all__ = ["app"]

app = typer.Typer()


@app.command("cards", cls=PlainCommand)
def cards(
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    lab: Annotated[
        str | None,
        typer.Option("--lab", help="Only the cards on what this lab touches (e.g. 01)."),
    ] = None,
    new_per_day: Annotated[
        int, typer.Option("--new-per-day", min=0, help="At most this many new cards a day.")
    ] = 10,
    answers: Annotated[
        str | None, typer.Option("--answers", help='Ratings instead of stdin, e.g. "3,3,1".')
    ] = None,
    data_dir: DataDirOption = None,
    now: NowOption = None,
    fuzz: FuzzOption = True,
    banks: BanksOption = None,
) -> None:
    """Review flashcards: due cards first, then new ones. Rate each with 1 Again,
    2 Hard, 3 Good or 4 Easy (or q to stop); a card with choices takes the number of
    your choice (or Enter to see the answer). Every rating is saved at once."""
    env = QuizEnv(data_dir, now, fuzz, banks)
    only = None
    if lab is not None:
        from ecs_learn.checks.catalog import get_lab, lab_entries

        entry = next((e for e in lab_entries() if lab in (e.id, e.slug, e.id.lstrip("0"))), None)
        if entry is None:
            raise CliError(
                f"there is no lab {lab!r}; the labs are: "
                + ", ".join(f"{e.id} ({e.slug})" for e in lab_entries())
            )
        tags = {tag for check in get_lab(entry.id).checks for tag in check.tags}
        only = frozenset(item.id for item in env.catalog().items() if tags & set(item.tags))
    env.runner(answers).cards(topic, new_per_day, only=only)
