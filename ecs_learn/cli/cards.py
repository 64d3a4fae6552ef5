"""``ecs-learn cards``: flashcard review scheduled by fsrs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from ecs_learn.cli.quiz_support import (
    AnswerSource,
    BanksOption,
    DataDirOption,
    FuzzOption,
    NowOption,
    PlainCommand,
    QuizEnv,
    fail,
    out_console,
    split_answers,
)

__all__ = ["register"]


def _when(due: datetime, now: datetime) -> str:
    seconds = (due - now).total_seconds()
    if seconds < 3600:
        span = f"{max(1, round(seconds / 60))} min"
    elif seconds < 86400:
        span = f"{round(seconds / 3600)} h"
    else:
        span = f"{round(seconds / 86400)} days"
    return f"{due:%Y-%m-%d %H:%M} UTC (in {span})"


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
    from ecs_learn.quiz import (
        RATINGS,
        AnswerFormatError,
        ProgressError,
        UnknownTopicError,
        choose_cards,
        parse_rating,
    )

    env = QuizEnv(data_dir, now, fuzz, banks)
    catalog = env.catalog()
    try:
        items = catalog.items(topic)
    except UnknownTopicError as error:
        fail(str(error), 2)
    store = env.store()
    try:
        progress = store.load()
    except ProgressError as error:
        fail(str(error))
    moment = env.now()
    queue = choose_cards(items, progress, moment, new_per_day)
    console = out_console()
    if not queue.items:
        upcoming = [d for d in (progress.due(item.id) for item in items) if d is not None]
        later = f" Next card due {_when(min(upcoming), moment)}." if upcoming else ""
        unseen = sum(progress.due(item.id) is None for item in items)
        if unseen and queue.new_seen_today >= new_per_day:
            later += (
                f" {queue.new_seen_today} new cards were introduced today "
                f"(limit {new_per_day}; raise it with --new-per-day)."
            )
        console.print(f"Nothing to review now.{later}")
        return
    console.print(f"{len(queue.due)} due, {len(queue.new)} new", style="bold", end=" ")
    console.print(f"(new today so far: {queue.new_seen_today}, limit {new_per_day})", style="dim")
    source = AnswerSource(split_answers(answers) if answers is not None else None, console)
    from ecs_learn.cli.quiz import show_feedback
    from ecs_learn.quiz import build_scheduler

    scheduler = build_scheduler(fuzz=env.fuzz)
    reviewed = 0
    labels = " · ".join(f"{n} {name}" for n, name in RATINGS.items())
    for number, item in enumerate(queue.items, 1):
        kind = "due" if number <= len(queue.due) else "new"
        console.print()
        console.print(f"Card {number} of {len(queue.items)}", style="bold", end=" ")
        console.print(f"· {kind} · {item.id}", style="dim")
        console.print(item.prompt)
        for n, choice in enumerate(item.choices, 1):
            console.print(f"  {n}) {choice}")
        if not source.wait("(Enter shows the answer) "):
            break
        console.print("Answer:", style="bold", end=" ")
        console.print(item.back)
        show_feedback(console, item, catalog)
        rating = None
        while rating is None:
            text = source.ask(f"Rate {labels} (q to quit): ")
            if text is None or text.strip().lower() in ("q", "quit"):
                break
            try:
                rating = parse_rating(text)
            except AnswerFormatError as error:
                console.print(str(error), style="yellow")
        if rating is None:
            break
        try:
            result = store.record(item.id, rating, env.now(), scheduler=scheduler, source="cards")
        except ProgressError as error:
            fail(str(error))
        reviewed += 1
        console.print(f"{RATINGS[rating]}. Next review: {_when(result.due, env.now())}")
    console.print()
    console.print(f"Reviewed {reviewed} of {len(queue.items)} cards.")


def register(app: typer.Typer) -> None:
    app.command("cards", cls=PlainCommand)(cards)
