"""Lab 07 — EKS: the cluster and its roles, a Spot node group, a Fargate profile, where pods
run, storage drivers, ECR images for pods, and a repair of a broken Fargate profile.

Each check reads the account through describe/list/get calls only. moto's EKS stores the
configuration and runs nothing (no nodes, no pods, no add-ons API), so the exercises about
pods and add-ons are graded from what the learner writes down: the notebook stores a
prediction or a manifest as a JSON **SSM parameter** under ``/ecs-learn/lab07/`` (an
ordinary ``ssm.put_parameter`` call), and the check reads it back with ``get_parameter``.
Where a pod's placement matters, the expected value comes from the learner's own Fargate
profiles through :mod:`ecs_learn.checks.eks_pods`, never from a number in the notebook.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from ecs_learn.checks import lookup
from ecs_learn.checks.eks_pods import (
    EXAMPLE_PODS,
    REPORTS_POD,
    fargate_profile_for,
    placement,
    pod_identity,
)
from ecs_learn.checks.owns import EksPart, Owns
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.realism import AWS_ACCEPTS, aws_accepts, rejections
from ecs_learn.checks.registry import Judged, check, judged, requirement
from ecs_learn.checks.result import Requirement

__all__ = [
    "CHECKS",
    "CLUSTER",
    "CLUSTER_ROLE",
    "NODEGROUP",
    "NODE_ROLE",
    "PARAMETERS",
    "POD_ROLE",
    "PROFILE",
    "STORAGE_ANSWERS",
]

CLUSTER = "learn-eks"
CLUSTER_ROLE = "eksClusterRole"
NODE_ROLE = "eksNodeRole"
POD_ROLE = "eksFargatePodExecutionRole"
NODEGROUP = "spot-workers"
PROFILE = "serverless"
REPOSITORY = "orders-api"
VPC_NAME = "eks-lab"
REPAIR_CLUSTER = "reports-eks"
REPAIR_PROFILE = "reports"
REPAIR_ROLE = "reports-pod-role"
REPAIR_CLUSTER_ROLE = "reports-cluster-role"  # the seed makes it with reports-eks

_POLICY = "arn:aws:iam::aws:policy/"
CLUSTER_POLICY = _POLICY + "AmazonEKSClusterPolicy"
WORKER_POLICY = _POLICY + "AmazonEKSWorkerNodePolicy"
CNI_POLICY = _POLICY + "AmazonEKS_CNI_Policy"
ECR_READ_POLICIES = (
    _POLICY + "AmazonEC2ContainerRegistryReadOnly",
    _POLICY + "AmazonEC2ContainerRegistryPullOnly",  # the narrower policy AWS added later
)
FARGATE_POD_POLICY = _POLICY + "AmazonEKSFargatePodExecutionRolePolicy"

PARAMETERS = {
    "placements": "/ecs-learn/lab07/placements",
    "storage": "/ecs-learn/lab07/storage",
    "orders": "/ecs-learn/lab07/orders-deployment",
}

# Workload → the CSI driver add-on that fits it (one answer each; see the notebook).
STORAGE_ANSWERS = {
    "uploads": "aws-efs-csi-driver",
    "orders-db": "aws-ebs-csi-driver",
    "training-data": "aws-mountpoint-s3-csi-driver",
    "hpc-scratch": "aws-fsx-csi-driver",
}
_STORAGE_WHY = {
    "uploads": "Fargate pods, many writers: EFS (EBS cannot be mounted by Fargate pods)",
    "orders-db": "one writer, block storage in one AZ, on EC2 nodes: EBS",
    "training-data": "objects already in an S3 bucket, read as files: Mountpoint for Amazon S3",
    "hpc-scratch": "a parallel high-throughput file system: FSx for Lustre",
}


# --- reading the account -------------------------------------------------------------------


def _missing(label: str, expected: str) -> Requirement:
    return requirement(label, expected, None, ok=False)


def _cluster(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = aws.eks.describe_cluster(name=name)["cluster"]
    except ClientError:
        return None
    return found


def _nodegroup(aws: AccountReader, cluster: str, name: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = aws.eks.describe_nodegroup(clusterName=cluster, nodegroupName=name)[
            "nodegroup"
        ]
    except ClientError:
        return None
    return found


def _profiles(aws: AccountReader, cluster: str) -> list[dict[str, Any]]:
    if _cluster(aws, cluster) is None:  # moto raises KeyError, not ResourceNotFound, otherwise
        return []
    try:
        names = aws.eks.list_fargate_profiles(clusterName=cluster)["fargateProfileNames"]
    except ClientError:
        return []
    return [
        aws.eks.describe_fargate_profile(clusterName=cluster, fargateProfileName=n)[
            "fargateProfile"
        ]
        for n in names
    ]


def _profile(aws: AccountReader, cluster: str, name: str) -> dict[str, Any] | None:
    for found in _profiles(aws, cluster):
        if found.get("fargateProfileName") == name:
            return found
    return None


def _parameter(aws: AccountReader, key: str) -> Any:
    """The JSON value the notebook stored, or ``None`` (missing or not JSON)."""
    try:
        text = aws.ssm.get_parameter(Name=PARAMETERS[key])["Parameter"]["Value"]
    except ClientError:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _subnets(aws: AccountReader, ids: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    try:
        found: list[dict[str, Any]] = aws.ec2.describe_subnets(SubnetIds=ids)["Subnets"]
    except ClientError:
        return []
    return found


def _route_table(aws: AccountReader, subnet: Mapping[str, Any]) -> dict[str, Any] | None:
    """The subnet's route table: its explicit association, else the VPC's main table."""
    tables = aws.ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}]
    )["RouteTables"]
    if not tables:
        tables = aws.ec2.describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": [subnet["VpcId"]]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )["RouteTables"]
    return tables[0] if tables else None


def _public(aws: AccountReader, subnet: Mapping[str, Any]) -> bool:
    """AWS's meaning of a public subnet: a route to an internet gateway."""
    table = _route_table(aws, subnet)
    routes = (table or {}).get("Routes", [])
    return any(str(r.get("GatewayId", "")).startswith("igw-") for r in routes)


