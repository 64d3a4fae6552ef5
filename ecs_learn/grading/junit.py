"""Grades as JUnit XML: one test suite per student, one test case per check.

A failed check is a ``<failure>``, a crashed one an ``<error>``, one that never ran
``<skipped>``; each suite's ``failures``, ``errors`` and ``skipped`` count those, and
``<testsuites>`` adds them up. Each suite's properties carry the student's status,
points, maximum and the isolation its box had.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from ecs_learn.atomic import write_text_atomic
from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.markup import markup_text
from ecs_learn.grading.submission import CheckStatus, SubmissionResult

__all__ = ["junit_xml", "write_junit"]

_CASE_CHILD = {
    CheckStatus.FAILED: ("failure", "failed"),
    CheckStatus.CRASHED: ("error", "the check crashed"),
    CheckStatus.NOT_RUN: ("skipped", "not run"),
}


def _count(r: SubmissionResult, status: CheckStatus) -> int:
    return sum(1 for s in r.scores if s.status is status)


def junit_xml(results: list[SubmissionResult], lab: Lab) -> str:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suites = ET.Element("testsuites", name=f"lab {lab.id}")
    for r in results:
        counts = {
            "tests": len(r.scores),
            "failures": _count(r, CheckStatus.FAILED),
            "errors": _count(r, CheckStatus.CRASHED),
            "skipped": _count(r, CheckStatus.NOT_RUN),
        }
        for key, count in counts.items():
            totals[key] += count
        attributes = {"name": markup_text(r.student)} | {k: str(v) for k, v in counts.items()}
        suite = ET.SubElement(suites, "testsuite", attributes)
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("status", r.status),
            ("points", f"{r.points:g}"),
            ("max_points", f"{r.max_points:g}"),
            ("isolation", r.isolation or "none"),
        ):
            ET.SubElement(properties, "property", name=name, value=value)
        for s in r.scores:
            case = ET.SubElement(
                suite, "testcase", classname=markup_text(r.student), name=s.check_id
            )
            if s.status in _CASE_CHILD:
                tag, default = _CASE_CHILD[s.status]
                why = r.reason if s.status is CheckStatus.NOT_RUN else s.reason
                ET.SubElement(case, tag, message=markup_text(why or default))
    for key, total in totals.items():
        suites.set(key, str(total))
    return ET.tostring(suites, encoding="unicode") + "\n"


def write_junit(results: list[SubmissionResult], lab: Lab, path: Path) -> None:
    write_text_atomic(path, '<?xml version="1.0" encoding="utf-8"?>\n' + junit_xml(results, lab))
