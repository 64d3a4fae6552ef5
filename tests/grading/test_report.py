"""The gradebook CSV and the everything-JSON, from grades made in code (no kernel)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from ecs_learn.grading.report import CSV_COLUMNS_AFTER_CHECKS, write_csv, write_json
from ecs_learn.grading.submission import SubmissionResult, student_name, zero_result
from tests.grading.made import CRASH, LAB, REPAIR, klass, made


def _rows(results: list[SubmissionResult], tmp_path: Path) -> list[dict[str, str]]:
    write_csv(results, LAB, tmp_path / "grades.csv")
    with (tmp_path / "grades.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_csv_is_one_row_per_student_one_numeric_column_per_check_and_a_total(
    tmp_path: Path,
) -> None:
    results = klass()
    write_csv(results, LAB, tmp_path / "grades.csv")
    with (tmp_path / "grades.csv").open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header == ["student", "status", *LAB.check_ids(), *CSV_COLUMNS_AFTER_CHECKS]
    assert len(rows) == len(results)
    by_name = dict(zip(header, zip(*rows, strict=True), strict=True))
    assert list(by_name["student"]) == ["'-x", "'=1+1", "ana", "ben", "cleo", "dan", "eve", "zoë"]
    for i, r in enumerate(results):
        points = {c: float(by_name[c][i]) for c in LAB.check_ids()}
        assert points == r.checks
        assert float(by_name["total"][i]) == sum(points.values()) == r.points
        assert float(by_name["max"][i]) == 14
    ben = rows[3]
    assert dict(zip(header, ben, strict=True))["task-role"] == "0"
    assert dict(zip(header, ben, strict=True))["repair-task"] == "0"
    assert dict(zip(header, ben, strict=True))["total"] == "9"


def test_the_csv_keeps_crashed_checks_and_reasons_apart(tmp_path: Path) -> None:
    rows = {r["student"]: r for r in _rows(klass(), tmp_path)}
    assert rows["cleo"]["crashed"] == f"ec2-task: {CRASH}"
    assert rows["ben"]["crashed"] == ""
    assert rows["eve"]["status"] == "invalid" and rows["eve"]["total"] == "0"
    assert rows["eve"]["feedback"].startswith("eve.ipynb: invalid JSON")
    assert "repair-task: " + REPAIR in rows["ben"]["feedback"]


def test_no_text_cell_reads_as_a_formula_and_the_numbers_stay_numbers(tmp_path: Path) -> None:
    hostile = [
        made("=HYPERLINK(1)", feedback=("=cmd|' /C calc'!A0",)),
        made("+1", crashed={"ec2-task": "x"}),
        made("@SUM(1)"),
        made("\tname"),
        made("plain", feedback=("-1 is fine as text too",)),
    ]
    rows = _rows(hostile, tmp_path)
    for row in rows:
        for column in ("student", "feedback", "crashed"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), row
        for c in LAB.check_ids():
            float(row[c])  # still a number
    assert [r["student"] for r in rows] == ["'=HYPERLINK(1)", "'+1", "'@SUM(1)", "'\tname", "plain"]
    assert rows[0]["feedback"] == "'=cmd|' /C calc'!A0"
    assert rows[4]["feedback"] == "'-1 is fine as text too"


def test_a_file_name_that_is_not_utf8_still_gets_its_row(tmp_path: Path) -> None:
    """Linux hands such a name to Python as lone surrogates, which no report could encode."""
    path = tmp_path / os.fsdecode(b"caf\xe9.ipynb")
    assert student_name(path) == "caf\\xe9"
    result = zero_result(path, LAB, "invalid", "not a notebook")
    write_json([result], LAB, tmp_path / "grades.json")
    (row,) = _rows([result], tmp_path)
    assert row["student"] == "caf\\xe9"


def test_the_json_carries_everything_and_reads_back_equal(tmp_path: Path) -> None:
    results = klass()
    write_json(results, LAB, tmp_path / "grades.json")
    data = json.loads((tmp_path / "grades.json").read_text(encoding="utf-8"))
    assert data["lab"] == "01" and data["checks"] == LAB.check_ids()
    assert data["shard"] is None
    assert [SubmissionResult.from_dict(s) for s in data["students"]] == results
    cleo = next(s for s in data["students"] if s["student"] == "cleo")
    assert cleo["check_results"]["ec2-task"] == {
        "status": "crashed",
        "points": 0.0,
        "max_points": 2.0,
        "reason": CRASH,
    }
    assert cleo["check_results"]["task-role"]["status"] == "failed"
    assert cleo["isolation"] == "namespaced"
    dan = next(s for s in data["students"] if s["student"] == "dan")
    assert dan["incidents"] == ["memory in code cell 4"]
    eve = next(s for s in data["students"] if s["student"] == "eve")
    assert {v["status"] for v in eve["check_results"].values()} == {"not run"}
    assert eve["isolation"] == ""


def test_the_json_of_a_shard_names_it(tmp_path: Path) -> None:
    write_json(klass()[:2], LAB, tmp_path / "shard.json", (2, 4))
    assert json.loads((tmp_path / "shard.json").read_text(encoding="utf-8"))["shard"] == [2, 4]


def test_json_written_before_isolation_was_recorded_still_reads(tmp_path: Path) -> None:
    data = made("ana").to_dict()
    del data["isolation"]  # type: ignore[misc]
    assert SubmissionResult.from_dict(data).isolation == ""
