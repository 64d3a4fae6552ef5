"""``ecs-learn lint``: detection, output formats, exit codes, and unreadable files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ecs_learn.cli import make_app
from ecs_learn.lint import FileReport, detect_kind, exit_code, lint_document, lint_file

GOOD_TD = {
    "family": "web",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": ".25 vcpu",
    "memory": "0.5 GB",
    "containerDefinitions": [{"name": "web", "image": "public.ecr.aws/nginx/nginx:latest"}],
}
BAD_TD = {**GOOD_TD, "memory": "4 GB"}
LIFECYCLE = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "tagged",
                "countType": "imageCountMoreThan",
                "countNumber": 5,
            },
            "action": {"type": "expire"},
        }
    ]
}


def _app() -> typer.Typer:
    """The real CLI with only the lint area (its root group reports the errors)."""
    return make_app(["lint"])


def _write(tmp_path: Path, name: str, content: object) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


@pytest.mark.parametrize(
    ("doc", "kind"),
    [
        (GOOD_TD, "task-definition"),
        ({"taskDefinition": GOOD_TD}, "task-definition"),
        ({"cluster": "lab", "serviceName": "web", "taskDefinition": "web:1"}, "service"),
        ({"cluster": "lab", "taskDefinition": "web:1", "count": 1}, "run-task"),
        (LIFECYCLE, "ecr-lifecycle-policy"),
        (
            {"repositoryName": "r", "lifecyclePolicyText": json.dumps(LIFECYCLE)},
            "ecr-lifecycle-policy",
        ),
        (
            {"PolicyName": "p", "ServiceNamespace": "ecs", "ResourceId": "service/a/b"},
            "scaling-policy",
        ),
        ({"ScheduledActionName": "s", "Schedule": "rate(1 day)"}, "scheduled-action"),
        (
            {
                "ServiceNamespace": "ecs",
                "ResourceId": "service/a/b",
                "ScalableDimension": "ecs:service:DesiredCount",
            },
            "scalable-target",
        ),
        ({"repositoryName": "web"}, "ecr-repository"),
        ({"fargateProfileName": "f", "selectors": []}, "eks-fargate-profile"),
        ({"nodegroupName": "n", "scalingConfig": {}}, "eks-nodegroup"),
        ({"RoleName": "r", "AssumeRolePolicyDocument": "{}"}, "iam-role"),
        ({"clusterName": "lab"}, "cluster"),
        ({"hello": "world"}, None),
    ],
)
def test_detect_kind(doc: dict[str, object], kind: str | None) -> None:
    assert detect_kind(doc) == kind


def test_describe_output_paths_point_into_the_wrapper() -> None:
    kind, location, findings = lint_document({"taskDefinition": BAD_TD, "tags": []})
    assert (kind, location) == ("task-definition", "taskDefinition")
    assert [(f.rule_id, f.path) for f in findings] == [("TD011", "taskDefinition.memory")]


def test_forced_kind_and_32_vcpu_option() -> None:
    from ecs_learn.rules import RuleContext

    big = {**GOOD_TD, "cpu": "32 vCPU", "memory": "244 GB"}
    assert [f.rule_id for f in lint_document(big)[2]] == ["TD011"]
    assert lint_document(big, "task-definition", RuleContext(allow_32_vcpu=True))[2] == []


def test_exit_codes() -> None:
    clean = FileReport("a", "task-definition")
    assert exit_code([clean]) == 0
    assert exit_code([lint_file_from(BAD_TD)]) == 1
    assert exit_code([clean, FileReport("b", error="no such file")]) == 2


def lint_file_from(doc: object, tmp: Path | None = None) -> FileReport:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.json"
        path.write_text(json.dumps(doc))
        return lint_file(path)


def test_cli_human_output(tmp_path: Path) -> None:
    good, bad = _write(tmp_path, "good.json", GOOD_TD), _write(tmp_path, "bad.json", BAD_TD)
    result = CliRunner().invoke(_app(), ["lint", str(good), str(bad)])
    assert result.exit_code == 1, result.output
    assert "good.json: task-definition: no problems found" in result.stdout
    assert "ERROR TD011 memory:" in result.stdout
    assert "bad.json" in result.stdout


def test_cli_json_output(tmp_path: Path) -> None:
    bad = _write(tmp_path, "lc.json", LIFECYCLE)
    result = CliRunner().invoke(_app(), ["lint", "--format", "json", str(bad)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"]["errors"] == 1
    (entry,) = data["files"]
    assert entry["kind"] == "ecr-lifecycle-policy"
    assert [f["path"] for f in entry["findings"]] == ["rules[0].selection.tagStatus"]


def test_cli_forced_kind(tmp_path: Path) -> None:
    odd = _write(tmp_path, "odd.json", {"ServiceNamespace": "ecs", "ResourceId": "nope"})
    result = CliRunner().invoke(_app(), ["lint", "--kind", "scheduled-action", str(odd)])
    assert result.exit_code == 1 and "AAS023 ResourceId" in result.stdout
    result = CliRunner().invoke(_app(), ["lint", "--kind", "bogus", str(odd)])
    assert result.exit_code == 2 and "unknown --kind" in result.stderr


MALFORMED = {
    "notjson.json": ("{nope", "is not valid JSON"),
    "list.json": ("[1, 2]", "expected a JSON object at the top, found a list"),
    "empty.json": ("", "is empty"),
    "blank.json": ("  \n", "is empty"),
    "binary.json": (b"\xff\xfe\x00".decode("latin-1"), "not UTF-8"),
    "unknown.json": ('{"hello": 1}', "cannot tell what kind of document"),
    "badtext.json": ('{"lifecyclePolicyText": "{x"}', "lifecyclePolicyText is not valid JSON"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_cli_malformed_file_exit_2_and_others_still_linted(tmp_path: Path, name: str) -> None:
    content, reason = MALFORMED[name]
    broken = tmp_path / name
    if name == "binary.json":
        broken.write_bytes(b"\xff\xfe\x00{")
    else:
        broken.write_text(content)
    bad = _write(tmp_path, "bad.json", BAD_TD)
    result = CliRunner().invoke(_app(), ["lint", str(broken), str(bad)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{broken}: " in result.stderr and reason in result.stderr
    assert "Traceback" not in result.output
    assert "TD011" in result.stdout  # the other file was still linted


@pytest.mark.parametrize("which", ["directory", "missing"])
def test_cli_directory_and_missing_file(tmp_path: Path, which: str) -> None:
    target = tmp_path if which == "directory" else tmp_path / "nope.json"
    result = CliRunner().invoke(_app(), ["lint", str(target)])
    assert result.exit_code == 2
    expected = "is a directory" if which == "directory" else "no such file"
    assert f"{target}: {expected}" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_cli_in_a_real_process(tmp_path: Path) -> None:
    broken = _write(tmp_path, "broken.json", "{oops")
    good = _write(tmp_path, "good.json", GOOD_TD)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ecs_learn.cli import main; main()",
            "lint",
            str(good),
            str(broken),
            str(tmp_path / "missing.json"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{broken}: is not valid JSON" in proc.stderr
    assert "missing.json: no such file" in proc.stderr
    assert "is a directory" in proc.stderr
    assert "good.json: task-definition: no problems found" in proc.stdout


def test_cli_allow_32_vcpu(tmp_path: Path) -> None:
    big = _write(tmp_path, "big.json", {**GOOD_TD, "cpu": "32768", "memory": "249856"})
    assert CliRunner().invoke(_app(), ["lint", str(big)]).exit_code == 1
    assert CliRunner().invoke(_app(), ["lint", "--allow-32-vcpu", str(big)]).exit_code == 0
