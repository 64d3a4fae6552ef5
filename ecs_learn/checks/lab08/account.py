"""What the lab 08 checks read: the capstone's resources, found by name through describe calls.

Every function reads the account through the :class:`~ecs_learn.checks.reader.AccountReader`
(describe/list/get calls only) and returns ``None`` or an empty list when a resource is not
there, so that a check can name what is missing instead of stopping at the first gap. The
judgements shared by several checks live here too: what a security group admits, what a
role's policies allow (the IAM evaluator the runtime uses), what AWS's realism rules reject,
and where a request through the load balancer goes.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.reader import AccountReader

__all__ = [
    "activities",
    "alarm_state",
    "allows",
    "aws_errors",
    "file_system",
    "forwards_to",
    "from_anywhere",
    "from_group",
    "group_names",
    "listener",
    "load_balancer",
    "open_to_internet",
    "pages",
    "permits",
    "repository",
    "role_policies",
    "route",
    "rules_of",
    "scalable_target",
    "scaling_policies",
    "security_group",
    "service",
    "service_tasks",
    "stopped_reasons",
    "subnet_zones",
    "target_group",
    "target_health",
    "task_definition",
    "vpc_groups",
]

ANYWHERE = "0.0.0.0/0"


def pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item of a paginated list or describe call."""
    return [
        dict(item)
        for page in client.get_paginator(operation).paginate(**kwargs)
        for item in page[key]
    ]


