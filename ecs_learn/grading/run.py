"""Grading step 2: run one prepared notebook under nbval in its own process; read the payload.

The subprocess (:mod:`ecs_learn.grading.pytest_main`) runs the grading plugin, which owns
the moto server the student's kernel talks to and writes a
:class:`~ecs_learn.grading.payload.GradingPayload`. The subprocess gets this process's
environment minus the variables that would change what it runs: ``ECS_LEARN_*`` (the
plugin sets its own) and pytest's ``PYTEST_ADDOPTS``/``PYTEST_PLUGINS`` (an instructor's
``-x`` would stop at the first failing cell and change the grades).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from ecs_learn.checks.catalog import Lab
from ecs_learn.errors import EcsLearnError
from ecs_learn.grading.notebooks import Notebook, write_notebook
from ecs_learn.grading.payload import GradingPayload, PayloadError, read_payload

__all__ = ["RunError", "pytest_command", "run_notebook"]

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_DROPPED_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")


class RunError(EcsLearnError, RuntimeError):
    """A grading run that produced no usable result; the message says why."""


def pytest_command(notebook: Path, lab: Lab, result_file: Path, cell_timeout: float) -> list[str]:
    """The command that grades ``notebook`` as ``lab`` and writes the payload to ``result_file``."""
    return [
        sys.executable,
        "-m",
        "ecs_learn.grading.pytest_main",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval-lax",
        f"--nbval-cell-timeout={cell_timeout:g}",
        f"--ecs-learn-lab={lab.id}",
        f"--ecs-learn-result={result_file}",
        "--rootdir",
        str(notebook.parent),
        notebook.name,
    ]


def _environment() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ECS_LEARN_") and k not in _DROPPED_ENV
    }
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # pytest_main names the plugins it needs
    return env


def run_notebook(
    nb: Notebook, lab: Lab, name: str, *, timeout: float, cell_timeout: float
) -> GradingPayload:
    """Run ``nb`` (saved as ``<name>.ipynb``) in a fresh process, kernel and moto server.

    Raises :class:`RunError` when the run takes longer than ``timeout`` seconds or ends
    without a readable payload.
    """
    with tempfile.TemporaryDirectory(prefix="ecs-learn-grade-") as tmp:
        notebook = Path(tmp) / f"{_SAFE.sub('_', name)}.ipynb"
        write_notebook(nb, notebook)
        result_file = Path(tmp) / "result.json"
        command = pytest_command(notebook, lab, result_file, cell_timeout)
        try:
            run = subprocess.run(
                command,
                cwd=tmp,
                env=_environment(),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise RunError(f"grading took longer than {timeout:g} s and was stopped") from None
        if not result_file.exists():
            tail = (run.stdout + run.stderr).strip().splitlines()[-5:]
            raise RunError("the grader could not run this notebook: " + " | ".join(tail))
        try:
            return read_payload(result_file)
        except PayloadError as exc:
            raise RunError(f"the grader could not read its own result: {exc}") from None
