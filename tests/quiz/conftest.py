"""Shared fixtures for the quiz tests: sample banks, a frozen clock, fsrs without fuzz,
a private data folder, and ways to run the CLI (in process and as a real subprocess)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

DATA = Path(__file__).parent / "data"
SAMPLE_BANKS = DATA / "banks"
BAD_BANKS = DATA / "bad"
FROZEN_NOW = "2026-01-05T09:00:00+00:00"
REPO = Path(__file__).resolve().parents[2]

_QUIZ_AREAS = ("quiz", "cards", "stats", "export")


def build_app() -> typer.Typer:
    """A CLI app with the quiz-side commands only (independent of other areas' state)."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                      no_args_is_help=True)
    for area in _QUIZ_AREAS:
        importlib.import_module(f"ecs_learn.cli.{area}").register(app)
    return app


_APP = build_app()


def cli_command() -> list[str]:
    """argv prefix that runs the real ``ecs-learn`` entry point in a subprocess, or, while
    another area listed in ``_AREAS`` is still missing, an app with the quiz areas only."""
    from ecs_learn.cli.commands import _AREAS

    if all(importlib.util.find_spec(f"ecs_learn.cli.{a}") for a in _AREAS):
        return [sys.executable, "-c", "from ecs_learn.cli import main; main()"]
    script = ("import typer, importlib\n"
              "from ecs_learn.cli import app\n"
              f"for a in {_QUIZ_AREAS!r}: importlib.import_module('ecs_learn.cli.' + a)"
              ".register(app)\n"
              "app()\n")
    return [sys.executable, "-c", script]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of a test run: private data dir, frozen clock, no fuzz."""
    return {
        "ECS_LEARN_HOME": str(tmp_path / "home"),
        "ECS_LEARN_NOW": FROZEN_NOW,
        "ECS_LEARN_FSRS_FUZZ": "0",
        "ECS_LEARN_QUIZZES": str(SAMPLE_BANKS),
        "COLUMNS": "100",
    }


RunCli = Callable[..., Result]


@pytest.fixture
def run_cli(env: dict[str, str]) -> RunCli:
    def run(*args: str, input: str | None = None, **extra_env: str) -> Result:
        runner = CliRunner()
        return runner.invoke(_APP, list(args), input=input, env={**env, **extra_env},
                             catch_exceptions=False)

    return run


@pytest.fixture
def subprocess_env(env: dict[str, str]) -> Iterator[dict[str, str]]:
    yield {**os.environ, **env, "PYTHONUNBUFFERED": "1"}


def run_subprocess(args: list[str], env: dict[str, str], input: str = "",
                   timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cli_command(), *args], input=input, env=env, text=True,
                          capture_output=True, timeout=timeout, cwd=REPO)
