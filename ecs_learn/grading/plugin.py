"""The pytest plugin behind ``ecs-learn grade`` (inert unless ``--ecs-learn-lab`` is given).

With ``--ecs-learn-lab 01``: before any notebook kernel starts, a moto server is started
on loopback and its endpoint put in the environment the kernels inherit, together with
``ECS_LEARN_GRADING=1``; the notebook runs under nbval against that server; at the end
the lab's checks run here, in the grader's process, against what the student actually
created, and the result is written as JSON to ``--ecs-learn-result``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

__all__ = ["pytest_addoption", "pytest_configure"]

# nbval's words when a cell runs past --nbval-cell-timeout and cannot be interrupted
_TIMEOUT = re.compile(r"Timeout of ([0-9.]+) seconds exceeded")


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


class GradingSession:
    """Owns the moto server for one pytest run and records what happened."""

    def __init__(self, lab_id: str, result_path: Path) -> None:
        from ecs_learn.notebook import GRADING_ENV
        from ecs_learn.sandbox import ENDPOINT_ENV
        from ecs_learn.sandbox.server import MotoServer

        self.lab_id = lab_id
        self.result_path = result_path
        self.cells: list[dict[str, Any]] = []
        self.timed_out: dict[str, float] = {}
        self.server = MotoServer(warm=True).start()
        os.environ[ENDPOINT_ENV] = self.server.endpoint
        os.environ[GRADING_ENV] = "1"

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        # nbval interrupts a cell that runs past --nbval-cell-timeout (the cell then fails
        # with KeyboardInterrupt) and records it only by setting ``timed_out`` on the file.
        before = getattr(item.parent, "timed_out", False)
        try:
            return (yield)
        finally:
            if not before and getattr(item.parent, "timed_out", False):
                self.timed_out[item.nodeid] = float(item.config.getoption("nbval_cell_timeout"))

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.outcome == "failed":
            text = str(report.longrepr) if report.failed else ""
            timed_out = _TIMEOUT.search(text)
            limit = self.timed_out.get(report.nodeid)
            if limit is None and timed_out:
                limit = float(timed_out.group(1))
            self.cells.append(
                {
                    "nodeid": report.nodeid,
                    "outcome": report.outcome,
                    "message": text[-2000:],
                    "timeout": limit,
                }
            )

    @pytest.hookimpl
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        from ecs_learn.checks import AccountReader, get_lab

        payload: dict[str, Any] = {"lab_id": self.lab_id, "cells": self.cells}
        try:
            self.server.wait()
            report = get_lab(self.lab_id).run_all(AccountReader.for_endpoint(self.server.endpoint))
            payload["report"] = report.to_dict()
        except Exception as exc:  # recorded for the instructor; the grader decides
            payload["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            self.server.stop()
        tmp = self.result_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        tmp.replace(self.result_path)
