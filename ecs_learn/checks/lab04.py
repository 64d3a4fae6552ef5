"""Lab 04 — the EC2 launch type and its capacity.

Each check reads the account through describe/list/get calls only. Beyond the
configuration (roles, task definitions, services, groups, capacity providers) they judge
what ECS then did, as ECS shows it: registered container instances, where each task
landed (``containerInstanceArn``, ``networkBindings``, ``capacityProviderName``), the
service events, and the Auto Scaling group's desired capacity.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks import lookup
from ecs_learn.checks.owns import Owns, Revisions, Service
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import check, requirement
from ecs_learn.checks.result import Requirement

__all__ = ["CHECKS"]

CLUSTER = "lab"
EC2_PRINCIPAL = "ec2.amazonaws.com"
INSTANCE_ROLE = "ecsInstanceRole"
INSTANCE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
CLUSTER_LINE = f"ECS_CLUSTER={CLUSTER}"
EPHEMERAL = range(32768, 61000)
PORT_IN_USE = "is already using a port required by your task"
UNABLE = "was unable to place a task"


# ---------------------------------------------------------------- reading helpers
def _container_instances(aws: AccountReader) -> list[dict[str, Any]]:
    try:
        arns = aws.ecs.list_container_instances(cluster=CLUSTER, status="ACTIVE")[
            "containerInstanceArns"
        ]
    except ClientError:
        return []
    if not arns:
        return []
    found: list[dict[str, Any]] = aws.ecs.describe_container_instances(
        cluster=CLUSTER, containerInstances=arns
    )["containerInstances"]
    return found


def _attribute(instance: dict[str, Any], name: str) -> str | None:
    for attribute in instance.get("attributes", []):
        if attribute.get("name") == name:
            value = attribute.get("value")
            return None if value is None else str(value)
    return None


def _registered(instance: dict[str, Any], name: str) -> int | None:
    for resource in instance.get("registeredResources", []):
        if resource.get("name") == name:
            value = resource.get("integerValue")
            return None if value is None else int(value)
    return None


def _service(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found = aws.ecs.describe_services(cluster=CLUSTER, services=[name])["services"]
    except ClientError:
        return None
    active = [s for s in found if s.get("status") == "ACTIVE"]
    return active[0] if active else None


def _tasks(aws: AccountReader, service: str) -> list[dict[str, Any]]:
    arns = aws.ecs.list_tasks(cluster=CLUSTER, serviceName=service, desiredStatus="RUNNING")[
        "taskArns"
    ]
    if not arns:
        return []
    tasks = aws.ecs.describe_tasks(cluster=CLUSTER, tasks=arns)["tasks"]
    return [t for t in tasks if t.get("lastStatus") == "RUNNING"]


def _bindings(task: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for c in task.get("containers", []) for b in c.get("networkBindings", [])]


def _host_ports(task: dict[str, Any]) -> list[int]:
    return [int(b["hostPort"]) for b in _bindings(task) if b.get("hostPort") is not None]


def _missing_service(name: str) -> Requirement:
    return requirement(f"service {name} in cluster {CLUSTER}", "ACTIVE", None, ok=False)


def _running(service: dict[str, Any], tasks: list[dict[str, Any]], count: int) -> Requirement:
    return requirement(
        f"running tasks of {service['serviceName']}",
        f"{count} of {count}",
        f"{len(tasks)} of {service.get('desiredCount')}",
        ok=len(tasks) == count and service.get("desiredCount") == count,
    )


def _strategy(service: dict[str, Any]) -> list[tuple[str, int, int]]:
    return sorted(
        (str(s.get("capacityProvider")), int(s.get("base") or 0), int(s.get("weight") or 0))
        for s in service.get("capacityProviderStrategy") or []
    )


def _show_strategy(items: list[tuple[str, int, int]]) -> list[str] | None:
    return [f"{p} base {b} weight {w}" for p, b, w in items] or None


# ---------------------------------------------------------------- why no instance joined
def _instance_diagnosis(aws: AccountReader) -> Iterator[Requirement]:
    """What ECS cannot say: read the running instances' AMI, profile and user data."""
    reservations = aws.ec2.describe_instances(
        Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}]
    )["Reservations"]
    instances = [i for r in reservations for i in r["Instances"]]
    if not instances:
        yield requirement("running EC2 instances", "2 launched", None, ok=False)
        return
    try:
        image = aws.ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    except ClientError:
        image = None
    registered = {c.get("ec2InstanceId") for c in _container_instances(aws)}
    for instance in instances:
        iid = instance["InstanceId"]
        if iid in registered:
            continue
        if image is not None:
            yield requirement(
                f"{iid} ImageId", f"{image} (the ECS-optimized AMI)", instance.get("ImageId")
            )
        profile = (instance.get("IamInstanceProfile") or {}).get("Arn")
        profile_name = str(profile).rsplit("/", 1)[-1] if profile else None
        yield requirement(
            f"{iid} IamInstanceProfile", INSTANCE_ROLE, profile_name, ok=profile_name is not None
        )
        text = _user_data(aws, iid)
        yield requirement(
            f"{iid} UserData",
            f"a script writing {CLUSTER_LINE} to /etc/ecs/ecs.config",
            text.strip() or None,
            ok=CLUSTER_LINE in text and "/etc/ecs/ecs.config" in text,
        )


