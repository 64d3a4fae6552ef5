"""Grades as JUnit XML: one test suite per student, one test case per check."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from ecs_learn.atomic import write_text_atomic
from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.submission import CheckStatus, SubmissionResult

__all__ = ["junit_xml", "write_junit"]


def junit_xml(results: list[SubmissionResult], lab: Lab) -> str:
    suites = ET.Element("testsuites", name=f"lab {lab.id}")
    for r in results:
        failed = sum(1 for s in r.scores if s.status is CheckStatus.FAILED)
        errors = sum(
            1
            for s in r.scores
            if s.status is not CheckStatus.FAILED and s.status is not CheckStatus.PASSED
        )
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=r.student,
            tests=str(len(r.scores)),
            failures=str(failed),
            errors=str(errors),
        )
        for s in r.scores:
            case = ET.SubElement(suite, "testcase", classname=r.student, name=s.check_id)
            if s.status is CheckStatus.FAILED:
                ET.SubElement(case, "failure", message=s.reason or "failed")
            elif s.status is CheckStatus.CRASHED:
                ET.SubElement(case, "error", message=s.reason or "the check crashed")
            elif s.status is CheckStatus.NOT_RUN:
                ET.SubElement(case, "skipped", message=r.reason or "not run")
    return ET.tostring(suites, encoding="unicode") + "\n"


def write_junit(results: list[SubmissionResult], lab: Lab, path: Path) -> None:
    write_text_atomic(path, '<?xml version="1.0" encoding="utf-8"?>\n' + junit_xml(results, lab))
