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
from ecs_learn.checks.realism import AWS_ACCEPTS, aws_accepts, rejections
from ecs_learn.checks.registry import Judged, check, judged, requirement
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


# ---------------------------------------------------------------- the instances of exercise 2
WANTED_INSTANCES = (("t3.medium", "us-east-1a"), ("t3.large", "us-east-1b"))
NGINX = "public.ecr.aws/nginx/nginx:stable"


def _own_instances(aws: AccountReader) -> list[dict[str, Any]]:
    """The pending or running EC2 instances launched by hand (not by an Auto Scaling group)."""
    reservations = aws.ec2.describe_instances(
        Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}]
    )["Reservations"]
    grouped = {
        i["InstanceId"]
        for g in aws.autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]
        for i in g.get("Instances", [])
    }
    return [i for r in reservations for i in r["Instances"] if i["InstanceId"] not in grouped]


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


def _each_instance(
    label: str,
    expected: str,
    instances: list[dict[str, Any]],
    value: Any,
    ok: Any,
    hint: str,
) -> Requirement:
    """One requirement over every instance of the exercise: those that are wrong, by id."""
    wrong = [f"{i['InstanceId']}: {value(i)}" for i in instances if not ok(i)]
    return requirement(
        label,
        expected,
        wrong or (expected if instances else None),
        ok=bool(instances) and not wrong,
        hint=hint,
    )


def _ecs_ec2_definition(td: dict[str, Any]) -> Requirement:
    """Exercise 3's shape (EC2 only, bridge, web on nginx with 256 MiB) but the host port."""
    web = next((c for c in td.get("containerDefinitions", []) if c.get("name") == "web"), None)
    wrong = []
    if td.get("requiresCompatibilities") != ["EC2"]:
        wrong.append(f"requiresCompatibilities {td.get('requiresCompatibilities')}")
    if td.get("networkMode") != "bridge":
        wrong.append(f"networkMode {td.get('networkMode')}")
    if web is None:
        wrong.append("no container web")
    else:
        if web.get("image") != NGINX:
            wrong.append(f"image {web.get('image')}")
        if web.get("memory") != 256:
            wrong.append(f"memory {web.get('memory')}")
    return requirement(
        f"{td.get('family')} as exercise 3",
        f"EC2 only, bridge, container web ({NGINX}, memory 256)",
        "; ".join(wrong) or "as exercise 3",
        ok=not wrong,
        hint="register it with: " + "; ".join(wrong) if wrong else "",
    )


def _uses(service: dict[str, Any], family: str, launch_type: str | None = "EC2") -> Requirement:
    name = service["serviceName"]
    revision = str(service.get("taskDefinition", "")).rsplit("/", 1)[-1]
    found = f"{revision}, launchType {service.get('launchType') or 'none'}"
    wanted = f"{family}, launchType {launch_type or 'none'}"
    ok = revision.rsplit(":", 1)[0] == family and service.get("launchType") == launch_type
    return requirement(
        f"{name} task definition and launch type",
        wanted,
        found,
        ok=ok,
        hint=f"create_or_update_service(..., taskDefinition='{family}', launchType='EC2')"
        if launch_type
        else "a capacity provider strategy instead of a launch type",
    )