def _user_data(aws: AccountReader, instance_id: str) -> str:
    try:
        found = aws.ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
    except ClientError:
        return ""
    value = (found.get("UserData") or {}).get("Value")
    if not value:
        return ""
    try:
        return base64.b64decode(value).decode("utf-8", "replace")
    except ValueError:
        return str(value)


# ---------------------------------------------------------------- the checks
@check(
    "instance-role",
    title="The container instance role and its instance profile",
    points=2,
    hint=(
        f"The agent on an instance uses the role of its instance profile. Create {INSTANCE_ROLE!r} "
        f"with a trust policy whose Principal is {{'Service': '{EC2_PRINCIPAL}'}}, attach "
        "AmazonEC2ContainerServiceforEC2Role (its ARN has service-role/ in the path), then "
        "create_instance_profile and add_role_to_instance_profile with the same name."
    ),
    owns=Owns(instance_profiles=(INSTANCE_ROLE,), iam_roles=(INSTANCE_ROLE,)),
)
def instance_role(aws: AccountReader) -> Iterator[Requirement]:
    found = lookup.role(aws, INSTANCE_ROLE)
    if found is None:
        yield requirement(f"role {INSTANCE_ROLE}", "exists", None, ok=False)
        return
    trusted = lookup.trusted_services(found)
    yield requirement("trusted by", EC2_PRINCIPAL, trusted, ok=EC2_PRINCIPAL in trusted)
    attached = lookup.attached_policy_arns(aws, INSTANCE_ROLE)
    yield requirement(
        "managed policy attached", INSTANCE_POLICY, attached, ok=INSTANCE_POLICY in attached
    )
    try:
        profile = aws.iam.get_instance_profile(InstanceProfileName=INSTANCE_ROLE)["InstanceProfile"]
        roles = sorted(r["RoleName"] for r in profile.get("Roles", []))
    except ClientError:
        roles = None
    yield requirement(
        f"instance profile {INSTANCE_ROLE} holds", INSTANCE_ROLE, roles, ok=roles == [INSTANCE_ROLE]
    )


@check(
    "container-instances",
    title="Two container instances registered in the cluster, in two zones",
    points=3,
    hint=(
        "run_instances with ImageId from the SSM parameter "
        f"{AMI_PARAMETER}, IamInstanceProfile={{'Name': '{INSTANCE_ROLE}'}} and UserData that "
        f"writes {CLUSTER_LINE} to /etc/ecs/ecs.config: a t3.medium in us-east-1a's subnet and a "
        "t3.large in us-east-1b's. An instance missing any of the three never registers."
    ),
    owns=Owns(instances_tagged=("lab=04",)),
)
def container_instances(aws: AccountReader) -> Iterator[Requirement]:
    instances = [c for c in _container_instances(aws) if c.get("agentConnected")]
    placed = sorted(
        f"{_attribute(c, 'ecs.instance-type')} in {_attribute(c, 'ecs.availability-zone')}"
        for c in instances
    )
    wanted = ["t3.large in us-east-1b", "t3.medium in us-east-1a"]
    yield requirement(
        f"container instances in cluster {CLUSTER}",
        wanted,
        placed or None,
        ok=all(w in placed for w in wanted),
    )
    if not instances:
        yield from _instance_diagnosis(aws)
        return
    cpu = sorted(_registered(c, "CPU") or 0 for c in instances)
    yield requirement("registered CPU units", "1024 per vCPU", cpu, ok=min(cpu) >= 1024)


