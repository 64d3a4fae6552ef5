"""Grading speed, as ratios (a script that reports, not a test).

1. One lab-1 submission through ``ecs-learn grade`` (the whole command: warm pool, box,
   checks, reports) against a bare ``jupyter execute`` of the same notebook; target <= 1.0x.
2. A class of ``--class-size`` (20) copies through one ``ecs-learn grade`` (default
   ``--jobs``: the cores) against ``class-size`` x the one-submission time; target <= 0.25x.

Both measured in one run, interleaved where they repeat, so machine load hits them alike:
``python benchmarks/grade_bench.py [--runs 2] [--class-size 20]``.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
NOTEBOOK = Path(__file__).resolve().parents[1] / "labs" / "01-task-definitions.ipynb"


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def _grade(folder: Path, out: Path) -> list[str]:
    return [str(BIN / "ecs-learn"), "grade", str(folder), "--lab", "01", "--out", str(out)]


def _all_full_marks(out: Path, count: int) -> None:
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == count and all(r["total"] == "14" for r in rows), rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--class-size", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ecs-learn-grade-bench-"))
    try:
        one, many = work / "one", work / "class"
        one.mkdir()
        many.mkdir()
        shutil.copy(NOTEBOOK, one / "student.ipynb")
        for i in range(args.class_size):
            shutil.copy(NOTEBOOK, many / f"student-{i:03d}.ipynb")
        bare = [str(BIN / "jupyter"), "execute", "--inplace", str(work / "bare.ipynb")]
        executed, graded = [], []
        for _ in range(args.runs):
            shutil.copy(NOTEBOOK, work / "bare.ipynb")
            executed.append(_timed(bare, work))
            graded.append(_timed(_grade(one, work / "one.csv"), work))
        _all_full_marks(work / "one.csv", 1)
        single, plain = statistics.median(graded), statistics.median(executed)
        klass = _timed(_grade(many, work / "class.csv"), work)
        _all_full_marks(work / "class.csv", args.class_size)
        print(
            f"one submission: {single:.2f} s; bare jupyter execute: {plain:.2f} s; "
            f"ratio {single / plain:.2f}x (target <= 1.0x)"
        )
        print(
            f"class of {args.class_size}: {klass:.2f} s; {args.class_size} x one submission: "
            f"{args.class_size * single:.2f} s; ratio {klass / (args.class_size * single):.2f}x "
            "(target <= 0.25x)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
