"""Grading step 2: run one prepared notebook in a box on a slot; collect how its cells ran.

The box (:mod:`ecs_learn.grading.box`) runs pytest + nbval (the runner) and the kernel
against the slot's moto server; the runner reports each cell on a pipe only the grader
and it hold (:mod:`ecs_learn.grading.channel`). When the runner says it is done, or the
run reaches ``timeout``, the box is killed at once — runner, kernel and everything they
started — and the account is left for the checks, which the grader runs itself.

The runner's environment is built from nothing: the variables that would change what it
runs (an instructor's ``PYTEST_ADDOPTS``, ``ECS_LEARN_*``, real AWS credentials) never
reach it. It is forked from the warm parent, started with ``python -P`` (no script
folder or working directory on its import path), and runs pytest with ``--noconftest``
and an empty ini file, so nothing in the
submission's folder is imported; the kernel is the grader's own interpreter
(``--current-env``), whatever the notebook's metadata names, with a fresh
``IPYTHONDIR`` (no profile, no startup files). The notebook is saved under a fixed
name (``submission.ipynb``) and passed by absolute path, so no file name is ever read
as an option.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
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
from ecs_learn.grading.warm import MARKER_LENGTH, RUNNER_ENV, kept_env
from ecs_learn.notebook import GRADING_ENV
from ecs_learn.sandbox import ENDPOINT_ENV

__all__ = ["NOTEBOOK_NAME", "BoxRun", "RunError", "run_in_box", "runner_args"]

NOTEBOOK_NAME = "submission.ipynb"
RELAY_PORT = 4566
_END_WAIT = 10.0  # seconds for a killed box's processes to be gone


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


def runner_args(lab: Lab, cell_timeout: float, limits: Limits) -> list[str]:
    """The runner's pytest arguments, less the channel, root folder and notebook the box adds."""
    return [
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
    env = kept_env()
    env.update(RUNNER_ENV)
    env.update(
        {
            "HOME": "home",
            "IPYTHONDIR": "ipython",
            "JUPYTER_CONFIG_DIR": "jupyter/config",
            "JUPYTER_DATA_DIR": "jupyter/data",
            "TMPDIR": "tmp",
            "USER": "student",
            "LOGNAME": "student",
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


class _Life:
    """The box's life pipe: the pids its first processes write there, and its end (EOF:
    every process of the box is gone, or, without namespaces, the box's first one)."""

    def __init__(self, fd: int) -> None:
        self.pids: dict[str, int] = {}
        self._told = threading.Condition()
        self._stream = os.fdopen(fd, "rb", buffering=0)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with self._stream:
            for line in self._stream:
                what, _, pid = line.decode("ascii", "replace").partition(" ")
                if pid.strip().isdigit():
                    with self._told:
                        self.pids[what] = int(pid)
                        self._told.notify_all()
        with self._told:
            self._told.notify_all()

    def started(self, *names: str, timeout: float = _END_WAIT) -> bool:
        """Wait until the box has told the pids ``names`` (or ended)."""
        with self._told:
            return self._told.wait_for(
                lambda: all(n in self.pids for n in names) or not self._thread.is_alive(),
                timeout,
            )

    def wait(self, timeout: float) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def end(self, marker: str) -> None:
        """Kill the box: its namespace's first process (which takes the namespace with
        it, and the box's first process then ends), then its session and whatever
        carries its marker; wait until it is gone."""
        first = self.pids.get("init")
        if first is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(first, signal.SIGKILL)
            self.wait(_END_WAIT)
        kill_marked(marker, self.pids.get("box"))
        self.wait(_END_WAIT)


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
    marker = secrets.token_hex(MARKER_LENGTH // 2)
    config = {
        "work": str(work),
        "notebook": NOTEBOOK_NAME,
        "namespaced": slot.caps.namespaced,
        "relay_port": RELAY_PORT,
        "door": slot.door_path,
        "uid": slot.uid,
        "read_anything": slot.caps.read_anything,
        "limits": limits.to_dict(),
        "env": _environment(slot, marker),
        "marker": marker,
        "args": runner_args(lab, cell_timeout, limits),
    }
    warm = slot.warm_parent()
    read_end, write_end = os.pipe()
    life_end, life_write = os.pipe()
    out_end, out_write = os.pipe()
    started = time.monotonic()
    try:
        warm.spawn(config, (write_end, life_write, out_write))
    except OSError:
        for fd in (read_end, life_end, out_end):
            os.close(fd)
        raise
    finally:
        for fd in (write_end, life_write, out_write):
            os.close(fd)
    tail = _Tail(os.fdopen(out_end, "rb"))
    life = _Life(life_end)
    reader = Reader(read_end)
    try:
        # The pids first, so that ending the box never races the box's own start.
        life.started("box", *(("init",) if slot.caps.namespaced else ()))
        reader.read_until(started + timeout)
    finally:
        life.end(marker)
        os.close(read_end)
    if "box" not in life.pids:
        raise RunError(f"the box did not start: {tail.text()[-500:]}")
    return BoxRun(
        cells=tuple(reader.cells),
        running=reader.running,
        timed_out=not (reader.done or reader.eof),
        finished=reader.done,
        tail=tail.text(),
        seconds=time.monotonic() - started,
    )
