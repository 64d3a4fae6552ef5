"""The instructor's HTML summary: score distribution, pass rate and commonest failure per
check, and the students whose grading hit a limit. One self-contained file (the plot is
an inline SVG drawn here; no plotting library needed)."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from ecs_learn.atomic import write_text_atomic
from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.submission import CheckStatus, SubmissionResult

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


def summary_html(results: list[SubmissionResult], lab: Lab) -> str:
    e = html.escape
    graded = [r for r in results if r.status == "graded"]
    maximum = float(sum(c.points for c in lab.checks))
    rows = []
    for check in lab.checks:
        scores = [s for r in results for s in r.scores if s.check_id == check.id]
        passed = sum(1 for s in scores if s.status is CheckStatus.PASSED)
        failures = Counter(
            s.reason for s in scores if s.status is not CheckStatus.PASSED and s.reason
        )
        common = failures.most_common(1)
        rows.append(
            f"<tr><td>{e(check.id)}</td><td>{passed}/{len(scores)}</td>"
            f"<td>{100 * passed / len(scores) if scores else 0:.0f}%</td>"
            f"<td>{e(common[0][0]) + f' ({common[0][1]})' if common else ''}</td></tr>"
        )
    limited = [r for r in results if r.incidents or r.status != "graded"]
    incidents = "".join(
        f"<li><b>{e(r.student)}</b>: {e('; '.join(r.incidents) or r.reason)}</li>" for r in limited
    )
    mean = sum(r.points for r in results) / len(results) if results else 0.0
    return (
        "<!doctype html><meta charset=utf-8>"
        f"<title>Lab {e(lab.id)} grades</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left}"
        "table{border-collapse:collapse}tr:nth-child(even){background:#f3f3f3}</style>"
        f"<h1>Lab {e(lab.id)}: {e(lab.title)}</h1>"
        f"<p>{len(results)} submissions, {len(graded)} graded; mean {mean:.1f} of {maximum:g}.</p>"
        f"<h2>Score distribution</h2>{histogram_svg([r.points for r in results], maximum)}"
        "<h2>Checks</h2><table><tr><th>check</th><th>passed</th><th>rate</th>"
        f"<th>most common failure</th></tr>{''.join(rows)}</table>"
        f"<h2>Limits hit, not graded</h2><ul>{incidents or '<li>none</li>'}</ul>"
    )


def write_html(results: list[SubmissionResult], lab: Lab, path: Path) -> None:
    write_text_atomic(path, summary_html(results, lab))
