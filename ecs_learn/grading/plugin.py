"""The pytest plugin behind ``ecs-learn grade`` (inert unless ``--ecs-learn-lab`` is given).

It runs in the grading box (see :mod:`ecs_learn.grading.box`), next to the student's
kernel, which talks to the moto server the grader owns (``ECS_LEARN_ENDPOINT``, set by
the box). With ``--ecs-learn-lab 01 --ecs-learn-channel FD`` it reports every cell as it
starts and ends on the channel the grader gave it (:mod:`ecs_learn.grading.channel`);
the lab's checks do not run here but in the grader, against the account, after the box
is gone. Two things it adds to nbval's kernel handling:

* a kernel that dies (``kill -9``, a CPU-time limit, a crash) is noticed within half a
  second, not after the cell timeout: the cell is reported ``kernel died`` with the
  signal, and the cells after it as not run;
* a cell's output beyond ``--ecs-learn-output-limit`` bytes is dropped before nbval keeps
  it, and the cell is reported as having hit the output limit.

What it reads from nbval is public: each code cell is an item carrying the notebook cell
itself (``item.cell``) under the file it came from, whose ``nb`` is the notebook nbval
read. A cell's identity (position, tags) is found by locating that cell in that notebook,
never by parsing a test id, so it does not matter whether nbval numbers items from 0 or 1.

A cell counts as timed out when its call failed and either nbval's failure text says
"Timeout of N seconds exceeded ... executing cell" or the call lasted at least the
configured ``--nbval-cell-timeout`` (nbval lets no cell run longer); the limit recorded
is that configured option.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from ecs_learn.grading import channel
from ecs_learn.grading.payload import CellOutcome, CellRun, Limit

__all__ = [
    "KERNEL_DIED",
    "GradingSession",
    "KernelDiedError",
    "cell_position",
    "cell_run",
    "pytest_addoption",
    "pytest_configure",
]

_TIMEOUT = re.compile(r"Timeout of [0-9.]+ seconds exceeded (?:while )?executing cell")
KERNEL_DIED = "the kernel died: "  # nbval may wrap the error; this text survives
_DEAD_AT_START = "Kernel dead on test start"
_OUTPUT_TYPES = frozenset({"stream", "display_data", "execute_result", "update_display_data"})
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MESSAGE_TAIL = 2000


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ecs-learn", "ecs-learn grading")
    group.addoption("--ecs-learn-lab", default=None, help="grade notebooks as this lab (e.g. 01)")
    group.addoption(
        "--ecs-learn-channel", type=int, default=None, help="file descriptor to report on"
    )
    group.addoption(
        "--ecs-learn-output-limit",
        type=int,
        default=None,
        help="bytes of output a cell may produce",
    )


def pytest_configure(config: pytest.Config) -> None:
    lab_id = config.getoption("ecs_learn_lab")
    if not lab_id:
        return
    _not_dumpable()
    fd = config.getoption("ecs_learn_channel")
    limit = config.getoption("ecs_learn_output_limit")
    session = GradingSession(str(lab_id), fd, limit)
    guard_kernel(session)
    config.pluginmanager.register(session, "ecs-learn-grading")


def _not_dumpable() -> None:
    """Keep processes of the same user (the kernel) out of this one's /proc (fds, memory)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except (OSError, AttributeError):
        pass  # not Linux: nothing to do


class KernelDiedError(RuntimeError):
    """The kernel process ended while a cell ran."""


def _death(kernel: Any) -> str:
    """How the kernel ended, in words: ``killed by signal 9 (SIGKILL)``."""
    process = getattr(getattr(getattr(kernel, "km", None), "provisioner", None), "process", None)
    code = None if process is None else process.poll()
    if code is None:
        return "ended"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "an unknown signal"
        return f"killed by signal {-code} ({name})"
    return f"exited with code {code}"


