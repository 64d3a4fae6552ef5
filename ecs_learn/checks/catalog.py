"""The labs that exist, read from ``labs/labs.yaml`` (data), and their checks (code)."""

from __future__ import annotations

import dataclasses
import functools
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Check, run_check
from ecs_learn.checks.result import CheckResult, LabReport
from ecs_learn.errors import EcsLearnError
from ecs_learn.resources import labs_dir

__all__ = [
    "Lab",
    "LabEntry",
    "UnknownCheckError",
    "UnknownLabError",
    "get_lab",
    "lab_entries",
    "list_labs",
]


class UnknownLabError(EcsLearnError, LookupError):
    """A lab id that does not exist; the message lists the valid ones."""


class UnknownCheckError(EcsLearnError, LookupError):
    """A check id that does not exist in a lab; the message lists the valid ones."""


@dataclass(frozen=True)
class LabEntry:
    """A lab's metadata alone (reading it imports no checks, boto3 or moto)."""

    id: str
    slug: str
    title: str
    notebook: str
    summary: str
    checks_module: str


@dataclass(frozen=True)
class Lab(LabEntry):
    """A lab: its metadata and its checks, in notebook order. ``behaviour`` names the checks
    that judge what the account does under the runtime (a checks module's ``BEHAVIOUR``), for
    the architecture review."""

    checks: tuple[Check, ...] = ()
    behaviour: tuple[str, ...] = ()

    @property
    def notebook_path(self) -> Path:
        return labs_dir() / self.notebook

    def check_ids(self) -> list[str]:
        return [c.id for c in self.checks]

    def get_check(self, check_id: str) -> Check:
        for item in self.checks:
            if item.id == check_id:
                return item
        raise UnknownCheckError(
            f"lab {self.id} has no check {check_id!r}; its checks are: "
            + ", ".join(self.check_ids())
        )

    def run(
        self, check_id: str, reader: AccountReader, *, at: str = "", account: str = ""
    ) -> CheckResult:
        """Run one check; ``at`` (ISO time) and ``account`` (a session label) are recorded
        on the result so that a saved panel says when and against what it was judged."""
        return run_check(self.id, self.get_check(check_id), reader, at=at, account=account)

    def run_all(self, reader: AccountReader, *, at: str = "", account: str = "") -> LabReport:
        return LabReport(
            self.id,
            tuple(run_check(self.id, c, reader, at=at, account=account) for c in self.checks),
        )


@functools.lru_cache(maxsize=1)
def _catalog() -> tuple[dict[str, Any], ...]:
    import yaml

    path = labs_dir() / "labs.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(data["labs"])


def lab_entries() -> list[LabEntry]:
    """Every lab's metadata, in course order."""
    return [
        LabEntry(e["id"], e["slug"], e["title"], e["notebook"], e["summary"], e["checks"])
        for e in _catalog()
    ]


def list_labs() -> list[Lab]:
    """Every lab, in course order."""
    return [_load(entry) for entry in lab_entries()]


def get_lab(lab_id: str) -> Lab:
    """The lab with id (``"01"``) or slug (``"task-definitions"``); 1 works for ``"01"``."""
    wanted = str(lab_id).strip()
    for entry in lab_entries():
        if wanted in (entry.id, entry.slug, entry.id.lstrip("0")):
            return _load(entry)
    valid = ", ".join(f"{e.id} ({e.slug})" for e in lab_entries())
    raise UnknownLabError(f"there is no lab {lab_id!r}; the labs are: {valid}")


@functools.cache
def _load(entry: LabEntry) -> Lab:
    module = importlib.import_module(entry.checks_module)
    return Lab(
        **dataclasses.asdict(entry),
        checks=tuple(module.CHECKS),
        behaviour=tuple(getattr(module, "BEHAVIOUR", ())),
    )
