"""Give every cell of every lab notebook an ``id`` (nbformat 4.5 wants one; cells pasted in
by hand or written by older tools lack it). Existing ids are kept; new ones are unique in
their notebook. Usage: ``python scripts/cell_ids.py [NOTEBOOK ...]`` (default: labs/*.ipynb).
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import nbformat

LABS = Path(__file__).resolve().parent.parent / "labs"


def add_ids(path: Path) -> int:
    """Add the missing ids to one notebook in place; return how many cells got one."""
    # Parsed as plain JSON: nbformat.read would quietly invent the missing ids (with a
    # warning) and we could not tell which cells lacked one.
    nb = nbformat.from_dict(json.loads(path.read_text(encoding="utf-8")))
    taken = {cell["id"] for cell in nb.cells if "id" in cell}
    added = 0
    for cell in nb.cells:
        if "id" in cell:
            continue
        new = uuid.uuid4().hex[:8]
        while new in taken:
            new = uuid.uuid4().hex[:8]
        cell["id"] = new
        taken.add(new)
        added += 1
    if added:
        nb["nbformat_minor"] = max(nb.get("nbformat_minor", 0), 5)
        nbformat.validate(nb)
        nbformat.write(nb, path)
    return added


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(LABS.glob("*.ipynb"))
    for path in paths:
        added = add_ids(path)
        print(f"{path}: {added} cell id(s) added" if added else f"{path}: every cell has an id")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
