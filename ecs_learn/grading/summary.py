"""The instructor's HTML summary: score distribution, pass rate and commonest failure per
check, the students whose grading hit a limit, and the isolation their boxes had. One
self-contained file (the plot is an inline SVG drawn here; no plotting library needed).

The pass rate counts every submission (one that could not be graded passed nothing). The
most common failure is the requirement most students failed (``label: expected X, found
Y``), with how many; a check that crashed is nobody's failure and has its own column.
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from ecs_learn.atomic import write_text_atomic
from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.isolation import PROMISES
from ecs_learn.grading.markup import markup_text
from ecs_learn.grading.submission import CheckStatus, SubmissionResult, failure_parts

__all__ = ["histogram_svg", "summary_html", "write_html"]


def histogram_svg(scores: list[float], maximum: float, bins: int = 10) -> str:
    """A bar chart of ``scores`` (0..maximum) in ``bins`` bins, as an SVG element."""
    width, height, pad = 480, 200, 30
    counts = [0] * bins
    for score in scores:
        slot = min(bins - 1, int(bins * score / maximum)) if maximum > 0 else 0
        counts[slot] += 1
    top = max(counts) or 1
    bar = (width - 2 * pad) / bins
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'role="img" aria-label="score distribution">'
    ]
    for i, count in enumerate(counts):
        h = (height - 2 * pad) * count / top
        x, y = pad + i * bar, height - pad - h
        low, high = maximum * i / bins, maximum * (i + 1) / bins
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
            f'fill="#4c78a8"><title>{low:g}–{high:g}: {count}</title></rect>'
        )
        if count:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="11" '
                f'text-anchor="middle">{count}</text>'
            )
    parts.append(f'<text x="{pad}" y="{height - 8}" font-size="11">0</text>')
    parts.append(
        f'<text x="{width - pad}" y="{height - 8}" font-size="11" '
        f'text-anchor="end">{maximum:g} points</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _failures(results: list[SubmissionResult], check_id: str) -> Counter[str]:
    """How many students failed each requirement of a check (crashed checks are no
    student's failure, and are counted apart)."""
    counts: Counter[str] = Counter()
    for r in results:
        for s in r.scores:
            if s.check_id == check_id and s.status is CheckStatus.FAILED:
                counts.update(set(failure_parts(s.reason)))
    return counts


def _check_row(results: list[SubmissionResult], check_id: str) -> str:
    e = html.escape
    scores = [s for r in results for s in r.scores if s.check_id == check_id]
    passed = sum(1 for s in scores if s.status is CheckStatus.PASSED)
    crashed = sum(1 for s in scores if s.status is CheckStatus.CRASHED)
    common = _failures(results, check_id).most_common(1)
    failure = f"{e(markup_text(common[0][0]))} ({common[0][1]})" if common else ""
    rate = f"{100 * passed / len(scores):.0f}%" if scores else "–"
    return (
        f"<tr><td>{e(check_id)}</td><td>{passed}/{len(scores)}</td><td>{rate}</td>"
        f"<td>{crashed or ''}</td><td>{failure}</td></tr>"
    )


def _isolation(results: list[SubmissionResult]) -> str:
    """Which isolation the boxes had, and what it promised (a warning for ``plain``)."""
    e = html.escape
    levels = Counter(r.isolation for r in results if r.isolation)
    if not levels:
        return "<p>Isolation: no submission ran in a box.</p>"
    items = []
    for level, count in sorted(levels.items()):
        promise = PROMISES.get(level, "not known to this version of ecs-learn")
        warn = ' class="warn"' if level != "namespaced" else ""
        items.append(
            f"<li{warn}><b>{e(level)}</b> ({count} submission{'s' if count != 1 else ''}): "
            f"{e(promise)}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def summary_html(results: list[SubmissionResult], lab: Lab) -> str:
    e = html.escape
    graded = [r for r in results if r.status == "graded"]
    maximum = float(sum(c.points for c in lab.checks))
    rows = "".join(_check_row(results, check.id) for check in lab.checks)
    limited = [r for r in results if r.incidents or r.status != "graded"]
    incidents = "".join(
        f"<li><b>{e(markup_text(r.student))}</b>: "
        f"{e(markup_text('; '.join(r.incidents) or r.reason))}</li>"
        for r in limited
    )
    mean = sum(r.points for r in results) / len(results) if results else 0.0
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Lab {e(lab.id)} grades</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left}"
        "table{border-collapse:collapse}tr:nth-child(even){background:#f3f3f3}"
        ".warn{color:#a40000}</style></head><body>"
        f"<h1>Lab {e(lab.id)}: {e(lab.title)}</h1>"
        f"<p>{len(results)} submissions, {len(graded)} graded; mean {mean:.1f} of {maximum:g}.</p>"
        f"<h2>Score distribution</h2>{histogram_svg([r.points for r in results], maximum)}"
        "<h2>Checks</h2><table><tr><th>check</th><th>passed</th><th>rate</th>"
        "<th>crashed</th><th>most common failure (students)</th></tr>"
        f"{rows}</table>"
        f"<h2>Limits hit, not graded</h2><ul>{incidents or '<li>none</li>'}</ul>"
        f"<h2>Isolation</h2>{_isolation(results)}"
        "</body></html>\n"
    )


def write_html(results: list[SubmissionResult], lab: Lab, path: Path) -> None:
    write_text_atomic(path, summary_html(results, lab))
