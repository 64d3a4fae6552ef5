"""docs/rules.md is generated from the rules and must not drift from them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ecs_learn.rules import ALL_RULES
from ecs_learn.rules.reference import render_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_committed_reference_matches_the_rules() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), (
        "docs/rules.md is stale: run `python -m ecs_learn.rules.reference > docs/rules.md`"
    )


def test_reference_lists_every_rule_once() -> None:
    page = render_reference()
    for rule in ALL_RULES:
        assert page.count(f"| `{rule.id}` |") == 1


def test_module_entry_point_prints_the_page() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ecs_learn.rules.reference"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert out == render_reference()
