"""``ecs-learn lint`` checks botocore's input shape first: what the AWS CLI refuses to send."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ecs_learn.lint import lint_document, lint_file
from ecs_learn.rules import Kind
from ecs_learn.rules.shapes import SHAPE_CHECKS, check_shape, describe_only_keys
from tests.test_lint import GOOD_TD, _app

ACCOUNT = "123456789012"


def _td(**container: Any) -> dict[str, Any]:
    base = {"name": "web", "image": "public.ecr.aws/nginx/nginx:latest"}
    return {**GOOD_TD, "containerDefinitions": [{**base, **container}]}


def _shape_findings(doc: Any, kind: str | None = None) -> list[tuple[str, str]]:
    return [(f.rule_id, f.path) for f in lint_document(doc, kind)[2] if f.rule_id[:5] == "SHAPE"]


def test_a_clean_document_has_no_shape_findings() -> None:
    assert _shape_findings(GOOD_TD) == []
    assert check_shape("task-definition", GOOD_TD).operation == "RegisterTaskDefinition"


def test_unknown_key_names_the_closest_valid_one() -> None:
    doc = _td(portMapping=[{"containerPort": 80}])
    (finding,) = [f for f in lint_document(doc)[2] if f.rule_id == "SHAPE001"]
    assert finding.path == "containerDefinitions[0].portMapping"
    assert 'Did you mean "portMappings"?' in finding.message
    assert finding.error_code == "ParamValidationError"
    assert "RegisterTaskDefinition input shape" in finding.source


def test_unknown_key_differing_in_case_is_matched() -> None:
    (finding,) = check_shape("task-definition", {**GOOD_TD, "NetworkMode": "awsvpc"}).findings
    assert (finding.rule_id, finding.path) == ("SHAPE001", "NetworkMode")
    assert '"networkMode"' in finding.message


@pytest.mark.parametrize(
    ("container", "path", "advice"),
    [
        ({"essential": "true"}, "containerDefinitions[0].essential", "Write true without quotes"),
        ({"memory": "512"}, "containerDefinitions[0].memory", "Write 512 without quotes"),
        ({"portMappings": {"containerPort": 80}}, "containerDefinitions[0].portMappings", "list"),
    ],
)
def test_wrong_types(container: dict[str, Any], path: str, advice: str) -> None:
    findings = [f for f in lint_document(_td(**container))[2] if f.rule_id == "SHAPE002"]
    assert [f.path for f in findings] == [path]
    assert advice in findings[0].message


def test_task_level_memory_is_a_string_in_the_model() -> None:
    # RegisterTaskDefinition takes task-level cpu/memory as strings ("512", "1 GB").
    assert _shape_findings({**GOOD_TD, "memory": "512"}) == []
    assert _shape_findings({**GOOD_TD, "memory": 512}) == [("SHAPE002", "memory")]


def test_policy_document_given_as_an_object_where_the_api_takes_text() -> None:
    role = {"RoleName": "r", "AssumeRolePolicyDocument": {"Version": "2012-10-17"}}
    (finding,) = check_shape("iam-role", role).findings
    assert (finding.rule_id, finding.path) == ("SHAPE002", "AssumeRolePolicyDocument")
    assert "JSON text" in finding.message


def test_missing_required_members() -> None:
    doc = {"containerDefinitions": GOOD_TD["containerDefinitions"]}
    assert ("SHAPE003", "") in _shape_findings(doc)
    listener = {"LoadBalancerArn": "arn:x", "DefaultActions": [{}]}
    findings = check_shape("elbv2-listener", listener).findings
    assert [(f.rule_id, f.path) for f in findings] == [("SHAPE003", "DefaultActions[0]")]
    assert '"Type"' in findings[0].message


def test_value_below_the_model_minimum() -> None:
    listener = {"LoadBalancerArn": "arn:x", "DefaultActions": [{"Type": "forward"}], "Port": 0}
    findings = check_shape("elbv2-listener", listener).findings
    assert [(f.rule_id, f.path) for f in findings] == [("SHAPE005", "Port")]


def test_union_must_set_one_member() -> None:
    doc = _td(resourceRequirements=[{"type": "GPU", "value": "1", "sharingStrategy": {}}])
    path = "containerDefinitions[0].resourceRequirements[0].sharingStrategy"
    assert ("SHAPE006", path) in _shape_findings(doc)


DESCRIBED = {
    "taskDefinitionArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/web:3",
    **GOOD_TD,
    "revision": 3,
    "status": "ACTIVE",
    "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"}],
    "compatibilities": ["EC2", "FARGATE"],
    "registeredAt": "2024-05-01T10:00:00.000000+00:00",
    "registeredBy": f"arn:aws:iam::{ACCOUNT}:root",
}
READ_ONLY = [
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "requiresAttributes",
    "revision",
    "status",
    "taskDefinitionArn",
]


def test_describe_only_fields_are_named_and_not_called_typos() -> None:
    assert set(READ_ONLY) <= describe_only_keys(Kind.TASK_DEFINITION)
    result = check_shape("task-definition", DESCRIBED)
    assert [(f.rule_id, f.path) for f in result.findings] == [("SHAPE004", k) for k in READ_ONLY]
    assert sorted(result.describe_only) == READ_ONLY
    assert "DescribeTaskDefinition output" in result.findings[0].message


@pytest.mark.parametrize("wrapped", [False, True])
def test_describe_output_gets_a_fix_it_that_makes_register_input(
    tmp_path: Path, wrapped: bool
) -> None:
    doc: dict[str, Any] = {"taskDefinition": DESCRIBED, "tags": []} if wrapped else DESCRIBED
    path = tmp_path / "described.json"
    path.write_text(json.dumps(doc))
    report = lint_file(path)
    prefix = "taskDefinition." if wrapped else ""
    assert [f.path for f in report.errors] == [prefix + k for k in READ_ONLY]
    assert report.fix is not None and report.operation == "RegisterTaskDefinition"
    for key in READ_ONLY:
        assert key in report.fix
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    expr = report.fix.split("jq '", 1)[1].split("'", 1)[0]
    fixed = subprocess.run(
        ["jq", expr, str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert lint_document(json.loads(fixed))[2] == []


def test_wrapped_describe_output_keeps_its_tags_in_the_fix() -> None:
    from ecs_learn.lint import fix_it

    tags = [{"key": "team", "value": "web"}]
    doc = {"taskDefinition": DESCRIBED, "tags": tags}
    fix = fix_it(
        Kind.TASK_DEFINITION, check_shape("task-definition", DESCRIBED), doc, "taskDefinition"
    )
    assert fix is not None and ".taskDefinition + {tags} | del(" in fix


def test_cli_shows_shape_errors_and_the_fix_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_td(portMapping=[], essential="true")))
    described = tmp_path / "described.json"
    described.write_text(json.dumps({"taskDefinition": DESCRIBED}))
    result = CliRunner().invoke(_app(), ["lint", str(bad), str(described)])
    assert result.exit_code == 1, result.output
    assert "ERROR SHAPE001 containerDefinitions[0].portMapping" in result.stdout
    assert "ERROR SHAPE002 containerDefinitions[0].essential" in result.stdout
    assert "ERROR SHAPE004 taskDefinition.revision" in result.stdout
    assert "fix: This is DescribeTaskDefinition output" in result.stdout


def test_service_is_judged_against_create_or_update_whichever_fits() -> None:
    assert check_shape("service", {"serviceName": "web"}).operation == "CreateService"
    update = {"cluster": "lab", "service": "web", "taskDefinition": "web:2"}
    assert check_shape("service", update).operation == "UpdateService"
    assert check_shape("service", update).findings == ()


def test_lifecycle_policy_wrapper_is_checked_the_bare_policy_is_not() -> None:
    policy = {"rules": []}
    assert check_shape("ecr-lifecycle-policy", {"repositoryName": "web"}).findings  # missing text
    assert _shape_findings(policy) == []
    wrapper = {"repositoryName": "web", "lifecyclePolicyText": json.dumps(policy), "x": 1}
    # the model's minimum: a policy text is 100 to 30720 characters
    assert _shape_findings(wrapper) == [("SHAPE001", "x"), ("SHAPE005", "lifecyclePolicyText")]


def test_every_kind_names_a_botocore_operation() -> None:
    for kind in Kind:
        api = kind.api
        assert api.operations, kind
        assert check_shape(kind, {}).operation in api.operations
        describe_only_keys(kind)  # the describe member exists in the model


def test_shape_checks_are_in_the_reference() -> None:
    from ecs_learn.rules.reference import render_reference

    page = render_reference()
    for check in SHAPE_CHECKS:
        assert f"`{check.id}`" in page


def test_value_outside_the_model_enum() -> None:
    doc = _td(portMappings=[{"containerPort": 80, "protocol": "TCP"}])
    (finding,) = [f for f in lint_document(doc)[2] if f.rule_id == "SHAPE007"]
    assert finding.path == "containerDefinitions[0].portMappings[0].protocol"
    assert 'Did you mean "tcp"?' in finding.message


def test_enum_finding_yields_to_the_rule_that_judges_the_same_field() -> None:
    ids = [f.rule_id for f in lint_document({**GOOD_TD, "networkMode": "foo"})[2]]
    assert "TD012" in ids and "SHAPE007" not in ids


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(list(Kind)), doc=st.dictionaries(st.text(max_size=10), JSON, max_size=4)
)
def test_shape_check_never_crashes_on_any_json(kind: Kind, doc: dict[str, Any]) -> None:
    for finding in check_shape(kind, doc).findings:
        assert finding.rule_id in {c.id for c in SHAPE_CHECKS} and finding.message