def _name(subnet: Mapping[str, Any]) -> str:
    for tag in subnet.get("Tags", []):
        if tag.get("Key") == "Name":
            return str(tag.get("Value"))
    return str(subnet["SubnetId"])


def _private_only(aws: AccountReader, ids: list[str]) -> Requirement:
    subnets = _subnets(aws, ids)
    public = [_name(s) for s in subnets if _public(aws, s)]
    shown = [_name(s) for s in subnets] or None
    ok = bool(subnets) and not public and len(subnets) == len(ids)
    found = f"{', '.join(public)} route to an internet gateway" if public else shown
    return requirement(
        "subnets",
        "private only (no route to an internet gateway)",
        found,
        ok=ok,
        hint="network['private_subnets']: a subnet whose route table sends 0.0.0.0/0 to an "
        "internet gateway is public",
    )


def _vpc_name(aws: AccountReader, vpc_id: str) -> str:
    vpcs = aws.ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    return _name({"SubnetId": vpc_id, **(vpcs[0] if vpcs else {})})


def _role_name(arn: Any) -> str | None:
    return str(arn).rsplit("/", 1)[-1] if arn else None


def _role(
    aws: AccountReader, name: str, principal: str, policies: Mapping[str, tuple[str, ...]]
) -> Iterator[Requirement | Judged]:
    """A role trusted by ``principal`` with, for each label, one of the policy ARNs attached:
    rows "trusted by" and "<policy> attached"."""
    found = lookup.role(aws, name)
    if found is None:
        yield _missing(f"role {name}", "exists")
        return
    yield judged(f"role {name}")
    trusted = lookup.trusted_services(found)
    yield requirement(
        "trusted by",
        principal,
        trusted,
        ok=principal in trusted,
        hint=f"{', '.join(trusted) or 'nobody'} may assume it; the trust policy's Principal "
        f"must be {principal} (ensure_role resets it)",
    )
    attached = lookup.attached_policy_arns(aws, name)
    names = [arn.rsplit("/", 1)[-1] for arn in attached] or None  # short enough to read
    for label, arns in policies.items():
        yield requirement(
            f"{label} attached",
            label,
            names,
            ok=any(arn in attached for arn in arns),
            hint=f"iam.attach_role_policy(RoleName={name!r}, PolicyArn='{arns[0]}')",
        )


