"""The ECS container agent on the learner's EC2 instances: register, or say why not.

:func:`sync` looks at the account through the APIs, as the agent on each instance would,
and makes the cluster match: a running instance from an ECS-optimized AMI, whose user
data names a cluster and whose instance profile lets the agent call ECS, is registered
with ``RegisterContainerInstance``; an instance that stops or terminates leaves the
cluster (its tasks stop, the container instance is deregistered). The scheduler calls it
after EC2 and Auto Scaling calls; it returns a :class:`SyncReport` saying, per instance,
what happened and why (for a lab check or a hint).

Behaviour and sources (Amazon ECS Developer Guide unless noted):

* User data in ``/etc/ecs/ecs.config`` style — ``ECS_CLUSTER=name``; without it the agent
  joins the ``default`` cluster (creating it, as its ``ecs:CreateCluster`` permission is
  for). ``ECS_RESERVED_MEMORY`` and ``ECS_INSTANCE_ATTRIBUTES`` (JSON) are read too
  ("Bootstrapping container instances with Amazon EC2 user data",
  bootstrap_container_instance.html; "Amazon ECS container agent configuration",
  ecs-agent-config.html). User data is decoded from base64 once (EC2 stores it so, and
  boto3's run_instances encodes plain text itself; launch templates take it encoded);
  gzip is undone.
* The instance role ("Amazon ECS container instance IAM role", instance_IAM_role.html;
  managed policy AmazonEC2ContainerServiceforEC2Role) must trust ``ec2.amazonaws.com`` and
  allow the agent's calls: ``ecs:RegisterContainerInstance``, ``ecs:DiscoverPollEndpoint``,
  ``ecs:Poll``, ``ecs:StartTelemetrySession``, ``ecs:SubmitContainerStateChange``,
  ``ecs:SubmitTaskStateChange`` (checked with :mod:`iam_eval`). Otherwise the instance
  does not register.
* Registered resources ("Container instance memory management", memory-management.html):
  1,024 CPU units per vCPU; memory is what the OS reports, which is less than the
  instance type's — modelled with the ratio of AWS's own example (an m4.large's 8 GiB
  registers 7985 MiB) — minus ``ECS_RESERVED_MEMORY``. Ports 22, 2375, 2376, 51678 and
  51679 are reserved (API RegisterContainerInstance / ecs-agent-config ``ECS_RESERVED_PORTS``).
* Attributes ("Amazon ECS container instance attributes", task-placement-constraints.html):
  ``ecs.ami-id``, ``ecs.availability-zone``, ``ecs.instance-type``, ``ecs.os-type``,
  ``ecs.os-family``, ``ecs.cpu-architecture``, ``ecs.vpc-id``, ``ecs.subnet-id``, plus the
  custom ones.
* Leaving ("Deregister an Amazon ECS container instance", deregister_container_instance.html):
  a terminated instance is deregistered; its tasks stop with the reason "Host EC2
  (instance ID) stopped/terminated.". A stopped instance's agent disconnects on AWS; moto
  cannot show ``agentConnected: false``, so a stopped instance is deregistered as well and
  registers again (as a new container instance) when it starts.

moto gaps worked around here, through the APIs: instances an Auto Scaling group launches
from a launch template lack the template's ``IamInstanceProfile`` (read from the template
version instead); of several instances one run_instances call launches, only the first
has the call's profile (the reservation's is used for all). ``RegisterContainerInstance``
needs the sandbox's ``seed_ec2`` fix to honour ``totalResources`` and ``attributes``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecs_learn.runtime.iam_eval import ClientSource, Decision, evaluate, role_policies

__all__ = [
    "AGENT_ACTIONS",
    "RESERVED_PORTS",
    "AgentConfig",
    "InstanceOutcome",
    "InternalClients",
    "SyncReport",
    "decode_user_data",
    "instance_role",
    "registered_resources",
    "sync",
]

AGENT_ACTIONS = (
    "ecs:RegisterContainerInstance",
    "ecs:DiscoverPollEndpoint",
    "ecs:Poll",
    "ecs:StartTelemetrySession",
    "ecs:SubmitContainerStateChange",
    "ecs:SubmitTaskStateChange",
)
RESERVED_PORTS = ("22", "2375", "2376", "51678", "51679")
# AWS's example: an m4.large (8192 MiB installed) registers 7985 MiB.
OS_VISIBLE_MEMORY = 7985 / 8192
_GONE = frozenset({"stopping", "stopped", "shutting-down", "terminated"})
_ECS_AMI_NAME = re.compile(r"^(amzn2?-ami-ecs-|al2023-ami-ecs-|amzn-ami-.*-amazon-ecs-optimized)")


class InternalClients:
    """Clients for the runtime's own calls (no hook sees them), embedded or against a server."""

    def __init__(self, endpoint_url: str | None = None) -> None:
        self.endpoint_url = endpoint_url

    def client(self, service: str) -> Any:
        from ecs_learn.sandbox.botocore_layer import internal_client

        return internal_client(service, self.endpoint_url)


