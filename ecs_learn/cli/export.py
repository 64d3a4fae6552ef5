"""``ecs-learn export anki OUT.apkg``: the banks as an Anki deck."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecs_learn.cli.output import EXIT_FAILED, CliError, out_console
from ecs_learn.cli.quiz_support import BanksOption, QuizEnv

__all__ = ["app", "export_app"]

app = typer.Typer()
export_app = typer.Typer(help="Export the question banks to other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("anki")
def anki(
    out: Annotated[Path, typer.Argument(help="The .apkg file to write.", dir_okay=False)],
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    banks: BanksOption = None,
) -> None:
    """Write an Anki deck (one sub-deck per topic). Notes keep stable GUIDs, so importing
    a newer export updates the cards instead of duplicating them."""
    from ecs_learn.quiz.anki import write_apkg

    catalog = QuizEnv(None, None, True, banks).catalog()
    items = catalog.items(topic)
    try:
        count = write_apkg(items, out, dict(catalog.sections))
    except OSError as error:
        raise CliError(f"cannot write {out}: {error.strerror or error}", code=EXIT_FAILED) from None
    out_console().print(f"Wrote {count} notes to {out}")
