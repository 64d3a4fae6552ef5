"""Every exercise of labs 02-08 can be started over.

For each lab the solution is built once (as the learner's cells build it). Then one exercise
is reset: exactly its resources are gone, the reset says so in words, another exercise's
check still passes, and running the exercise's cells again passes its check again. Last,
every exercise in turn is reset (its check no longer passes) and redone (it passes again):
the cells of each exercise survive being run after a reset.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import AccountReader, CheckResult, get_lab
from ecs_learn.grading.notebooks import cell_check_id, cell_source, cell_tags
from tests.labs.notebook_code import code_cells

NOTEBOOKS = {
    "02": "02-ecr.ipynb",
    "03": "03-services-load-balancing.ipynb",
    "04": "04-ec2-capacity.ipynb",
    "05": "05-efs-volumes.ipynb",
    "06": "06-service-auto-scaling.ipynb",
    "07": "07-eks.ipynb",
    "08": "08-capstone.ipynb",
}
# Redone after the whole lab, these checks judge a different account than in the lab's order.
REDONE_LATER = {
    # binpack packs onto the instance with the least memory left: once exercise 8's Auto
    # Scaling group has launched its t3.small instances, the three tasks span two of them.
    ("04", "placement-strategies"): {"instances used by web-binpack"},
}
# Checks that still pass once their exercise is reset, and why.
PASSES_AFTER_RESET = {
    # Back on the revision with host port 80, the service still places all three tasks once
    # exercise 8's Auto Scaling group has launched instances (more capacity is a repair too).
    ("04", "placement-repair"),
    # Deleting memory-guard, which is all the reset does, is one of the repairs it accepts.
    ("06", "repair-scale-in"),
}


def _sections(notebook: str) -> dict[str, list[str]]:
    """The code of each exercise: the cells after the previous check cell, up to its own."""
    found: dict[str, list[str]] = {}
    cells: list[str] = []
    for cell in code_cells(notebook):
        check_id = cell_check_id(cell)
        if check_id is not None:
            found[check_id], cells = cells, []
        elif not set(cell_tags(cell)) & {"setup", "report", "quiz", "clock"}:
            cells.append(cell_source(cell))
    return found


@dataclass
class Solved:
    lab: str
    box: Any
    namespace: dict[str, Any] = field(default_factory=lambda: {"__name__": "__lab__"})

    def __post_init__(self) -> None:
        notebook = NOTEBOOKS[self.lab]
        self.sections = _sections(notebook)
        self.checks = get_lab(self.lab)
        self.reader = AccountReader.for_sandbox(self.box)
        self.box.reset()
        setup = [cell_source(c) for c in code_cells(notebook) if "setup" in cell_tags(c)]
        self._run(setup + [src for cells in self.sections.values() for src in cells])

    def _run(self, sources: list[str]) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            for source in sources:
                exec(compile(source, f"<lab{self.lab}>", "exec"), self.namespace)

    def client(self, service: str) -> Any:
        return self.box.client(service)

    def reset(self, check_id: str) -> str:
        said: str = self.namespace["lab"]._reset(check_id)
        return said

    def redo(self, check_id: str) -> None:
        self._run(self.sections[check_id])

    def run(self, check_id: str) -> CheckResult:
        return self.checks.run(check_id, self.reader)

    def failing(self, check_id: str) -> set[str]:
        return {r.label for r in self.run(check_id).requirements if not r.ok}

    def passes(self, *check_ids: str) -> None:
        for check_id in check_ids:
            result = self.run(check_id)
            assert result.passed, (check_id, self.failing(check_id), result.error)

    def every_exercise_again(self) -> None:
        for check_id in self.sections:
            said = self.reset(check_id)
            assert said.startswith(f"Reset {check_id}: "), said
            if self.checks.get_check(check_id).owns_nothing:  # it says why, and removes nothing
                assert said.startswith(f"Reset {check_id}: nothing to remove: "), said
            elif (self.lab, check_id) not in PASSES_AFTER_RESET:
                assert not self.run(check_id).passed, said
            self.redo(check_id)
            expected = REDONE_LATER.get((self.lab, check_id))
            if expected is not None:
                assert self.failing(check_id) == expected, check_id
                continue
            self.passes(check_id)


@pytest.fixture(scope="module")
def box() -> Iterator[Any]:
    from ecs_learn.sandbox import Sandbox

    sandbox = Sandbox().start(background=False)
    try:
        yield sandbox
    finally:
        strict.disable()
        sandbox.stop()


@pytest.fixture(autouse=True)
def _learner_home(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECS_LEARN_HOME", str(tmp_path / "home"))


def _said(words: str, *parts: str) -> None:
    for part in parts:
        assert part in words, (part, words)


def test_lab02_a_lifecycle_reset_removes_its_policy_and_images_only(box: Any) -> None:
    lab = Solved("02", box)
    said = lab.reset("lifecycle-policy")
    _said(
        said,
        "removed lifecycle policy of ECR repository shop/web",
        "image shop/web:v1.0.2; image shop/web:v1.0.3; image shop/web:v1.0.4; "
        "image shop/web:v1.0.5",
        "2 untagged images of ECR repository shop/web",
    )
    ecr = lab.client("ecr")
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.get_lifecycle_policy(repositoryName="shop/web")
    images = ecr.describe_images(repositoryName="shop/web")["imageDetails"]
    assert sorted(t for i in images for t in i.get("imageTags", [])) == ["v1.0.0", "v1.0.1"]
    assert all(i.get("imageTags") for i in images)  # no untagged image left
    lab.passes("image-pushed", "immutable-tag", "pull-by-tag", "pull-by-digest")
    assert "lifecycle policy on shop/web" in lab.failing("lifecycle-policy")
    lab.redo("lifecycle-policy")
    lab.passes("lifecycle-policy")
    lab.every_exercise_again()


def test_lab03_path_routing_and_a_rolling_update_start_over(box: Any) -> None:
    lab = Solved("03", box)
    said = lab.reset("path-routing")
    _said(
        said,
        "service api in cluster shop (its 2 tasks stop)",
        "target group api (and the 1 listener rule that forwarded to it)",
        "inbound TCP 8080 of security group web-tasks (1 source)",
        "task definition family api (1 revision)",
    )
    elbv2, ec2 = lab.client("elbv2"), lab.client("ec2")
    names = [g["TargetGroupName"] for g in elbv2.describe_target_groups()["TargetGroups"]]
    assert "api" not in names and {"web", "ledger", "orders"} <= set(names)
    alb = elbv2.describe_load_balancers(Names=["web-alb"])["LoadBalancers"][0]["LoadBalancerArn"]
    listener = elbv2.describe_listeners(LoadBalancerArn=alb)["Listeners"][0]["ListenerArn"]
    assert [r["IsDefault"] for r in elbv2.describe_rules(ListenerArn=listener)["Rules"]] == [True]
    tasks_sg = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["web-tasks"]}]
    )["SecurityGroups"][0]
    assert [p["FromPort"] for p in tasks_sg["IpPermissions"]] == [80]  # exercise 1's rule stays
    lab.passes("security-groups", "alb", "alb-service")
    lab.redo("path-routing")
    lab.passes("path-routing")

    said = lab.reset("rolling-update")  # the service goes back to the revision before 2.0
    _said(said, "removed task definition web:2 (service web rolled back to web:1)")
    web = lab.client("ecs").describe_services(cluster="shop", services=["web"])["services"][0]
    assert web["taskDefinition"].endswith("/web:1")
    assert "web image in service" in lab.failing("rolling-update")
    lab.namespace["rt"].advance(minutes=10)  # the rollback's deployment completes
    lab.passes("circuit-breaker")  # its failed 3.0 revision and the rollback are still there
    lab.redo("rolling-update")
    lab.passes("rolling-update")
    lab.every_exercise_again()


def test_lab04_a_capacity_provider_in_use_is_kept_until_its_user_is_reset(box: Any) -> None:
    lab = Solved("04", box)
    said = lab.reset("asg-capacity-provider")
    _said(
        said,
        "removed service web-asg in cluster lab",
        "Kept capacity provider lab04-ondemand: service web-mixed of cluster lab still places "
        "tasks with it",
        "Auto Scaling group lab04-ondemand: capacity provider lab04-ondemand still uses it",
        "launch template lab04-ondemand: Auto Scaling group lab04-ondemand launches from it",
    )
    lab.passes("spot-mix")
    _said(lab.reset("spot-mix"), "capacity provider lab04-spot (detached from cluster lab first)")
    said = lab.reset("asg-capacity-provider")
    _said(
        said,
        "removed capacity provider lab04-ondemand (detached from cluster lab first)",
        "Auto Scaling group lab04-ondemand (and its 1 instance, terminated)",
        "launch template lab04-ondemand.",
    )
    ecs, autoscaling = lab.client("ecs"), lab.client("autoscaling")
    cluster = ecs.describe_clusters(clusters=["lab"])["clusters"][0]
    assert cluster["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"] == []
    lab.passes("fargate-spot", "dynamic-ports", "container-instances")
    lab.redo("asg-capacity-provider")
    lab.redo("spot-mix")
    lab.passes("asg-capacity-provider", "spot-mix")
    lab.every_exercise_again()


def test_lab05_a_file_system_reset_takes_its_mount_targets_and_access_point(box: Any) -> None:
    lab = Solved("05", box)
    said = lab.reset("file-system")
    _said(
        said, "removed EFS file system uploads-data (fs-", "and its 2 mount targets, 1 access point"
    )
    efs = lab.client("efs")
    tokens = [f["CreationToken"] for f in efs.describe_file_systems()["FileSystems"]]
    assert tokens == ["reports-data"]
    lab.passes("nfs-security-groups", "repair-mount", "repair-definition")
    lab.redo("file-system")
    lab.passes("file-system")
    lab.every_exercise_again()


def test_lab06_a_step_scaling_reset_removes_its_alarm_and_policy(box: Any) -> None:
    lab = Solved("06", box)
    said = lab.reset("step-scaling")
    assert said == (
        "Reset step-scaling: removed CloudWatch alarm web-cpu-high; "
        "scaling policy cpu-burst of service/lab/web."
    )
    cloudwatch, aas = lab.client("cloudwatch"), lab.client("application-autoscaling")
    assert not cloudwatch.describe_alarms(AlarmNames=["web-cpu-high"])["MetricAlarms"]
    policies = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId="service/lab/web")[
        "ScalingPolicies"
    ]  # exercise 9's service/lab-ec2/web-ec2 has a cpu-50 of its own
    assert sorted(p["PolicyName"] for p in policies) == ["cpu-50", "memory-guard", "requests-3000"]
    lab.passes("scalable-target", "cpu-tracking", "request-tracking", "office-hours")
    lab.redo("step-scaling")
    lab.passes("step-scaling")
    _said(
        lab.reset("scalable-target"),
        "scalable target service/lab/web (and its 4 scaling policies, 2 scheduled actions)",
    )
    assert aas.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"] == []
    lab.redo("scalable-target")
    lab.every_exercise_again()


def test_lab07_a_cluster_reset_takes_its_node_group_and_profile_not_the_other_cluster(
    box: Any,
) -> None:
    lab = Solved("07", box)
    said = lab.reset("cluster")
    assert said == (
        "Reset cluster: removed EKS cluster learn-eks (and its 1 node group, 1 Fargate profile)."
    )
    assert lab.client("eks").list_clusters()["clusters"] == ["reports-eks"]
    lab.passes("cluster-role", "node-role", "repair-profile", "storage-drivers")
    lab.redo("cluster")
    lab.passes("cluster")
    lab.every_exercise_again()


def test_lab08_the_repair_starts_over_from_the_colleagues_release(box: Any) -> None:
    lab = Solved("08", box)
    said = lab.reset("repair-secret")
    assert said == (
        "Reset repair-secret: removed task definition bookshelf-api:2 (service api rolled back "
        "to bookshelf-api:1); image bookshelf/api:v1.1.0; Secrets Manager secret "
        "bookshelf/partner-token, at once and without a recovery window: its value cannot be "
        "restored."
    )
    secrets, ecr = lab.client("secretsmanager"), lab.client("ecr")
    names = [s["Name"] for s in secrets.list_secrets(IncludePlannedDeletion=True)["SecretList"]]
    assert names == ["bookshelf/db-password"]
    tags = [i.get("imageTag") for i in ecr.list_images(repositoryName="bookshelf/api")["imageIds"]]
    assert tags == ["v1.0.0"]
    assert "api runs a revision with PARTNER_TOKEN" in lab.failing("repair-secret")
    lab.passes("images", "storage", "roles-and-secrets", "load-balancer", "auto-scaling")
    lab.redo("repair-secret")  # the release fails again (a new secret), and is repaired again
    lab.passes("repair-secret", "task-definitions")
    said = lab.reset("load-test")
    assert said.startswith("Reset load-test: nothing to remove: The load test creates nothing")
    _said(
        lab.reset("roles-and-secrets"),
        "removed SSM parameter /bookshelf/web/session-key; Secrets Manager secret "
        "bookshelf/db-password, at once",
        "IAM role bookshelf-execution (and its 1 attached policy, 1 inline policy)",
    )
    assert secrets.list_secrets(IncludePlannedDeletion=True)["SecretList"][0]["Name"] == (
        "bookshelf/partner-token"
    )
    lab.passes("storage", "load-balancer")
    lab.redo("roles-and-secrets")
    lab.passes("roles-and-secrets")
    lab.every_exercise_again()
