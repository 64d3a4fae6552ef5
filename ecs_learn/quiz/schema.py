"""Validation against the shipped JSON Schema (``bank.schema.json``).

jsonschema is slow to import, so only ``ecs-learn quiz validate`` and the tests come
here; sessions rely on :func:`ecs_learn.quiz.crosscheck.structure_problems`, which
enforces the same rules.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ecs_learn.quiz.problems import BankProblem
from ecs_learn.quiz.source import FieldPath, ParsedFile

__all__ = ["SCHEMA_PATH", "bank_schema", "schema_problems"]

SCHEMA_PATH = Path(__file__).with_name("bank.schema.json")


@lru_cache(maxsize=1)
def bank_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def schema_problems(parsed: ParsedFile) -> list[BankProblem]:
    """Every place where the parsed file breaks the schema, each with its line."""
    import jsonschema

    if parsed.data is None:
        return []
    validator = jsonschema.Draft202012Validator(bank_schema())
    problems = []
    for error in validator.iter_errors(parsed.data):
        path: FieldPath = tuple(error.absolute_path)
        problems.append(parsed.problem(path, error.message))
    return sorted(problems, key=lambda p: (p.line or 0, p.path, p.message))
