"""`ecs-learn lab`: workspace copies that never overwrite work, and a real JupyterLab."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from ecs_learn.cli import make_app
from ecs_learn.grading.release import PROMPT
from ecs_learn.sandbox.server import free_port

app = make_app()
runner = CliRunner()


def test_list_shows_every_lab() -> None:
    result = runner.invoke(app, ["lab", "--list"])
    assert result.exit_code == 0
    assert "01" in result.stdout and "task-definitions" in result.stdout


def test_labs_are_copied_as_student_versions_and_work_is_never_overwritten(tmp_path: Path) -> None:
    first = runner.invoke(app, ["lab", "--dir", str(tmp_path), "--no-start"])
    assert first.exit_code == 0, first.output
    notebook = tmp_path / "01-task-definitions.ipynb"
    text = notebook.read_text()
    assert PROMPT in text and "BEGIN SOLUTION" not in text
    notebook.write_text(text.replace(PROMPT, "my_answer = 42"))
    again = runner.invoke(app, ["lab", "--dir", str(tmp_path), "--no-start"])
    assert "kept your copy of 01-task-definitions.ipynb" in again.stdout
    assert "my_answer = 42" in notebook.read_text()


def test_a_file_in_place_of_the_workspace_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = runner.invoke(app, ["lab", "--dir", str(target), "--no-start"])
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr


def test_a_workspace_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["lab", "--dir", str(blocker / "labs"), "--no-start"])
    assert result.exit_code == 2
    assert "cannot prepare the workspace" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_lab_starts_a_real_jupyterlab_with_lab_01_in_the_workspace(
    tmp_path: Path, cli_python: list[str]
) -> None:
    port, token = free_port(), "ecs-learn-test-token"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "jcfg"),
        "JUPYTER_DATA_DIR": str(tmp_path / "jdata"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "jrun"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "jws"),
    }
    workspace = tmp_path / "labs"
    process = subprocess.Popen(
        [
            *cli_python,
            "lab",
            "--dir",
            str(workspace),
            "--no-browser",
            "--port",
            str(port),
            f"--IdentityProvider.token={token}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/contents?token={token}"
        deadline = time.monotonic() + 90
        listing = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    listing = json.load(answer)
                    break
            except OSError:
                time.sleep(0.3)
        assert listing is not None, "JupyterLab did not answer"
        names = [item["name"] for item in listing["content"]]
        assert "01-task-definitions.ipynb" in names
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab?token={token}", timeout=10
        ) as page:
            assert b"JupyterLab" in page.read()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
