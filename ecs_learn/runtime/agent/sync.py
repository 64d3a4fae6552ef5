"""The sync: register what should be registered, deregister what left."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ecs_learn.runtime.agent.account import (
    _agent_permissions,
    _instances,
    _profile_reference,
    _registrations,
    _user_data,
    instance_role,
)
from ecs_learn.runtime.agent.config import (
    _ECS_AMI_NAME,
    _GONE,
    RESERVED_PORTS,
    AgentConfig,
    InstanceOutcome,
    SyncReport,
    registered_resources,
)
from ecs_learn.runtime.iam_eval import ClientSource, evaluate, role_policies


class _Context:
    def __init__(self, clients: ClientSource) -> None:
        self.clients = clients
        self.ec2 = clients.client("ec2")
        self.ecs = clients.client("ecs")
        self.images: dict[str, dict[str, Any] | None] = {}
        self.types: dict[str, tuple[int, int]] = {}
        self.subnets: dict[str, str] = {}

    def image(self, image_id: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        if image_id not in self.images:
            try:
                found = self.ec2.describe_images(ImageIds=[image_id]).get("Images", [])
            except ClientError:
                found = []
            self.images[image_id] = found[0] if found else None
        return self.images[image_id]

    def instance_type(self, name: str) -> tuple[int, int]:
        if name not in self.types:
            info = self.ec2.describe_instance_types(InstanceTypes=[name])["InstanceTypes"][0]
            self.types[name] = (
                int(info["VCpuInfo"]["DefaultVCpus"]),
                int(info["MemoryInfo"]["SizeInMiB"]),
            )
        return self.types[name]


def _is_ecs_optimized(image: Mapping[str, Any] | None) -> bool:
    return bool(image) and bool(_ECS_AMI_NAME.match(str((image or {}).get("Name", ""))))


def _cluster_arn(ecs: Any, name: str) -> str | None:
    answer = ecs.describe_clusters(clusters=[name])
    for cluster in answer.get("clusters", []):
        if cluster.get("status") == "ACTIVE":
            return str(cluster["clusterArn"])
    return None


def _identity_document(instance: Mapping[str, Any], image: Mapping[str, Any], account: str) -> str:
    placement = instance.get("Placement", {})
    zone = str(placement.get("AvailabilityZone", ""))
    return json.dumps(
        {
            "accountId": account,
            "architecture": image.get("Architecture", "x86_64"),
            "availabilityZone": zone,
            "imageId": instance["ImageId"],
            "instanceId": instance["InstanceId"],
            "instanceType": instance["InstanceType"],
            "pendingTime": str(instance.get("LaunchTime", "")),
            "privateIp": instance.get("PrivateIpAddress"),
            "region": zone[:-1] if zone else "",
            "version": "2017-09-30",
        }
    )


def _register(
    context: _Context, instance: dict[str, Any], image: dict[str, Any], account: str
) -> InstanceOutcome:
    instance_id = str(instance["InstanceId"])
    config = AgentConfig.from_user_data(_user_data(instance, context.ec2))
    zone = str(instance.get("Placement", {}).get("AvailabilityZone", ""))
    region = zone[:-1]

    def refused(reason: str) -> InstanceOutcome:
        return InstanceOutcome(instance_id, False, reason, config.cluster)

    profile = _profile_reference(instance, context.ec2)
    if profile is None:
        return refused(
            "the instance has no IAM instance profile, so the ECS agent cannot call ECS; "
            "launch it with an instance profile whose role has AmazonEC2ContainerServiceforEC2Role"
        )
    role, why = instance_role(profile, context.clients)
    if role is None:
        return refused(why)
    cluster_arn = _cluster_arn(context.ecs, config.cluster)
    if cluster_arn is None:
        if config.cluster != "default":
            return refused(
                f"the cluster {config.cluster} (ECS_CLUSTER in the user data) does not exist"
            )
        creating = evaluate(role_policies(role, context.clients), "ecs:CreateCluster", "*")
        if not creating:
            return refused(f"the default cluster does not exist and {creating.reason}")
        cluster_arn = str(
            context.ecs.create_cluster(clusterName="default")["cluster"]["clusterArn"]
        )
    allowed = _agent_permissions(role, cluster_arn, account, region, context.clients)
    if not allowed:
        return refused(allowed.reason)
    vcpus, memory = context.instance_type(str(instance["InstanceType"]))
    cpu, mem = registered_resources(vcpus, memory, config.reserved_memory)
    architecture = str(image.get("Architecture", "x86_64"))
    attributes = {
        "ecs.ami-id": str(instance["ImageId"]),
        "ecs.availability-zone": zone,
        "ecs.instance-type": str(instance["InstanceType"]),
        "ecs.os-type": "linux",
        "ecs.os-family": "LINUX",
        "ecs.cpu-architecture": "arm64" if architecture == "arm64" else "x86_64",
        "ecs.vpc-id": str(instance.get("VpcId", "")),
        "ecs.subnet-id": str(instance.get("SubnetId", "")),
        **config.attributes,
    }
    answer = context.ecs.register_container_instance(
        cluster=cluster_arn,
        instanceIdentityDocument=_identity_document(instance, image, account),
        totalResources=[
            {"name": "CPU", "type": "INTEGER", "integerValue": cpu},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": mem},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": list(RESERVED_PORTS)},
            {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []},
        ],
        attributes=[{"name": k, "value": v} for k, v in attributes.items() if v],
    )
    arn = str(answer["containerInstance"]["containerInstanceArn"])
    return InstanceOutcome(
        instance_id, True, f"registered with {config.cluster} ({cpu} CPU, {mem} MiB)",
        config.cluster, arn,
    )  # fmt: skip


def _leave(
    context: _Context, cluster: str, item: Mapping[str, Any], state: str
) -> tuple[InstanceOutcome, list[str]]:
    instance_id = str(item["ec2InstanceId"])
    arn = str(item["containerInstanceArn"])
    stopped: list[str] = []
    running = context.ecs.list_tasks(cluster=cluster, containerInstance=arn).get("taskArns", [])
    if running:
        described = context.ecs.describe_tasks(cluster=cluster, tasks=running).get("tasks", [])
        for task in described:
            if task.get("containerInstanceArn") != arn or task.get("lastStatus") == "STOPPED":
                continue
            context.ecs.stop_task(
                cluster=cluster,
                task=task["taskArn"],
                reason=f"Host EC2 (instance {instance_id}) stopped/terminated.",
            )
            stopped.append(str(task["taskArn"]))
    context.ecs.deregister_container_instance(cluster=cluster, containerInstance=arn, force=True)
    name = cluster.rsplit("/", 1)[-1]
    outcome = InstanceOutcome(
        instance_id, False, f"the instance is {state}: left {name}", name, arn
    )
    return outcome, stopped


def sync(clients: ClientSource, account: str | None = None) -> SyncReport:
    """Make every cluster's container instances match the EC2 instances that run an agent."""
    from ecs_learn.sandbox import botocore_layer
    from ecs_learn.sandbox.env import ACCOUNT_ID

    account = account or ACCOUNT_ID
    with botocore_layer.internal():
        context = _Context(clients)
        registrations = _registrations(context.ecs)
        registered: list[InstanceOutcome] = []
        refused: list[InstanceOutcome] = []
        left: list[InstanceOutcome] = []
        stopped: list[str] = []
        seen: set[str] = set()
        for instance in _instances(context.ec2):
            instance_id = str(instance["InstanceId"])
            seen.add(instance_id)
            state = str(instance.get("State", {}).get("Name", ""))
            current = registrations.get(instance_id)
            if state in _GONE:
                if current is not None:
                    outcome, tasks = _leave(context, current[0], current[1], state)
                    left.append(outcome)
                    stopped.extend(tasks)
                continue
            if current is not None or state not in ("pending", "running"):
                continue
            image = context.image(str(instance.get("ImageId", "")))
            if image is None or not _is_ecs_optimized(image):
                # no ECS agent on this image: an ordinary EC2 instance, unless it was meant
                # to join a cluster (then say why it does not, for a hint)
                if AgentConfig.from_user_data(_user_data(instance, context.ec2)).cluster_named:
                    why = f"the image {instance.get('ImageId')} is not an ECS-optimized AMI"
                    refused.append(InstanceOutcome(instance_id, False, why + ": no ECS agent"))
                continue
            outcome = _register(context, instance, image, account)
            (registered if outcome.registered else refused).append(outcome)
        for instance_id, (cluster, item) in sorted(registrations.items()):
            if instance_id not in seen:
                outcome, tasks = _leave(context, cluster, item, "gone")
                left.append(outcome)
                stopped.extend(tasks)
    return SyncReport(tuple(registered), tuple(refused), tuple(left), tuple(stopped))
