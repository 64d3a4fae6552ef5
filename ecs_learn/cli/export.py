"""``ecs-learn export anki OUT.apkg``: the banks as an Anki deck."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecs_learn.cli.quiz_support import BanksOption, QuizEnv, fail, out_console

__all__ = ["export_app", "register"]

export_app = typer.Typer(help="Export the question banks to other tools.", no_args_is_help=True)


@export_app.command("anki")
def anki(
    out: Annotated[Path, typer.Argument(help="The .apkg file to write.", dir_okay=False)],
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    banks: BanksOption = None,
) -> None:
    """Write an Anki deck (one sub-deck per topic). Notes keep stable GUIDs, so importing
    a newer export updates the cards instead of duplicating them."""
    from ecs_learn.quiz import UnknownTopicError
    from ecs_learn.quiz.anki import write_apkg

    catalog = QuizEnv(None, None, True, banks).catalog()
    try:
        items = catalog.items(topic)
    except UnknownTopicError as error:
        fail(str(error), 2)
    try:
        count = write_apkg(items, out, dict(catalog.sections))
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    out_console().print(f"Wrote {count} notes to {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
