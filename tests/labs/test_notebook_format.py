"""Every lab notebook is a valid nbformat 4.5 file that nbformat reads without a warning,
and every cell carries its own id (scripts/cell_ids.py adds the missing ones)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import nbformat
import pytest

from ecs_learn.checks.catalog import lab_entries
from ecs_learn.resources import labs_dir

ENTRIES = lab_entries()


def _path(entry: object) -> Path:
    return labs_dir() / entry.notebook  # type: ignore[attr-defined]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_the_notebook_validates_without_warnings(entry: object) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        notebook = nbformat.read(_path(entry), as_version=nbformat.NO_CONVERT)
        nbformat.validate(notebook)
    assert [str(w.message) for w in caught] == []
    assert (notebook.nbformat, notebook.nbformat_minor) >= (4, 5)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_every_cell_has_an_id_of_its_own(entry: object) -> None:
    # Read as plain JSON: nbformat.read would invent the missing ids on the way in.
    cells = json.loads(_path(entry).read_text(encoding="utf-8"))["cells"]
    missing = [n for n, cell in enumerate(cells, start=1) if not cell.get("id")]
    hint = "run scripts/cell_ids.py to add them"
    assert missing == [], f"{_path(entry).name}: cells {missing} have no id; {hint}"
    ids = [cell["id"] for cell in cells]
    assert len(set(ids)) == len(ids)


def test_every_notebook_in_labs_is_a_lab() -> None:
    """A notebook dropped into labs/ without a labs.yaml entry would escape the tests above."""
    on_disk = {p.name for p in labs_dir().glob("*.ipynb")}
    assert on_disk == {e.notebook for e in ENTRIES}
