"""Lab 05's checks against real moto and the runtime: the solution passes; typical
mistakes fail with the reason, and the hint names the field to change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import ecs_learn.runtime as rt
from ecs_learn import strict
from ecs_learn.checks import AccountReader, Status, get_lab
from ecs_learn.grading.notebooks import cell_check_id, cell_source, cell_tags
from tests.checks.priced import assert_every_row_priced
from tests.labs.notebook_code import code_cells

NOTEBOOK = "05-efs-volumes.ipynb"
LAB = get_lab("05")


@pytest.fixture
def reader(sandbox: Any) -> Iterator[AccountReader]:
    yield AccountReader.for_sandbox(sandbox)
    strict.disable()


def _run(edits: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the instructor solution with ``edits`` (old text -> new text, each used once)."""
    unused = dict(edits or {})
    namespace: dict[str, Any] = {"__name__": "__lab__"}
    for cell in code_cells(NOTEBOOK):
        if cell_check_id(cell) is not None or {"report", "quiz"} & set(cell_tags(cell)):
            continue
        source = cell_source(cell)
        for old, new in list(unused.items()):
            if old in source:
                source = source.replace(old, new)
                del unused[old]
        exec(compile(source, "<lab05>", "exec"), namespace)
    assert not unused, f"edits that matched nothing: {list(unused)}"
    return namespace


def _wrong(check_id: str, reader: AccountReader) -> dict[str, tuple[str, str]]:
    result = LAB.run(check_id, reader)
    assert result.status is Status.FAILED, result
    return {r.label: (r.expected, r.found) for r in result.requirements if not r.ok}


def test_every_check_passes_on_the_instructor_solution(reader: AccountReader) -> None:
    _run()
    report = LAB.run_all(reader)
    assert [(r.check_id, r.status) for r in report.results] == [
        (c, Status.PASSED) for c in LAB.check_ids()
    ], "\n".join(str(r) for r in report.results if not r.passed)
    assert report.points == report.max_points == 23
    assert_every_row_priced(LAB, report)


def test_every_check_fails_on_an_empty_account(reader: AccountReader) -> None:
    report = LAB.run_all(reader)
    assert {r.status for r in report.results} == {Status.FAILED}
    assert report.points == 0
    assert "2049" in report.by_id()["nfs-security-groups"].hint


def test_nfs_from_an_address_range_and_a_mount_target_missing_in_one_az(
    reader: AccountReader,
) -> None:
    """Two typical slips, and what the account does with them: the task in us-east-1b stops."""
    _run(
        {
            '"UserIdGroupPairs": [{"GroupId": tasks_sg, "Description": "NFS from uploads tasks"}]'
            "": '"IpRanges": [{"CidrIp": "10.0.0.0/16"}]',
            'for az in ("us-east-1a", "us-east-1b"):': 'for az in ("us-east-1a",):',
        }
    )
    assert _wrong("nfs-security-groups", reader) == {
        "mount target security group": (
            "allows TCP 2049 from uploads-tasks",
            "10.0.0.0/16, uploads-instances",  # exercise 6's rule for the EC2 instances
        )
    }
    assert _wrong("file-system", reader) == {"mount target in us-east-1b": ("exists", "us-east-1a")}
    # partial credit: the group's existence (0.5) but not its rule; the file system but the
    # us-east-1b mount target (0.5) and its security groups (0.4, nothing to judge)
    assert LAB.run("nfs-security-groups", reader).points == 0.5
    assert LAB.run("file-system", reader).points == 2.1
    wrong = _wrong("shared-service", reader)
    assert wrong["running tasks"] == ("2", "0")
    assert "ResourceInitializationError" in wrong["stoppedReason"][1]


def test_ec2_tasks_stop_when_the_mount_targets_do_not_allow_the_instances(
    reader: AccountReader,
) -> None:
    """Bridge networking: NFS comes from the instance, so its group must be allowed."""
    allowed = '"UserIdGroupPairs": [{"GroupId": instances_sg}]'
    _run({allowed: '"IpRanges": [{"CidrIp": "10.9.0.0/16"}]'})
    wrong = _wrong("ec2-efs-tasks", reader)
    assert wrong["mount target security group in us-east-1a"] == (
        "allows TCP 2049 from uploads-instances",
        "10.9.0.0/16, uploads-tasks",
    )
    assert wrong["running uploads-ec2 tasks on container instances"] == ("2", "0")
    assert "mount.nfs4: Connection timed out" in wrong["stoppedReason"][1]
    assert "uploads-instances" in LAB.run("ec2-efs-tasks", reader).hint
    assert LAB.run("ec2-efs-tasks", reader).points == 0  # the given instances earn nothing
    assert LAB.run("ec2-task-definition", reader).passed  # the definition itself is right


