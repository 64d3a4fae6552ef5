"""Exercise 6 — one ALB for both services: two ip target groups, a default action, a path rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import (
    ALB_SG,
    API,
    AWS_ACCEPTS,
    LOAD_BALANCER,
    TIERS,
    WEB,
    Tier,
)
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Judged, Owns, check, judged, requirement
from ecs_learn.checks.result import Requirement


def _target_group_requirement(aws: AccountReader, tier: Tier) -> Requirement:
    tg = acct.target_group(aws, tier.target_group)
    wanted = f"HTTP:{tier.port}, type ip, health check {tier.health_path}"
    found = (
        f"{tg.get('Protocol')}:{tg.get('Port')}, type {tg.get('TargetType')}, health check "
        f"{tg.get('HealthCheckPath')}"
        if tg
        else None
    )
    hint = (
        "a Fargate task has its own IP address: TargetType must be 'ip' (create the group "
        "again; the type cannot change)"
        if tg and tg.get("TargetType") != "ip"
        else f"create_target_group(Name={tier.target_group!r}, Protocol='HTTP', "
        f"Port={tier.port}, TargetType='ip', HealthCheckPath={tier.health_path!r}, ...)"
    )
    return requirement(
        f"target group {tier.target_group}", wanted, found, ok=found == wanted, hint=hint
    )


def _rule_to_api(
    aws: AccountReader, http: dict[str, Any] | None, api_tg: dict[str, Any] | None
) -> Requirement:
    rules = aws.elbv2.describe_rules(ListenerArn=http["ListenerArn"])["Rules"] if http else []
    shown, ok = [], False
    for rule in rules:
        if rule.get("IsDefault"):
            continue
        paths = [
            v
            for c in rule.get("Conditions") or []
            if c.get("Field") == "path-pattern"
            for v in (c.get("Values") or [])
            + ((c.get("PathPatternConfig") or {}).get("Values") or [])
        ]
        shown.append(f"priority {rule.get('Priority')}: {paths or rule.get('Conditions')}")
        ok = ok or ("/api/*" in paths and acct.forwards_to(rule.get("Actions") or [], api_tg))
    return requirement(
        "listener rule /api/*",
        f"path-pattern /api/* -> forward to {API.target_group}",
        shown or None,
        ok=ok,
        hint=(
            "create_rule(ListenerArn=<port 80>, Priority=10, Conditions=[{'Field': "
            "'path-pattern', 'PathPatternConfig': {'Values': ['/api/*']}}], Actions=[forward "
            f"to {API.target_group}])"
        ),
    )


@check(
    "load-balancer",
    title="One ALB for both: /api/* to the api, everything else to the web",
    points={
        f"ALB {LOAD_BALANCER}": 0.5,
        f"ALB security group {ALB_SG}": 0.25,
        f"ALB: {AWS_ACCEPTS}": 0.25,
        f"target group {WEB.target_group}": 0.5,
        f"target group {API.target_group}": 0.5,
        "listener HTTP:80": 0.5,
        "listener rule /api/*": 0.5,
    },
    gates=(f"ALB: {AWS_ACCEPTS}",),
    hint=(
        f"create_load_balancer(Name={LOAD_BALANCER!r}, Type='application', "
        f"Scheme='internet-facing', two subnets in two AZs, SecurityGroups=[{ALB_SG}]); target "
        "groups bookshelf-web (HTTP 80) and bookshelf-api (HTTP 8080, health /api/health), "
        "both TargetType 'ip'; an HTTP:80 listener forwarding to bookshelf-web by default; a "
        "rule for /api/* forwarding to bookshelf-api."
    ),
    tags=("alb", "target-type", "routing"),
    owns=Owns(  # the listener and its rule go with the load balancer
        load_balancers=(LOAD_BALANCER,),
        target_groups=tuple(t.target_group for t in TIERS),
    ),
)
def load_balancer(aws: AccountReader) -> Iterator[Requirement | Judged]:
    lb = acct.load_balancer(aws, LOAD_BALANCER)
    if lb is not None:
        yield judged(str(lb.get("DNSName") or LOAD_BALANCER))
    zones = sorted({str(z.get("ZoneName")) for z in (lb or {}).get("AvailabilityZones", [])})
    found = f"{lb.get('Type')}, {lb.get('Scheme')}, in {', '.join(zones)}" if lb else None
    yield requirement(
        f"ALB {LOAD_BALANCER}",
        "application, internet-facing, in 2 AZs",
        found,
        ok=lb is not None
        and lb.get("Type") == "application"
        and lb.get("Scheme") == "internet-facing"
        and len(zones) >= 2,
        hint="an ALB needs subnets in at least two Availability Zones (SUBNETS)",
    )
    alb_sg = acct.security_group(aws, ALB_SG)
    groups = acct.group_names(aws, list((lb or {}).get("SecurityGroups") or []))
    yield requirement(
        f"ALB security group {ALB_SG}",
        ALB_SG,
        groups or None,
        ok=alb_sg is not None and groups == [ALB_SG],
        hint=f"elbv2.set_security_groups(LoadBalancerArn=..., SecurityGroups=[<{ALB_SG} id>])",
    )
    if lb is not None:
        from ecs_learn.rules.finding import RuleContext

        subnets = [z["SubnetId"] for z in lb.get("AvailabilityZones", [])]
        payload = {"Name": lb["LoadBalancerName"], "Type": lb.get("Type"), "Subnets": subnets}
        errors = acct.aws_errors(
            "elbv2-load-balancer", payload, RuleContext(subnet_azs=acct.subnet_zones(aws, subnets))
        )
        yield requirement(
            f"ALB: {AWS_ACCEPTS}",
            "no error AWS would raise",
            errors or "no error AWS would raise",
            ok=not errors,
        )
    for tier in TIERS:
        yield _target_group_requirement(aws, tier)
    web_tg = acct.target_group(aws, WEB.target_group)
    http = acct.listener(aws, lb, 80)
    yield requirement(
        "listener HTTP:80",
        f"default action: forward to {WEB.target_group}",
        None if http is None else f"{http.get('Protocol')}, default {http.get('DefaultActions')}",
        ok=http is not None
        and http.get("Protocol") == "HTTP"
        and acct.forwards_to(http.get("DefaultActions") or [], web_tg),
        hint="create_listener(LoadBalancerArn=..., Protocol='HTTP', Port=80, DefaultActions="
        f"[{{'Type': 'forward', 'TargetGroupArn': <{WEB.target_group}>}}])",
    )
    yield _rule_to_api(aws, http, acct.target_group(aws, API.target_group))