@dataclass(frozen=True)
class AgentConfig:
    """What the agent reads from ``/etc/ecs/ecs.config`` (written by the user data)."""

    cluster: str = "default"
    cluster_named: bool = False
    reserved_memory: int = 0
    attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_user_data(cls, text: str) -> AgentConfig:
        clusters = re.findall(r"\bECS_CLUSTER\s*=\s*[\"']?([A-Za-z0-9_-]{1,255})", text)
        reserved = re.findall(r"\bECS_RESERVED_MEMORY\s*=\s*[\"']?(\d+)", text)
        attributes: dict[str, str] = {}
        for raw in re.findall(r"\bECS_INSTANCE_ATTRIBUTES\s*=\s*[\"']?(\{[^}]*\})", text):
            try:
                parsed = json.loads(raw)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                attributes.update({str(k): str(v) for k, v in parsed.items()})
        return cls(
            cluster=clusters[-1] if clusters else "default",
            cluster_named=bool(clusters),
            reserved_memory=int(reserved[-1]) if reserved else 0,
            attributes=attributes,
        )


@dataclass(frozen=True)
class InstanceOutcome:
    """What happened to one EC2 instance in a sync."""

    instance_id: str
    registered: bool
    reason: str
    cluster: str | None = None
    container_instance_arn: str | None = None


@dataclass(frozen=True)
class SyncReport:
    """The result of :func:`sync`: instances that registered, were refused, or left."""

    registered: tuple[InstanceOutcome, ...] = ()
    refused: tuple[InstanceOutcome, ...] = ()
    deregistered: tuple[InstanceOutcome, ...] = ()
    stopped_tasks: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.registered or self.deregistered)

    def outcome(self, instance_id: str) -> InstanceOutcome | None:
        for item in (*self.registered, *self.refused, *self.deregistered):
            if item.instance_id == instance_id:
                return item
        return None


def decode_user_data(value: str | None) -> str:
    """User data as the instance sees it: base64 undone (once), gzip undone."""
    if not value:
        return ""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = value.encode()
    if raw[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError):
            raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace")


def registered_resources(vcpus: int, memory_mib: int, reserved_memory: int = 0) -> tuple[int, int]:
    """(CPU units, MiB) an instance registers with."""
    return vcpus * 1024, max(int(memory_mib * OS_VISIBLE_MEMORY) - reserved_memory, 0)


# -- reading the account -----------------------------------------------------------------
def _instances(ec2: Any) -> Iterator[dict[str, Any]]:
    """Every instance; one launched by a multi-instance run_instances call gets the call's
    instance profile (moto associates it with the first instance of the reservation only)."""
    for page in ec2.get_paginator("describe_instances").paginate():
        for reservation in page.get("Reservations", []):
            instances = reservation.get("Instances", [])
            shared = next(
                (i["IamInstanceProfile"] for i in instances if i.get("IamInstanceProfile")), None
            )
            for instance in instances:
                if shared and not instance.get("IamInstanceProfile"):
                    instance = {**instance, "IamInstanceProfile": shared}
                yield instance