def _policy_actions(aws: AccountReader, role: str) -> set[str]:
    """Every action the role's attached managed policies allow (lower case)."""
    actions: set[str] = set()
    for arn in lookup.attached_policy_arns(aws, role):
        try:
            policy = aws.iam.get_policy(PolicyArn=arn)["Policy"]
            document = aws.iam.get_policy_version(
                PolicyArn=arn, VersionId=policy["DefaultVersionId"]
            )["PolicyVersion"]["Document"]
        except ClientError:
            continue
        if isinstance(document, str):
            document = json.loads(unquote(document))
        for action, _resource in lookup.allowed_actions([document]):
            actions.add(action.lower())
    return actions


def _can_pull(actions: set[str]) -> bool:
    return bool(actions & {"ecr:batchgetimage", "ecr:*", "*"})


# --- the checks ----------------------------------------------------------------------------


def _selectors(found: Mapping[str, Any]) -> list[str] | None:
    return [
        s.get("namespace", "?") + "".join(f" {k}={v}" for k, v in (s.get("labels") or {}).items())
        for s in found.get("selectors") or []
        if isinstance(s, dict)
    ] or None


@check(
    "cluster-role",
    title="The cluster role EKS assumes to run the control plane",
    points={"trusted by": 1, "AmazonEKSClusterPolicy attached": 1},
    hint=(
        f"Create {CLUSTER_ROLE!r} with a trust policy whose Principal is "
        "{'Service': 'eks.amazonaws.com'} (not ec2), and attach "
        f"{CLUSTER_POLICY}."
    ),
    owns=Owns(iam_roles=(CLUSTER_ROLE,)),
)
def cluster_role(aws: AccountReader) -> Iterator[Requirement | Judged]:
    yield from _role(
        aws, CLUSTER_ROLE, "eks.amazonaws.com", {"AmazonEKSClusterPolicy": (CLUSTER_POLICY,)}
    )


@check(
    "cluster",
    title="A cluster whose subnets span at least two Availability Zones",
    points={"roleArn": 0.5, "subnet AZs": 0.5, "VPC": 0.5, "subnets": 0.5},
    hint=(
        f"create_cluster(name={CLUSTER!r}, roleArn=<the {CLUSTER_ROLE} ARN>, "
        "resourcesVpcConfig={'subnetIds': [...]}) with subnets of the eks-lab VPC in at "
        "least two AZs (its private subnets are a good choice): EKS places the control "
        "plane's network interfaces there."
    ),
    owns=Owns(eks_clusters=(CLUSTER,)),
)
def cluster(aws: AccountReader) -> Iterator[Requirement | Judged]:
    found = _cluster(aws, CLUSTER)
    if found is None:
        yield _missing(f"cluster {CLUSTER}", "exists")
        return
    yield judged(f"cluster {CLUSTER}")
    again = "to change its role or subnets here, start over: lab.reset('cluster') deletes it"
    yield requirement("roleArn", CLUSTER_ROLE, _role_name(found.get("roleArn")), hint=again)
    ids = list((found.get("resourcesVpcConfig") or {}).get("subnetIds") or [])
    subnets = _subnets(aws, ids)
    zones = sorted({s["AvailabilityZone"] for s in subnets})
    yield requirement(
        "subnet AZs",
        "at least 2",
        zones or None,
        ok=len(zones) >= 2,
        hint=(
            "subnetIds=network['private_subnets'] (three AZs). AWS refuses a single AZ; the "
            "sandbox does not yet, so start over: lab.reset('cluster'), then run the cell again"
        ),
    )
    vpcs = sorted({_vpc_name(aws, s["VpcId"]) for s in subnets})
    yield requirement("VPC", VPC_NAME, vpcs or None, ok=vpcs == [VPC_NAME], hint=again)
    yield _private_only(aws, ids)


@check(
    "node-role",
    title="The node role the EC2 worker nodes use",
    points={
        "trusted by": 0.5,
        "AmazonEKSWorkerNodePolicy attached": 0.5,
        "AmazonEC2ContainerRegistryReadOnly attached": 0.5,
        "AmazonEKS_CNI_Policy attached": 0.5,
    },
    hint=(
        f"Create {NODE_ROLE!r} trusted by ec2.amazonaws.com (the nodes are EC2 instances) and "
        "attach AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly and "
        "AmazonEKS_CNI_Policy (all three under arn:aws:iam::aws:policy/)."
    ),
    owns=Owns(iam_roles=(NODE_ROLE,)),
)
def node_role(aws: AccountReader) -> Iterator[Requirement | Judged]:
    yield from _role(
        aws,
        NODE_ROLE,
        "ec2.amazonaws.com",
        {
            "AmazonEKSWorkerNodePolicy": (WORKER_POLICY,),
            "AmazonEC2ContainerRegistryReadOnly": ECR_READ_POLICIES,
            "AmazonEKS_CNI_Policy": (CNI_POLICY,),
        },
    )