# ---------------------------------------------------------------- the checks
@check(
    "instance-role",
    title="The container instance role and its instance profile",
    points={"trusted by": 0.5, "managed policy attached": 0.75, "instance profile": 0.75},
    hint=(
        f"The agent on an instance uses the role of its instance profile. Create {INSTANCE_ROLE!r} "
        f"with a trust policy whose Principal is {{'Service': '{EC2_PRINCIPAL}'}}, attach "
        "AmazonEC2ContainerServiceforEC2Role (its ARN has service-role/ in the path), then "
        "create_instance_profile and add_role_to_instance_profile with the same name."
    ),
    owns=Owns(instance_profiles=(INSTANCE_ROLE,), iam_roles=(INSTANCE_ROLE,)),
)
def instance_role(aws: AccountReader) -> Iterator[Requirement | Judged]:
    found = lookup.role(aws, INSTANCE_ROLE)
    if found is None:
        yield requirement(f"role {INSTANCE_ROLE}", "exists", None, ok=False)
        return
    yield judged(f"role and instance profile {INSTANCE_ROLE}")
    trusted = lookup.trusted_services(found)
    yield requirement(
        "trusted by",
        EC2_PRINCIPAL,
        trusted,
        ok=EC2_PRINCIPAL in trusted,
        hint=(
            f"{', '.join(trusted) or 'nobody'} may assume it; the agent runs on the instance, "
            f"so {EC2_PRINCIPAL} (update_assume_role_policy)"
        ),
    )
    attached = lookup.attached_policy_arns(aws, INSTANCE_ROLE)
    near = [a for a in attached if a.endswith("/AmazonEC2ContainerServiceforEC2Role")]
    yield requirement(
        "managed policy attached",
        INSTANCE_POLICY,
        attached,
        ok=INSTANCE_POLICY in attached,
        hint="the ARN needs the service-role/ path"
        if near
        else "iam.attach_role_policy(RoleName=..., PolicyArn=...)",
    )
    try:
        profile = aws.iam.get_instance_profile(InstanceProfileName=INSTANCE_ROLE)["InstanceProfile"]
        roles = sorted(r["RoleName"] for r in profile.get("Roles", []))
    except ClientError:
        roles = None
    yield requirement(
        "instance profile",
        f"{INSTANCE_ROLE}, holding the role {INSTANCE_ROLE}",
        None if roles is None else f"{INSTANCE_ROLE}, holding {', '.join(roles) or 'no role'}",
        ok=roles == [INSTANCE_ROLE],
        hint=f"iam.add_role_to_instance_profile(InstanceProfileName={INSTANCE_ROLE!r}, "
        f"RoleName={INSTANCE_ROLE!r})"
        if roles is not None
        else f"iam.create_instance_profile(InstanceProfileName={INSTANCE_ROLE!r}), then add the "
        "role",
    )


@check(
    "container-instances",
    title="Two container instances registered in the cluster, in two zones",
    points={
        "t3.medium in us-east-1a": 0.75,
        "t3.large in us-east-1b": 0.75,
        "ImageId": 0.5,
        "IamInstanceProfile": 0.25,
        "UserData": 0.25,
        "tag lab=04": 0.5,
    },
    hint=(
        "run_instances with ImageId from the SSM parameter "
        f"{AMI_PARAMETER}, IamInstanceProfile={{'Name': '{INSTANCE_ROLE}'}} and UserData that "
        f"writes {CLUSTER_LINE} to /etc/ecs/ecs.config: a t3.medium in us-east-1a's subnet and a "
        "t3.large in us-east-1b's. An instance missing any of the three never registers."
    ),
    owns=Owns(instances_tagged=("lab=04",)),
)
def container_instances(aws: AccountReader) -> Iterator[Requirement | Judged]:
    mine = _own_instances(aws)
    yield judged(f"cluster {CLUSTER} and {len(mine)} instance(s) launched by hand")
    joined = [c for c in _container_instances(aws) if c.get("agentConnected")]
    placed = sorted(
        f"{_attribute(c, 'ecs.instance-type')} in {_attribute(c, 'ecs.availability-zone')}"
        for c in joined
    )
    for kind, zone in WANTED_INSTANCES:
        yield requirement(
            f"{kind} in {zone}",
            f"a container instance of cluster {CLUSTER}",
            placed or None,
            ok=f"{kind} in {zone}" in placed,
            hint=f"run_instances(InstanceType='{kind}', SubnetId=subnets['{zone}'], ...); it "
            "joins once the AMI, the profile and the user data are right",
        )
    try:
        image = aws.ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    except ClientError:
        image = None
    yield _each_instance(
        "ImageId",
        f"{image} (the ECS-optimized AMI)",
        mine,
        lambda i: i.get("ImageId"),
        lambda i: i.get("ImageId") == image,
        f"ImageId from ssm.get_parameter(Name='{AMI_PARAMETER}')",
    )

    def profile(instance: dict[str, Any]) -> str | None:
        arn = (instance.get("IamInstanceProfile") or {}).get("Arn")
        return str(arn).rsplit("/", 1)[-1] if arn else None

    yield _each_instance(
        "IamInstanceProfile",
        INSTANCE_ROLE,
        mine,
        profile,
        lambda i: profile(i) == INSTANCE_ROLE,
        f"IamInstanceProfile={{'Name': '{INSTANCE_ROLE}'}} (exercise 1's profile)",
    )
    texts = {i["InstanceId"]: _user_data(aws, i["InstanceId"]) for i in mine}
    yield _each_instance(
        "UserData",
        f"a script writing {CLUSTER_LINE} to /etc/ecs/ecs.config",
        mine,
        lambda i: texts[i["InstanceId"]].strip() or None,
        lambda i: (
            CLUSTER_LINE in texts[i["InstanceId"]]
            and "/etc/ecs/ecs.config" in texts[i["InstanceId"]]
        ),
        f"without {CLUSTER_LINE} the agent joins the cluster 'default'",
    )

    def tags(instance: dict[str, Any]) -> dict[str, str]:
        return {t["Key"]: t["Value"] for t in instance.get("Tags", [])}

    yield _each_instance(
        "tag lab=04",
        "lab=04",
        mine,
        lambda i: ", ".join(f"{k}={v}" for k, v in tags(i).items()) or "no tag",
        lambda i: tags(i).get("lab") == "04",
        "TagSpecifications=[{'ResourceType': 'instance', 'Tags': [{'Key': 'lab', 'Value': '04'}]}]",
    )


