"""Lab 07's checks against real moto: the solution passes, typical mistakes fail with the
reason; the Fargate-profile matcher follows EKS's rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import AccountReader, Status, get_lab
from ecs_learn.checks.eks_pods import (
    EXAMPLE_PODS,
    PodIdentity,
    fargate_profile_for,
    placement,
    pod_identity,
)
from tests.checks.priced import assert_every_row_priced
from tests.labs.notebook_code import run_solution

NOTEBOOK = "07-eks.ipynb"
LAB = get_lab("07")
PROFILE = {
    "fargateProfileName": "serverless",
    "status": "ACTIVE",
    "selectors": [{"namespace": "batch"}, {"namespace": "web", "labels": {"compute": "fargate"}}],
}


# --- the pure matcher -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pod", "where"),
    [
        (PodIdentity("a", "batch"), "fargate"),  # a selector without labels takes the namespace
        (PodIdentity("b", "web", {"compute": "fargate", "app": "x"}), "fargate"),  # extra labels ok
        (PodIdentity("c", "web", {"app": "x"}), "nodes"),  # a selector label is missing
        (PodIdentity("d", "web", {"compute": "ec2"}), "nodes"),  # the value differs
        (PodIdentity("e", "default", {"compute": "fargate"}), "nodes"),  # wrong namespace
        (PodIdentity("f", "batch", kind="DaemonSet"), "nodes"),  # DaemonSets never on Fargate
    ],
)
def test_a_pod_matches_when_namespace_and_every_label_match(pod: PodIdentity, where: str) -> None:
    assert placement(pod, [PROFILE]) == where


def test_workloads_use_their_template_labels_and_default_namespace() -> None:
    names = {pod_identity(m).name: pod_identity(m) for m in EXAMPLE_PODS}
    assert names["frontend"].labels == {"app": "frontend", "compute": "fargate"}
    assert names["batch-debug"].namespace == "default"
    assert [placement(m, [PROFILE]) for m in EXAMPLE_PODS] == [
        "fargate", "fargate", "nodes", "nodes", "nodes", "nodes",
    ]  # fmt: skip


def test_the_profile_label_picks_among_matching_profiles_and_inactive_ones_take_nothing() -> None:
    other = {**PROFILE, "fargateProfileName": "another"}
    pod = PodIdentity("p", "batch", {"eks.amazonaws.com/fargate-profile": "serverless"})
    assert fargate_profile_for(pod, [other, PROFILE]) == "serverless"
    assert fargate_profile_for(PodIdentity("q", "batch"), [other, PROFILE]) == "another"
    named_elsewhere = PodIdentity("r", "batch", {"eks.amazonaws.com/fargate-profile": "gone"})
    assert fargate_profile_for(named_elsewhere, [PROFILE]) is None
    assert (
        fargate_profile_for(PodIdentity("s", "batch"), [{**PROFILE, "status": "DELETING"}]) is None
    )


# --- the checks on moto (one account for the module; each test puts back what it changes) ---


@pytest.fixture(scope="module")
def box() -> Iterator[Any]:
    from ecs_learn.sandbox import Sandbox

    sandbox = Sandbox().start(background=False)
    try:
        yield sandbox
    finally:
        strict.disable()
        sandbox.stop()


@pytest.fixture(scope="module")
def solved(box: Any) -> dict[str, Any]:
    return run_solution(NOTEBOOK, skip_tags=("report", "quiz"))


@pytest.fixture
def reader(box: Any) -> AccountReader:
    return AccountReader.for_sandbox(box)


def _wrong(check_id: str, reader: AccountReader) -> dict[str, tuple[str, str]]:
    result = LAB.run(check_id, reader)
    assert result.status is Status.FAILED, result
    return {r.label: (r.expected, r.found) for r in result.requirements if not r.ok}


def _put(box: Any, name: str, value: Any) -> None:
    box.client("ssm").put_parameter(
        Name=name, Value=json.dumps(value), Type="String", Overwrite=True
    )


def _replace_profile(box: Any, **changes: Any) -> dict[str, Any]:
    """Recreate the solution's Fargate profile with ``changes``; return the original."""
    eks = box.client("eks")
    current = eks.describe_fargate_profile(clusterName="learn-eks", fargateProfileName="serverless")
    original = current["fargateProfile"]
    keep = ("clusterName", "fargateProfileName", "podExecutionRoleArn", "subnets", "selectors")
    eks.delete_fargate_profile(clusterName="learn-eks", fargateProfileName="serverless")
    eks.create_fargate_profile(**{**{k: original[k] for k in keep}, **changes})
    return {k: original[k] for k in keep}


