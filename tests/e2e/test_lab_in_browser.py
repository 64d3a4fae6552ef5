"""Lab 01 as a learner meets it: `ecs-learn lab`, JupyterLab in a real Chromium, Run All.

What it proves: the student version runs top to bottom with no traceback; every check
cell shows its panel ("Not yet" before the learner writes anything); the strict layer's
AWS-style rejection reaches the page; and a click on the quiz widget reaches the kernel.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecs_learn.sandbox.server import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (scripts/test.sh installs it as root)",
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "ecs-learn-e2e"
NOTEBOOK = "01-task-definitions.ipynb"
# The toolbar's kernel name is filled in only once a session exists; the execution
# indicator alone says "idle" too early (then Run All opens a kernel picker).
KERNEL_READY_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const name = panel.querySelector('[data-jp-item-name="kernelName"]');
  const state = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const text = name ? name.textContent.trim() : '';
  return text !== '' && text !== 'No Kernel' && state && state.dataset.status === 'idle';
}"""


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`ecs-learn lab` serving a fresh workspace; yields (base URL, runtime dir)."""
    port = free_port()
    config = tmp_path / "jcfg"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    runtime = tmp_path / "jrun"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(tmp_path / "jdata"),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "jsettings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "jworkspaces"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "ECS_LEARN_HOME": str(tmp_path / "home"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from ecs_learn.cli import main; main()",
            "lab",
            "--dir",
            str(tmp_path / "workspace"),
            "--no-browser",
            "--port",
            str(port),
            f"--IdentityProvider.token={TOKEN}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("JupyterLab did not start") from None
                time.sleep(0.3)
        yield base, runtime
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _kernel_says(runtime: Path, code: str) -> str:
    """Run ``code`` in the notebook's kernel (through its connection file); its stdout."""
    from jupyter_client import BlockingKernelClient

    (connection,) = runtime.glob("kernel-*.json")
    client = BlockingKernelClient()
    client.load_connection_file(str(connection))
    client.start_channels()
    try:
        out: list[str] = []
        reply = client.execute_interactive(
            code,
            timeout=60,
            output_hook=lambda m: (
                out.append(m["content"]["text"]) if m["msg_type"] == "stream" else None
            ),
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(out)
    finally:
        client.stop_channels()


def test_the_student_lab_runs_in_jupyterlab_and_the_quiz_reaches_the_kernel(
    jupyterlab: tuple[str, Path], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, runtime = jupyterlab
    shots = Path(os.environ.get("ECS_LEARN_E2E_SHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 1000},
        )
        try:
            page = context.pages[0]
            page.set_default_timeout(90_000)
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?reset&token={TOKEN}")
            page.locator("#jupyterlab-splash").wait_for(state="detached")
            page.wait_for_function(KERNEL_READY_JS, timeout=90_000)
            page.locator('#jp-menu-panel .lm-MenuBar-itemLabel:text-is("Run")').click()
            page.locator('.lm-Menu li[data-command="runmenu:run-all"]').click()

            notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
            quiz = notebook.locator(".ecs-learn-quiz")
            quiz.wait_for()  # the last cell: everything above has run
            page.wait_for_function(KERNEL_READY_JS)

            # six check cells, and the same six again in the lab.report() cell
            panels = notebook.locator(".ecs-learn-check")
            expect(panels).to_have_count(12)
            expect(notebook.locator(".ecs-learn-report .ecs-learn-check")).to_have_count(6)
            expect(notebook.locator(".ecs-learn-failed")).to_have_count(12)  # nothing written yet
            expect(notebook.locator(".ecs-learn-error")).to_have_count(0)  # no check crashed
            expect(
                notebook.locator(
                    ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']"
                )
            ).to_have_count(0)
            rejection = notebook.locator(
                ".jp-OutputArea-output pre", has_text="Rejected, as AWS would:"
            )
            expect(rejection).to_contain_text("[ecs-learn strict] Real AWS rejects this call")
            panels.first.screenshot(path=str(shots / "check-panel.png"))

            questions = quiz.locator(".ecs-learn-quiz-question")
            picked: list[str] = []
            for index in range(questions.count()):  # answer each with its first choice
                question = questions.nth(index)
                if question.locator(".widget-radio-box").count():  # single choice
                    first_choice = question.locator(".widget-radio-box label").first
                else:  # pick all that apply: tick the first box
                    first_choice = question.locator(".widget-checkbox .widget-label-basic").first
                picked.append(first_choice.inner_text().strip())
                first_choice.click()
                question.locator("button", has_text="Check").click()
                expect(question.locator(".ecs-learn-quiz-feedback")).not_to_be_empty()
            expect(quiz.locator(".ecs-learn-quiz-score")).to_contain_text(
                f"({len(picked)} checked)"
            )
            quiz.screenshot(path=str(shots / "quiz.png"))
        finally:
            context.close()

    said = _kernel_says(runtime, "print(list(quiz.answers.values()))")
    assert said.strip() == repr([[text] for text in picked]), said