def _registrations(ecs: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """``{ec2 instance id: (cluster ARN, container instance)}`` over every cluster."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for cluster in ecs.list_clusters().get("clusterArns", []):
        arns = ecs.list_container_instances(cluster=cluster).get("containerInstanceArns", [])
        if not arns:
            continue
        described = ecs.describe_container_instances(cluster=cluster, containerInstances=arns)
        for item in described.get("containerInstances", []):
            found[str(item["ec2InstanceId"])] = (cluster, item)
    return found


def _tag(instance: Mapping[str, Any], key: str) -> str | None:
    for tag in instance.get("Tags", []) or []:
        if tag.get("Key") == key:
            return str(tag.get("Value"))
    return None


def _profile_reference(instance: Mapping[str, Any], ec2: Any) -> str | None:
    """The instance profile's name, from the instance or (moto gap) its launch template."""
    profile = instance.get("IamInstanceProfile") or {}
    if profile.get("Arn"):
        return str(profile["Arn"]).rsplit("/", 1)[-1]
    template = _tag(instance, "aws:ec2launchtemplate:id")
    if template is None:
        return None
    version = _tag(instance, "aws:ec2launchtemplate:version") or "$Default"
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template, Versions=[version])
    for item in versions.get("LaunchTemplateVersions", []):
        data = item.get("LaunchTemplateData", {}).get("IamInstanceProfile") or {}
        if data.get("Name"):
            return str(data["Name"])
        if data.get("Arn"):
            return str(data["Arn"]).rsplit("/", 1)[-1]
    return None


def _user_data(instance: Mapping[str, Any], ec2: Any) -> str:
    answer = ec2.describe_instance_attribute(
        InstanceId=instance["InstanceId"], Attribute="userData"
    )
    return decode_user_data((answer.get("UserData") or {}).get("Value"))


def _trusts_ec2(document: Any) -> bool:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return False
    statements = document.get("Statement", []) if isinstance(document, Mapping) else []
    if isinstance(statements, Mapping):
        statements = [statements]
    for statement in statements:
        if str(statement.get("Effect", "")).lower() != "allow":
            continue
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, Mapping) else []
        services = [services] if isinstance(services, str) else list(services)
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else list(actions)
        if "ec2.amazonaws.com" in services and any(
            a.lower() in ("sts:assumerole", "sts:*", "*") for a in actions
        ):
            return True
    return False


def instance_role(profile_name: str, clients: ClientSource) -> tuple[str | None, str]:
    """(role name, why not) for an instance profile."""
    from botocore.exceptions import ClientError

    iam = clients.client("iam")
    try:
        roles = iam.get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"][
            "Roles"
        ]
    except ClientError:
        return None, f"the instance profile {profile_name} does not exist"
    if not roles:
        return None, f"the instance profile {profile_name} has no role"
    role = roles[0]
    if not _trusts_ec2(role.get("AssumeRolePolicyDocument")):
        return None, (
            f"the role {role['RoleName']} does not trust ec2.amazonaws.com, so the instance "
            "cannot use it"
        )
    return str(role["RoleName"]), ""


def _agent_permissions(
    role: str, cluster_arn: str, account: str, region: str, clients: ClientSource
) -> Decision:
    policies = role_policies(role, clients)
    instances = f"arn:aws:ecs:{region}:{account}:container-instance/*"
    resources = {"ecs:RegisterContainerInstance": cluster_arn, "ecs:DiscoverPollEndpoint": "*"}
    refused = [
        d.reason
        for d in (evaluate(policies, a, resources.get(a, instances)) for a in AGENT_ACTIONS)
        if not d
    ]
    if refused:
        return Decision(
            False, f"the role {role} does not let the ECS agent work: " + "; ".join(refused)
        )
    return Decision(True, f"the role {role} allows the ECS agent's calls")


# -- the sync ------------------------------------------------------------------------------
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
