"""Grading step 2: run one prepared notebook in a box on a slot; collect how its cells ran.

The box (:mod:`ecs_learn.grading.box`) runs pytest + nbval (the runner) and the kernel
against the slot's moto server; the runner reports each cell on a pipe only the grader
and it hold (:mod:`ecs_learn.grading.channel`). When the runner says it is done, or the
run reaches ``timeout``, the box is killed at once — runner, kernel and everything they
started — and the account is left for the checks, which the grader runs itself.

The runner's environment is built from nothing: the variables that would change what it
runs (an instructor's ``PYTEST_ADDOPTS``, ``ECS_LEARN_*``, real AWS credentials) never
reach it. It runs with ``python -P`` (no script folder or working directory on its
import path), pytest's ``--noconftest`` and an empty ini file, so nothing in the
submission's folder is imported; the kernel is the grader's own interpreter
(``--current-env``), whatever the notebook's metadata names, with a fresh
``IPYTHONDIR`` (no profile, no startup files). The notebook is saved under a fixed
name (``submission.ipynb``) and passed by absolute path, so no file name is ever read
as an option.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import IO

from ecs_learn.checks.catalog import Lab
from ecs_learn.errors import EcsLearnError
from ecs_learn.grading.channel import Reader
from ecs_learn.grading.isolation import BOX_MARKER_ENV, Limits, kill_marked
from ecs_learn.grading.notebooks import Notebook, write_notebook
from ecs_learn.grading.payload import CellRun
from ecs_learn.grading.pool import Slot
from ecs_learn.notebook import GRADING_ENV
from ecs_learn.sandbox import ENDPOINT_ENV

__all__ = ["NOTEBOOK_NAME", "BoxRun", "RunError", "run_in_box", "runner_command"]

NOTEBOOK_NAME = "submission.ipynb"
RELAY_PORT = 4566
_KEPT_ENV = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "SYSTEMROOT")
_counter = itertools.count()


def _kept_env() -> dict[str, str]:
    """The grader's variables a box keeps; ``PYTHONPATH`` made absolute (a relative entry
    would resolve in the box's folders: the submission's, and under ``/tmp``, which the
    box then could not make private)."""
    env = {k: os.environ[k] for k in _KEPT_ENV if k in os.environ}
    if env.get("PYTHONPATH"):
        entries = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(e) for e in entries if e)
    return env


class RunError(EcsLearnError, RuntimeError):
    """A grading run that produced no usable result; the message says why."""


@dataclass(frozen=True)
class BoxRun:
    """How the cells of one submission ran, as far as the runner reported.

    ``running`` is the code index of a cell that started and never reported (the run
    was stopped while it ran); ``timed_out`` that the whole run reached its limit;
    ``finished`` that the runner reported every cell; ``tail`` the end of the box's own
    output (for a runner that failed to start).
    """

    cells: tuple[CellRun, ...]
    running: int | None
    timed_out: bool
    finished: bool
    tail: str
    seconds: float


def runner_command(lab: Lab, cell_timeout: float, limits: Limits) -> list[str]:
    """The runner, less the channel, root folder and notebook the box adds."""
    return [
        sys.executable,
        "-P",
        "-m",
        "ecs_learn.grading.pytest_main",
        "-q",
        "-c",
        os.devnull,
        "--noconftest",
        "-p",
        "no:cacheprovider",
        "--nbval-lax",
        "--current-env",
        f"--nbval-cell-timeout={cell_timeout:g}",
        f"--ecs-learn-lab={lab.id}",
        f"--ecs-learn-output-limit={limits.output}",
    ]


def _environment(slot: Slot, marker: str) -> dict[str, str]:
    env = _kept_env()
    env.update(
        {
            "HOME": "home",
            "IPYTHONDIR": "ipython",
            "JUPYTER_CONFIG_DIR": "jupyter/config",
            "JUPYTER_DATA_DIR": "jupyter/data",
            "TMPDIR": "tmp",
            "USER": "student",
            "LOGNAME": "student",
            "TERM": "dumb",
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "MPLBACKEND": "agg",
            ENDPOINT_ENV: slot.kernel_endpoint,
            GRADING_ENV: "1",
            BOX_MARKER_ENV: marker,
        }
    )
    return env


class _Tail:
    """Drains a stream (the box's stdout and stderr), keeping only its last bytes."""

    def __init__(self, stream: IO[bytes], keep: int = 4096) -> None:
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._keep = keep
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[bytes]) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):  # type: ignore[attr-defined]
            self._chunks.append(chunk)
            self._size += len(chunk)
            while self._size - len(self._chunks[0]) >= self._keep:
                self._size -= len(self._chunks.popleft())

    def text(self) -> str:
        self._thread.join(timeout=2)
        return b"".join(self._chunks)[-self._keep :].decode("utf-8", "replace")


def run_in_box(
    nb: Notebook,
    lab: Lab,
    slot: Slot,
    *,
    timeout: float,
    cell_timeout: float,
    limits: Limits,
) -> BoxRun:
    """Run ``nb`` in a fresh box on ``slot``; the box is gone when this returns."""
    work = slot.fresh_work()
    notebook = work / NOTEBOOK_NAME
    write_notebook(nb, notebook)
    if slot.uid is not None:
        os.chown(notebook, slot.uid, slot.uid)
    marker = f"{os.getpid()}-{next(_counter)}-{secrets.token_hex(4)}"
    read_end, write_end = os.pipe()
    config = {
        "work": str(work),
        "notebook": NOTEBOOK_NAME,
        "namespaced": slot.caps.namespaced,
        "relay_port": RELAY_PORT,
        "door": slot.door_path,
        "uid": slot.uid,
        "user_prefix": [] if slot.uid is None else slot.caps.user_prefix(slot.uid),
        "limits": limits.to_dict(),
        "env": _environment(slot, marker),
        "channel": write_end,
        "command": runner_command(lab, cell_timeout, limits),
    }
    box_env = _kept_env()
    box_env[BOX_MARKER_ENV] = marker
    command = [
        *slot.caps.unshare_prefix,
        sys.executable,
        "-P",
        "-m",
        "ecs_learn.grading.box",
        json.dumps(config),
    ]
    started = time.monotonic()
    try:
        box = subprocess.Popen(
            command,
            cwd=slot.root,
            env=box_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_end,),
            start_new_session=True,
        )
    finally:
        os.close(write_end)
    assert box.stdout is not None
    tail = _Tail(box.stdout)
    reader = Reader(read_end)
    try:
        reader.read_until(started + timeout)
    finally:
        kill_marked(marker, box.pid)
        box.wait()
        os.close(read_end)
    return BoxRun(
        cells=tuple(reader.cells),
        running=reader.running,
        timed_out=not (reader.done or reader.eof),
        finished=reader.done,
        tail=tail.text(),
        seconds=time.monotonic() - started,
    )