def _output_size(msg: Mapping[str, Any]) -> int:
    content = msg.get("content") or {}
    if msg.get("msg_type") == "stream":
        return len(str(content.get("text", "")))
    data = content.get("data") or {}
    return sum(len(str(v)) for v in data.values()) if isinstance(data, Mapping) else 0


def _drop_output(msg: dict[str, Any]) -> None:
    content = msg.get("content") or {}
    if msg.get("msg_type") == "stream":
        content["text"] = ""
    elif isinstance(content.get("data"), dict):
        content["data"] = {"text/plain": ""}


def guard_kernel(session: GradingSession) -> None:
    """Wrap nbval's kernel reads: notice a dead kernel quickly, drop output over the limit."""
    from nbval.kernel import RunningKernel

    original = RunningKernel.get_message
    if getattr(original, "_ecs_learn", False):
        session_ref[0] = session
        return
    session_ref[0] = session

    def get_message(self: Any, stream: str, timeout: float | None = None) -> Any:
        from queue import Empty

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = 0.5 if deadline is None else min(0.5, max(0.0, deadline - time.monotonic()))
            try:
                msg = original(self, stream, timeout=left)
            except Empty:
                if not self.is_alive():
                    raise KernelDiedError(f"{KERNEL_DIED}{_death(self)}") from None
                if deadline is not None and time.monotonic() >= deadline:
                    raise
                continue
            current = session_ref[0]
            if current is not None and stream == "iopub":
                current.count_output(msg)
            return msg

    get_message._ecs_learn = True  # type: ignore[attr-defined]
    RunningKernel.get_message = get_message


session_ref: list[GradingSession | None] = [None]


def cell_position(cells: Sequence[Mapping[str, Any]], cell: Mapping[str, Any]) -> tuple[int, int]:
    """``(index, code_index)`` of ``cell`` in ``cells``; ``(-1, -1)`` if it is not there.

    The very object is looked for first; an equal cell (the first one) is the fallback
    for a runner that hands out copies.
    """
    for same in (lambda c: c is cell, lambda c: c == cell):
        code_index = 0
        for index, candidate in enumerate(cells):
            if same(candidate):
                return index, code_index
            if candidate.get("cell_type") == "code":
                code_index += 1
    return -1, -1


def _cell_identity(item: pytest.Item) -> tuple[int | None, int | None, tuple[str, ...]]:
    from ecs_learn.grading.notebooks import cell_tags

    cell = getattr(item, "cell", None)
    notebook = getattr(item.parent, "nb", None)
    cells = notebook.get("cells") if isinstance(notebook, Mapping) else None
    if not isinstance(cell, Mapping):
        return None, None, ()
    index, code_index = cell_position(cells, cell) if isinstance(cells, Sequence) else (-1, -1)
    tags = tuple(cell_tags(dict(cell)))
    return (None, None, tags) if index < 0 else (index, code_index, tags)


def _ran_past_limit(report: pytest.TestReport, text: str, limit: float | None) -> bool:
    if report.when != "call" or not report.failed:
        return False
    return bool(_TIMEOUT.search(text)) or (limit is not None and report.duration >= limit)


def cell_run(item: pytest.Item, report: pytest.TestReport, limit: float | None) -> CellRun | None:
    """What ``report`` (one phase of ``item``) says about its cell; ``None`` if nothing.

    A passed setup or teardown says nothing; any failure, the call's outcome and a skip do.
    A cell that found the kernel already dead did not run (``SKIPPED``).
    """
    if report.passed and report.when != "call":
        return None
    text = _ANSI.sub("", report.longreprtext) if report.failed else ""
    if KERNEL_DIED in text:
        outcome = CellOutcome.DIED
    elif _DEAD_AT_START in text:
        outcome = CellOutcome.SKIPPED
    elif _ran_past_limit(report, text, limit):
        outcome = CellOutcome.TIMED_OUT
    elif report.failed:
        outcome = CellOutcome.FAILED
    elif report.skipped:
        outcome = CellOutcome.SKIPPED
    else:
        outcome = CellOutcome.PASSED
    index, code_index, tags = _cell_identity(item)
    return CellRun(
        index=index,
        code_index=code_index,
        tags=tags,
        outcome=outcome,
        timeout=limit if outcome is CellOutcome.TIMED_OUT else None,
        message=text[-_MESSAGE_TAIL:],
        limit=limit_hit(outcome, text),
    )


