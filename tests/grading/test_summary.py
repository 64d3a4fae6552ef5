"""The instructor's HTML summary, from grades made in code (no kernel): it parses as HTML5
without one error, and names the right failures, limits and isolation."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

import html5lib

from ecs_learn.grading.isolation import PROMISES
from ecs_learn.grading.submission import SubmissionResult
from ecs_learn.grading.summary import histogram_svg, summary_html, write_html
from tests.grading.made import CRASH, LAB, MEMORY, REPAIR, TRUST, klass, made


def _parse(text: str) -> ET.Element:
    """Strict HTML5 parsing: any parse error (a stray tag, a control character) raises."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(text)  # type: ignore[no-any-return]


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())


def _checks_table(root: ET.Element) -> dict[str, list[str]]:
    rows = [[_text(td) for td in tr.findall("td")] for tr in root.iter("tr")]
    return {cells[0]: cells[1:] for cells in rows if cells}


def _section(root: ET.Element, heading: str) -> ET.Element:
    body = root.find("body")
    assert body is not None
    children = list(body)
    for i, child in enumerate(children):
        if child.tag == "h2" and _text(child).startswith(heading):
            return children[i + 1]
    raise AssertionError(f"no section {heading!r}")


def test_the_summary_is_valid_html_with_the_lab_and_a_row_per_check(tmp_path: Path) -> None:
    write_html(klass(), LAB, tmp_path / "summary.html")
    root = _parse((tmp_path / "summary.html").read_text(encoding="utf-8"))
    assert _text(root.find("head/title")) == "Lab 01 grades"  # type: ignore[arg-type]
    assert list(_checks_table(root)) == LAB.check_ids()
    assert "8 submissions, 7 graded" in _text(root)


def test_pass_rates_count_every_submission(tmp_path: Path) -> None:
    table = _checks_table(_parse(summary_html(klass(), LAB)))
    # execution-role: everyone graded passed it; eve (not a notebook) passed nothing
    assert table["execution-role"][:2] == ["7/8", "88%"]
    assert table["task-role"][:2] == ["5/8", "62%"]  # ben and cleo failed, eve not run
    assert table["ec2-task"][:3] == ["4/8", "50%", "2"]  # cleo and zoë crashed, dan failed


def test_the_most_common_failure_is_the_requirement_most_students_failed() -> None:
    """task-role: ben failed only the trust, cleo the policy *and* the trust. Counting whole
    reasons would name either once; the trust is what both got wrong."""
    table = _checks_table(_parse(summary_html(klass(), LAB)))
    assert table["task-role"][3] == f"{TRUST} (2)"
    assert table["repair-task"][3] == f"{REPAIR} (2)"
    assert table["execution-role"][3] == ""


def test_a_crashed_check_is_not_a_students_failure() -> None:
    """ec2-task crashed for two students and failed for one: the failure is the one named."""
    table = _checks_table(_parse(summary_html(klass(), LAB)))
    assert table["ec2-task"][3] == f"{MEMORY} (1)"
    assert CRASH not in table["ec2-task"][3]


def test_the_students_whose_grading_hit_a_limit_or_was_not_graded_are_named() -> None:
    root = _parse(summary_html(klass(), LAB))
    items = [_text(li) for li in _section(root, "Limits hit").iter("li")]
    assert items == [
        "dan: memory in code cell 4",
        "eve: eve.ipynb: invalid JSON (line 1, column 2); export the notebook again",
    ]
    calm = _parse(summary_html([made("ana")], LAB))
    assert [_text(li) for li in _section(calm, "Limits hit").iter("li")] == ["none"]


def test_the_isolation_the_boxes_had_is_named_and_plain_is_a_warning() -> None:
    root = _parse(summary_html(klass(), LAB))
    (item,) = _section(root, "Isolation").iter("li")
    assert _text(item) == f"namespaced (7 submissions): {PROMISES['namespaced']}"
    mixed = [*klass(), replace(made("zed"), isolation="plain")]
    items = list(_section(_parse(summary_html(mixed, LAB)), "Isolation").iter("li"))
    assert [_text(li).split(" (")[0] for li in items] == ["namespaced", "plain"]
    assert items[1].get("class") == "warn"
    assert PROMISES["plain"] in _text(items[1])


def test_the_score_distribution_counts_every_student_once() -> None:
    results = klass()
    svg = ET.fromstring(histogram_svg([r.points for r in results], 14))  # well-formed XML
    titles = [_text(t) for t in svg.iter("{http://www.w3.org/2000/svg}title")]
    counts = {t.split(": ")[0]: int(t.split(": ")[1]) for t in titles}
    assert len(counts) == 10 and sum(counts.values()) == len(results)
    assert counts["12.6–14"] == sum(1 for r in results if r.points == 14)  # the top bin
    assert counts["0–1.4"] == 1  # eve


def test_what_students_typed_cannot_break_the_page() -> None:
    """Reasons quote the account (names a student chose) and the runner's messages."""
    nasty = "\x1b[31m</table><script>alert(1)</script>\x00"
    results: list[SubmissionResult] = [
        made("<b>mallory</b>", failed={"task-role": f"trusted by: expected x, found {nasty}"}),
        made("ok", failed={"task-role": f"trusted by: expected x, found {nasty}"}),
        made("\x07bell", status="error", reason=nasty),
    ]
    page = summary_html(results, LAB)
    root = _parse(page)  # no parse error: the control characters are written as \xNN
    assert root.find(".//script") is None and "<b>mallory" not in page
    assert "found \\x1b[31m</table><script>alert(1)</script>\\x00 (2)" in _text(root)
    assert re.search(r"\\x07bell: ", _text(_section(root, "Limits hit")))
