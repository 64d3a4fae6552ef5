"""What the quiz-side commands (``quiz``, ``cards``, ``stats``, ``export``) share: the
common options, the clock, where progress lives, loading the banks, and reading answers
from a terminal, a pipe or ``--answers``. Environment variables are read here, never
in ``ecs_learn.quiz``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecs_learn.cli.output import EXIT_FAILED, CliError, out_console, print_warning
from ecs_learn.cli.terminal import Terminal

if TYPE_CHECKING:
    from ecs_learn.quiz import Catalog, ProgressStore
    from ecs_learn.quiz.runner import SessionRunner

__all__ = [
    "AnswerSource",
    "BanksOption",
    "DataDirOption",
    "FuzzOption",
    "NowOption",
    "QuizEnv",
    "split_answers",
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


def _parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"--now / ECS_LEARN_NOW must be an ISO 8601 time, not {text!r}") from None
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
            raise CliError(str(error), code=EXIT_FAILED) from None
        except BankError as error:
            raise CliError(
                f"{error}\nrun `ecs-learn quiz validate` for details", code=EXIT_FAILED
            ) from None

    def store(self) -> ProgressStore:
        from ecs_learn.quiz import ProgressStore

        def warn(corrupt: object) -> None:
            print_warning(str(corrupt))

        pause = os.environ.get(_PAUSE_ENV)
        hook = None
        if pause:

            def hook() -> None:
                print("ecs-learn: paused before replace", file=sys.stderr, flush=True)
                time.sleep(float(pause))

        return ProgressStore(self.data_path(), on_corrupt=warn, before_replace=hook)

    def runner(self, answers: str | None) -> SessionRunner:
        """A session over the banks and the progress, reading ``--answers`` when given
        (else stdin) and printing to stdout."""
        from ecs_learn.quiz.runner import SessionRunner

        console = out_console()
        source = AnswerSource(split_answers(answers) if answers is not None else None, console)
        return SessionRunner(
            self.catalog(),
            self.store(),
            source.ask,
            console,
            self.now,
            fuzz=self.fuzz,
            pause=source.interactive,
        )


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
