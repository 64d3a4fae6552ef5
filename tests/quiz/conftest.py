"""Shared fixtures for the quiz tests: sample banks, a frozen clock, fsrs without fuzz,
a private data folder, and ways to run the CLI (in process and as a real subprocess)."""

from __future__ import annotations

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

def build_app() -> typer.Typer:
    """The real CLI app with every command."""
    from ecs_learn.cli import make_app

    return make_app()


_APP = build_app()


def cli_command() -> list[str]:
    """argv prefix that runs the real ``ecs-learn`` entry point in a subprocess."""
    return [sys.executable, "-c", "from ecs_learn.cli import main; main()"]


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
