"""Real documents from AWS's documentation and samples (tests/lint_data/SOURCES.md).

The ones AWS accepts must lint without errors, alone and all together (a rule that
rejects one is over-strict); the ones AWS refuses must get exactly the findings that
say why.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ecs_learn.lint import lint_document, lint_file, lint_files

DATA = Path(__file__).parent / "lint_data"
ACCEPTED = sorted((DATA / "aws").glob("*.json"))
KINDS_COVERED = {
    "task-definition",
    "service",
    "ecr-lifecycle-policy",
    "scaling-policy",
    "scalable-target",
    "scheduled-action",
}


def test_the_samples_cover_the_kinds_the_issue_names() -> None:
    assert {lint_file(p).kind for p in ACCEPTED} == KINDS_COVERED
    assert len(ACCEPTED) >= 20


@pytest.mark.parametrize("path", ACCEPTED, ids=[p.name for p in ACCEPTED])
def test_aws_document_lints_without_errors(path: Path) -> None:
    report = lint_file(path)
    assert report.error is None
    assert report.errors == [], [f"{f.rule_id} {f.path}: {f.message}" for f in report.errors]


def test_all_accepted_documents_together_stay_clean() -> None:
    # Linted as one set, the service-connect service is judged against its task definition
    # (which names no requiresCompatibilities, yet AWS runs it on FARGATE).
    reports = lint_files(ACCEPTED)
    assert [(r.file, f.rule_id) for r in reports for f in r.errors] == []


REJECTED = {
    "sample-nginx_fargate.json": [("TD018", "containerDefinitions[0].logConfiguration.logDriver")],
    "sample-kibana_ec2.json": [("TD013", "containerDefinitions[0].portMappings[0].hostPort")],
    "describe-td-awscli-ec2.json": [
        ("SHAPE004", "taskDefinition.revision"),
        ("SHAPE004", "taskDefinition.taskDefinitionArn"),
    ],
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_aws_documents_aws_refuses_get_exactly_the_reason(name: str) -> None:
    report = lint_file(DATA / "aws_rejected" / name)
    assert [(f.rule_id, f.path) for f in report.errors] == REJECTED[name]


def test_the_fix_it_turns_the_documented_describe_output_into_clean_input() -> None:
    path = DATA / "aws_rejected" / "describe-td-awscli-ec2.json"
    report = lint_file(path)
    assert report.fix is not None
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    expr = report.fix.split("jq '", 1)[1].split("'", 1)[0]
    fixed = subprocess.run(["jq", expr, str(path)], capture_output=True, text=True, check=True)
    assert [
        f for f in lint_document(json.loads(fixed.stdout))[2] if f.severity.value == "error"
    ] == []
