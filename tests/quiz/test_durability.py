"""Progress survives a SIGKILL mid-write and two sessions running at once (real
subprocesses), and the quiz path stays free of heavy imports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import IO, Any

import pytest

from .conftest import REPO, cli_command, run_subprocess

pytestmark = pytest.mark.slow


def _reviews(home: Path) -> dict[str, int]:
    """Reviews per item in the progress file (which must always be valid JSON)."""
    path = home / "progress.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {item: len(entry["reviews"]) for item, entry in data["items"].items()}


def _wait_for(home: Path, total: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while sum(_reviews(home).values()) < total:
        assert time.monotonic() < deadline, f"review {total} never reached the file"
        time.sleep(0.02)


def _start(env: dict[str, str], *args: str,
           stdout: int = subprocess.DEVNULL) -> subprocess.Popen[str]:
    return subprocess.Popen([*cli_command(), *args], stdin=subprocess.PIPE, stdout=stdout,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)


def _await_prompt(process: subprocess.Popen[str], prompt: bytes = b"q to quit)") -> None:
    """Read the session's output until it asks its first question."""
    assert process.stdout is not None
    seen = b""
    while prompt not in seen:
        chunk = os.read(process.stdout.fileno(), 65536)
        assert chunk, f"the session ended early: {seen!r}"
        seen += chunk


def _send(process: subprocess.Popen[str], line: str) -> None:
    stdin: IO[str] | Any = process.stdin
    stdin.write(line + "\n")
    stdin.flush()


def _rate(process: subprocess.Popen[str], rating: str) -> None:
    """A card review: Enter (a choice card shows its answer; a flashcard asks again), then
    the rating."""
    _send(process, "")
    _send(process, rating)


def test_sigkill_during_a_write_loses_at_most_the_review_in_flight(
        subprocess_env: dict[str, str]) -> None:
    home = Path(subprocess_env["ECS_LEARN_HOME"])
    env = {**subprocess_env, "ECS_LEARN_DEBUG_PAUSE_BEFORE_REPLACE": "0.5"}
    session = _start(env, "cards", "--new-per-day", "7")
    try:
        for done in range(1, 4):
            _rate(session, "3")
            assert session.stderr is not None
            assert "paused before replace" in session.stderr.readline()
            _wait_for(home, done)
        _rate(session, "3")  # the fourth review: kill it between temp write and replace
        assert "paused before replace" in session.stderr.readline()
        assert list(home.glob(".progress.json.*.tmp")), "the temp file is being written"
        session.send_signal(signal.SIGKILL)
        session.wait(timeout=10)
    finally:
        session.kill()
    assert session.returncode == -signal.SIGKILL
    assert sum(_reviews(home).values()) == 3  # valid JSON, only the in-flight review lost
    # the next session starts from those three reviews and clears the dead writer's temp file
    after = run_subprocess(["cards", "--new-per-day", "7", "--answers", ";3"], subprocess_env)
    assert after.returncode == 0, after.stderr
    assert sum(_reviews(home).values()) == 4
    assert not list(home.glob(".progress.json.*.tmp"))


def test_sigkill_while_waiting_for_an_answer_keeps_every_given_review(
        subprocess_env: dict[str, str]) -> None:
    home = Path(subprocess_env["ECS_LEARN_HOME"])
    session = _start(subprocess_env, "quiz", "--count", "5", "--seed", "2")
    try:
        for done in range(1, 3):
            _send(session, "1")
            _wait_for(home, done)
        session.send_signal(signal.SIGKILL)
        session.wait(timeout=10)
    finally:
        session.kill()
    assert sum(_reviews(home).values()) == 2


def test_two_sessions_at_once_keep_all_their_reviews(subprocess_env: dict[str, str]) -> None:
    home = Path(subprocess_env["ECS_LEARN_HOME"])
    first = _start(subprocess_env, "cards", "--new-per-day", "7", stdout=subprocess.PIPE)
    second = _start(subprocess_env, "cards", "--new-per-day", "7", stdout=subprocess.PIPE)
    try:
        for session in (first, second):
            _await_prompt(session)  # both have read the (empty) progress and chosen cards
        total = 0
        for _ in range(3):  # interleaved: first, second, first, second...
            for session, rating in ((first, "3"), (second, "1")):
                _rate(session, rating)
                total += 1
                _wait_for(home, total)
        for session in (first, second):
            assert session.stdin is not None
            session.stdin.close()  # EOF ends each session cleanly
            assert session.wait(timeout=20) == 0
    finally:
        first.kill()
        second.kill()
    reviews = _reviews(home)
    assert sum(reviews.values()) == 6
    assert sorted(reviews.values()) == [2, 2, 2]  # both sessions reviewed the same 3 cards
    # (their remaining output is small; the pipes were drained enough not to block)
    data = json.loads((home / "progress.json").read_text())
    for entry in data["items"].values():
        assert [r["rating"] for r in entry["reviews"]] == [3, 1]


HEAVY = ("boto3", "botocore", "moto", "nbformat", "nbclient", "jsonschema", "jupyter",
         "jupyter_client", "jupyterlab", "ipykernel", "ipywidgets", "IPython", "genanki")


def test_the_quiz_path_imports_nothing_heavy(subprocess_env: dict[str, str]) -> None:
    for _ in range(2):  # first run validates and caches the banks; second reads the cache
        process = subprocess.run(
            [*cli_command()[:1], "-X", "importtime", *cli_command()[1:], "quiz", "--count",
             "1", "--answers", "1"], env=subprocess_env, text=True, capture_output=True,
            timeout=60, cwd=REPO)
        assert process.returncode == 0, process.stderr[-2000:]
        assert "Score: " in process.stdout
        imported = {line.split("|")[-1].strip().split(".")[0]
                    for line in process.stderr.splitlines() if line.startswith("import time:")}
        assert "typer" in imported and "ecs_learn" in imported
        assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
    assert list(Path(subprocess_env["ECS_LEARN_HOME"], "cache").glob("banks-*.json"))


def test_a_real_process_runs_a_session_from_stdin(subprocess_env: dict[str, str]) -> None:
    result = run_subprocess(["quiz", "--count", "2", "--seed", "4"], subprocess_env,
                            input="1\n2\n")
    assert result.returncode == 0, result.stderr
    assert "Question 2 of 2" in result.stdout and "Score: " in result.stdout
    assert os.path.exists(Path(subprocess_env["ECS_LEARN_HOME"]) / "progress.json")
