"""Benchmark the lab path (not a test): prints ratios against the targets of issue 2.

1. A check's median latency in a warm kernel (target <= 30 ms): a real ipykernel runs the
   lab's setup and exercise 1, then `lab.check("execution-role")` many times; reported
   inside the kernel and as the client's round trip.
2. Grading one submission of the lab with `ecs-learn grade` against a bare
   `jupyter execute` of the same notebook (target <= 1.15x), medians of N runs.

Any lab works: the latency is its first check after its setup and first exercise (lab 08, the
capstone: ``images``), the grading ratio its whole instructor notebook (lab 08: the runtime's
services, scaling and a 20-minute load test, in the kernel against the grader's moto server).

Run:  .venv/bin/python benchmarks/lab_bench.py [--runs 3] [--lab 01 | --lab 03,04,06 | --lab all]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ecs_learn.checks import Lab, get_lab, list_labs

BIN = Path(sys.executable).parent


def _until_first_exercise(notebook: Path) -> list[dict]:  # type: ignore[type-arg]
    """The code cells from the setup up to and including the first exercise."""
    code = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    for i, cell in enumerate(code):
        if "exercise" in cell.get("metadata", {}).get("tags", []):
            return code[: i + 1]
    return code[:2]


def check_latency(lab: Lab, repeats: int = 50) -> tuple[float, float]:
    from jupyter_client.manager import start_new_kernel

    first = lab.checks[0].id
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        for cell in _until_first_exercise(lab.notebook_path):  # setup + exercise 1
            reply = client.execute_interactive(
                "".join(cell["source"]), timeout=120, output_hook=lambda _msg: None
            )
            assert reply["content"]["status"] == "ok", reply["content"]
        client.execute_interactive(  # warm
            f'lab.check("{first}")', timeout=60, output_hook=lambda _msg: None
        )
        inside: list[float] = []
        probe = (
            f"import time as _t\n_s = _t.perf_counter()\n_r = lab.check('{first}')\n"
            "_d = _t.perf_counter() - _s\nassert _r.passed\nprint(_d)"
        )
        round_trips: list[float] = []
        for _ in range(repeats):
            out: list[str] = []

            def keep(msg: dict, out: list[str] = out) -> None:  # type: ignore[type-arg]
                if msg["msg_type"] == "stream":
                    out.append(msg["content"]["text"])

            start = time.perf_counter()
            client.execute_interactive(probe, timeout=60, output_hook=keep)
            round_trips.append(time.perf_counter() - start)
            inside.append(float("".join(out).strip()))
        return statistics.median(inside) * 1000, statistics.median(round_trips) * 1000
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def grading_ratio(lab: Lab, runs: int) -> tuple[float, float]:
    notebook = lab.notebook_path
    work = Path(tempfile.mkdtemp(prefix="ecs-learn-bench-"))
    try:
        subs = work / "subs"
        subs.mkdir()
        shutil.copy(notebook, subs / "student.ipynb")
        shutil.copy(notebook, work / "bare.ipynb")
        grade = [
            str(BIN / "ecs-learn"),
            "grade",
            str(subs),
            "--lab",
            lab.id,
            "--out",
            str(work / "g.csv"),
            "--jobs",
            "1",
        ]
        bare = [str(BIN / "jupyter"), "execute", "--inplace", str(work / "bare.ipynb")]
        graded, executed = [], []
        for _ in range(runs):  # interleaved, so machine load hits both alike
            executed.append(_timed(bare, work))
            graded.append(_timed(grade, work))
            shutil.copy(notebook, work / "bare.ipynb")
        [row] = list(csv.DictReader((work / "g.csv").open()))
        total = f"{sum(c.points for c in lab.checks):g}"
        assert (row["total"], row["max"]) == (total, total), row  # the grade really happened
        return statistics.median(graded), statistics.median(executed)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lab", default="01", help="a lab id, ids with commas, or 'all'")
    args = parser.parse_args()
    labs = list_labs() if args.lab == "all" else [get_lab(i) for i in args.lab.split(",")]
    for lab in labs:
        inside, round_trip = check_latency(lab)
        print(
            f"lab {lab.id}: check latency in a warm kernel: median {inside:.1f} ms inside the "
            f"kernel, {round_trip:.1f} ms client round trip (target <= 30 ms)"
        )
        graded, executed = grading_ratio(lab, args.runs)
        print(
            f"lab {lab.id}: grading one submission: {graded:.2f} s; bare jupyter execute: "
            f"{executed:.2f} s; ratio {graded / executed:.2f}x (target <= 1.15x)"
        )


if __name__ == "__main__":
    main()