@check(
    "nodegroup",
    gates=(AWS_ACCEPTS,),
    title="A managed node group on Spot capacity",
    points={
        "nodeRole": 0.4,
        "capacityType": 0.5,
        "instanceTypes": 0.4,
        "amiType": 0.4,
        "scalingConfig": 0.4,
        "subnets": 0.4,
        AWS_ACCEPTS: 0.5,
    },
    hint=(
        f"create_nodegroup(clusterName={CLUSTER!r}, nodegroupName={NODEGROUP!r}, "
        f"nodeRole=<the {NODE_ROLE} ARN>, subnets=<the private subnets>, "
        "scalingConfig={'minSize': 1, 'desiredSize': 2, 'maxSize': 4}, capacityType='SPOT', "
        "instanceTypes=[two or more similar types]). A node group cannot change its capacity "
        "type: delete it and create it again."
    ),
    owns=Owns(nodegroups=(EksPart(CLUSTER, NODEGROUP),)),
)
def nodegroup(aws: AccountReader) -> Iterator[Requirement | Judged]:
    found = _nodegroup(aws, CLUSTER, NODEGROUP)
    if found is None:
        yield _missing(f"node group {NODEGROUP} in {CLUSTER}", "exists")
        return
    yield judged(f"node group {NODEGROUP} in {CLUSTER}")
    replace = "set at creation: lab.reset('nodegroup') deletes the node group, then run the cell"
    yield requirement("nodeRole", NODE_ROLE, _role_name(found.get("nodeRole")), hint=replace)
    yield requirement("capacityType", "SPOT", found.get("capacityType", "ON_DEMAND"), hint=replace)
    types = list(found.get("instanceTypes") or [])
    yield requirement(
        "instanceTypes",
        "at least 2 (Spot pools to fall back on)",
        types or None,
        ok=len(types) >= 2,
        hint=f"several types of one size, e.g. m6i.large, m5.large, m5a.large ({replace})",
    )
    yield requirement(
        "amiType", "AL2023_x86_64_STANDARD", found.get("amiType"), hint=f"amiType: {replace}"
    )
    scaling = found.get("scalingConfig") or {}
    shown = {k: scaling.get(k) for k in ("minSize", "desiredSize", "maxSize")}
    yield requirement(
        "scalingConfig",
        "minSize 1, desiredSize 2, maxSize 4",
        ", ".join(f"{k} {v}" for k, v in shown.items()),
        ok=shown == {"minSize": 1, "desiredSize": 2, "maxSize": 4},
        hint="eks.update_nodegroup_config(..., scalingConfig={'minSize': 1, 'desiredSize': 2, "
        "'maxSize': 4})",
    )
    yield _private_only(aws, list(found.get("subnets") or []))
    yield aws_accepts(rejections("eks-nodegroup", found))


@check(
    "pod-execution-role",
    title="The pod execution role Fargate uses for your pods",
    points={"trusted by": 1, "AmazonEKSFargatePodExecutionRolePolicy attached": 1},
    hint=(
        f"Create {POD_ROLE!r} trusted by eks-fargate-pods.amazonaws.com (not ecs-tasks) and "
        f"attach {FARGATE_POD_POLICY}."
    ),
    owns=Owns(iam_roles=(POD_ROLE,)),
)
def pod_execution_role(aws: AccountReader) -> Iterator[Requirement | Judged]:
    yield from _role(
        aws,
        POD_ROLE,
        "eks-fargate-pods.amazonaws.com",
        {"AmazonEKSFargatePodExecutionRolePolicy": (FARGATE_POD_POLICY,)},
    )


