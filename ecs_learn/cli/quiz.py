"""``ecs-learn quiz``: a choice-question session, ``quiz list`` and ``quiz validate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecs_learn.cli.quiz_support import (
    AnswerSource,
    BanksOption,
    DataDirOption,
    FuzzOption,
    NowOption,
    PlainGroup,
    QuizEnv,
    err_console,
    fail,
    out_console,
    split_answers,
    table_console,
)

if TYPE_CHECKING:
    from ecs_learn.cli.terminal import Terminal
    from ecs_learn.quiz import Catalog, Item

__all__ = ["quiz_app", "register"]

quiz_app = typer.Typer(
    cls=PlainGroup,
    help="Answer choice questions (single, multiple, scenario) drawn from the course notes.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def show_feedback(console: Terminal, item: Item, catalog: Catalog) -> None:
    """The explanation, the erratum if any, and where to read more."""
    console.print(item.explanation)
    if item.erratum is not None:
        console.print("Erratum", style="bold yellow", end="")
        console.print(" — your notes say: " + item.erratum.notes_claim)
        console.print("In fact", style="bold yellow", end="")
        console.print(": " + item.erratum.truth)
    title = catalog.sections.get(item.section) or item.section
    console.print(f"Notes: {title} (notes.md#{item.section})", style="dim")


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

    env = QuizEnv(data_dir, now, fuzz, banks)
    catalog = env.catalog()
    from ecs_learn.quiz import AnswerFormatError, ProgressError, UnknownTopicError, build_questions

    try:
        items = catalog.items(topic)
    except UnknownTopicError as error:
        fail(str(error), 2)
    questions = build_questions(items, count, random.Random(seed))
    if not questions:
        fail(f"no choice questions{f' in topic {topic!r}' if topic else ''} yet")
    console = out_console()
    source = AnswerSource(split_answers(answers) if answers is not None else None, console)
    store = env.store()
    scheduler = None
    asked = correct = 0
    for number, question in enumerate(questions, 1):
        item = question.item
        console.print()
        console.print(f"Question {number} of {len(questions)}", style="bold", end=" ")
        console.print(f"· {item.topic} · {item.type.value}", style="dim")
        console.print(item.prompt)
        for n, choice in enumerate(question.choices, 1):
            console.print(f"  {n}) {choice}")
        hint = "numbers, e.g. 1,3" if question.multiple else "a number"
        picked = None
        while picked is None:
            text = source.ask(f"Your answer ({hint}; q to quit): ")
            if text is None or text.strip().lower() in ("q", "quit"):
                break
            try:
                picked = question.parse(text)
            except AnswerFormatError as error:
                console.print(str(error), style="yellow")
        if picked is None:
            break
        asked += 1
        right = question.grade(picked)
        correct += right
        if right:
            console.print("✔ Correct.", style="bold green")
        else:
            shown = ", ".join(
                f"{n}) {question.choices[n - 1]}" for n in sorted(question.correct_numbers)
            )
            console.print("✘ Not quite.", style="bold red", end="")
            console.print(" The answer: " + shown)
        show_feedback(console, item, catalog)
        if scheduler is None:
            from ecs_learn.quiz import build_scheduler, rating_for_answer

            scheduler = build_scheduler(fuzz=env.fuzz)
        try:
            store.record(
                item.id,
                rating_for_answer(right),
                env.now(),
                scheduler=scheduler,
                source="quiz",
            )
        except ProgressError as error:
            fail(str(error))
    if asked < len(questions):
        console.print(f"\nSession ended after {asked} of {len(questions)} questions.")
    if asked:
        console.print(f"Score: {correct}/{asked}", style="bold", end="")
        console.print(f" ({100 * correct // asked}%)")


@quiz_app.command("list")
def list_items(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    data_dir: DataDirOption = None,
    banks: BanksOption = None,
) -> None:
    """Every item: id, type, topic and notes section."""
    from ecs_learn.quiz import UnknownTopicError

    catalog = QuizEnv(data_dir, None, True, banks).catalog()
    try:
        items = catalog.items(topic)
    except UnknownTopicError as error:
        fail(str(error), 2)
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
            fail(str(error))
    result = validate(path, notes=notes, use_schema=True)
    if not result.ok:
        errors = err_console()
        for problem in result.problems:
            errors.print(str(problem))
        count = len(result.problems)
        fail(f"{count} problem{'s' if count != 1 else ''} in {len(result.files)} file(s)")
    count = sum(len(bank.items) for bank in result.banks)
    out_console().print("✔", style="green", end=" ")
    out_console().print(f"{len(result.files)} bank(s), {count} items: valid")


def register(app: typer.Typer) -> None:
    app.add_typer(quiz_app, name="quiz")
