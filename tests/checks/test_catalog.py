from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from ecs_learn.checks import UnknownCheckError, UnknownLabError, get_lab, list_labs
from ecs_learn.grading.notebooks import cell_check_id, read_notebook
from ecs_learn.resources import labs_dir

SCHEMA = Path(__file__).resolve().parents[2] / "ecs_learn" / "checks" / "labs.schema.json"


def test_the_lab_catalog_matches_its_schema() -> None:
    data = yaml.safe_load((labs_dir() / "labs.yaml").read_text())
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))


def test_a_broken_catalog_entry_is_caught_by_the_schema() -> None:
    data = {"labs": [{"id": "1", "slug": "Bad Slug", "title": "t"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json.loads(SCHEMA.read_text()))


@pytest.mark.parametrize("lab", list_labs(), ids=lambda lab: lab.id)
def test_every_check_has_exactly_one_check_cell_in_its_notebook(lab) -> None:  # type: ignore[no-untyped-def]
    nb = read_notebook(lab.notebook_path)
    cells = [cell_check_id(c) for c in nb["cells"] if cell_check_id(c)]
    assert cells == lab.check_ids()


def test_labs_are_found_by_id_slug_or_number() -> None:
    assert get_lab("01") is get_lab("task-definitions")
    assert get_lab("1").id == "01"


def test_unknown_ids_list_the_valid_ones() -> None:
    with pytest.raises(UnknownLabError, match=r"01 \(task-definitions\)"):
        get_lab("99")
    with pytest.raises(UnknownCheckError, match="execution-role, task-role"):
        get_lab("01").get_check("nope")