@check(
    "fargate-profile",
    gates=(AWS_ACCEPTS,),
    title="A Fargate profile: two selectors, the pod execution role, private subnets",
    points={
        "podExecutionRoleArn": 0.6,
        "selector batch": 0.6,
        "selector web": 0.6,
        "subnets": 0.6,
        AWS_ACCEPTS: 0.6,
    },
    hint=(
        f"create_fargate_profile(clusterName={CLUSTER!r}, fargateProfileName={PROFILE!r}, "
        f"podExecutionRoleArn=<the {POD_ROLE} ARN>, subnets=<private subnets only>, "
        "selectors=[{'namespace': 'batch'}, {'namespace': 'web', 'labels': {'compute': "
        "'fargate'}}]). Profiles cannot be changed: delete and create again."
    ),
    owns=Owns(fargate_profiles=(EksPart(CLUSTER, PROFILE),)),
)
def fargate_profile(aws: AccountReader) -> Iterator[Requirement | Judged]:
    found = _profile(aws, CLUSTER, PROFILE)
    if found is None:
        yield _missing(f"Fargate profile {PROFILE} in {CLUSTER}", "exists")
        return
    yield judged(f"Fargate profile {PROFILE} in {CLUSTER}")
    again = "a profile cannot change: delete it, wait, and create it again"
    yield requirement(
        "podExecutionRoleArn", POD_ROLE, _role_name(found.get("podExecutionRoleArn")), hint=again
    )
    selectors = [s for s in found.get("selectors") or [] if isinstance(s, dict)]
    shown = _selectors(found)
    whole_batch = any(s.get("namespace") == "batch" and not s.get("labels") for s in selectors)
    yield requirement(
        "selector batch",
        "namespace batch (every pod)",
        shown,
        ok=whole_batch,
        hint=f"{{'namespace': 'batch'}} with no labels takes every pod of batch ({again})",
    )
    web = any(
        s.get("namespace") == "web" and (s.get("labels") or {}) == {"compute": "fargate"}
        for s in selectors
    )
    yield requirement(
        "selector web",
        "namespace web with label compute=fargate",
        shown,
        ok=web,
        hint=f"{{'namespace': 'web', 'labels': {{'compute': 'fargate'}}}} ({again})",
    )
    yield _private_only(aws, list(found.get("subnets") or []))
    yield aws_accepts(rejections("eks-fargate-profile", found))


@check(
    "pod-placement",
    gates=(f"Fargate profiles in {CLUSTER}",),
    title="Predict which pods run on Fargate and which on the nodes",
    points={
        f"Fargate profiles in {CLUSTER}": 0,  # with none, every pod goes to the nodes
        **{f"pod {pod_identity(m).name}": 0.5 for m in EXAMPLE_PODS},
    },
    hint=(
        "For each pod: does its namespace equal a selector's namespace, and does it carry "
        "every label of that selector? Workloads give their pods the template's labels; no "
        "namespace means 'default'; DaemonSet pods never run on Fargate. Store "
        "{pod name: 'fargate' or 'nodes'} as JSON in the SSM parameter "
        f"{PARAMETERS['placements']}."
    ),
    owns=Owns(ssm_parameters=(PARAMETERS["placements"],)),
)
def pod_placement(aws: AccountReader) -> Iterator[Requirement | Judged]:
    profiles = _profiles(aws, CLUSTER)
    yield requirement(
        f"Fargate profiles in {CLUSTER}",
        "at least one",
        [p.get("fargateProfileName") for p in profiles] or None,
        ok=bool(profiles),
        hint="exercise 6 first: the answer depends on your profile",
    )
    predicted = _parameter(aws, "placements")
    if not isinstance(predicted, dict):
        yield _missing(f"prediction in {PARAMETERS['placements']}", "a JSON object")
        return
    yield judged(f"{PARAMETERS['placements']} against the Fargate profiles of {CLUSTER}")
    for manifest in EXAMPLE_PODS:
        pod = pod_identity(manifest)
        guess = predicted.get(pod.name)
        guess = str(guess).strip().lower() if guess is not None else None
        yield requirement(
            f"pod {pod.name}",
            placement(pod, profiles),
            guess,
            hint=(
                "a DaemonSet runs one pod per node: never on Fargate"
                if pod.kind == "DaemonSet"
                else f"its pods: namespace {pod.namespace}, labels "
                f"{dict(pod.labels) or 'none'}; compare them with every selector"
            ),
        )


