"""HTML panels for check results (what was expected, what was found, a hint): the
``_repr_html_`` of results, kept in the results layer so it depends on nothing above."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecs_learn.checks.result import CheckResult, LabReport

__all__ = ["report_html", "result_html"]

_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#9a6700"}
_HEADS = {"passed": "Passed", "failed": "Not yet", "error": "The check itself failed"}


def result_html(result: CheckResult) -> str:
    """A self-contained panel (inline styles only, so it renders in any notebook viewer)."""
    status = result.status.value
    colour = _COLOURS[status]
    rows = "".join(
        "<tr>"
        f"<td style='padding:2px 8px'>{'✔' if r.ok else '✘'}</td>"
        f"<td style='padding:2px 8px'>{escape(r.label)}</td>"
        f"<td style='padding:2px 8px'>{escape(r.expected)}</td>"
        f"<td style='padding:2px 8px'>{escape(r.found)}</td>"
        "</tr>"
        for r in sorted(result.requirements, key=lambda r: r.ok)
    )
    table = (
        "<table style='border-collapse:collapse;margin-top:4px'>"
        "<tr><th></th><th style='text-align:left;padding:2px 8px'>what</th>"
        "<th style='text-align:left;padding:2px 8px'>expected</th>"
        "<th style='text-align:left;padding:2px 8px'>found</th></tr>"
        f"{rows}</table>"
        if rows
        else ""
    )
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
        f" style='border-left:6px solid {colour};padding:6px 10px;margin:4px 0'>"
        f"<div><b style='color:{colour}'>{_HEADS[status]}</b> — "
        f"<b>{escape(result.title)}</b> <code>{escape(result.check_id)}</code> "
        f"({result.points:g}/{result.max_points:g} points)</div>{table}{extra}</div>"
    )


def report_html(report: LabReport) -> str:
    """Every check of a lab, one panel each, under a score line."""
    panels = "".join(result_html(r) for r in report.results)
    return (
        f"<div class='ecs-learn-report'><div><b>Lab {escape(report.lab_id)}</b>: "
        f"{report.points:g}/{report.max_points:g} points</div>{panels}</div>"
    )
