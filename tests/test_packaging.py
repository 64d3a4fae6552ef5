"""A plain (non-editable) install ships the labs and banks and `ecs-learn lab` works from it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_the_content_and_the_lab_command_works_from_it(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("ecs_learn-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "ecs_learn/_data/labs/01-task-definitions.ipynb" in names
    assert "ecs_learn/_data/labs/labs.yaml" in names
    assert "ecs_learn/_data/quizzes/notes.md" in names
    assert any(n.startswith("ecs_learn/_data/quizzes/") and n.endswith(".yaml") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    workspace = tmp_path / "ws"
    script = (
        "import ecs_learn, sys\n"
        "assert ecs_learn.__file__.startswith(sys.argv[1]), ecs_learn.__file__\n"
        "from ecs_learn.cli import main\n"
        "sys.argv = ['ecs-learn', 'lab', '--no-start', '--dir', sys.argv[2]]\n"
        "main()\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(site), str(workspace)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert (workspace / "01-task-definitions.ipynb").is_file()