@check(
    "storage-drivers",
    title="Pick the CSI driver add-on for each workload",
    points={f"{w} ({_STORAGE_WHY[w]})": 0.5 for w in STORAGE_ANSWERS},
    hint=(
        "Fargate pods cannot mount EBS volumes: shared files on Fargate need EFS. A single "
        "database pod on a node wants an EBS block volume; files already in S3 read with "
        "Mountpoint for Amazon S3; parallel HPC scratch space is FSx for Lustre. Store "
        f"{{workload: add-on name}} as JSON in {PARAMETERS['storage']}."
    ),
    owns=Owns(ssm_parameters=(PARAMETERS["storage"],)),
)
def storage_drivers(aws: AccountReader) -> Iterator[Requirement | Judged]:
    chosen = _parameter(aws, "storage")
    if not isinstance(chosen, dict):
        yield _missing(f"choices in {PARAMETERS['storage']}", "a JSON object")
        return
    yield judged(PARAMETERS["storage"])
    for workload, addon in STORAGE_ANSWERS.items():
        found = chosen.get(workload)
        found = str(found).strip().lower() if found is not None else None
        yield requirement(
            f"{workload} ({_STORAGE_WHY[workload]})",
            addon,
            found,
            ok=found == addon,
            hint="EBS volumes cannot be mounted by Fargate pods"
            if found == "aws-ebs-csi-driver" and workload == "uploads"
            else "read the add-on table again: which storage does the workload need?",
        )


@check(
    "ecr-images",
    title="A pod image from ECR, and the role that pulls it on Fargate",
    points={
        "manifest kind": 0.2,
        "Deployment name": 0.1,
        "container image": 0.3,
        "container api on port 8080": 0.2,
        "its pods run on": 0.4,
        "image pulled with": 0.5,
        "pull permission": 0.3,
    },
    hint=(
        f"Create the ECR repository {REPOSITORY!r}; write a Deployment whose pods land on "
        f"Fargate (namespace web, label compute=fargate) with the image <repositoryUri>:1.0; "
        f"store "
        f"{{'manifest': ..., 'pulls_with': <role name>}} in {PARAMETERS['orders']}. On "
        "Fargate the profile's pod execution role pulls images (on nodes it is the node role)."
    ),
    owns=Owns(ssm_parameters=(PARAMETERS["orders"],), repositories=(REPOSITORY,)),
)
def ecr_images(aws: AccountReader) -> Iterator[Requirement | Judged]:
    try:
        repo = aws.ecr.describe_repositories(repositoryNames=[REPOSITORY])["repositories"][0]
    except ClientError:
        yield _missing(f"ECR repository {REPOSITORY}", "exists")
        return
    stored = _parameter(aws, "orders")
    manifest = stored.get("manifest") if isinstance(stored, dict) else None
    if not isinstance(manifest, dict):
        yield _missing(f"manifest in {PARAMETERS['orders']}", "a Deployment as JSON")
        return
    yield judged(f"{PARAMETERS['orders']}, repository {REPOSITORY}")
    yield requirement("manifest kind", "Deployment", manifest.get("kind"))
    yield requirement("Deployment name", "orders-api", (manifest.get("metadata") or {}).get("name"))
    template = ((manifest.get("spec") or {}).get("template") or {}).get("spec") or {}
    containers = [c for c in template.get("containers") or [] if isinstance(c, dict)]
    images = [str(c.get("image", "")) for c in containers]
    uri = repo["repositoryUri"]
    yield requirement(
        "container image",
        f"{uri}:1.0",
        images or None,
        ok=f"{uri}:1.0" in images,
        hint="the repository's URI (repositoryUri) and the tag: f\"{repo['repositoryUri']}:1.0\"",
    )
    api = next((c for c in containers if c.get("name") == "api"), {})
    ports = [p.get("containerPort") for p in api.get("ports") or [] if isinstance(p, dict)]
    yield requirement(
        "container api on port 8080",
        "container api, containerPort 8080",
        f"containers {', '.join(str(c.get('name')) for c in containers) or 'none'}, "
        f"ports {', '.join(map(str, ports)) or 'none'}",
        ok=bool(api) and 8080 in ports,
    )
    profiles = _profiles(aws, CLUSTER)
    profile_name = fargate_profile_for(manifest, profiles)
    pod = pod_identity(manifest)
    yield requirement(
        "its pods run on",
        "Fargate, through the web selector",
        f"Fargate (namespace {pod.namespace})" if profile_name else "nodes",
        ok=profile_name is not None and pod.namespace == "web",
        hint="namespace web on the Deployment, and compute: fargate on the template's labels",
    )
    by_name = {p.get("fargateProfileName"): p for p in profiles}
    puller = _role_name(by_name[profile_name].get("podExecutionRoleArn")) if profile_name else None
    pulls_with = stored.get("pulls_with") if isinstance(stored, dict) else None
    yield requirement(
        "image pulled with",
        puller or "the profile's pod execution role",
        pulls_with,
        ok=puller is not None and pulls_with == puller,
        hint="on Fargate the profile's pod execution role pulls (the node role does on nodes)",
    )
    actions = _policy_actions(aws, puller) if puller is not None else set()
    yield requirement(
        "pull permission",
        f"{puller or 'the puller'} allows ecr:BatchGetImage",
        "allowed" if _can_pull(actions) else "not allowed",
        ok=_can_pull(actions),
        hint=f"attach {FARGATE_POD_POLICY} to the pod execution role",
    )


