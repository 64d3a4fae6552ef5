"""The quiz-side commands skip typer's pydantic coercion (cli/plain.py hooks typer's
private ``_runtime_param``), which keeps pydantic's ~45 ms of imports off the quiz's cold
start. If a typer upgrade moves that hook, these commands silently fall back to pydantic:
this test notices, in a real process, by looking at ``sys.modules`` afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_BANKS = REPO / "tests" / "quiz" / "data" / "banks"

# Run the real entry point, then say on stderr whether pydantic was ever imported.
_PROBE = """
import sys
from ecs_learn.cli import main
try:
    main()
except SystemExit:
    pass
print("pydantic imported:", "pydantic" in sys.modules, file=sys.stderr)
"""


def _pydantic_imported(*args: str, stdin: str = "", home: str, shows: str) -> bool:
    env = {**os.environ, "ECS_LEARN_HOME": home, "ECS_LEARN_NOW": "2026-01-05T09:00:00+00:00",
           "ECS_LEARN_FSRS_FUZZ": "0", "ECS_LEARN_QUIZZES": str(SAMPLE_BANKS)}
    run = subprocess.run([sys.executable, "-c", _PROBE, *args], input=stdin, env=env,
                         text=True, capture_output=True, timeout=60, cwd=REPO)
    assert shows in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]  # it did run
    lines = run.stderr.splitlines()
    assert lines and lines[-1].startswith("pydantic imported:"), run.stderr[-2000:]
    return lines[-1].endswith("True")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "stdin", "shows"),
    [(("quiz", "--topic", "iam-roles", "--count", "1", "--seed", "1"), "1\n", "Score: "),
     (("cards", "--new-per-day", "1"), "3\n", "Reviewed 1 of 1 cards."),
     (("stats", "--json"), "", '"total"')],
)
def test_the_quiz_commands_run_without_importing_pydantic(
        args: tuple[str, ...], stdin: str, shows: str, tmp_path: Path) -> None:
    assert not _pydantic_imported(*args, stdin=stdin, home=str(tmp_path), shows=shows)


@pytest.mark.slow
def test_typer_still_coerces_through_pydantic_where_the_hook_is_off(tmp_path: Path) -> None:
    """The control: ``lint`` keeps typer's own coercion, which imports pydantic. If this
    fails, typer stopped using pydantic and cli/plain.py may no longer be needed."""
    linted = REPO / "tests" / "quiz" / "data" / "banks" / "notes.md"  # not JSON: exit 2
    assert _pydantic_imported("lint", str(linted), home=str(tmp_path), shows="could not be read")
