"""Grade a folder of submitted notebooks: each in its own process, kernel and moto server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.notebooks import (
    NotebookError,
    cell_check_id,
    cell_tags,
    read_notebook,
    write_notebook,
)

__all__ = [
    "SubmissionResult",
    "grade_folder",
    "grade_submission",
    "prepare_submission",
    "zero_result",
]

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class SubmissionResult:
    """One student's outcome. ``status``: graded, invalid (not a notebook) or error."""

    student: str
    path: str
    status: str
    points: float
    max_points: float
    checks: dict[str, float] = field(default_factory=dict)
    feedback: list[str] = field(default_factory=list)
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "student": self.student,
            "path": self.path,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "checks": self.checks,
            "feedback": self.feedback,
            "reason": self.reason,
        }


def prepare_submission(nb: dict[str, Any], lab: Lab) -> tuple[dict[str, Any], list[str]]:
    """Restore every check cell from the lab (by tag and id) and clear outputs.

    Returns the notebook to run and notes about check cells that were missing or edited.
    """
    notes: list[str] = []
    seen: set[str] = set()
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        cell["outputs"] = []
        cell["execution_count"] = None
        check_id = cell_check_id(cell)
        if check_id is None:
            continue
        canonical = f'lab.check("{check_id}")'
        source = cell.get("source", "")
        if ("".join(source) if isinstance(source, list) else source).strip() != canonical:
            notes.append(f"the check cell for {check_id!r} was edited; it was restored")
        cell["source"] = canonical
        seen.add(check_id)
    for check_id in lab.check_ids():
        if check_id not in seen:
            notes.append(f"the check cell for {check_id!r} is missing (graded all the same)")
    return nb, notes


def _student_name(path: Path) -> str:
    return path.stem


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _failed_cells(nb: dict[str, Any], cells: list[dict[str, Any]]) -> list[str]:
    """Feedback for failing cells that are not check cells (nbval numbers code cells only)."""
    code_cells = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    lines: list[str] = []
    for cell in cells:
        if cell["outcome"] != "failed":
            continue
        match = re.search(r"Cell (\d+)", cell["nodeid"])
        ordinal = int(match.group(1)) if match else -1
        tags = cell_tags(code_cells[ordinal]) if 0 <= ordinal < len(code_cells) else []
        if any(t.startswith("check:") for t in tags):
            continue  # reported through the check's own result
        if cell.get("timeout") is not None:
            lines.append(
                f"code cell {ordinal + 1} ran longer than the {cell['timeout']:g} s allowed "
                "and was stopped"
            )
            continue
        message = _ANSI.sub("", cell["message"])
        last = [ln for ln in message.splitlines() if ln.strip()][-1:] or [""]
        lines.append(f"code cell {ordinal + 1} raised an error: {last[0].strip()[:300]}")
    return lines


def zero_result(
    path: Path, lab: Lab, status: str, reason: str, notes: list[str] | None = None
) -> SubmissionResult:
    """No points, with the reason (not a notebook, a run that could not finish...)."""
    return SubmissionResult(
        _student_name(path),
        str(path),
        status,
        0.0,
        float(sum(c.points for c in lab.checks)),
        {c.id: 0.0 for c in lab.checks},
        list(notes or []),
        reason,
    )


def _pytest_command(notebook: Path, lab: Lab, result_file: Path, cell_timeout: float) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ecs_learn.grading.pytest_main",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval-lax",
        f"--nbval-cell-timeout={cell_timeout:g}",
        f"--ecs-learn-lab={lab.id}",
        f"--ecs-learn-result={result_file}",
        "--rootdir",
        str(notebook.parent),
        notebook.name,
    ]


def _feedback(results: list[dict[str, Any]]) -> list[str]:
    feedback: list[str] = []
    for r in results:
        if r["status"] == "failed":
            wrong = [q for q in r["requirements"] if not q["ok"]]
            detail = "; ".join(
                f"{q['label']}: expected {q['expected']}, found {q['found']}" for q in wrong
            )
            feedback.append(f"{r['check_id']}: {detail} (hint: {r['hint']})")
        elif r["status"] == "error":
            feedback.append(f"{r['check_id']}: the check itself failed ({r['error']})")
    return feedback


def grade_submission(
    path: Path, lab: Lab, *, timeout: float = 600.0, cell_timeout: float = 120.0
) -> SubmissionResult:
    """Run one submission under nbval against its own moto server, then score it."""
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        return zero_result(path, lab, "invalid", str(exc))
    nb, notes = prepare_submission(nb, lab)
    with tempfile.TemporaryDirectory(prefix="ecs-learn-grade-") as tmp:
        notebook = Path(tmp) / f"{_SAFE.sub('_', _student_name(path))}.ipynb"
        write_notebook(nb, notebook)
        result_file = Path(tmp) / "result.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ECS_LEARN_")}
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # pytest_main names the plugins it needs
        command = _pytest_command(notebook, lab, result_file, cell_timeout)
        try:
            run = subprocess.run(
                command, cwd=tmp, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            reason = f"grading took longer than {timeout:g} s and was stopped"
            return zero_result(path, lab, "error", reason, notes)
        if not result_file.exists():
            tail = (run.stdout + run.stderr).strip().splitlines()[-5:]
            reason = "the grader could not run this notebook: " + " | ".join(tail)
            return zero_result(path, lab, "error", reason, notes)
        payload = json.loads(result_file.read_text(encoding="utf-8"))
    if "report" not in payload:
        return zero_result(
            path, lab, "error", payload.get("error", "the checks did not run"), notes
        )
    results = payload["report"]["results"]
    return SubmissionResult(
        _student_name(path),
        str(path),
        "graded",
        float(payload["report"]["points"]),
        float(payload["report"]["max_points"]),
        {r["check_id"]: float(r["points"]) for r in results},
        notes + _feedback(results) + _failed_cells(nb, payload["cells"]),
    )


def grade_folder(
    folder: Path,
    lab: Lab,
    *,
    jobs: int = 1,
    timeout: float = 600.0,
    cell_timeout: float = 120.0,
    on_done: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    """Grade every ``*.ipynb`` in ``folder``; one bad submission never stops the batch."""
    paths = sorted(
        p for p in folder.iterdir() if p.suffix == ".ipynb" and not p.name.startswith(".")
    )

    def one(path: Path) -> SubmissionResult:
        try:
            result = grade_submission(path, lab, timeout=timeout, cell_timeout=cell_timeout)
        except Exception as exc:  # the grader's own fault: recorded, batch goes on
            result = zero_result(path, lab, "error", f"{type(exc).__name__}: {exc}")
        if on_done is not None:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, paths))