@check(
    "repair-profile",
    gates=("podExecutionRoleArn", AWS_ACCEPTS),
    title="Repair the reports team's Fargate profile",
    points={
        f"{REPAIR_ROLE} trusted by": 0.75,
        f"{REPAIR_ROLE} policy": 0.75,
        "monthly-close pods (namespace reports, team=finance)": 0.75,
        "subnets": 0.75,
        "podExecutionRoleArn": 0,  # as given: keeping it earns nothing, changing it voids
        AWS_ACCEPTS: 0,  # the broken profile is accepted too
    },
    hint=(
        f"In {REPAIR_CLUSTER}: {REPAIR_ROLE} must be trusted by eks-fargate-pods.amazonaws.com "
        "and have AmazonEKSFargatePodExecutionRolePolicy; the profile's selector must match "
        "the monthly-close pods (namespace reports, label team=finance); and its subnets must "
        "be private. A profile cannot be edited: delete it, wait, and create it again."
    ),
    owns=Owns(
        eks_clusters=(REPAIR_CLUSTER,),
        iam_roles=(REPAIR_ROLE, REPAIR_CLUSTER_ROLE),
    ),
)
def repair_profile(aws: AccountReader) -> Iterator[Requirement | Judged]:
    found = _profile(aws, REPAIR_CLUSTER, REPAIR_PROFILE)
    if found is None:
        yield _missing(f"Fargate profile {REPAIR_PROFILE} in {REPAIR_CLUSTER}", "exists")
        return
    yield judged(f"Fargate profile {REPAIR_PROFILE} in {REPAIR_CLUSTER}, role {REPAIR_ROLE}")
    role = _role_name(found.get("podExecutionRoleArn"))
    yield requirement(
        "podExecutionRoleArn",
        f"{REPAIR_ROLE} (kept)",
        role,
        ok=role == REPAIR_ROLE,
        hint=f"the repair fixes {REPAIR_ROLE} itself: keep it on the profile",
    )
    role_data = lookup.role(aws, REPAIR_ROLE)
    trusted = lookup.trusted_services(role_data) if role_data else []
    principal = "eks-fargate-pods.amazonaws.com"
    yield requirement(
        f"{REPAIR_ROLE} trusted by",
        principal,
        trusted,
        ok=principal in trusted,
        hint=f"{', '.join(trusted) or 'nobody'} may assume it: update_assume_role_policy with "
        f"trust_policy('{principal}')",
    )
    attached = lookup.attached_policy_arns(aws, REPAIR_ROLE) if role_data else []
    names = [arn.rsplit("/", 1)[-1] for arn in attached] or None
    yield requirement(
        f"{REPAIR_ROLE} policy",
        "AmazonEKSFargatePodExecutionRolePolicy",
        names,
        ok=FARGATE_POD_POLICY in attached,
        hint=f"attach {FARGATE_POD_POLICY} (the ECS execution policy is of no use to EKS)",
    )
    taken = fargate_profile_for(REPORTS_POD, [found])
    selectors = _selectors(found) or []
    yield requirement(
        "monthly-close pods (namespace reports, team=finance)",
        "matched by a selector",
        "matched" if taken else f"not matched by {', '.join(selectors) or 'any selector'}",
        ok=taken is not None,
        hint=(
            "a selector of namespace reports must ask only for labels the pods carry (team=finance)"
            if any(x.split(" ")[0] == "reports" for x in selectors)
            else "the pods are in namespace reports: no selector names it"
        ),
    )
    yield _private_only(aws, list(found.get("subnets") or []))
    yield aws_accepts(rejections("eks-fargate-profile", found))


CHECKS = (
    cluster_role,
    cluster,
    node_role,
    nodegroup,
    pod_execution_role,
    fargate_profile,
    pod_placement,
    storage_drivers,
    ecr_images,
    repair_profile,
)
