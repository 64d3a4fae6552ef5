"""What the quiz-side commands (``quiz``, ``cards``, ``stats``, ``export``) share: the
common options, the clock, where progress lives, loading the banks, reading answers
from a terminal, a pipe or ``--answers``, and reporting user mistakes without a
traceback. Environment variables are read here, never in ``ecs_learn.quiz``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ecs_learn.cli.plain import PlainCommand, PlainGroup
from ecs_learn.cli.terminal import Terminal

if TYPE_CHECKING:
    from rich.console import Console

    from ecs_learn.quiz import Catalog, ProgressStore

__all__ = [
    "AnswerSource",
    "BanksOption",
    "DataDirOption",
    "FuzzOption",
    "NowOption",
    "PlainCommand",
    "PlainGroup",
    "QuizEnv",
    "err_console",
    "fail",
    "out_console",
    "split_answers",
    "table_console",
]

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="ECS_LEARN_HOME",
        file_okay=False,
        help="Where progress is kept (default: the user data folder).",
    ),
]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        envvar="ECS_LEARN_NOW",
        hidden=True,
        help="Pretend the time is this ISO 8601 instant (tests).",
    ),
]
FuzzOption = Annotated[
    bool,
    typer.Option(
        "--fuzz/--no-fuzz",
        envvar="ECS_LEARN_FSRS_FUZZ",
        hidden=True,
        help="Let fsrs fuzz review intervals (--no-fuzz: deterministic).",
    ),
]
BanksOption = Annotated[
    Path | None,
    typer.Option(
        "--banks",
        envvar="ECS_LEARN_QUIZZES",
        hidden=True,
        file_okay=False,
        help="Read the banks and notes from this folder instead of the shipped ones.",
    ),
]

_PAUSE_ENV = "ECS_LEARN_DEBUG_PAUSE_BEFORE_REPLACE"


def out_console() -> Terminal:
    return Terminal()


def err_console() -> Terminal:
    return Terminal(err=True)


def table_console() -> Console:
    """A rich console, for tables (off the quiz's hot path)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, emoji=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """Report a user mistake on stderr and exit with ``code`` (no traceback)."""
    errors = err_console()
    errors.print("error:", style="bold red", end=" ")
    errors.print(message)
    raise typer.Exit(code)


def _parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(f"--now / ECS_LEARN_NOW must be an ISO 8601 time, not {text!r}", 2)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


@dataclass
class QuizEnv:
    """The resolved common options of one command."""

    data_dir: Path | None
    now_text: str | None
    fuzz: bool = True
    banks: Path | None = None

    def now(self) -> datetime:
        return _parse_now(self.now_text)

    def data_path(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir
        import platformdirs

        return Path(platformdirs.user_data_dir("ecs-learn"))

    def cache_path(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir / "cache"
        import platformdirs

        return Path(platformdirs.user_cache_dir("ecs-learn"))

    def catalog(self) -> Catalog:
        from ecs_learn.quiz import BankError, load_catalog

        try:
            return load_catalog(self.banks, cache_dir=self.cache_path())
        except FileNotFoundError as error:
            fail(str(error))
        except BankError as error:
            fail(f"{error}\nrun `ecs-learn quiz validate` for details")

    def store(self) -> ProgressStore:
        from ecs_learn.quiz import ProgressStore

        def warn(corrupt: object) -> None:
            err_console().print(f"warning: {corrupt}", style="bold yellow")

        pause = os.environ.get(_PAUSE_ENV)
        hook = None
        if pause:

            def hook() -> None:
                print("ecs-learn: paused before replace", file=sys.stderr, flush=True)
                time.sleep(float(pause))

        return ProgressStore(self.data_path(), on_corrupt=warn, before_replace=hook)


def split_answers(text: str) -> list[str]:
    """``--answers``: answers separated by ``;`` (or, if there is none, by spaces or
    commas), so ``"2,1,3"`` is three answers and ``"1,3;2"`` is "1 and 3", then "2"."""
    parts = text.split(";") if ";" in text else text.replace(",", " ").split()
    return [part.strip() for part in parts]


class AnswerSource:
    """Answers from ``--answers``, else stdin line by line; ``None`` means EOF."""

    def __init__(self, scripted: list[str] | None, console: Terminal) -> None:
        self._scripted: Iterator[str] | None = iter(scripted) if scripted is not None else None
        self._console = console
        self.interactive = scripted is None and sys.stdin.isatty()

    def ask(self, prompt: str) -> str | None:
        self._console.print(prompt, end="")
        self._console.flush()
        if self._scripted is not None:
            answer = next(self._scripted, None)
        else:
            line = sys.stdin.readline()
            answer = line.rstrip("\r\n") if line else None
        if answer is None:
            self._console.print()
        elif not self.interactive:
            self._console.print(answer)  # a transcript shows what was read
        return answer

    def wait(self, prompt: str) -> bool:
        """In a terminal, wait for Enter (False on EOF); otherwise go straight on."""
        if not self.interactive:
            return True
        return self.ask(prompt) is not None


# -- start-up time --------------------------------------------------------------------------
# typer 0.29 coerces every non-bool parameter through a pydantic TypeAdapter. Importing
# pydantic and building the adapters costs about 50 ms per start, a third of the time
# `ecs-learn quiz` takes to ask its first question. The quiz-side commands only take
# str, int, Path and bool (or None); PlainGroup and PlainCommand convert those directly,
# with the same error messages and ranges. Any other parameter, or another typer whose
# internals differ, keeps typer's own coercion.
