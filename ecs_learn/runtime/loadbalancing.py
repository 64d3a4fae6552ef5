"""Target health as Elastic Load Balancing reports it for a service's tasks.

Follows "Health checks for Application Load Balancer target groups"
(elasticloadbalancing/latest/application/target-group-health-checks.html, including its
table of reason codes), the same page for Network Load Balancers, and "Use a load balancer
to distribute Amazon ECS service traffic" (developerguide/service-load-balancing.html).

A new target is ``initial`` (``Elb.RegistrationInProgress``); after
``HealthyThresholdCount × HealthCheckIntervalSeconds`` on the clock it is ``healthy``, or,
after ``UnhealthyThresholdCount × HealthCheckIntervalSeconds``, ``unhealthy`` for the first
reason that applies in the simulation:

* the target group is not used by any listener or rule → ``unused`` / ``Target.NotInUse``;
* none of the task's security groups allows TCP on the target port from the load
  balancer's security groups or from a CIDR that covers one of its subnets (the nodes'
  addresses) → ``Target.Timeout``;
* the container does not expose the port (not in its ``portMappings``) →
  ``Target.FailedHealthChecks``;
* HTTP(S) health checks only: the app answers 200 on the paths of its docker label
  ``ecs-learn.http.paths`` (comma-separated patterns, default every path) and 404
  elsewhere; a code outside the matcher → ``Target.ResponseCodeMismatch``.

Deregistration drains: ``draining`` / ``Target.DeregistrationInProgress`` for the target
group's ``deregistration_delay.timeout_seconds`` (default 300).
"""

from __future__ import annotations

import fnmatch
import ipaddress
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DRAINING",
    "INITIAL",
    "TargetGroupInfo",
    "describe_target_group",
    "settle",
]

Health = tuple[str, str | None, str | None]
INITIAL: Health = ("initial", "Elb.RegistrationInProgress", "Target registration is in progress")
DRAINING: Health = (
    "draining",
    "Target.DeregistrationInProgress",
    "Target deregistration is in progress",
)


@dataclass(frozen=True)
class TargetGroupInfo:
    arn: str
    target_type: str
    protocol: str
    interval: int
    healthy_threshold: int
    unhealthy_threshold: int
    path: str
    matcher: str
    deregistration_delay: int
    load_balancers: tuple[dict[str, Any], ...]
    subnet_cidrs: tuple[str, ...]


def describe_target_group(elbv2: Any, ec2: Any, arn: str) -> TargetGroupInfo | None:
    """Read what health checking needs about one target group (``None``: no such group)."""
    try:
        group = elbv2.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0]
    except Exception:
        return None
    attributes = elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
    delay = next(
        (int(a["Value"]) for a in attributes if a["Key"] == "deregistration_delay.timeout_seconds"),
        300,
    )
    lb_arns = sorted(set(group.get("LoadBalancerArns", [])))
    lbs = (
        elbv2.describe_load_balancers(LoadBalancerArns=lb_arns)["LoadBalancers"] if lb_arns else []
    )
    subnet_ids = sorted({z["SubnetId"] for lb in lbs for z in lb.get("AvailabilityZones", [])})
    cidrs = (
        tuple(s["CidrBlock"] for s in ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"])
        if subnet_ids
        else ()
    )
    return TargetGroupInfo(
        arn=arn,
        target_type=group.get("TargetType", "instance"),
        protocol=group.get("HealthCheckProtocol") or group.get("Protocol", "HTTP"),
        interval=int(group.get("HealthCheckIntervalSeconds") or 30),
        healthy_threshold=int(group.get("HealthyThresholdCount") or 5),
        unhealthy_threshold=int(group.get("UnhealthyThresholdCount") or 2),
        path=group.get("HealthCheckPath") or "/",
        matcher=(group.get("Matcher") or {}).get("HttpCode", "200"),
        deregistration_delay=delay,
        load_balancers=tuple(lbs),
        subnet_cidrs=cidrs,
    )


def _code_matches(matcher: str, code: int) -> bool:
    for part in matcher.split(","):
        part = part.strip()
        if "-" in part:
            low, high = part.split("-", 1)
            if int(low) <= code <= int(high):
                return True
        elif part and int(part) == code:
            return True
    return False


def _sg_allows(
    groups: list[dict[str, Any]], port: int, lb_groups: set[str], cidrs: tuple[str, ...]
) -> bool:
    for group in groups:
        for rule in group.get("IpPermissions", []):
            proto = rule.get("IpProtocol")
            if proto not in ("-1", "tcp"):
                continue
            if proto == "tcp" and not rule.get("FromPort", 0) <= port <= rule.get("ToPort", 65535):
                continue
            if any(p.get("GroupId") in lb_groups for p in rule.get("UserIdGroupPairs", [])):
                return True
            for entry in rule.get("IpRanges", []):
                allowed = ipaddress.ip_network(entry["CidrIp"], strict=False)
                if any(ipaddress.ip_network(c).subnet_of(allowed) for c in cidrs):  # type: ignore[arg-type]
                    return True
    return False


def settle(
    group: TargetGroupInfo,
    container: dict[str, Any] | None,
    port: int,
    task_groups: list[dict[str, Any]],
    traffic_port: int | None = None,
) -> tuple[Health, float]:
    """The state a new target settles to, and after how many seconds.

    ``port`` is the container port; ``traffic_port`` the port the load balancer reaches
    (an ``instance`` target's host port; default ``port``), which the security groups
    (``task_groups``: the task's, or the instance's) must allow.
    """
    healthy_after = float(group.interval * group.healthy_threshold)
    unhealthy_after = float(group.interval * group.unhealthy_threshold)
    if not group.load_balancers:
        return (
            (
                "unused",
                "Target.NotInUse",
                "Target group is not configured to receive traffic from the load balancer",
            ),
            0.0,
        )
    lb_groups = {g for lb in group.load_balancers for g in lb.get("SecurityGroups", [])}
    # The load balancer's nodes reach targets from addresses in its subnets, so a CIDR rule
    # covering one of them admits it whether or not the load balancer has security groups.
    if not _sg_allows(task_groups, traffic_port or port, lb_groups, group.subnet_cidrs):
        return (("unhealthy", "Target.Timeout", "Request timed out"), unhealthy_after)
    exposed = [p.get("containerPort") for p in (container or {}).get("portMappings") or []]
    if port not in exposed:
        return (("unhealthy", "Target.FailedHealthChecks", "Health checks failed"), unhealthy_after)
    if group.protocol in ("HTTP", "HTTPS"):
        labels = (container or {}).get("dockerLabels") or {}
        patterns = [
            p.strip() for p in labels.get("ecs-learn.http.paths", "*").split(",") if p.strip()
        ]
        code = 200 if any(fnmatch.fnmatchcase(group.path, p) for p in patterns) else 404
        if not _code_matches(group.matcher, code):
            reason = f"Health checks failed with these codes: [{code}]"
            return (("unhealthy", "Target.ResponseCodeMismatch", reason), unhealthy_after)
    return (("healthy", None, None), healthy_after)