# -- images -----------------------------------------------------------------------------------
def repository(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found = aws.ecr.describe_repositories(repositoryNames=[name])["repositories"]
    except ClientError:
        return None
    return dict(found[0]) if found else None


# -- network ----------------------------------------------------------------------------------
def _default_vpc(aws: AccountReader) -> str | None:
    vpcs = aws.ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return str(vpcs[0]["VpcId"]) if vpcs else None


def security_group(aws: AccountReader, name: str) -> dict[str, Any] | None:
    """The security group ``name`` in the default VPC (where the capstone builds)."""
    filters = [{"Name": "group-name", "Values": [name]}]
    vpc = _default_vpc(aws)
    if vpc:
        filters.append({"Name": "vpc-id", "Values": [vpc]})
    groups = aws.ec2.describe_security_groups(Filters=filters)["SecurityGroups"]
    return dict(groups[0]) if groups else None


def vpc_groups(aws: AccountReader) -> dict[str, dict[str, Any]]:
    """Every security group of the default VPC, by name (one describe call)."""
    vpc = _default_vpc(aws)
    filters = [{"Name": "vpc-id", "Values": [vpc]}] if vpc else []
    found = pages(aws.ec2, "describe_security_groups", "SecurityGroups", Filters=filters)
    return {str(g["GroupName"]): g for g in found}


def group_names(aws: AccountReader, ids: list[str]) -> list[str]:
    if not ids:
        return []
    found = aws.ec2.describe_security_groups(GroupIds=sorted(set(ids)))["SecurityGroups"]
    return sorted(str(g["GroupName"]) for g in found)


def _port_rules(group: dict[str, Any], port: int) -> list[dict[str, Any]]:
    rules = []
    for rule in group.get("IpPermissions", []):
        proto = str(rule.get("IpProtocol"))
        low, high = rule.get("FromPort", 0), rule.get("ToPort", 65535)
        if proto == "-1" or (proto in ("tcp", "6") and low <= port <= high):
            rules.append(rule)
    return rules


def from_group(group: dict[str, Any] | None, port: int, source: dict[str, Any] | None) -> bool:
    """``group`` admits TCP ``port`` from the security group ``source``."""
    if group is None or source is None:
        return False
    return any(
        pair.get("GroupId") == source["GroupId"]
        for rule in _port_rules(group, port)
        for pair in rule.get("UserIdGroupPairs", [])
    )


def from_anywhere(group: dict[str, Any] | None, port: int) -> bool:
    if group is None:
        return False
    return any(
        ipaddress.IPv4Network(r["CidrIp"], strict=False).prefixlen == 0
        for rule in _port_rules(group, port)
        for r in rule.get("IpRanges", [])
    )


def open_to_internet(group: dict[str, Any]) -> list[str]:
    """The rules of ``group`` that admit 0.0.0.0/0 ("tcp 80", "-1 all")."""
    return [
        f"{rule.get('IpProtocol')} {rule.get('FromPort', 'all')}"
        for rule in group.get("IpPermissions", [])
        if any(r.get("CidrIp") == ANYWHERE for r in rule.get("IpRanges", []))
    ]


def rules_of(
    aws: AccountReader, group: dict[str, Any], named: dict[str, str] | None = None
) -> list[str]:
    """``["tcp 80 from 0.0.0.0/0", "tcp 8080 from bookshelf-alb"]``: a group's inbound rules.
    ``named``: group id -> name, when the caller has read the groups already."""
    ids = [
        p["GroupId"]
        for rule in group.get("IpPermissions", [])
        for p in rule.get("UserIdGroupPairs", [])
        if "GroupId" in p
    ]
    if named is None:
        named = {}
        if ids:
            found = aws.ec2.describe_security_groups(GroupIds=sorted(set(ids)))["SecurityGroups"]
            named = {g["GroupId"]: g["GroupName"] for g in found}
    shown = []
    for rule in group.get("IpPermissions", []):
        sources = [str(r.get("CidrIp")) for r in rule.get("IpRanges", [])] + [
            named.get(p.get("GroupId"), str(p.get("GroupId")))
            for p in rule.get("UserIdGroupPairs", [])
        ]
        port = rule.get("FromPort", "all")
        shown.append(f"{rule.get('IpProtocol')} {port} from {' and '.join(sources)}")
    return shown


def subnet_zones(aws: AccountReader, subnet_ids: list[str]) -> dict[str, str]:
    if not subnet_ids:
        return {}
    found = aws.ec2.describe_subnets(SubnetIds=sorted(set(subnet_ids)))["Subnets"]
    return {s["SubnetId"]: s["AvailabilityZone"] for s in found}


# -- storage ----------------------------------------------------------------------------------
def file_system(aws: AccountReader, token: str) -> dict[str, Any] | None:
    try:
        found = aws.efs.describe_file_systems(CreationToken=token)["FileSystems"]
    except ClientError:
        return None
    return dict(found[0]) if found else None


# -- IAM --------------------------------------------------------------------------------------
def _without_conditions(document: Any) -> dict[str, Any]:
    doc = copy.deepcopy(dict(document))
    statements = doc.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if isinstance(statement, dict):
            statement.pop("Condition", None)
    return doc


def role_policies(aws: AccountReader, role: str) -> list[Any] | None:
    """The role's identity policies (``None``: no such role), read once for many questions."""
    from ecs_learn.runtime.iam_eval import policies_of

    try:
        return list(policies_of(aws.iam, role))
    except ClientError:
        return None


def permits(
    policies: list[Any] | None, action: str, resource: str, *, conditions_hold: bool = False
) -> bool:
    """Do ``policies`` allow ``action`` on ``resource``? The evaluator the runtime's task start
    uses (:mod:`ecs_learn.runtime.iam_eval`: explicit Deny wins, wildcards, no conditions).
    With ``conditions_hold`` a statement's ``Condition`` counts as met (for a task role's EFS
    statement that names the access point: the mount satisfies it)."""
    from ecs_learn.runtime.iam_eval import PolicySource, evaluate

    if not policies:
        return False
    if conditions_hold:
        policies = [PolicySource(p.name, _without_conditions(p.document)) for p in policies]
    return evaluate(policies, action, resource).allowed


def allows(
    aws: AccountReader, role: str, action: str, resource: str, *, conditions_hold: bool = False
) -> bool:
    """May ``role`` call ``action`` on ``resource``? (:func:`permits` of its policies.)"""
    return permits(role_policies(aws, role), action, resource, conditions_hold=conditions_hold)


# -- realism ----------------------------------------------------------------------------------
def aws_errors(kind: str, payload: dict[str, Any], context: Any = None) -> list[str]:
    """What AWS would reject in ``payload`` (the realism rules' errors, one line each)."""
    from ecs_learn.rules import check as run_rules

    return [
        f"{f.rule_id} at {f.path or kind}: {f.message}"
        for f in run_rules(kind, payload, context)
        if f.severity.value == "error"
    ]


# -- load balancing ---------------------------------------------------------------------------
def load_balancer(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found = aws.elbv2.describe_load_balancers(Names=[name])["LoadBalancers"]
    except ClientError:
        return None
    return dict(found[0]) if found else None


def target_group(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found = aws.elbv2.describe_target_groups(Names=[name])["TargetGroups"]
    except ClientError:
        return None
    return dict(found[0]) if found else None


def target_health(aws: AccountReader, tg: dict[str, Any] | None) -> list[dict[str, Any]]:
    if tg is None:
        return []
    found = aws.elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])
    return [dict(h) for h in found["TargetHealthDescriptions"]]


def listener(aws: AccountReader, lb: dict[str, Any] | None, port: int) -> dict[str, Any] | None:
    if lb is None:
        return None
    found = aws.elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    return next((dict(x) for x in found if x.get("Port") == port), None)


def forwards_to(actions: list[dict[str, Any]], tg: dict[str, Any] | None) -> bool:
    if tg is None:
        return False
    for action in actions:
        if action.get("Type") != "forward":
            continue
        arns = [action.get("TargetGroupArn")] + [
            g.get("TargetGroupArn")
            for g in (action.get("ForwardConfig") or {}).get("TargetGroups", [])
        ]
        if tg["TargetGroupArn"] in arns:
            return True
    return False


def route(aws: AccountReader, lb_name: str, path: str) -> tuple[int, str] | None:
    """(HTTP status, target group name) of a request to ``lb_name`` at ``path``; ``None``
    when there is no such load balancer."""
    from ecs_learn.runtime.routing import route as send

    try:
        routed = send(aws.elbv2, lb_name, path, None, None)
    except LookupError:
        return None
    group = (routed.target_group_arn or "").split(":")[-1].split("/")
    return routed.status, group[1] if len(group) > 1 else "no target group"


# -- ECS ----------------------------------------------------------------------------------------
def service(aws: AccountReader, cluster: str, name: str) -> dict[str, Any] | None:
    try:
        found = aws.ecs.describe_services(cluster=cluster, services=[name])["services"]
    except ClientError:
        return None
    active = [s for s in found if s.get("status") == "ACTIVE"]
    return dict(active[0]) if active else None


def service_tasks(aws: AccountReader, cluster: str, name: str, status: str) -> list[dict[str, Any]]:
    """The service's tasks in ``status`` (moto's ``serviceName`` filter is loose: by group)."""
    try:
        arns = aws.ecs.list_tasks(cluster=cluster, serviceName=name, desiredStatus=status)[
            "taskArns"
        ]
    except ClientError:
        return []
    found: list[dict[str, Any]] = []
    for start in range(0, len(arns), 100):
        batch = aws.ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + 100])
        found += [dict(t) for t in batch["tasks"] if t.get("group") == f"service:{name}"]
    return found