def _restore_profile(box: Any, original: dict[str, Any]) -> None:
    eks = box.client("eks")
    eks.delete_fargate_profile(clusterName="learn-eks", fargateProfileName="serverless")
    eks.create_fargate_profile(**original)


def test_every_check_passes_on_the_solution(solved: dict[str, Any], reader: AccountReader) -> None:
    report = LAB.run_all(reader)
    assert [(r.check_id, r.status) for r in report.results] == [
        (c, Status.PASSED) for c in LAB.check_ids()
    ]
    assert report.points == report.max_points == 24
    assert_every_row_priced(LAB, report)


def test_a_cluster_role_trusted_by_ec2_fails_on_the_trust(
    solved: dict[str, Any], reader: AccountReader
) -> None:
    solved["ensure_role"]("eksClusterRole", "ec2.amazonaws.com")
    try:
        assert _wrong("cluster-role", reader) == {
            "trusted by": ("eks.amazonaws.com", "ec2.amazonaws.com")
        }
        assert LAB.run("cluster-role", reader).points == 1  # the policy's half
    finally:
        solved["ensure_role"]("eksClusterRole", "eks.amazonaws.com")


def test_an_on_demand_node_group_with_one_type_fails_on_both(
    solved: dict[str, Any], reader: AccountReader, box: Any
) -> None:
    eks = box.client("eks")
    original = eks.describe_nodegroup(clusterName="learn-eks", nodegroupName="spot-workers")
    keep = ("clusterName", "nodegroupName", "nodeRole", "subnets", "scalingConfig")
    kwargs = {k: original["nodegroup"][k] for k in keep}
    eks.delete_nodegroup(clusterName="learn-eks", nodegroupName="spot-workers")
    eks.create_nodegroup(
        **{**kwargs, "subnets": solved["network"]["public_subnets"]}, instanceTypes=["m5.large"]
    )
    try:
        wrong = _wrong("nodegroup", reader)
        assert wrong["capacityType"] == ("SPOT", "ON_DEMAND")
        hints = {r.label: r.hint for r in LAB.run("nodegroup", reader).requirements}
        assert "lab.reset('nodegroup')" in hints["capacityType"]  # the cell's re-run updates
        assert wrong["instanceTypes"][1] == "m5.large"
        assert "route to an internet gateway" in wrong["subnets"][1]
        assert wrong["amiType"][0] == "AL2023_x86_64_STANDARD"  # left out: moto's default
        # what still holds earns its share: the node role, the scaling config, AWS accepts it
        assert LAB.run("nodegroup", reader).points == 1.3
    finally:
        eks.delete_nodegroup(clusterName="learn-eks", nodegroupName="spot-workers")
        eks.create_nodegroup(
            **kwargs,
            capacityType="SPOT",
            instanceTypes=["m5.large", "m6i.large"],
            amiType="AL2023_x86_64_STANDARD",
        )


def test_a_scaling_config_aws_would_refuse_voids_the_node_group(
    solved: dict[str, Any], reader: AccountReader, box: Any
) -> None:
    eks = box.client("eks")
    wrong_sizes = {"minSize": 5, "desiredSize": 5, "maxSize": 4}
    with strict.lenient():  # moto alone stores minSize above maxSize
        eks.update_nodegroup_config(
            clusterName="learn-eks", nodegroupName="spot-workers", scalingConfig=wrong_sizes
        )
    try:
        result = LAB.run("nodegroup", reader)
        wrong = {r.label: r.found for r in result.requirements if not r.ok}
        assert set(wrong) == {"scalingConfig", "AWS accepts it"}
        assert "EKS010" in wrong["AWS accepts it"]
        assert result.points == 0  # five rows hold, but AWS would have refused the group
    finally:
        eks.update_nodegroup_config(
            clusterName="learn-eks",
            nodegroupName="spot-workers",
            scalingConfig={"minSize": 1, "desiredSize": 2, "maxSize": 4},
        )


def test_a_fargate_profile_on_a_public_subnet_names_the_subnet(
    solved: dict[str, Any], reader: AccountReader, box: Any
) -> None:
    network = solved["network"]
    original = _replace_profile(
        box, subnets=[network["private_subnets"][0], network["public_subnets"][1]]
    )
    try:
        assert _wrong("fargate-profile", reader) == {
            "subnets": (
                "private only (no route to an internet gateway)",
                "eks-lab-public-b route to an internet gateway",
            )
        }
        assert LAB.run("fargate-profile", reader).points == 2.4
    finally:
        _restore_profile(box, original)


