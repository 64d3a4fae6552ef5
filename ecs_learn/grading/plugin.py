"""The pytest plugin behind ``ecs-learn grade`` (inert unless ``--ecs-learn-lab`` is given).

With ``--ecs-learn-lab 01``: before any notebook kernel starts, a moto server is started
on loopback and its endpoint put in the environment the kernels inherit, together with
``ECS_LEARN_GRADING=1``; the notebook runs under nbval against that server; at the end
the lab's checks run here, in the grader's process, against what the student actually
created, and a :class:`~ecs_learn.grading.payload.GradingPayload` is written to
``--ecs-learn-result``.

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

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from ecs_learn.grading.payload import CellOutcome, CellRun, GradingPayload, write_payload

__all__ = ["GradingSession", "cell_position", "cell_run", "pytest_addoption", "pytest_configure"]

_TIMEOUT = re.compile(r"Timeout of [0-9.]+ seconds exceeded (?:while )?executing cell")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MESSAGE_TAIL = 2000


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ecs-learn", "ecs-learn grading")
    group.addoption("--ecs-learn-lab", default=None, help="grade notebooks as this lab (e.g. 01)")
    group.addoption(
        "--ecs-learn-result", default=None, help="where to write the grading result (JSON)"
    )


def pytest_configure(config: pytest.Config) -> None:
    lab_id = config.getoption("ecs_learn_lab")
    if not lab_id:
        return
    result = config.getoption("ecs_learn_result") or "ecs-learn-result.json"
    config.pluginmanager.register(GradingSession(str(lab_id), Path(result)), "ecs-learn-grading")


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
    """
    if report.passed and report.when != "call":
        return None
    text = _ANSI.sub("", report.longreprtext) if report.failed else ""
    if _ran_past_limit(report, text, limit):
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
    )


class GradingSession:
    """Owns the moto server for one pytest run and records what happened."""

    def __init__(self, lab_id: str, result_path: Path) -> None:
        from ecs_learn.notebook import GRADING_ENV
        from ecs_learn.sandbox import ENDPOINT_ENV
        from ecs_learn.sandbox.server import MotoServer

        self.lab_id = lab_id
        self.result_path = result_path
        self.items: dict[str, pytest.Item] = {}
        self.cells: dict[str, CellRun] = {}  # by node id, in the order the cells ran
        self.server = MotoServer(warm=True).start()
        os.environ[ENDPOINT_ENV] = self.server.endpoint
        os.environ[GRADING_ENV] = "1"

    @pytest.hookimpl
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = {item.nodeid: item for item in session.items}

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
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        from ecs_learn.checks import AccountReader, get_lab

        cells = tuple(self.cells.values())
        try:
            self.server.wait()
            report = get_lab(self.lab_id).run_all(AccountReader.for_endpoint(self.server.endpoint))
            payload = GradingPayload(self.lab_id, cells, results=report.results)
        except Exception as exc:  # recorded for the instructor; the grader decides
            payload = GradingPayload(self.lab_id, cells, error=f"{type(exc).__name__}: {exc}")
        finally:
            self.server.stop()
        write_payload(payload, self.result_path)