def task_definition(aws: AccountReader, which: str) -> dict[str, Any] | None:
    """A task definition by family (its latest ACTIVE revision), family:revision or ARN."""
    try:
        found: dict[str, Any] = aws.ecs.describe_task_definition(taskDefinition=which)[
            "taskDefinition"
        ]
    except ClientError:
        return None
    return found if found.get("status", "ACTIVE") == "ACTIVE" or ":" in which else None


# -- Application Auto Scaling ------------------------------------------------------------------
def scalable_target(aws: AccountReader, resource_id: str) -> dict[str, Any] | None:
    found = aws.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs",
        ResourceIds=[resource_id],
        ScalableDimension="ecs:service:DesiredCount",
    )["ScalableTargets"]
    return dict(found[0]) if found else None


def scaling_policies(aws: AccountReader, resource_id: str) -> list[dict[str, Any]]:
    found = pages(
        aws.client("application-autoscaling"),
        "describe_scaling_policies",
        "ScalingPolicies",
        ServiceNamespace="ecs",
        ResourceId=resource_id,
    )
    return [p for p in found if p.get("ResourceId") == resource_id]


def activities(aws: AccountReader, resource_id: str) -> list[dict[str, Any]]:
    """The service's scaling activities, oldest first."""
    found = pages(
        aws.client("application-autoscaling"),
        "describe_scaling_activities",
        "ScalingActivities",
        ServiceNamespace="ecs",
        ResourceId=resource_id,
    )
    return sorted(
        (a for a in found if a.get("ResourceId") == resource_id),
        key=lambda a: str(a.get("StartTime")),
    )


def alarm_state(aws: AccountReader, names: list[str]) -> dict[str, str]:
    """Alarm name -> its state (OK, ALARM, INSUFFICIENT_DATA)."""
    if not names:
        return {}
    found = aws.cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]
    return {str(a["AlarmName"]): str(a.get("StateValue")) for a in found}


def stopped_reasons(tasks: list[dict[str, Any]]) -> Iterator[str]:
    """The stop reasons of tasks that failed to start, newest first."""
    failed = [t for t in tasks if t.get("stopCode") == "TaskFailedToStart"]
    for task in sorted(failed, key=lambda t: str(t.get("stoppedAt") or ""), reverse=True):
        yield str(task.get("stoppedReason") or "")
