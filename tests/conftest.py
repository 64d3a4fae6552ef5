"""Fixtures shared by the whole suite."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Credentials that look real: the sandbox must never let them reach anything.
REAL_LOOKING_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_PROFILE": "production",
    "AWS_DEFAULT_REGION": "eu-west-1",
}


@pytest.fixture
def sandbox() -> Iterator[object]:
    """A fresh embedded sandbox (moto in this process), stopped afterwards."""
    from ecs_learn.sandbox import Sandbox

    box = Sandbox().start(background=False)
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def cli_python() -> list[str]:
    """argv prefix that runs the ecs-learn CLI with this interpreter."""
    return [sys.executable, "-c", "from ecs_learn.cli import main; main()"]
