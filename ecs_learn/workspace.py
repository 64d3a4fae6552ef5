"""The learner's own folder of lab notebooks: student versions, never overwritten."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ecs_learn.checks.catalog import lab_entries
from ecs_learn.grading.release import release_notebook
from ecs_learn.resources import labs_dir

__all__ = ["WORKSPACE_ENV", "Copied", "default_workspace", "prepare_workspace", "write_notes"]

WORKSPACE_ENV = "ECS_LEARN_WORKSPACE"


@dataclass(frozen=True)
class Copied:
    notebook: str
    path: Path
    created: bool  # False: the learner's existing copy was kept as it is


def default_workspace() -> Path:
    """``$ECS_LEARN_WORKSPACE``, else ``~/ecs-learn-labs``."""
    override = os.environ.get(WORKSPACE_ENV)
    return Path(override).expanduser() if override else Path.home() / "ecs-learn-labs"


def write_notes(directory: Path) -> list[Path]:
    """The course notes as ``notes.md`` and ``notes.html`` (what the quiz's, the cards'
    and the errata's "Notes: #section" links open). Ours, not the learner's: refreshed."""
    from markdown_it import MarkdownIt

    from ecs_learn.atomic import write_text_atomic
    from ecs_learn.resources import quizzes_dir

    text = (quizzes_dir() / "notes.md").read_text(encoding="utf-8")
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>ecs-learn course notes</title><style>body{max-width:48em;margin:2em auto;"
        "padding:0 1em;font-family:sans-serif;line-height:1.5}code{background:#f6f8fa}"
        "table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:2px 6px;"
        "text-align:left}blockquote{border-left:4px solid #9a6700;margin-left:0;"
        "padding-left:1em}</style></head><body>" + body + "</body></html>\n"
    )
    written = []
    for name, content in (("notes.md", text), ("notes.html", page)):
        write_text_atomic(directory / name, content)
        written.append(directory / name)
    return written


def prepare_workspace(directory: Path) -> list[Copied]:
    """Put the student version of every lab in ``directory``, keeping existing files,
    and the course notes next to them."""
    directory.mkdir(parents=True, exist_ok=True)
    write_notes(directory)
    copied: list[Copied] = []
    for entry in lab_entries():
        target = directory / entry.notebook
        if target.exists():
            copied.append(Copied(entry.notebook, target, created=False))
            continue
        release_notebook(labs_dir() / entry.notebook, target)
        copied.append(Copied(entry.notebook, target, created=True))
    return copied