@check(
    "dynamic-ports",
    gates=(AWS_ACCEPTS,),
    title="Bridge networking with dynamic host ports: several tasks per instance",
    points={
        "web-dynamic as exercise 3": 0.5,
        "port mapping": 0.3,
        AWS_ACCEPTS: 0.1,
        "web-dynamic task definition and launch type": 0.1,
        "running tasks of web-dynamic": 0.4,
        "host ports (networkBindings)": 0.3,
        "most tasks on one instance": 0.3,
    },
    hint=(
        "Register 'web-dynamic' (EC2, bridge) with portMappings [{'containerPort': 80, "
        "'hostPort': 0}] and run the service 'web-dynamic' with 4 tasks and launchType 'EC2'. "
        "With hostPort 0 each task gets its own host port from 32768 up."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-dynamic"),), task_families=("web-dynamic",)),
)
def dynamic_ports(aws: AccountReader) -> Iterator[Requirement | Judged]:
    td = lookup.task_definition(aws, "web-dynamic")
    if td is None:
        yield requirement("task definition family web-dynamic", "registered", None, ok=False)
        return
    yield judged(f"web-dynamic:{td.get('revision')} and service web-dynamic")
    yield _ecs_ec2_definition(td)
    mappings = [m for c in td.get("containerDefinitions", []) for m in c.get("portMappings", [])]
    shown = [f"{m.get('containerPort')}->{m.get('hostPort') or 'dynamic'}" for m in mappings]
    yield requirement(
        "port mapping",
        "80->dynamic",
        shown or None,
        ok=any(m.get("containerPort") == 80 and not m.get("hostPort") for m in mappings),
        hint="hostPort 0 (or no hostPort) lets the agent pick a free host port",
    )
    yield aws_accepts(rejections("task-definition", td))
    service = _service(aws, "web-dynamic")
    if service is None:
        yield _missing_service("web-dynamic")
        return
    yield _uses(service, "web-dynamic")
    tasks = _tasks(aws, "web-dynamic")
    yield _running(service, tasks, 4)
    ports = sorted(p for t in tasks for p in _host_ports(t))
    yield requirement(
        "host ports (networkBindings)",
        "from the ephemeral range 32768-60999",
        ports or None,
        ok=bool(ports) and all(p in EPHEMERAL for p in ports),
        hint="a fixed hostPort allows one task per instance",
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
    gates=(AWS_ACCEPTS,),
    title="A static host port: the third task cannot be placed, and ECS says why",
    points={
        "web-static:1 host port": 0.4,
        "web-static as exercise 3": 0.2,
        AWS_ACCEPTS: 0.2,
        "web-static task definition and launch type": 0.2,
        "desiredCount": 0.3,
        "service event": 0.7,
    },
    hint=(
        "Register 'web-static' with hostPort 80 and run the service 'web-static' with 3 tasks "
        "(launchType 'EC2'). Two instances have one port 80 each; describe_services shows the "
        "event for the third task."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-static"),), task_families=("web-static",)),
)
def port_conflict(aws: AccountReader) -> Iterator[Requirement | Judged]:
    try:
        first = aws.ecs.describe_task_definition(taskDefinition="web-static:1")["taskDefinition"]
    except ClientError:
        first = None
    if first is None:
        yield requirement("task definition web-static:1", "registered", None, ok=False)
        return
    yield judged("web-static:1 and service web-static")
    ports = [
        m.get("hostPort")
        for c in first.get("containerDefinitions", [])
        for m in c.get("portMappings", [])
    ]
    yield requirement(
        "web-static:1 host port",
        80,
        ports or None,
        ok=80 in ports,
        hint="the colleague's fixed port: portMappings [{'containerPort': 80, 'hostPort': 80}]",
    )
    yield _ecs_ec2_definition(first)
    yield aws_accepts(rejections("task-definition", first))
    service = _service(aws, "web-static")
    if service is None:
        yield _missing_service("web-static")
        return
    yield _uses(service, "web-static")
    yield requirement("desiredCount", 3, service.get("desiredCount"))
    unplaced = [e["message"] for e in service.get("events", []) if UNABLE in e.get("message", "")]
    yield requirement(
        "service event",
        f"... {UNABLE} ... {PORT_IN_USE} ...",
        unplaced[-1] if unplaced else None,
        ok=any(PORT_IN_USE in m for m in unplaced),
        hint="with 3 tasks and hostPort 80 on two instances, the third cannot be placed",
    )


@check(
    "placement-repair",
    gates=("desiredCount",),
    title="Repair: all three tasks of web-static placed",
    points={"room for the third task": 1, "running tasks of web-static": 2, "desiredCount": 0},
    hint=(
        "Either register a new revision of 'web-static' with hostPort 0 and update_service to it, "
        "or launch a third container instance. Keep desiredCount 3."
    ),
    owns=Owns(revisions=(Revisions("web-static", host_port=0),)),
)
def placement_repair(aws: AccountReader) -> Iterator[Requirement | Judged]:
    service = _service(aws, "web-static")
    if service is None:
        yield _missing_service("web-static")
        return
    revision = str(service.get("taskDefinition", "")).rsplit("/", 1)[-1]
    yield judged(f"service web-static running {revision}")
    td = lookup.task_definition(aws, service["taskDefinition"]) or {}
    ports = [
        m.get("hostPort")
        for c in td.get("containerDefinitions", [])
        for m in c.get("portMappings", [])
    ]
    hosts = [c for c in _container_instances(aws) if c.get("agentConnected")]
    dynamic = bool(ports) and not any(ports)
    yield requirement(
        "room for the third task",
        "a dynamic host port, or a third container instance",
        f"{revision} host ports {', '.join(str(p or 'dynamic') for p in ports) or 'none'}, "
        f"{len(hosts)} container instances",
        ok=dynamic or len(hosts) >= 3,
        hint="register web-static with hostPort 0 and update_service(taskDefinition=...)",
    )
    yield _running(service, _tasks(aws, "web-static"), 3)
    yield requirement(
        "desiredCount",
        "3 (kept)",
        service.get("desiredCount"),
        ok=service.get("desiredCount") == 3,
        hint="the repair keeps 3 tasks: fewer tasks is not a repair",
    )


def _hosts_of(tasks: list[dict[str, Any]]) -> set[str]:
    return {str(t.get("containerInstanceArn")) for t in tasks}


@check(
    "placement-strategies",
    title="Placement strategies: binpack on memory, spread over Availability Zones",
    points={
        "web-binpack placementStrategy": 0.35,
        "web-binpack task definition and launch type": 0.1,
        "running tasks of web-binpack": 0.25,
        "instances used by web-binpack": 0.3,
        "web-spread placementStrategy": 0.35,
        "web-spread task definition and launch type": 0.1,
        "running tasks of web-spread": 0.25,
        "web-spread tasks per zone": 0.3,
    },
    hint=(
        "'web-binpack': 3 tasks with placementStrategy [{'type': 'binpack', 'field': 'memory'}]; "
        "'web-spread': 4 tasks with [{'type': 'spread', 'field': "
        "'attribute:ecs.availability-zone'}]. Both from 'web-dynamic', launchType 'EC2'."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-binpack"), Service(CLUSTER, "web-spread"))),
)
def placement_strategies(aws: AccountReader) -> Iterator[Requirement | Judged]:
    yield judged("services web-binpack and web-spread")
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
            hint=f"placementStrategy=[{{'type': '{kind}', 'field': '{field}'}}]",
        )
        yield _uses(service, "web-dynamic")
        tasks = _tasks(aws, name)
        yield _running(service, tasks, count)
        if kind == "binpack":
            yield requirement(
                "instances used by web-binpack",
                1,
                len(_hosts_of(tasks)),
                ok=len(_hosts_of(tasks)) == 1,
                hint="binpack on memory fills the instance with the least memory left first",
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
    points={
        "web-large memberOf": 0.3,
        "web-large task definition and launch type": 0.1,
        "running tasks of web-large": 0.2,
        "web-large runs on": 0.4,
        "web-distinct constraint": 0.3,
        "web-distinct strategy": 0.2,
        "web-distinct task definition and launch type": 0.1,
        "running tasks of web-distinct": 0.2,
        "web-distinct instances used": 0.2,
    },
    hint=(
        "'web-large': placementConstraints [{'type': 'memberOf', 'expression': "
        "'attribute:ecs.instance-type == t3.large'}]; 'web-distinct': [{'type': "
        "'distinctInstance'}] together with the binpack strategy. 2 tasks each, launchType 'EC2'."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-large"), Service(CLUSTER, "web-distinct"))),
)
def placement_constraints(aws: AccountReader) -> Iterator[Requirement | Judged]:
    yield judged("services web-large and web-distinct")
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
            hint="placementConstraints=[{'type': 'memberOf', 'expression': "
            "'attribute:ecs.instance-type == t3.large'}]",
        )
        yield _uses(large, "web-dynamic")
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
        "web-distinct constraint",
        "distinctInstance",
        kinds or None,
        ok="distinctInstance" in kinds,
        hint="placementConstraints=[{'type': 'distinctInstance'}]",
    )
    strategy = [s.get("type") for s in distinct.get("placementStrategy", [])]
    yield requirement(
        "web-distinct strategy",
        "binpack",
        strategy or None,
        ok="binpack" in strategy,
        hint="placementStrategy=[{'type': 'binpack', 'field': 'memory'}]: the constraint wins",
    )
    yield _uses(distinct, "web-dynamic")
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


def _template(aws: AccountReader, name: str, spot: bool) -> Iterator[Requirement]:
    """Launch template ``name``: the ECS-optimized AMI, t3.small, the profile, user data."""
    data = _template_data(aws, name)
    if data is None:
        yield requirement(f"launch template {name}", "created", None, ok=False)
        return
    try:
        image = aws.ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    except ClientError:
        image = None
    yield requirement(
        f"{name} ImageId",
        f"{image} (the ECS-optimized AMI)",
        data.get("ImageId"),
        ok=image is not None and data.get("ImageId") == image,
        hint=f"ImageId from the SSM parameter {AMI_PARAMETER}",
    )
    yield requirement(f"{name} InstanceType", "t3.small", data.get("InstanceType"))
    profile = (data.get("IamInstanceProfile") or {}).get("Name") or (
        data.get("IamInstanceProfile") or {}
    ).get("Arn")
    yield requirement(
        f"{name} IamInstanceProfile",
        INSTANCE_ROLE,
        profile,
        ok=bool(profile) and str(profile).endswith(INSTANCE_ROLE),
        hint=f"IamInstanceProfile={{'Name': '{INSTANCE_ROLE}'}}",
    )
    text = _decode(data.get("UserData"))
    yield requirement(
        f"{name} UserData (base64)",
        f"writes {CLUSTER_LINE}",
        text.strip() or None,
        ok=CLUSTER_LINE in text,
        hint="a launch template takes user data base64-encoded: "
        "base64.b64encode(user_data.encode()).decode()",
    )
    if spot:
        market = (data.get("InstanceMarketOptions") or {}).get("MarketType")
        yield requirement(
            f"{name} InstanceMarketOptions.MarketType",
            "spot",
            market,
            hint="the On-Demand template's data plus InstanceMarketOptions={'MarketType': 'spot'}",
        )


def _auto_scaling_group(aws: AccountReader, name: str) -> Iterator[Requirement]:
    """Group ``name`` from the template ``name``: 0 to 4, in us-east-1a and us-east-1b."""
    group = _group(aws, name)
    if group is None:
        yield requirement(f"Auto Scaling group {name}", "created", None, ok=False)
        return
    template = (group.get("LaunchTemplate") or {}).get("LaunchTemplateName")
    yield requirement(f"{name} LaunchTemplate", name, template)
    yield requirement(
        f"{name} MinSize, MaxSize",
        "0, 4",
        f"{group.get('MinSize')}, {group.get('MaxSize')}",
        hint="autoscaling.update_auto_scaling_group(MinSize=0, MaxSize=4)",
    )
    subnets = [s for s in str(group.get("VPCZoneIdentifier") or "").split(",") if s]
    found = aws.ec2.describe_subnets(SubnetIds=subnets)["Subnets"] if subnets else []
    zones = sorted({s["AvailabilityZone"] for s in found})
    yield requirement(
        f"{name} subnets",
        "us-east-1a, us-east-1b",
        zones or None,
        ok=zones == ["us-east-1a", "us-east-1b"],
        hint="VPCZoneIdentifier: the two subnets' ids, comma-separated",
    )
    yield requirement(
        f"{name} DesiredCapacity",
        "grown by managed scaling (1 or more)",
        group.get("DesiredCapacity"),
        ok=int(group.get("DesiredCapacity") or 0) >= 1,
        hint="managed scaling grows the group once tasks wait: advance the clock a minute",
    )


def _capacity_provider(
    aws: AccountReader, name: str, cluster_has: list[str]
) -> Iterator[Requirement]:
    """Capacity provider ``name`` on group ``name``, managed scaling at 100, on the cluster."""
    group = _group(aws, name)
    provider = _provider(aws, name)
    if provider is None:
        yield requirement(f"capacity provider {name}", "created", None, ok=False)
        return
    asg = provider.get("autoScalingGroupProvider") or {}
    yield requirement(
        f"capacity provider {name} group",
        f"the Auto Scaling group {name}",
        str(asg.get("autoScalingGroupArn")).rsplit("/", 1)[-1],
        ok=group is not None and asg.get("autoScalingGroupArn") == group["AutoScalingGroupARN"],
    )
    scaling = asg.get("managedScaling") or {}
    yield requirement(
        f"{name} managed scaling",
        "ENABLED, targetCapacity 100",
        f"{scaling.get('status')}, targetCapacity {scaling.get('targetCapacity')}",
        ok=scaling.get("status") == "ENABLED" and scaling.get("targetCapacity") == 100,
        hint="ecs.update_capacity_provider(name=..., autoScalingGroupProvider={'managedScaling': "
        "{'status': 'ENABLED', 'targetCapacity': 100}})",
    )
    clusters = aws.ecs.describe_clusters(clusters=[CLUSTER])["clusters"]
    providers = clusters[0].get("capacityProviders", []) if clusters else []
    missing = [p for p in cluster_has if p not in providers]
    yield requirement(
        f"cluster {CLUSTER} capacity providers",
        f"include {', '.join(cluster_has)}",
        providers or None,
        ok=not missing,
        hint="put_cluster_capacity_providers sets the whole list: give every provider again",
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
    points={
        "lab04-ondemand ImageId": 0.15,
        "lab04-ondemand InstanceType": 0.15,
        "lab04-ondemand IamInstanceProfile": 0.15,
        "lab04-ondemand UserData (base64)": 0.15,
        "lab04-ondemand LaunchTemplate": 0.1,
        "lab04-ondemand MinSize, MaxSize": 0.15,
        "lab04-ondemand subnets": 0.15,
        "lab04-ondemand DesiredCapacity": 0.2,
        "capacity provider lab04-ondemand group": 0.2,
        "lab04-ondemand managed scaling": 0.2,
        "cluster lab capacity providers": 0.2,
        "web-asg capacityProviderStrategy": 0.25,
        "web-asg task definition and launch type": 0.1,
        "running tasks of web-asg": 0.3,
        "web-asg tasks' capacityProviderName": 0.25,
        "web-asg tasks on the group's instances": 0.3,
    },
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
def asg_capacity_provider(aws: AccountReader) -> Iterator[Requirement | Judged]:
    name = "lab04-ondemand"
    yield judged(f"launch template, group and capacity provider {name}; service web-asg")
    yield from _template(aws, name, spot=False)
    yield from _auto_scaling_group(aws, name)
    yield from _capacity_provider(aws, name, [name, "FARGATE", "FARGATE_SPOT"])
    service = _service(aws, "web-asg")
    if service is None:
        yield _missing_service("web-asg")
        return
    yield requirement(
        "web-asg capacityProviderStrategy",
        ["lab04-ondemand base 0 weight 1"],
        _show_strategy(_strategy(service)),
        ok=[p for p, _, _ in _strategy(service)] == ["lab04-ondemand"],
        hint="capacityProviderStrategy=[{'capacityProvider': 'lab04-ondemand', 'weight': 1}]",
    )
    yield _uses(service, "web-dynamic", launch_type=None)
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
    points={
        "lab04-spot ImageId": 0.1,
        "lab04-spot InstanceType": 0.1,
        "lab04-spot IamInstanceProfile": 0.1,
        "lab04-spot UserData (base64)": 0.1,
        "lab04-spot InstanceMarketOptions.MarketType": 0.2,
        "lab04-spot LaunchTemplate": 0.1,
        "lab04-spot MinSize, MaxSize": 0.1,
        "lab04-spot subnets": 0.1,
        "lab04-spot DesiredCapacity": 0.1,
        "capacity provider lab04-spot group": 0.15,
        "lab04-spot managed scaling": 0.15,
        "cluster lab capacity providers": 0.2,
        "web-mixed capacityProviderStrategy": 0.4,
        "web-mixed task definition and launch type": 0.1,
        "running tasks of web-mixed": 0.4,
        "web-mixed tasks per capacity provider": 0.6,
    },
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
def spot_mix(aws: AccountReader) -> Iterator[Requirement | Judged]:
    name = "lab04-spot"
    yield judged(f"launch template, group and capacity provider {name}; service web-mixed")
    yield from _template(aws, name, spot=True)
    yield from _auto_scaling_group(aws, name)
    yield from _capacity_provider(aws, name, ["lab04-ondemand", name, "FARGATE", "FARGATE_SPOT"])
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
        hint="lab04-ondemand with base 1 and weight 1, lab04-spot with weight 3 (no base)",
    )
    yield _uses(service, "web-dynamic", launch_type=None)
    tasks = _tasks(aws, "web-mixed")
    yield _running(service, tasks, 5)
    split = Counter(str(t.get("capacityProviderName")) for t in tasks)
    yield requirement(
        "web-mixed tasks per capacity provider",
        "lab04-ondemand: 2, lab04-spot: 3",
        ", ".join(f"{p}: {n}" for p, n in sorted(split.items())) or None,
        hint="the base goes first, the rest in proportion to the weights (1 + 1 and 3)",
    )


@check(
    "fargate-spot",
    gates=(AWS_ACCEPTS,),
    title="The contrast: a Fargate and Fargate Spot mix, with no instance of yours",
    points={
        "web-fargate task definition": 0.3,
        "web-fargate image and port": 0.2,
        AWS_ACCEPTS: 0.1,
        "web-fargate capacityProviderStrategy": 0.4,
        "web-fargate network": 0.2,
        "running tasks of web-fargate": 0.3,
        "web-fargate tasks per capacity provider": 0.4,
        "web-fargate tasks on a container instance": 0.1,
    },
    hint=(
        "Register 'web-fargate' (FARGATE, awsvpc, cpu 256, memory 512) and run 'web-fargate' with "
        "5 tasks, an awsvpcConfiguration (subnets, security group) and the strategy FARGATE "
        "base 1 weight 1, FARGATE_SPOT weight 3 — no launchType."
    ),
    owns=Owns(services=(Service(CLUSTER, "web-fargate"),), task_families=("web-fargate",)),
)
def fargate_spot(aws: AccountReader) -> Iterator[Requirement | Judged]:
    from ecs_learn.rules.units import parse_cpu, parse_memory

    td = lookup.task_definition(aws, "web-fargate")
    if td is None:
        yield requirement("task definition family web-fargate", "registered", None, ok=False)
        return
    yield judged(f"web-fargate:{td.get('revision')} and service web-fargate")
    compat = td.get("requiresCompatibilities") or []
    try:
        size = (int(parse_cpu(td.get("cpu"))), int(parse_memory(td.get("memory"))))
    except (TypeError, ValueError):
        size = None
    yield requirement(
        "web-fargate task definition",
        "FARGATE, awsvpc, cpu 256, memory 512",
        f"{', '.join(compat) or 'no compatibility'}, {td.get('networkMode')}, "
        f"cpu {td.get('cpu')}, memory {td.get('memory')}",
        ok="FARGATE" in compat and td.get("networkMode") == "awsvpc" and size == (256, 512),
        hint="requiresCompatibilities=['FARGATE'], networkMode='awsvpc', cpu='256', memory='512'",
    )
    web: dict[str, Any] = next(
        (c for c in td.get("containerDefinitions", []) if c.get("name") == "web"), {}
    )
    ports = [m.get("containerPort") for m in web.get("portMappings", [])]
    yield requirement(
        "web-fargate image and port",
        f"container web: {NGINX} on port 80",
        f"container web: {web.get('image')} on port {', '.join(map(str, ports)) or 'none'}"
        if web
        else "no container web",
        ok=web.get("image") == NGINX and 80 in ports,
    )
    yield aws_accepts(rejections("task-definition", td))
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
        hint="FARGATE with base 1 and weight 1, FARGATE_SPOT with weight 3 (no launchType)",
    )
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    subnets = list(vpc.get("subnets") or [])
    found = aws.ec2.describe_subnets(SubnetIds=subnets)["Subnets"] if subnets else []
    zones = sorted({s["AvailabilityZone"] for s in found})
    groups = list(vpc.get("securityGroups") or [])
    names = (
        sorted(
            g["GroupName"]
            for g in aws.ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"]
        )
        if groups
        else []
    )
    yield requirement(
        "web-fargate network",
        "subnets in us-east-1a and us-east-1b, the default security group",
        f"subnets in {', '.join(zones) or 'no zone'}, security groups {', '.join(names) or 'none'}",
        ok=zones == ["us-east-1a", "us-east-1b"] and names == ["default"],
        hint="networkConfiguration={'awsvpcConfiguration': {'subnets': [the two], "
        "'securityGroups': [default_sg]}}",
    )
    tasks = _tasks(aws, "web-fargate")
    yield _running(service, tasks, 5)
    split = Counter(str(t.get("capacityProviderName")) for t in tasks)
    yield requirement(
        "web-fargate tasks per capacity provider",
        "FARGATE: 2, FARGATE_SPOT: 3",
        ", ".join(f"{p}: {n}" for p, n in sorted(split.items())) or None,
        hint="the base goes first, the rest in proportion to the weights (1 + 1 and 3)",
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