def test_a_service_in_one_az_fails_on_spread(reader: AccountReader) -> None:
    _run(
        {
            '"subnets": [subnet_in["us-east-1a"], subnet_in["us-east-1b"]],': (
                '"subnets": [subnet_in["us-east-1a"]],'
            )
        }
    )
    wrong = _wrong("shared-service", reader)
    assert wrong["subnets' AZs"] == ("us-east-1a, us-east-1b", "us-east-1a")
    assert wrong["AZs of the running tasks"] == ("two different AZs", "us-east-1a")


def test_a_volume_without_tls_and_iam_is_judged_as_aws_would(
    reader: AccountReader, sandbox: Any
) -> None:
    namespace = _run()
    ecs = sandbox.client("ecs")
    td = ecs.describe_task_definition(taskDefinition="uploads")["taskDefinition"]
    keep = ("family", "requiresCompatibilities", "networkMode", "cpu", "memory", "taskRoleArn")
    volume = {
        "name": "uploads",
        "efsVolumeConfiguration": {
            "fileSystemId": namespace["fs_id"],
            "authorizationConfig": {"accessPointId": namespace["access_point_id"]},
        },
    }
    with strict.lenient():  # moto alone stores what AWS rejects
        ecs.register_task_definition(
            **{k: td[k] for k in keep},
            containerDefinitions=td["containerDefinitions"],
            volumes=[volume],
        )
    wrong = _wrong("efs-task-definition", reader)
    assert wrong["transitEncryption"] == ("ENABLED", "nothing")
    assert wrong["authorizationConfig.iam"] == ("ENABLED", "nothing")
    assert "TD026" in wrong["AWS accepts it"][1]
    assert LAB.run("efs-task-definition", reader).points == 0  # AWS would not register it


def test_the_mount_repair_half_done_still_fails_with_the_stop_reason(
    reader: AccountReader,
) -> None:
    """Only the mount target added: the task in us-east-1a still cannot reach NFS."""
    _run({'"UserIdGroupPairs": [{"GroupId": reports_sg}],': '"UserIdGroupPairs": [],'})
    wrong = _wrong("repair-mount", reader)
    assert wrong["mount targets' security groups"] == (
        "allow TCP 2049 from reports-tasks in every AZ of the service",
        "us-east-1a: allows 10.0.0.0/16, us-east-1c: allows 10.0.0.0/16",
    )
    assert "AZs of the service's subnets without a mount target" not in wrong
    assert LAB.run("repair-mount", reader).points == 1  # half the repair: the mount target
    assert wrong["latest stoppedReason"][1].endswith(
        "mount.nfs4: Connection timed out : unsuccessful EFS utils command execution; code: 32"
    )
    assert "advance the clock" in LAB.get_check("repair-mount").hint


def test_the_mount_repair_also_passes_by_leaving_the_uncovered_az(
    reader: AccountReader, sandbox: Any
) -> None:
    namespace = _run(
        {
            'SubnetId=subnet_in["us-east-1c"], SecurityGroups=[reports_efs_sg]\n    )\nexcept': (
                'SubnetId=subnet_in["us-east-1a"], SecurityGroups=[reports_efs_sg]\n    )\nexcept'
            )
        }
    )
    assert LAB.run("repair-mount", reader).status is Status.FAILED
    sandbox.client("ecs").update_service(
        cluster="storage-lab",
        service="reports",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [namespace["subnet_in"]["us-east-1a"]],
                "securityGroups": [namespace["reports_sg"]],
            }
        },
    )
    rt.advance(minutes=15)
    assert LAB.run("repair-mount", reader).passed


def test_the_rejected_definition_registered_anyway_fails(
    reader: AccountReader, sandbox: Any
) -> None:
    namespace = _run(
        {
            'volume["transitEncryption"] = "ENABLED"\nvolume.pop("rootDirectory")\n'
            "ecs.register_task_definition(**fixed);\n": ""
        }
    )
    assert _wrong("repair-definition", reader) == {
        "task definition family reports-archive": ("registered", "nothing")
    }
    with strict.lenient():
        sandbox.client("ecs").register_task_definition(**namespace["archive"])
    wrong = _wrong("repair-definition", reader)
    assert wrong["transitEncryption"] == ("ENABLED", "nothing")
    assert wrong["rootDirectory"] == ("omitted or /", "/archive")
    assert LAB.run("repair-definition", reader).points == 0  # the kept rows hold, AWS refuses