@check(
    "dynamic-ports",
    title="Bridge networking with dynamic host ports: several tasks per instance",
    points=2,
    hint=(
        "Register 'web-dynamic' (EC2, bridge) with portMappings [{'containerPort': 80, "
        "'hostPort': 0}] and run the service 'web-dynamic' with 4 tasks and launchType 'EC2'. "
        "With hostPort 0 each task gets its own host port from 32768 up."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-dynamic"),), task_families=("web-dynamic",)),
)
def dynamic_ports(aws: AccountReader) -> Iterator[Requirement]:
    td = lookup.task_definition(aws, "web-dynamic")
    if td is None:
        yield requirement("task definition family web-dynamic", "registered", None, ok=False)
        return
    yield requirement("networkMode", "bridge", td.get("networkMode"))
    mappings = [m for c in td.get("containerDefinitions", []) for m in c.get("portMappings", [])]
    shown = [f"{m.get('containerPort')}->{m.get('hostPort') or 'dynamic'}" for m in mappings]
    yield requirement(
        "port mapping",
        "80->dynamic",
        shown or None,
        ok=any(m.get("containerPort") == 80 and not m.get("hostPort") for m in mappings),
    )
    service = _service(aws, "web-dynamic")
    if service is None:
        yield _missing_service("web-dynamic")
        return
    tasks = _tasks(aws, "web-dynamic")
    yield _running(service, tasks, 4)
    ports = sorted(p for t in tasks for p in _host_ports(t))
    yield requirement(
        "host ports (networkBindings)",
        "from the ephemeral range 32768-60999",
        ports or None,
        ok=bool(ports) and all(p in EPHEMERAL for p in ports),
    )
    per_host = Counter(t.get("containerInstanceArn") for t in tasks)
    yield requirement(
        "most tasks on one instance",
        "2 or more",
        max(per_host.values(), default=0),
        ok=max(per_host.values(), default=0) >= 2,
    )


@check(
    "port-conflict",
    title="A static host port: the third task cannot be placed, and ECS says why",
    points=2,
    hint=(
        "Register 'web-static' with hostPort 80 and run the service 'web-static' with 3 tasks "
        "(launchType 'EC2'). Two instances have one port 80 each; describe_services shows the "
        "event for the third task."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-static"),), task_families=("web-static",)),
)
def port_conflict(aws: AccountReader) -> Iterator[Requirement]:
    try:
        first = aws.ecs.describe_task_definition(taskDefinition="web-static:1")["taskDefinition"]
    except ClientError:
        first = None
    if first is None:
        yield requirement("task definition web-static:1", "registered", None, ok=False)
        return
    ports = [
        m.get("hostPort")
        for c in first.get("containerDefinitions", [])
        for m in c.get("portMappings", [])
    ]
    yield requirement("web-static:1 host port", 80, ports or None, ok=80 in ports)
    service = _service(aws, "web-static")
    if service is None:
        yield _missing_service("web-static")
        return
    yield requirement("desiredCount", 3, service.get("desiredCount"))
    unplaced = [e["message"] for e in service.get("events", []) if UNABLE in e.get("message", "")]
    yield requirement(
        "service event",
        f"... {UNABLE} ... {PORT_IN_USE} ...",
        unplaced[-1] if unplaced else None,
        ok=any(PORT_IN_USE in m for m in unplaced),
    )


@check(
    "placement-repair",
    title="Repair: all three tasks of web-static placed",
    points=3,
    hint=(
        "Either register a new revision of 'web-static' with hostPort 0 and update_service to it, "
        "or launch a third container instance. Keep desiredCount 3."
    ),
    owns=Owns(revisions=(Revisions("web-static", host_port=0),)),
)
def placement_repair(aws: AccountReader) -> Iterator[Requirement]:
    service = _service(aws, "web-static")
    if service is None:
        yield _missing_service("web-static")
        return
    tasks = _tasks(aws, "web-static")
    yield _running(service, tasks, 3)
    yield requirement("pendingCount", 0, service.get("pendingCount"))
    clashes = Counter((t.get("containerInstanceArn"), p) for t in tasks for p in _host_ports(t))
    shared = sorted(str(port) for (_, port), n in clashes.items() if n > 1)
    yield requirement("host ports shared on one instance", "none", shared, ok=not shared)


def _hosts_of(tasks: list[dict[str, Any]]) -> set[str]:
    return {str(t.get("containerInstanceArn")) for t in tasks}


@check(
    "placement-strategies",
    title="Placement strategies: binpack on memory, spread over Availability Zones",
    points=2,
    hint=(
        "'web-binpack': 3 tasks with placementStrategy [{'type': 'binpack', 'field': 'memory'}]; "
        "'web-spread': 4 tasks with [{'type': 'spread', 'field': "
        "'attribute:ecs.availability-zone'}]. Both from 'web-dynamic', launchType 'EC2'."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-binpack"), Service(CLUSTER, "web-spread"))),
)
def placement_strategies(aws: AccountReader) -> Iterator[Requirement]:
    for name, count, kind, field in (
        ("web-binpack", 3, "binpack", "memory"),
        ("web-spread", 4, "spread", "attribute:ecs.availability-zone"),
    ):
        service = _service(aws, name)
        if service is None:
            yield _missing_service(name)
            continue
        strategy = [(s.get("type"), s.get("field")) for s in service.get("placementStrategy", [])]
        yield requirement(
            f"{name} placementStrategy",
            f"{kind} on {field}",
            [f"{t} on {f}" for t, f in strategy] or None,
            ok=(kind, field) in strategy,
        )
        tasks = _tasks(aws, name)
        yield _running(service, tasks, count)
        if kind == "binpack":
            yield requirement(
                "instances used by web-binpack",
                1,
                len(_hosts_of(tasks)),
                ok=len(_hosts_of(tasks)) == 1,
            )
        else:
            zones = Counter(str(t.get("availabilityZone")) for t in tasks)
            shown = [f"{z}: {n}" for z, n in sorted(zones.items())]
            yield requirement(
                "web-spread tasks per zone",
                "2 in each of 2 zones",
                shown or None,
                ok=len(zones) == 2 and set(zones.values()) == {2},
            )


@check(
    "placement-constraints",
    title="Placement constraints: memberOf an instance type, distinctInstance",
    points=2,
    hint=(
        "'web-large': placementConstraints [{'type': 'memberOf', 'expression': "
        "'attribute:ecs.instance-type == t3.large'}]; 'web-distinct': [{'type': "
        "'distinctInstance'}] together with the binpack strategy. 2 tasks each, launchType 'EC2'."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-large"), Service(CLUSTER, "web-distinct"))),
)
def placement_constraints(aws: AccountReader) -> Iterator[Requirement]:
    types = {
        str(c.get("containerInstanceArn")): _attribute(c, "ecs.instance-type")
        for c in _container_instances(aws)
    }
    large = _service(aws, "web-large")
    if large is None:
        yield _missing_service("web-large")
    else:
        expressions = [
            str(c.get("expression"))
            for c in large.get("placementConstraints", [])
            if c.get("type") == "memberOf"
        ]
        yield requirement(
            "web-large memberOf",
            "attribute:ecs.instance-type == t3.large",
            expressions or None,
            ok=any("t3.large" in e and "ecs.instance-type" in e for e in expressions),
        )
        tasks = _tasks(aws, "web-large")
        yield _running(large, tasks, 2)
        landed = sorted({str(types.get(h)) for h in _hosts_of(tasks)})
        yield requirement("web-large runs on", ["t3.large"], landed or None)
    distinct = _service(aws, "web-distinct")
    if distinct is None:
        yield _missing_service("web-distinct")
        return
    kinds = [c.get("type") for c in distinct.get("placementConstraints", [])]
    yield requirement(
        "web-distinct constraint", "distinctInstance", kinds or None, ok="distinctInstance" in kinds
    )
    strategy = [s.get("type") for s in distinct.get("placementStrategy", [])]
    yield requirement(
        "web-distinct strategy", "binpack", strategy or None, ok="binpack" in strategy
    )
    tasks = _tasks(aws, "web-distinct")
    yield _running(distinct, tasks, 2)
    yield requirement("web-distinct instances used", 2, len(_hosts_of(tasks)))


def _group(aws: AccountReader, name: str) -> dict[str, Any] | None:
    groups = aws.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])[
        "AutoScalingGroups"
    ]
    return groups[0] if groups else None


def _template_data(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        versions = aws.ec2.describe_launch_template_versions(
            LaunchTemplateName=name, Versions=["$Latest"]
        )["LaunchTemplateVersions"]
    except ClientError:
        return None
    if not versions:
        return None
    data: dict[str, Any] = versions[0].get("LaunchTemplateData", {})
    return data


def _provider(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found = aws.ecs.describe_capacity_providers(capacityProviders=[name])["capacityProviders"]
    except ClientError:
        return None
    active = [p for p in found if p.get("status") == "ACTIVE"]
    return active[0] if active else None


def _capacity(aws: AccountReader, name: str, template_extra: bool = False) -> Iterator[Requirement]:
    """Launch template, group and managed-scaling provider, all named ``name``."""
    data = _template_data(aws, name)
    if data is None:
        yield requirement(f"launch template {name}", "created", None, ok=False)
    else:
        profile = (data.get("IamInstanceProfile") or {}).get("Name") or (
            data.get("IamInstanceProfile") or {}
        ).get("Arn")
        yield requirement(
            f"{name} IamInstanceProfile",
            INSTANCE_ROLE,
            profile,
            ok=bool(profile) and str(profile).endswith(INSTANCE_ROLE),
        )
        text = _decode(data.get("UserData"))
        yield requirement(
            f"{name} UserData (base64)",
            f"writes {CLUSTER_LINE}",
            text.strip() or None,
            ok=CLUSTER_LINE in text,
        )
        if template_extra:
            market = (data.get("InstanceMarketOptions") or {}).get("MarketType")
            yield requirement(f"{name} InstanceMarketOptions.MarketType", "spot", market)
    group = _group(aws, name)
    if group is None:
        yield requirement(f"Auto Scaling group {name}", "created", None, ok=False)
        return
    provider = _provider(aws, name)
    if provider is None:
        yield requirement(f"capacity provider {name}", "created", None, ok=False)
        return
    asg = provider.get("autoScalingGroupProvider") or {}
    yield requirement(
        f"capacity provider {name} group",
        group["AutoScalingGroupARN"],
        asg.get("autoScalingGroupArn"),
    )
    scaling = asg.get("managedScaling") or {}
    yield requirement(
        f"{name} managed scaling",
        "ENABLED, targetCapacity 100",
        f"{scaling.get('status')}, targetCapacity {scaling.get('targetCapacity')}",
        ok=scaling.get("status") == "ENABLED" and scaling.get("targetCapacity") == 100,
    )
    clusters = aws.ecs.describe_clusters(clusters=[CLUSTER])["clusters"]
    providers = clusters[0].get("capacityProviders", []) if clusters else []
    yield requirement(
        f"cluster {CLUSTER} capacity providers", f"include {name}", providers, ok=name in providers
    )


def _decode(value: Any) -> str:
    if not value:
        return ""
    try:
        return base64.b64decode(str(value)).decode("utf-8", "replace")
    except ValueError:
        return str(value)


def _group_hosts(aws: AccountReader, name: str) -> set[str]:
    """Container instance ARNs of the instances the group launched."""
    group = _group(aws, name)
    ids = {i["InstanceId"] for i in (group or {}).get("Instances", [])}
    return {
        str(c.get("containerInstanceArn"))
        for c in _container_instances(aws)
        if c.get("ec2InstanceId") in ids
    }


@check(
    "asg-capacity-provider",
    title="An Auto Scaling group capacity provider whose managed scaling grows the group",
    points=3,
    hint=(
        "Launch template 'lab04-ondemand' (AMI, t3.small, the instance profile, base64 user "
        "data), group 'lab04-ondemand' (min 0, max 4, desired 0), capacity provider "
        "'lab04-ondemand' with managedScaling ENABLED and targetCapacity 100, added with "
        "put_cluster_capacity_providers; service 'web-asg' (3 tasks) with "
        "capacityProviderStrategy [{'capacityProvider': 'lab04-ondemand', 'weight': 1}]; then "
        "ecs_learn.runtime.advance(minutes=1)."
    ),
    owns=Owns(
        services=(Service(CLUSTER, "web-asg"),),
        capacity_providers=("lab04-ondemand",),
        auto_scaling_groups=("lab04-ondemand",),
        launch_templates=("lab04-ondemand",),
    ),
)
def asg_capacity_provider(aws: AccountReader) -> Iterator[Requirement]:
    yield from _capacity(aws, "lab04-ondemand")
    group = _group(aws, "lab04-ondemand")
    if group is not None:
        yield requirement(
            "lab04-ondemand MinSize, MaxSize",
            "0, 4",
            f"{group.get('MinSize')}, {group.get('MaxSize')}",
        )
        yield requirement(
            "lab04-ondemand DesiredCapacity",
            "grown by managed scaling (1 or more)",
            group.get("DesiredCapacity"),
            ok=int(group.get("DesiredCapacity") or 0) >= 1,
        )
    service = _service(aws, "web-asg")
    if service is None:
        yield _missing_service("web-asg")
        return
    yield requirement(
        "web-asg capacityProviderStrategy",
        ["lab04-ondemand base 0 weight 1"],
        _show_strategy(_strategy(service)),
        ok=[p for p, _, _ in _strategy(service)] == ["lab04-ondemand"],
    )
    tasks = _tasks(aws, "web-asg")
    yield _running(service, tasks, 3)
    providers = sorted({str(t.get("capacityProviderName")) for t in tasks})
    yield requirement("web-asg tasks' capacityProviderName", ["lab04-ondemand"], providers or None)
    hosts = _group_hosts(aws, "lab04-ondemand")
    yield requirement(
        "web-asg tasks on the group's instances",
        "all",
        f"{sum(t.get('containerInstanceArn') in hosts for t in tasks)} of {len(tasks)}",
        ok=bool(tasks) and all(t.get("containerInstanceArn") in hosts for t in tasks),
    )


@check(
    "spot-mix",
    title="On-Demand and Spot mixed by a capacity provider strategy (base and weight)",
    points=3,
    hint=(
        "Launch template 'lab04-spot' = the On-Demand one plus InstanceMarketOptions "
        "{'MarketType': 'spot'}; group and capacity provider 'lab04-spot' (managed scaling, "
        "target 100) added to the cluster; service 'web-mixed' (5 tasks) with the strategy "
        "lab04-ondemand base 1 weight 1, lab04-spot weight 3; then advance(minutes=1)."
    ),
    owns=Owns(
        services=(Service(CLUSTER, "web-mixed"),),
        capacity_providers=("lab04-spot",),
        auto_scaling_groups=("lab04-spot",),
        launch_templates=("lab04-spot",),
    ),
)
def spot_mix(aws: AccountReader) -> Iterator[Requirement]:
    yield from _capacity(aws, "lab04-spot", template_extra=True)
    service = _service(aws, "web-mixed")
    if service is None:
        yield _missing_service("web-mixed")
        return
    wanted = [("lab04-ondemand", 1, 1), ("lab04-spot", 0, 3)]
    yield requirement(
        "web-mixed capacityProviderStrategy",
        _show_strategy(wanted),
        _show_strategy(_strategy(service)),
        ok=_strategy(service) == wanted,
    )
    tasks = _tasks(aws, "web-mixed")
    yield _running(service, tasks, 5)
    split = Counter(str(t.get("capacityProviderName")) for t in tasks)
    yield requirement(
        "web-mixed tasks per capacity provider",
        "lab04-ondemand: 2, lab04-spot: 3",
        ", ".join(f"{p}: {n}" for p, n in sorted(split.items())) or None,
    )


@check(
    "fargate-spot",
    title="The contrast: a Fargate and Fargate Spot mix, with no instance of yours",
    points=2,
    hint=(
        "Register 'web-fargate' (FARGATE, awsvpc, cpu 256, memory 512) and run 'web-fargate' with "
        "5 tasks, an awsvpcConfiguration (subnets, security group) and the strategy FARGATE "
        "base 1 weight 1, FARGATE_SPOT weight 3 — no launchType."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-fargate"),), task_families=("web-fargate",)),
)
def fargate_spot(aws: AccountReader) -> Iterator[Requirement]:
    td = lookup.task_definition(aws, "web-fargate")
    if td is None:
        yield requirement("task definition family web-fargate", "registered", None, ok=False)
        return
    compat = td.get("requiresCompatibilities") or []
    yield requirement("requiresCompatibilities", "includes FARGATE", compat, ok="FARGATE" in compat)
    service = _service(aws, "web-fargate")
    if service is None:
        yield _missing_service("web-fargate")
        return
    wanted = [("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)]
    yield requirement(
        "web-fargate capacityProviderStrategy",
        _show_strategy(wanted),
        _show_strategy(_strategy(service)),
        ok=_strategy(service) == wanted,
    )
    tasks = _tasks(aws, "web-fargate")
    yield _running(service, tasks, 5)
    split = Counter(str(t.get("capacityProviderName")) for t in tasks)
    yield requirement(
        "web-fargate tasks per capacity provider",
        "FARGATE: 2, FARGATE_SPOT: 3",
        ", ".join(f"{p}: {n}" for p, n in sorted(split.items())) or None,
    )
    on_instances = sum(1 for t in tasks if t.get("containerInstanceArn"))
    yield requirement("web-fargate tasks on a container instance", 0, on_instances)


CHECKS = (
    instance_role,
    container_instances,
    dynamic_ports,
    port_conflict,
    placement_repair,
    placement_strategies,
    placement_constraints,
    asg_capacity_provider,
    spot_mix,
    fargate_spot,
)