def test_placements_are_judged_against_the_learners_own_profile(
    solved: dict[str, Any], reader: AccountReader, box: Any
) -> None:
    original = _replace_profile(box, selectors=[{"namespace": "batch"}])
    try:  # no web selector: the solution's "frontend: fargate" is now wrong
        assert _wrong("pod-placement", reader) == {"pod frontend": ("nodes", "fargate")}
        _put(box, "/ecs-learn/lab07/placements", {**solved["predictions"], "frontend": "Nodes"})
        assert LAB.run("pod-placement", reader).passed  # any case, as written
    finally:
        _restore_profile(box, original)
        _put(box, "/ecs-learn/lab07/placements", solved["predictions"])


def test_a_daemonset_predicted_on_fargate_fails_on_that_pod(
    solved: dict[str, Any], reader: AccountReader, box: Any
) -> None:
    _put(box, "/ecs-learn/lab07/placements", {**solved["predictions"], "log-agent": "fargate"})
    try:
        assert _wrong("pod-placement", reader) == {"pod log-agent": ("nodes", "fargate")}
    finally:
        _put(box, "/ecs-learn/lab07/placements", solved["predictions"])


def test_ebs_for_fargate_uploads_fails_and_says_why(
    solved: dict[str, Any], reader: AccountReader, box: Any
) -> None:
    _put(box, "/ecs-learn/lab07/storage", {**solved["storage"], "uploads": "aws-ebs-csi-driver"})
    try:
        [(label, found)] = _wrong("storage-drivers", reader).items()
        assert "EBS cannot be mounted by Fargate pods" in label
        assert found == ("aws-efs-csi-driver", "aws-ebs-csi-driver")
    finally:
        _put(box, "/ecs-learn/lab07/storage", solved["storage"])


def test_naming_the_node_role_as_the_fargate_puller_fails(
    solved: dict[str, Any], reader: AccountReader, box: Any
) -> None:
    name = "/ecs-learn/lab07/orders-deployment"
    _put(box, name, {"manifest": solved["orders"], "pulls_with": "eksNodeRole"})
    try:
        assert _wrong("ecr-images", reader) == {
            "image pulled with": ("eksFargatePodExecutionRole", "eksNodeRole")
        }
    finally:
        _put(box, name, {"manifest": solved["orders"], "pulls_with": "eksFargatePodExecutionRole"})


def test_checks_only_read_the_account(reader: AccountReader) -> None:
    from ecs_learn.checks import WriteAttemptError

    with pytest.raises(WriteAttemptError, match="only read"):
        reader.eks.create_cluster(name="x", roleArn="arn", resourcesVpcConfig={})


def _run_student_version() -> dict[str, Any]:
    """What a learner who wrote nothing has run: the student cells, checks left out."""
    from ecs_learn.grading.notebooks import cell_check_id, cell_source, cell_tags, read_notebook
    from ecs_learn.grading.release import student_version

    namespace: dict[str, Any] = {"__name__": "__lab__"}
    for cell in student_version(read_notebook(LAB.notebook_path))["cells"]:
        if (
            cell["cell_type"] != "code"
            or cell_check_id(cell)
            or {"report", "quiz"} & set(cell_tags(cell))
        ):
            continue
        exec(compile(cell_source(cell), "<student>", "exec"), namespace)
    return namespace


def test_an_empty_account_fails_everything_and_the_untouched_repair_names_each_fault(
    box: Any, reader: AccountReader
) -> None:
    box.reset()  # last test of the module: a fresh account
    assert {r.status for r in LAB.run_all(reader).results} == {Status.FAILED}
    namespace = _run_student_version()
    assert {r.status for r in LAB.run_all(reader).results} == {Status.FAILED}
    wrong = _wrong("repair-profile", reader)
    assert wrong["reports-pod-role trusted by"] == (
        "eks-fargate-pods.amazonaws.com",
        "ecs-tasks.amazonaws.com",
    )
    assert wrong["reports-pod-role policy"] == (
        "AmazonEKSFargatePodExecutionRolePolicy",
        "AmazonECSTaskExecutionRolePolicy",
    )
    assert wrong["monthly-close pods (namespace reports, team=finance)"] == (
        "matched by a selector",
        "not matched by report team=finance",
    )
    assert "eks-lab-public-b" in wrong["subnets"][1]
    assert LAB.run("repair-profile", reader).points == 0  # the given profile earns nothing
    # a cluster in one zone (AWS itself refuses that at create time; moto does not)
    role = namespace["ensure_role"]("eksClusterRole", "eks.amazonaws.com")
    one_zone = namespace["network"]["private_subnets"][:1]
    box.client("eks").create_cluster(
        name="learn-eks", roleArn=role, resourcesVpcConfig={"subnetIds": one_zone}
    )
    assert _wrong("cluster", reader) == {"subnet AZs": ("at least 2", "us-east-1a")}
    zones = next(r for r in LAB.run("cluster", reader).requirements if not r.ok)
    assert "lab.reset('cluster')" in zones.hint  # running the cell again keeps the cluster
