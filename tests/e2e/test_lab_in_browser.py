"""Lab 01 as a learner meets it: `ecs-learn lab`, JupyterLab in a real Chromium.

Two walks through the loop a learner goes round most, on one JupyterLab server:

* the lab: Run All on the student version (every check "Not yet", nothing crashes), a
  mistake in exercise 1 (partial credit, the revision/resource judged), the same cell run
  again with the fix (it starts the exercise over itself), a reset of just that exercise
  (the other exercise keeps its pass), every exercise filled in, a kernel restart (the
  setup cell says the old account is gone), Run All again: full score and the summary;
* the quiz: a wrong answer, the answer shown, a second (right) answer that does not
  change the first-attempt score, and the first answer in the progress store.
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
from typing import Any

import pytest

from ecs_learn.sandbox.server import free_port
from tests.labs.notebook_code import code_cells

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
IDLE_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const state = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return state && state.dataset.status === 'idle'
    && !panel.querySelector('.jp-InputPrompt:has-text("[*]")');
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`ecs-learn lab` serving a fresh workspace (one JupyterLab for the module)."""
    tmp = tmp_path_factory.mktemp("e2e")
    port = free_port()
    config = tmp / "jcfg"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    home = tmp / "home"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(tmp / "jdata"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jrun"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "jsettings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "jworkspaces"),
        "IPYTHONDIR": str(tmp / "ipython"),
        "ECS_LEARN_HOME": str(home),
    }
    env.pop("ECS_LEARN_GRADING", None)
    workspace = tmp / "workspace"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from ecs_learn.cli import main; main()",
            "lab",
            "--dir",
            str(workspace),
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
        shots = Path(os.environ.get("ECS_LEARN_E2E_SHOTS", tmp / "shots"))
        shots.mkdir(parents=True, exist_ok=True)
        yield {
            "base": base,
            "runtime": tmp / "jrun",
            "home": home,
            "workspace": workspace,
            "shots": shots,
            "tmp": tmp,
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture
def page(server: dict[str, Any], tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 1000},
        )
        try:
            found = context.pages[0]
            found.set_default_timeout(90_000)
            yield found
        finally:
            context.close()


def _open(page: Any, server: dict[str, Any], notebook: str) -> Any:
    page.goto(f"{server['base']}/lab/tree/{notebook}?reset&token={TOKEN}")
    page.locator("#jupyterlab-splash").wait_for(state="detached")
    page.wait_for_function(KERNEL_READY_JS, timeout=90_000)
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def _menu(page: Any, menu: str, command: str) -> None:
    page.locator(f'#jp-menu-panel .lm-MenuBar-itemLabel:text-is("{menu}")').click()
    page.locator(f'.lm-Menu li[data-command="{command}"]').click()


def _idle(page: Any) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function(KERNEL_READY_JS)


def _set_and_run(page: Any, notebook: Any, index: int, source: str) -> Any:
    """Replace cell ``index``'s code with ``source`` and run it (Shift+Enter)."""
    cell = notebook.locator(".jp-Notebook .jp-Cell").nth(index)
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)  # no auto-indent, no auto-closed brackets
    page.keyboard.press("Shift+Enter")
    _idle(page)
    return cell


def _run(page: Any, notebook: Any, index: int) -> Any:
    cell = notebook.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Shift+Enter")
    _idle(page)
    return cell


def _cell_index(check_id: str, kind: str) -> int:
    """The notebook index of lab 01's exercise (``kind="exercise"``) or check cell."""
    cells = json.loads((Path(__file__).resolve().parents[2] / "labs" / NOTEBOOK).read_text())[
        "cells"
    ]
    for index, cell in enumerate(cells):
        text = "".join(cell["source"])
        if kind == "check" and text.strip() == f'lab.check("{check_id}")':
            return index
        if kind == "exercise" and f'lab.reset("{check_id}")' in text:
            return index
    raise AssertionError((check_id, kind))


def _solution(check_id: str) -> str:
    for cell in code_cells(NOTEBOOK):
        text = "".join(cell["source"])
        if f'lab.reset("{check_id}")' in text:
            return text
    raise AssertionError(check_id)


