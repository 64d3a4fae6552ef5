"""How the runner in the box tells the grader what its cells did: JSON lines on a pipe.

The grader makes the pipe and hands its write end to the box, which hands it to the
runner (pytest + nbval); nothing else inherits it (the kernel is started with its file
descriptors closed, and the runner makes itself non-dumpable so that a process of the
same user cannot open it through ``/proc``). Nothing travels through a file in a folder
the submission can write.

Events, in order: ``start`` (a cell begins: its index), ``cell`` (a cell's outcome:
a :class:`~ecs_learn.grading.payload.CellRunDict`), then ``done``. What arrives here
only ever explains a grade; the points come from the checks the grader runs itself.
"""

from __future__ import annotations

import json
import os
import select
import time
from dataclasses import dataclass, field
from typing import Any

from ecs_learn.grading.payload import CellRun

__all__ = ["MAX_LINE", "Reader", "send"]

MAX_LINE = 256 * 1024  # a longer line is dropped (a cell's message is cut to 2,000 chars)


def send(fd: int, event: str, **data: Any) -> None:
    """Write one event as a line, whole (a pipe may take it in several writes)."""
    line = (json.dumps({"event": event, **data}) + "\n").encode()
    view = memoryview(line)
    while view:
        written = os.write(fd, view)
        view = view[written:]


@dataclass
class Reader:
    """The grader's end: collects cells as they come, until ``done``, EOF or a deadline."""

    fd: int
    cells: list[CellRun] = field(default_factory=list)
    running: int | None = None  # the code index of the cell that started last and is not done
    done: bool = False
    eof: bool = False
    _buffer: bytes = b""

    def read_until(self, deadline: float) -> None:
        """Read events until ``done``, the end of the pipe, or ``deadline`` (monotonic)."""
        while not (self.done or self.eof):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(self.fd, 65536)
            if not chunk:
                self.eof = True
                return
            self._feed(chunk)

    def _feed(self, chunk: bytes) -> None:
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        if len(self._buffer) > MAX_LINE:
            self._buffer = b""
        for line in lines:
            if len(line) <= MAX_LINE:
                self._event(line)

    def _event(self, line: bytes) -> None:
        try:
            data = json.loads(line)
            event = data.get("event")
            if event == "start":
                self.running = data.get("code_index")
            elif event == "cell":
                cell = CellRun.from_dict(data["cell"])
                self.cells.append(cell)
                if cell.code_index == self.running:
                    self.running = None
            elif event == "done":
                self.done = True
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # a line the runner did not write whole is no news
