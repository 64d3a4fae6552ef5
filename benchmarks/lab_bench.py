"""Benchmark the lab path (not a test): prints ratios against the targets of issue 2.

1. A check's median latency in a warm kernel (target <= 30 ms): a real ipykernel runs the
   lab's setup and exercise 1, then `lab.check("execution-role")` many times; reported
   inside the kernel and as the client's round trip.
2. Grading one lab-1 submission with `ecs-learn grade` against a bare
   `jupyter execute` of the same notebook (target <= 1.15x), medians of N runs.
3. Per lab (``--lab 02``, repeatable): the instructor source's full nbval run
   (``pytest --nbval-lax``, as CI runs it) against a bare `jupyter execute` (ratio).

Run:  .venv/bin/python benchmarks/lab_bench.py [--runs 3] [--lab 02 ...] [--labs-only]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ecs_learn.resources import labs_dir

NOTEBOOK = labs_dir() / "01-task-definitions.ipynb"
BIN = Path(sys.executable).parent


def check_latency(repeats: int = 50) -> tuple[float, float]:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        code = [c for c in json.loads(NOTEBOOK.read_text())["cells"] if c["cell_type"] == "code"]
        for cell in code[:2]:  # setup + exercise 1
            reply = client.execute_interactive(
                "".join(cell["source"]), timeout=120, output_hook=lambda _msg: None
            )
            assert reply["content"]["status"] == "ok", reply["content"]
        client.execute_interactive(  # warm
            'lab.check("execution-role")', timeout=60, output_hook=lambda _msg: None
        )
        inside: list[float] = []
        probe = (
            "import time as _t\n_s = _t.perf_counter()\n_r = lab.check('execution-role')\n"
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


def _timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def grading_ratio(runs: int) -> tuple[float, float]:
    work = Path(tempfile.mkdtemp(prefix="ecs-learn-bench-"))
    try:
        subs = work / "subs"
        subs.mkdir()
        shutil.copy(NOTEBOOK, subs / "student.ipynb")
        shutil.copy(NOTEBOOK, work / "bare.ipynb")
        grade = [
            str(BIN / "ecs-learn"),
            "grade",
            str(subs),
            "--lab",
            "01",
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
            shutil.copy(NOTEBOOK, work / "bare.ipynb")
        rows = (work / "g.csv").read_text().splitlines()
        assert rows[1].split(",")[-3:-1] == ["14", "14"], rows  # the grade really happened
        return statistics.median(graded), statistics.median(executed)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def nbval_ratio(lab_id: str, runs: int) -> tuple[float, float]:
    """Median seconds of a full nbval run of a lab's instructor source, and of `jupyter execute`."""
    import os

    from ecs_learn.checks import get_lab

    source = get_lab(lab_id).notebook_path
    work = Path(tempfile.mkdtemp(prefix=f"ecs-learn-bench-{lab_id}-"))
    env = {**os.environ, "ECS_LEARN_GRADING": "1"}
    env.pop("ECS_LEARN_ENDPOINT", None)
    try:
        nb = work / source.name
        nbval = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            "--rootdir",
            str(work),
            str(nb),
        ]
        bare = [str(BIN / "jupyter"), "execute", "--inplace", str(nb)]
        timed_nbval, timed_bare = [], []
        for _ in range(runs):  # interleaved, so machine load hits both alike
            shutil.copy(source, nb)
            timed_bare.append(_timed(bare, work, env))
            shutil.copy(source, nb)
            timed_nbval.append(_timed(nbval, work, env))
        return statistics.median(timed_nbval), statistics.median(timed_bare)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lab", action="append", default=[], help="lab id for the nbval ratio")
    parser.add_argument("--labs-only", action="store_true", help="only the per-lab nbval ratios")
    args = parser.parse_args()
    for lab_id in args.lab:
        nbval, bare = nbval_ratio(lab_id, args.runs)
        print(
            f"lab {lab_id}: nbval {nbval:.2f} s; bare jupyter execute {bare:.2f} s; "
            f"ratio {nbval / bare:.2f}x"
        )
    if args.labs_only:
        return
    inside, round_trip = check_latency()
    print(
        f"check latency in a warm kernel: median {inside:.1f} ms inside the kernel, "
        f"{round_trip:.1f} ms client round trip (target <= 30 ms)"
    )
    graded, executed = grading_ratio(args.runs)
    print(
        f"grading one lab-1 submission: {graded:.2f} s; bare jupyter execute: {executed:.2f} s; "
        f"ratio {graded / executed:.2f}x (target <= 1.15x)"
    )


if __name__ == "__main__":
    main()
