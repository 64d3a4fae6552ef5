"""JUnit XML (``--junit``), from grades made in code (no kernel): it parses, and each case
says passed, failure, error or skipped as the grade did."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from ecs_learn.grading.junit import junit_xml, write_junit
from tests.grading.made import CRASH, LAB, TRUST, klass, made


def _suites(tmp_path: Path) -> tuple[ET.Element, dict[str, ET.Element]]:
    write_junit(klass(), LAB, tmp_path / "junit.xml")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    return root, {s.get("name", ""): s for s in root.findall("testsuite")}


def _outcomes(suite: ET.Element) -> dict[str, str]:
    """check id -> passed, or the tag of its one child (failure, error, skipped)."""
    found = {}
    for case in suite.findall("testcase"):
        children = [c.tag for c in case]
        assert len(children) <= 1
        found[case.get("name", "")] = children[0] if children else "passed"
    return found


def test_one_suite_per_student_one_case_per_check(tmp_path: Path) -> None:
    root, suites = _suites(tmp_path)
    assert root.tag == "testsuites" and root.get("name") == "lab 01"
    assert list(suites) == [r.student for r in klass()]
    for suite in suites.values():
        assert [c.get("name") for c in suite.findall("testcase")] == LAB.check_ids()
        assert {c.get("classname") for c in suite.findall("testcase")} == {suite.get("name")}


def test_failures_errors_and_skips_are_the_grades_statuses(tmp_path: Path) -> None:
    _, suites = _suites(tmp_path)
    assert set(_outcomes(suites["ana"]).values()) == {"passed"}
    ben = _outcomes(suites["ben"])
    assert ben == {
        **dict.fromkeys(LAB.check_ids(), "passed"),
        "task-role": "failure",
        "repair-task": "failure",
    }
    assert _outcomes(suites["cleo"])["ec2-task"] == "error"
    assert set(_outcomes(suites["eve"]).values()) == {"skipped"}
    case = suites["ben"].find("testcase[@name='task-role']/failure")
    assert case is not None and case.get("message") == TRUST
    error = suites["cleo"].find("testcase[@name='ec2-task']/error")
    assert error is not None and error.get("message") == CRASH
    skipped = suites["eve"].find("testcase[@name='task-role']/skipped")
    assert skipped is not None and "invalid JSON" in (skipped.get("message") or "")


def test_the_counts_match_the_cases_per_suite_and_in_total(tmp_path: Path) -> None:
    root, suites = _suites(tmp_path)
    for suite in suites.values():
        outcomes = list(_outcomes(suite).values())
        assert suite.get("tests") == str(len(outcomes))
        assert suite.get("failures") == str(outcomes.count("failure"))
        assert suite.get("errors") == str(outcomes.count("error"))  # not the skipped ones
        assert suite.get("skipped") == str(outcomes.count("skipped"))
    for key in ("tests", "failures", "errors", "skipped"):
        assert root.get(key) == str(sum(int(s.get(key, "0")) for s in suites.values()))
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("6", "2", "6")


def test_each_suite_carries_the_status_points_and_isolation(tmp_path: Path) -> None:
    _, suites = _suites(tmp_path)

    def props(name: str) -> dict[str, str]:
        return {p.get("name", ""): p.get("value", "") for p in suites[name].iter("property")}

    assert props("ben") == {
        "status": "graded",
        "points": "9",
        "max_points": "14",
        "isolation": "namespaced",
    }
    assert props("eve")["status"] == "invalid" and props("eve")["isolation"] == "none"


def test_control_characters_in_what_students_typed_keep_the_xml_parseable() -> None:
    """XML 1.0 cannot carry ESC or NUL at all: one such value used to make the whole file
    unreadable for the CI that imports it."""
    found = "found \x1b[31mred\x1b[0m\x00"
    results = [
        made("\x1bmallory", failed={"task-role": f"trusted by: expected x, {found}"}),
        made("eve", status="error", reason="the runner said \x0c"),
    ]
    root = ET.fromstring(junit_xml(results, LAB))
    failure = root.find("testsuite/testcase[@name='task-role']/failure")
    assert failure is not None
    assert failure.get("message") == "trusted by: expected x, found \\x1b[31mred\\x1b[0m\\x00"
    assert root.findall("testsuite")[0].get("name") == "\\x1bmallory"
    skipped = root.find("testsuite[@name='eve']/testcase/skipped")
    assert skipped is not None and skipped.get("message") == "the runner said \\x0c"
