"""HTML panels for check results (what was expected, what was found, a hint): the
``_repr_html_`` of results, kept in the results layer so it depends on nothing above.

Every cell carries its own ``text-align``/margin styles: JupyterLab's rendered-HTML CSS
right-aligns table cells and centres tables, and inline styles are what beats it in any
notebook viewer. Long values (ARNs, image URIs) may wrap after ``/``, ``:`` and ``@``, and
inside a long run of letters and digits (a digest, an id) every 16 characters, so that a
panel fits its cell; shorter words never break.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecs_learn.checks.result import CheckResult, LabReport, Requirement

__all__ = ["report_html", "result_html", "score_bar", "wrappable"]

_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#9a6700"}
_HEADS = {"passed": "Passed", "failed": "Not yet", "error": "The check itself failed"}
_MARKS = {"passed": "✔", "failed": "✘", "error": "⚠"}
_TABLE = (
    "border-collapse:collapse;margin:4px 0 0 0;table-layout:auto;width:auto;"
    "max-width:100%;font-size:inherit"
)
_CELL = (
    "text-align:left;vertical-align:top;padding:2px 8px;border:none;"
    "word-break:normal;overflow-wrap:normal;white-space:normal"
)


_LONG_RUN = re.compile(r"[0-9A-Za-z]{24,}")
_RUN_PIECE = 16


def _break_run(match: re.Match[str]) -> str:
    run = match.group(0)
    return "<wbr>".join(run[i : i + _RUN_PIECE] for i in range(0, len(run), _RUN_PIECE))


def wrappable(text: str) -> str:
    """Escaped ``text`` with a line-break opportunity after every ``/``, ``:`` and ``@``,
    and every 16 characters of a run of 24 or more letters and digits (a sha256 digest)."""
    return _LONG_RUN.sub(_break_run, re.sub(r"([/:@])", r"\1<wbr>", escape(text)))


def _td(content: str, extra: str = "", colspan: int = 1) -> str:
    span = f" colspan='{colspan}'" if colspan > 1 else ""
    return f"<td{span} style='{_CELL}{extra}'>{content}</td>"


def _row(r: Requirement) -> str:
    mark = _td("✔" if r.ok else "✘", f";color:{_COLOURS['passed' if r.ok else 'failed']}")
    label = _td(escape(r.label))
    if r.ok and r.expected == r.found:  # said once, across both columns
        values = _td(wrappable(r.found), ";color:#57606a", colspan=2)
    else:
        values = _td(wrappable(r.expected)) + _td(
            f"<b>{wrappable(r.found)}</b>" if not r.ok else wrappable(r.found)
        )
    worth = _td(f"{r.earned:g}/{r.worth:g}", ";color:#57606a;white-space:nowrap") if r.worth else ""
    hint = ""
    if r.hint:
        arrow = _td(f"→ {wrappable(r.hint)}", ";color:#57606a", colspan=4)
        hint = f"<tr>{_td('')}{arrow}</tr>"
    return f"<tr>{mark}{label}{values}{worth}</tr>{hint}"


def _table(result: CheckResult) -> str:
    if not result.requirements:
        return ""
    priced = any(r.worth for r in result.requirements)
    heads = ["", "what", "expected", "found"] + (["points"] if priced else [])
    head = "".join(f"<th style='{_CELL};font-weight:600'>{h}</th>" for h in heads)
    rows = "".join(_row(r) for r in sorted(result.requirements, key=lambda r: r.ok))
    return f"<table style='{_TABLE}'><tr>{head}</tr>{rows}</table>"


def _judged_line(result: CheckResult) -> str:
    parts = []
    if result.judged:
        parts.append(f"judged <code>{escape(result.judged)}</code>")
    if result.judged_at:
        parts.append(f"at {escape(result.judged_at[11:19] or result.judged_at)} UTC")
    if result.account:
        parts.append(f"in mocked account session <code>{escape(result.account)}</code>")
    if not parts:
        return ""
    return f"<div style='margin-top:4px;color:#57606a;font-size:90%'>{' '.join(parts)}</div>"


def result_html(result: CheckResult) -> str:
    """A self-contained panel (inline styles only, so it renders in any notebook viewer)."""
    status = result.status.value
    colour = _COLOURS[status]
    extra = ""
    if result.error:
        extra += (
            "<div style='margin-top:4px'>This is a fault in the check, not in your work: "
            f"<code>{escape(result.error)}</code></div>"
        )
    if not result.passed and result.hint:
        extra += f"<div style='margin-top:4px'><b>Hint:</b> {escape(result.hint)}</div>"
    return (
        f"<div class='ecs-learn-check ecs-learn-{status}' data-check-id='{escape(result.check_id)}'"
        f" style='border-left:6px solid {colour};padding:6px 10px;margin:4px 0;text-align:left'>"
        f"<div><b style='color:{colour}'>{_HEADS[status]}</b> — "
        f"<b>{escape(result.title)}</b> <code>{escape(result.check_id)}</code> "
        f"({result.points:g}/{result.max_points:g} points)</div>"
        f"{_table(result)}{extra}{_judged_line(result)}</div>"
    )


def score_bar(points: float, max_points: float, width: int = 160) -> str:
    """A small horizontal bar, filled in proportion to the score."""
    share = 0.0 if not max_points else max(0.0, min(1.0, points / max_points))
    return (
        f"<span class='ecs-learn-score-bar' style='display:inline-block;vertical-align:middle;"
        f"width:{width}px;height:10px;background:#d0d7de;border-radius:5px;overflow:hidden'>"
        f"<span style='display:block;height:10px;width:{share * 100:.0f}%;"
        f"background:#1a7f37'></span></span>"
    )


def report_html(report: LabReport) -> str:
    """A summary: the score with a bar, then one line per check; details on demand."""
    lines = []
    for r in report.results:
        status = r.status.value
        summary = (
            f"<span style='color:{_COLOURS[status]}'>{_MARKS[status]}</span> "
            f"<code>{escape(r.check_id)}</code> {escape(r.title)} "
            f"<span style='color:#57606a'>{r.points:g}/{r.max_points:g}</span> "
            f"{score_bar(r.points, r.max_points, 60)}"
        )
        lines.append(
            f"<details class='ecs-learn-report-line ecs-learn-line-{status}' "
            f"data-check-id='{escape(r.check_id)}' style='margin:2px 0'>"
            f"<summary style='cursor:pointer'>{summary}</summary>{result_html(r)}</details>"
        )
    done = sum(r.passed for r in report.results)
    return (
        f"<div class='ecs-learn-report' style='text-align:left'><div style='margin-bottom:4px'>"
        f"<b>Lab {escape(report.lab_id)}</b>: {report.points:g}/{report.max_points:g} points "
        f"{score_bar(report.points, report.max_points)} "
        f"<span style='color:#57606a'>{done} of {len(report.results)} exercises done"
        f" · click a line for its details</span></div>{''.join(lines)}</div>"
    )
