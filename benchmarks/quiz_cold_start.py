"""Cold start of ``ecs-learn quiz``: time from process start to the first question.

Not a test: run it by hand (``.venv/bin/python benchmarks/quiz_cold_start.py``). It
starts ``ecs-learn quiz --count 1`` in a fresh interpreter ten times, stops the clock
when the first answer prompt is printed, and compares the median with the median of
``python -c pass``. The target is a ratio of at most 8.

The first (unmeasured) run validates the banks and fills the bank cache, as any
earlier session would have; every measured run is a new process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 10
PROMPT = b"Your answer"


def cli_argv() -> list[str]:
    return [sys.executable, "-c", "from ecs_learn.cli import main; main()"]


def time_to_prompt(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert process.stdout is not None and process.stdin is not None
    seen = b""
    while PROMPT not in seen:
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            raise SystemExit(f"the quiz ended before asking a question: {seen!r}")
        seen += chunk
    elapsed = time.perf_counter() - start
    process.stdin.close()  # EOF: the session ends cleanly
    process.stdout.read()
    process.wait()
    return elapsed


def time_process(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "ECS_LEARN_HOME": home}
        argv = [*cli_argv(), "quiz", "--count", "1"]
        time_to_prompt(argv, env)  # warm-up: fills the bank cache
        quiz = statistics.median(time_to_prompt(argv, env) for _ in range(RUNS))
    baseline = statistics.median(time_process([sys.executable, "-c", "pass"]) for _ in range(RUNS))
    ratio = quiz / baseline
    print(f"python -c pass:                  {baseline * 1000:7.1f} ms (median of {RUNS})")
    print(f"ecs-learn quiz to 1st question:  {quiz * 1000:7.1f} ms (median of {RUNS})")
    print(f"ratio: {ratio:.1f}x (target <= 8x) -> {'OK' if ratio <= 8 else 'OVER'}")


if __name__ == "__main__":
    main()
