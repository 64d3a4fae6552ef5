"""A pytest plugin for grading runs under test: lab 01's ``task-role`` check crashes.

Loaded into the grading subprocess with ``-p tests.grading.crashing_checks``; the check
raises as a buggy check would, whatever the account holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pytest

from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.result import Requirement

CRASHING = "task-role"
ERROR = KeyError("RoleLastUsed")


def _crash(aws: AccountReader) -> Iterable[Requirement]:
    raise ERROR


def pytest_configure(config: pytest.Config) -> None:
    from ecs_learn.checks import catalog, lab01

    lab01.CHECKS = tuple(replace(c, func=_crash) if c.id == CRASHING else c for c in lab01.CHECKS)
    catalog._load.cache_clear()
