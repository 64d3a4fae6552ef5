"""``ecs-learn cards``: flashcard review scheduled by fsrs."""

from __future__ import annotations

from typing import Annotated

import typer

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
    2 Hard, 3 Good or 4 Easy (or q to stop); every rating is saved at once."""
    QuizEnv(data_dir, now, fuzz, banks).runner(answers).cards(topic, new_per_day)