_LIMIT_SIGNS: tuple[tuple[Limit, tuple[str, ...]], ...] = (
    (Limit.MEMORY, ("MemoryError", "Cannot allocate memory")),
    (Limit.CPU, ("SIGXCPU",)),
    (Limit.FILE_SIZE, ("File too large", "SIGXFSZ")),
    (Limit.PROCESSES, ("Resource temporarily unavailable", "BlockingIOError: [Errno 11]")),
)


def limit_hit(outcome: CellOutcome, text: str) -> Limit | None:
    """The box limit a failed or dead cell's text shows it ran into, if any."""
    if outcome not in (CellOutcome.FAILED, CellOutcome.DIED):
        return None
    tail = text[-_MESSAGE_TAIL:]
    for limit, signs in _LIMIT_SIGNS:
        if any(sign in tail for sign in signs):
            return limit
    return None


class GradingSession:
    """Reports each cell of one pytest run on the grader's channel as it runs."""

    def __init__(self, lab_id: str, fd: int | None, output_limit: int | None) -> None:
        self.lab_id = lab_id
        self.fd = fd
        self.output_limit = output_limit
        self.items: dict[str, pytest.Item] = {}
        self.cells: dict[str, CellRun] = {}  # by node id, in the order the cells ran
        self.current: str | None = None
        self._output: dict[str, int] = {}
        self.over_limit: set[str] = set()

    def _send(self, event: str, **data: Any) -> None:
        if self.fd is not None:
            channel.send(self.fd, event, **data)

    def count_output(self, msg: dict[str, Any]) -> None:
        """Count a cell's output; past the limit, empty the message before nbval keeps it."""
        if self.output_limit is None or self.current is None:
            return
        if msg.get("msg_type") not in _OUTPUT_TYPES:
            return
        total = self._output.get(self.current, 0) + _output_size(msg)
        self._output[self.current] = total
        if total > self.output_limit:
            self.over_limit.add(self.current)
            _drop_output(msg)

    @pytest.hookimpl
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = {item.nodeid: item for item in session.items}

    @pytest.hookimpl
    def pytest_runtest_logstart(self, nodeid: str, location: object) -> None:
        item = self.items.get(nodeid)
        if item is None or getattr(item, "cell", None) is None:
            return
        self.current = nodeid
        index, code_index, _ = _cell_identity(item)
        self._send("start", index=index, code_index=code_index)

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        item = self.items.get(report.nodeid)
        if item is None or getattr(item, "cell", None) is None:
            return  # not a notebook cell
        limit = item.config.getoption("nbval_cell_timeout", default=None)
        run = cell_run(item, report, None if limit is None else float(limit))
        previous = self.cells.get(report.nodeid)
        if run is None or (previous is not None and previous.outcome is not CellOutcome.PASSED):
            return  # the first thing that went wrong with a cell is what it is reported by
        self.cells[report.nodeid] = run

    @pytest.hookimpl
    def pytest_runtest_logfinish(self, nodeid: str, location: object) -> None:
        run = self.cells.get(nodeid)
        if run is None:
            return
        if nodeid in self.over_limit and run.limit is None:
            run = CellRun(
                run.index,
                run.code_index,
                run.tags,
                run.outcome,
                run.timeout,
                run.message,
                Limit.OUTPUT,
            )
            self.cells[nodeid] = run
        self._send("cell", cell=run.to_dict())
        self.current = None

    @pytest.hookimpl
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self._send("done")
