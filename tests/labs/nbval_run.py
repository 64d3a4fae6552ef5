"""Run a lab notebook under nbval in a subprocess, as CI and the grader do; read the outcomes."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from ecs_learn.grading.notebooks import cell_check_id, read_notebook

__all__ = ["check_cell_numbers", "nbval"]


def nbval(notebook: Path, tmp_path: Path) -> dict[int, str]:
    junit = tmp_path / "junit.xml"
    env = {**os.environ, "ECS_LEARN_GRADING": "1"}
    env.pop("ECS_LEARN_ENDPOINT", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            f"--junitxml={junit}",
            "--rootdir",
            str(notebook.parent),
            str(notebook),
        ],
        cwd=notebook.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    outcomes: dict[int, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        number = int(case.get("name", "").split()[-1])
        failed = case.find("failure") is not None or case.find("error") is not None
        outcomes[number] = "failed" if failed else "passed"
    return outcomes


def check_cell_numbers(notebook: Path) -> set[int]:
    code = [c for c in read_notebook(notebook)["cells"] if c["cell_type"] == "code"]
    return {i for i, c in enumerate(code) if cell_check_id(c)}