def test_a_mistake_a_rerun_a_reset_a_restart_and_the_full_score(
    page: Any, server: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    shots = server["shots"]
    notebook = _open(page, server, NOTEBOOK)
    _menu(page, "Run", "runmenu:run-all")
    notebook.locator(".ecs-learn-quiz").wait_for()  # the last cell: everything above ran
    _idle(page)
    expect(notebook.locator(".ecs-learn-report-line")).to_have_count(6)
    expect(notebook.locator(".ecs-learn-report .ecs-learn-line-failed")).to_have_count(6)
    expect(notebook.locator(".ecs-learn-error")).to_have_count(0)  # no check crashed
    rejection = notebook.locator(".ecs-learn-rejection")
    expect(rejection).to_contain_text(
        "An error occurred (ClientException) when calling the RegisterTaskDefinition "
        "operation: Fargate only supports network mode 'awsvpc'."
    )
    expect(rejection).not_to_contain_text("lenient")
    rejection.scroll_into_view_if_needed()
    rejection.screenshot(path=str(shots / "01-rejection-panel.png"))

    # A learner's own call that AWS rejects: a short panel in the cell, not a traceback.
    on_fargate = _solution("ec2-task").replace(
        'requiresCompatibilities=["EC2"]', 'requiresCompatibilities=["FARGATE"]'
    )
    cell = _set_and_run(page, notebook, _cell_index("ec2-task", "exercise"), on_fargate)
    own = cell.locator(".ecs-learn-rejection")
    expect(own).to_contain_text(
        "An error occurred (ClientException) when calling the "
        "RegisterTaskDefinition operation: Fargate only supports network mode 'awsvpc'."
    )
    expect(own).to_contain_text("(TD008)")
    expect(cell.locator(".jp-OutputArea")).not_to_contain_text("Traceback")
    own.scroll_into_view_if_needed()
    own.screenshot(path=str(shots / "01b-own-rejection.png"))

    # A mistake: the execution role trusted by EC2 instead of ECS tasks.
    wrong = _solution("execution-role").replace(
        '"Principal": {"Service": "ecs-tasks.amazonaws.com"}',
        '"Principal": {"Service": "ec2.amazonaws.com"}',
    )
    exercise, check = (
        _cell_index("execution-role", "exercise"),
        _cell_index("execution-role", "check"),
    )
    _set_and_run(page, notebook, exercise, wrong)
    panel = _run(page, notebook, check).locator(".ecs-learn-check")
    expect(panel).to_contain_text("Not yet")
    expect(panel).to_contain_text("1.5/2 points")  # partial credit: the role and its policy
    expect(panel).to_contain_text("judged role ecsTaskExecutionRole")
    panel.screenshot(path=str(shots / "02-partial-credit.png"))

    # The same cell again, fixed: it starts the exercise over itself (no EntityAlreadyExists).
    cell = _set_and_run(page, notebook, exercise, _solution("execution-role"))
    expect(cell.locator(".jp-OutputArea")).to_contain_text(
        "Reset execution-role: removed IAM role ecsTaskExecutionRole"
    )
    expect(cell.locator(".jp-OutputArea")).not_to_contain_text("ResponseMetadata")
    expect(_run(page, notebook, check).locator(".ecs-learn-check")).to_contain_text("Passed")
    _set_and_run(page, notebook, _cell_index("task-role", "exercise"), _solution("task-role"))
    task_check = _cell_index("task-role", "check")
    expect(_run(page, notebook, task_check).locator(".ecs-learn-check")).to_contain_text("Passed")

    # Reset just exercise 1 (from the check cell's place): exercise 2 keeps its pass.
    _set_and_run(page, notebook, check, 'lab.reset("execution-role")\nlab.check("execution-role")')
    expect(notebook.locator(".jp-Notebook .jp-Cell").nth(check)).to_contain_text(
        "Reset execution-role: removed IAM role ecsTaskExecutionRole"
    )
    expect(_run(page, notebook, task_check).locator(".ecs-learn-check")).to_contain_text("Passed")
    _set_and_run(page, notebook, check, 'lab.check("execution-role")')

    # Fill in every exercise, restart the kernel, run everything.
    for check_id in ("execution-role", "ec2-task", "fargate-task", "sidecar-task", "repair-task"):
        cell = notebook.locator(".jp-Notebook .jp-Cell").nth(_cell_index(check_id, "exercise"))
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(_solution(check_id))
    _menu(page, "Kernel", "runmenu:restart-and-run-all")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    notebook.locator(".ecs-learn-quiz").wait_for()
    page.wait_for_timeout(500)
    _idle(page)
    notice = notebook.locator(".ecs-learn-restarted")
    expect(notice).to_contain_text("new, empty mocked account")
    notice.screenshot(path=str(shots / "03-after-restart.png"))
    report = notebook.locator(".ecs-learn-report")
    expect(report).to_contain_text("14/14 points")
    expect(report).to_contain_text("6 of 6 exercises done")
    expect(report.locator(".ecs-learn-report-line")).to_have_count(6)
    expect(report.locator(".ecs-learn-line-passed")).to_have_count(6)
    report.locator(".ecs-learn-report-line").first.locator("summary").click()  # details
    report.screenshot(path=str(shots / "04-report.png"))
    expect(notebook.locator(".ecs-learn-diagram svg")).to_have_count(1)
    notebook.locator(".ecs-learn-diagram").screenshot(path=str(shots / "05-show.png"))
    progress = json.loads((server["home"] / "progress.json").read_text())
    assert all(r["first_passed"] for r in progress["labs"]["01"].values())


def test_a_quiz_answer_shown_then_changed_keeps_the_first_attempt(
    page: Any, server: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    quiz_nb = server["workspace"] / "quiz.ipynb"
    quiz_nb.write_text(
        json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {
                    "kernelspec": {
                        "name": "python3",
                        "display_name": "Python 3",
                        "language": "python",
                    }
                },
                "cells": [
                    {
                        "cell_type": "code",
                        "metadata": {},
                        "outputs": [],
                        "execution_count": None,
                        "source": 'from ecs_learn.notebook import open_lab\nlab = open_lab("01")\n'
                        'quiz = lab.quiz("launch-types", count=1, seed=7)\n'
                        'print("ANSWER=" + "|".join(quiz.questions[0].item.answers))\nquiz',
                    }
                ],
            }
        )
    )
    notebook = _open(page, server, "quiz.ipynb")
    _menu(page, "Run", "runmenu:run-all")
    quiz = notebook.locator(".ecs-learn-quiz")
    quiz.wait_for()
    _idle(page)
    printed = notebook.locator(".jp-OutputArea-output", has_text="ANSWER=").inner_text()
    answers = printed.split("ANSWER=", 1)[1].strip().split("|")
    question = quiz.locator(".ecs-learn-quiz-question").first
    radios = question.locator(".widget-radio-box label")
    if radios.count():
        labels = [radios.nth(i).inner_text().strip() for i in range(radios.count())]
        pick = lambda texts: [radios.nth(labels.index(t)).click() for t in texts]  # noqa: E731
    else:  # pick all that apply: a box and a wrapping label per choice
        rows = question.locator(".widget-hbox")
        labels = [rows.nth(i).inner_text().strip() for i in range(rows.count())]

        def pick(texts: list[str]) -> None:
            for i, label in enumerate(labels):
                box = rows.nth(i).locator("input[type=checkbox]")
                if box.is_checked() != (label in texts):
                    box.click()

    wrong = next(label for label in labels if label not in answers)
    pick([wrong])
    question.locator("button", has_text="Check").click()
    feedback = question.locator(".ecs-learn-quiz-feedback")
    expect(feedback).to_contain_text("Not quite")
    expect(feedback).to_contain_text("The answer:")  # the answer is shown
    expect(feedback.locator("a[href^='notes.html#']")).to_have_count(1)
    pick(answers)
    question.locator("button", has_text="Check").click()
    expect(feedback).to_contain_text("is the one that counts")
    expect(quiz.locator(".ecs-learn-quiz-score")).to_contain_text("Score: 0 / 1")
    quiz.screenshot(path=str(server["shots"] / "06-quiz.png"))
    progress = json.loads((server["home"] / "progress.json").read_text())
    reviews = [
        r for e in progress["items"].values() for r in e["reviews"] if r["source"] == "notebook"
    ]
    assert [int(r["rating"]) for r in reviews] == [1]  # the first answer, rated Again
    assert (server["workspace"] / "notes.html").is_file()
