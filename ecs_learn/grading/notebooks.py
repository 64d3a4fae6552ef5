"""Reading and writing notebooks as plain JSON (fast; nbformat validates where it matters)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ecs_learn.atomic import write_text_atomic
from ecs_learn.errors import EcsLearnError

__all__ = [
    "CHECK_TAG",
    "NotebookError",
    "cell_check_id",
    "cell_source",
    "cell_tags",
    "check_id_from_tags",
    "read_notebook",
    "write_notebook",
]

CHECK_TAG = "ecs-learn-check"
_CHECK_PREFIX = "check:"

Notebook = dict[str, Any]


class NotebookError(EcsLearnError, ValueError):
    """A file that is not a usable notebook; the message names the file and the reason."""


MAX_FILE = 64 * 1024 * 1024  # a bigger file is not read at all


def read_notebook(path: Path) -> Notebook:
    """Parse a notebook file (nbformat 4); raise :class:`NotebookError` with the reason."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise NotebookError(
                f"{path}: the file is {size / 2**20:.0f} MiB, more than the "
                f"{MAX_FILE // 2**20} MiB a notebook may be (clear its outputs and save it again)"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"{path}: cannot be read ({exc})") from None
    if not text.strip():
        raise NotebookError(f"{path}: the file is empty")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotebookError(f"{path}: not a notebook (invalid JSON: {exc})") from None
    if not isinstance(data, dict):
        raise NotebookError(f"{path}: not a notebook (the JSON is not an object)")
    version = data.get("nbformat")
    if version is not None and version != 4:
        raise NotebookError(
            f"{path}: not a version 4 notebook (nbformat={version!r}); open it in JupyterLab "
            "or run `jupyter nbconvert --to notebook --nbformat 4` on it, save, and hand it in "
            "again"
        )
    if not isinstance(data.get("cells"), list):
        raise NotebookError(f"{path}: not a notebook (no list of cells)")
    for index, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise NotebookError(f"{path}: cell {index} is not a notebook cell")
    return data


def write_notebook(nb: Notebook, path: Path) -> None:
    """Write a notebook atomically."""
    write_text_atomic(path, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def cell_tags(cell: dict[str, Any]) -> list[str]:
    tags = (cell.get("metadata") or {}).get("tags") or []
    return [str(t) for t in tags] if isinstance(tags, list) else []


def cell_check_id(cell: dict[str, Any]) -> str | None:
    """The check id of a check cell (tagged ``check:<id>``), else ``None``."""
    return check_id_from_tags(cell_tags(cell))


def check_id_from_tags(tags: Iterable[str]) -> str | None:
    """The check id in a cell's tags (``check:<id>``), else ``None``."""
    for tag in tags:
        if tag.startswith(_CHECK_PREFIX):
            return tag[len(_CHECK_PREFIX) :]
    return None
