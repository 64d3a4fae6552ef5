"""Loading and validating banks: every problem at once, each with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecs_learn.quiz import BankError, BankProblem, ItemType, load_catalog, validate
from ecs_learn.quiz.loader import UnknownTopicError

from .conftest import BAD_BANKS, SAMPLE_BANKS


def _where(problems: tuple[BankProblem, ...]) -> set[tuple[str, int | None, str]]:
    return {(Path(p.file).name, p.line, p.path) for p in problems}


def test_sample_banks_are_valid_with_both_checkers() -> None:
    for use_schema in (False, True):
        result = validate(SAMPLE_BANKS, use_schema=use_schema)
        assert result.ok, result.problems
        assert [bank.topic for bank in result.banks] == ["iam-roles", "launch-types"]
    assert result.sections["launch-types-fargate"] == "Fargate launch type"


def test_catalog_gives_items_by_topic_and_rejects_unknown_topics() -> None:
    catalog = load_catalog(SAMPLE_BANKS)
    assert len(catalog.items()) == 7
    kinds = {item.type for item in catalog.items("launch-types")}
    assert kinds == set(ItemType)
    assert catalog.get("iam-roles/trust") is not None
    with pytest.raises(UnknownTopicError, match="known topics: iam-roles, launch-types"):
        catalog.items("eks")


EXPECTED_BAD = {
    ("broken-yaml.yaml", 8, ""),                          # bad YAML, with its line
    ("many-errors.yaml", 4, "items[0]"),                  # missing field (explanation)
    ("many-errors.yaml", 16, "items[1].answer"),          # answer not among the choices
    ("many-errors.yaml", 22, "items[2].prompt"),          # wrong type (number)
    ("many-errors.yaml", 23, "items[2].choices[2]"),      # wrong type in a list
    ("many-errors.yaml", 24, "items[2].answer"),          # multiple needs a list
    ("many-errors.yaml", 27, "items[3].id"),              # duplicate id
    ("many-errors.yaml", 29, "items[3].section"),         # no such anchor in notes.md
    ("many-errors.yaml", 34, "items[4].id"),              # id prefix is not the topic
    ("many-errors.yaml", 35, "items[4].type"),            # unknown type
    ("wrong-stem.yaml", 1, "topic"),                      # topic is not the file stem
}


@pytest.mark.parametrize("use_schema", [False, True], ids=["fast", "jsonschema"])
def test_malformed_banks_report_every_problem_with_file_line_and_field(use_schema: bool) -> None:
    result = validate(BAD_BANKS, use_schema=use_schema)
    assert not result.ok
    assert _where(result.problems) >= EXPECTED_BAD
    extra = _where(result.problems) - EXPECTED_BAD
    # duplicate choices and an unknown field: both checkers flag them, each in its words
    assert {path for _, _, path in extra} <= {"items[5]", "items[5].choices",
                                              "items[5].choices[1]", "items[5].colour"}
    assert len(extra) == 2
    messages = "\n".join(str(p) for p in result.problems)
    assert "'aws-vpc' is not one of the choices" in messages
    assert "duplicate id 'many-errors/answer-not-a-choice'" in messages
    assert "must equal the file name stem 'wrong-stem'" in messages


def test_fast_messages_name_the_problem_plainly() -> None:
    text = "\n".join(str(p) for p in validate(BAD_BANKS / "many-errors.yaml").problems)
    assert "many-errors.yaml:4: items[0]: missing required field 'explanation'" in text
    assert "many-errors.yaml:22: items[2].prompt: must be a string, not a number" in text
    assert "items[5].choices[1]: duplicate entry 'a'" in text
    assert "items[5].colour: unknown field 'colour'" in text


def test_ids_must_be_unique_across_banks(tmp_path: Path) -> None:
    shutil.copy(SAMPLE_BANKS / "notes.md", tmp_path)
    shutil.copy(SAMPLE_BANKS / "launch-types.yaml", tmp_path)
    clash = (SAMPLE_BANKS / "iam-roles.yaml").read_text().replace(
        "id: iam-roles/trust", "id: iam-roles/pull-image")
    (tmp_path / "iam-roles.yaml").write_text(clash)
    problems = validate(tmp_path).problems
    assert [(p.path, p.line) for p in problems] == [("items[2].id", 20)]
    assert "already used at" in problems[0].message and "iam-roles.yaml:4" in problems[0].message


def test_duplicate_yaml_keys_and_missing_notes_are_reported(tmp_path: Path) -> None:
    text = (SAMPLE_BANKS / "iam-roles.yaml").read_text().replace(
        '    answer: "Task role"\n', '    answer: "Task role"\n    answer: "Task role"\n')
    (tmp_path / "iam-roles.yaml").write_text(text)
    problems = validate(tmp_path).problems
    messages = [str(p) for p in problems]
    assert any("notes" in m and "sections were not checked" in m for m in messages)
    assert any(":18: items[1].answer: duplicate key 'answer'" in m for m in messages)


def test_empty_and_non_mapping_files(tmp_path: Path) -> None:
    shutil.copy(SAMPLE_BANKS / "notes.md", tmp_path)
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    messages = sorted(str(p) for p in validate(tmp_path).problems)
    assert any("empty.yaml:1: the file is empty" in m for m in messages)
    assert any("list.yaml:1: a bank must be a mapping" in m for m in messages)


def test_load_catalog_raises_one_error_with_every_problem() -> None:
    with pytest.raises(BankError) as caught:
        load_catalog(BAD_BANKS)
    assert len(caught.value.problems) == len(validate(BAD_BANKS).problems) >= 12
    assert "problems in the question banks" in str(caught.value)


def test_catalog_cache_is_reused_until_a_bank_changes(tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    shutil.copytree(SAMPLE_BANKS, banks)
    cache = tmp_path / "cache"
    first = load_catalog(banks, cache_dir=cache)
    [cached] = cache.glob("banks-*.json")
    assert load_catalog(banks, cache_dir=cache) == first
    bank = banks / "iam-roles.yaml"
    bank.write_text(bank.read_text().replace('answer: "Task role"', 'answer: "Nope"'))
    with pytest.raises(BankError, match="'Nope' is not one of the choices"):
        load_catalog(banks, cache_dir=cache)
    assert cached.exists()  # an invalid bank never replaces the last good cache entry
