"""Lab 03 — services behind load balancers: ALB, path routing, NLB, deployments, a repair.

Each check reads the account through describe/list calls only. Besides the configuration it
judges what the account then does — the runtime makes that real: running counts, target
health, where a request is routed, the tasks a failed deployment stopped and why.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks import lookup
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import check, requirement
from ecs_learn.checks.result import Requirement

__all__ = ["CHECKS"]

CLUSTER = "shop"
ANYWHERE = "0.0.0.0/0"
WEB_IMAGE_REPO = ".dkr.ecr.us-east-1.amazonaws.com/shop/web"


# -- reading the account -----------------------------------------------------------------------
def _security_group(aws: AccountReader, name: str) -> dict[str, Any] | None:
    found = aws.ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])
    groups: list[dict[str, Any]] = found["SecurityGroups"]
    return groups[0] if groups else None


def _load_balancer(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = aws.elbv2.describe_load_balancers(Names=[name])["LoadBalancers"][0]
    except ClientError:
        return None
    return found


def _target_group(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = aws.elbv2.describe_target_groups(Names=[name])["TargetGroups"][0]
    except ClientError:
        return None
    return found


def _listener(aws: AccountReader, lb: dict[str, Any], port: int) -> dict[str, Any] | None:
    listeners = aws.elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    return next((dict(x) for x in listeners if x["Port"] == port), None)


def _service(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found = aws.ecs.describe_services(cluster=CLUSTER, services=[name])["services"]
    except ClientError:
        return None
    active = [s for s in found if s.get("status") == "ACTIVE"]
    return dict(active[0]) if active else None


def _tasks(aws: AccountReader, service: str, status: str = "RUNNING") -> list[dict[str, Any]]:
    arns = aws.ecs.list_tasks(cluster=CLUSTER, serviceName=service, desiredStatus=status)[
        "taskArns"
    ]
    found: list[dict[str, Any]] = []
    for start in range(0, len(arns), 100):
        found += aws.ecs.describe_tasks(cluster=CLUSTER, tasks=arns[start : start + 100])["tasks"]
    return found


def _health(aws: AccountReader, tg: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = aws.elbv2.describe_target_health(
        TargetGroupArn=tg["TargetGroupArn"]
    )["TargetHealthDescriptions"]
    return found


def _subnet_info(aws: AccountReader, subnet_ids: list[str]) -> dict[str, dict[str, Any]]:
    if not subnet_ids:
        return {}
    found = aws.ec2.describe_subnets(SubnetIds=sorted(set(subnet_ids)))["Subnets"]
    return {s["SubnetId"]: s for s in found}


def _forwards_to(actions: list[dict[str, Any]], tg: dict[str, Any] | None) -> bool:
    if tg is None:
        return False
    for action in actions:
        if action.get("Type") != "forward":
            continue
        groups = [action.get("TargetGroupArn")] + [
            g.get("TargetGroupArn")
            for g in (action.get("ForwardConfig") or {}).get("TargetGroups", [])
        ]
        if tg["TargetGroupArn"] in groups:
            return True
    return False


# -- security group rules ----------------------------------------------------------------------
def _port_rules(group: dict[str, Any], port: int) -> list[dict[str, Any]]:
    rules = []
    for rule in group.get("IpPermissions", []):
        proto = rule.get("IpProtocol")
        if proto == "-1" or (
            proto in ("tcp", "6") and rule.get("FromPort", 0) <= port <= rule.get("ToPort", 65535)
        ):
            rules.append(rule)
    return rules


def _from_group(group: dict[str, Any], port: int, source: dict[str, Any] | None) -> bool:
    if source is None:
        return False
    return any(
        pair.get("GroupId") == source["GroupId"]
        for rule in _port_rules(group, port)
        for pair in rule.get("UserIdGroupPairs", [])
    )


def _from_cidrs(group: dict[str, Any], port: int, networks: list[str]) -> bool:
    """Some rule on ``port`` admits every one of ``networks`` (CIDRs)."""
    allowed = [
        ipaddress.IPv4Network(r["CidrIp"], strict=False)
        for rule in _port_rules(group, port)
        for r in rule.get("IpRanges", [])
    ]
    wanted = [ipaddress.IPv4Network(n, strict=False) for n in networks]
    return bool(wanted) and all(any(w.subnet_of(a) for a in allowed) for w in wanted)


def _open_to_internet(group: dict[str, Any]) -> list[str]:
    return [
        f"{rule.get('IpProtocol')} {rule.get('FromPort', 'all')}"
        for rule in group.get("IpPermissions", [])
        if any(r.get("CidrIp") == ANYWHERE for r in rule.get("IpRanges", []))
    ]


def _rules_of(group: dict[str, Any]) -> list[str]:
    shown = []
    for rule in group.get("IpPermissions", []):
        port = rule.get("FromPort", "all")
        sources = [r.get("CidrIp") for r in rule.get("IpRanges", [])] + [
            p.get("GroupId") for p in rule.get("UserIdGroupPairs", [])
        ]
        shown.append(f"{rule.get('IpProtocol')} {port} from {' and '.join(map(str, sources))}")
    return shown


# -- shared requirements -----------------------------------------------------------------------
def _missing(label: str, expected: str) -> Requirement:
    return requirement(label, expected, None, ok=False)


def _aws_rejections(
    kind: str, payload: dict[str, Any], context: Any = None
) -> Iterator[Requirement]:
    """One failing requirement per error the realism rules find (what AWS would reject)."""
    from ecs_learn.rules import check as run_rules

    errors = [f for f in run_rules(kind, payload, context) if f.severity.value == "error"]
    if not errors:
        yield requirement(f"AWS would accept the {kind}", "no realism errors", "none", ok=True)
    for finding in errors:
        yield requirement(
            f"AWS rule {finding.rule_id} at {finding.path or kind}",
            "accepted by AWS",
            finding.message,
            ok=False,
        )


def _service_payload(service: dict[str, Any]) -> dict[str, Any]:
    """The CreateService input a described service amounts to (for the realism rules)."""
    keys = ("serviceName", "taskDefinition", "desiredCount", "launchType", "loadBalancers")
    payload = {k: service[k] for k in keys if k in service}
    if service.get("networkConfiguration"):
        payload["networkConfiguration"] = service["networkConfiguration"]
    return payload


def _service_rules(
    aws: AccountReader, service: dict[str, Any], groups: list[dict[str, Any]]
) -> Iterator[Requirement]:
    from ecs_learn.rules.finding import RuleContext

    td = aws.ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    context = RuleContext(
        task_definition=td["taskDefinition"],
        target_groups={g["TargetGroupArn"]: g for g in groups},
    )
    yield from _aws_rejections("service", _service_payload(service), context)


def _runs_behind(
    aws: AccountReader,
    name: str,
    tg: dict[str, Any] | None,
    container: str,
    port: int,
    desired: int,
) -> Iterator[Requirement]:
    """The service exists, sends ``container:port`` to ``tg``, runs ``desired`` healthy tasks."""
    service = _service(aws, name)
    if service is None:
        yield _missing(f"service {name} in cluster {CLUSTER}", "ACTIVE")
        return
    yield requirement(f"service {name}", "ACTIVE", "ACTIVE")
    yield requirement(f"{name} launchType", "FARGATE", service.get("launchType"))
    entries = [
        f"{lb.get('targetGroupArn', '').split(':')[-1]} {lb.get('containerName')}:"
        f"{lb.get('containerPort')}"
        for lb in service.get("loadBalancers", [])
    ]
    wanted = tg is not None and any(
        lb.get("targetGroupArn") == tg["TargetGroupArn"]
        and lb.get("containerName") == container
        and lb.get("containerPort") == port
        for lb in service.get("loadBalancers", [])
    )
    target_name = tg["TargetGroupName"] if tg else "(missing target group)"
    yield requirement(
        f"{name} loadBalancers", f"{target_name} -> {container}:{port}", entries or None, ok=wanted
    )
    yield requirement(f"{name} desiredCount", desired, service.get("desiredCount"))
    running = service.get("runningCount")
    yield requirement(f"{name} runningCount", desired, running, ok=running == desired)
    if tg is None:
        return
    health = _health(aws, tg)
    states = sorted(h["TargetHealth"]["State"] for h in health)
    healthy = states.count("healthy")
    current = [h for h in health if h["TargetHealth"]["State"] != "draining"]
    shown = [
        f"{h['Target']['Id']}:{h['Target'].get('Port')} {h['TargetHealth']['State']}"
        + (f" ({h['TargetHealth']['Reason']})" if h["TargetHealth"].get("Reason") else "")
        for h in current
    ]
    if len(current) < len(health):  # stopped tasks' targets: they say nothing of the cause
        shown.append(f"and {len(health) - len(current)} draining")
    yield requirement(
        f"healthy targets in {tg['TargetGroupName']}",
        f"{desired} healthy",
        shown or None,
        ok=healthy >= desired and "unhealthy" not in states,
    )
    yield from _service_rules(aws, service, [tg])


def _routes(
    aws: AccountReader,
    lb_name: str,
    path: str,
    tg: dict[str, Any] | None,
    port: int | None = None,
) -> Requirement:
    """A request through ``lb_name`` reaches a target of ``tg`` and gets 200."""
    from ecs_learn.runtime.routing import route

    where = f"request to {lb_name}{path if port is None else f':{port}'}"
    try:
        routed = route(aws.elbv2, lb_name, path, None, port)
    except LookupError:
        return _missing(where, "200 from the load balancer")
    group = (routed.target_group_arn or "").split(":")[-1] or "no target group"
    shown = f"{routed.status} from {group}"
    if routed.target:
        shown += f" ({routed.target['Id']}:{routed.target.get('Port')})"
    name = tg["TargetGroupName"] if tg else "(missing target group)"
    ok = tg is not None and routed.status == 200 and routed.target_group_arn == tg["TargetGroupArn"]
    return requirement(where, f"200 from targetgroup/{name}", shown, ok=ok)


# -- the checks --------------------------------------------------------------------------------
@check(
    "security-groups",
    title="Security groups: the internet reaches the ALB, only the ALB reaches the tasks",
    points=2,
    hint=(
        "web-alb: authorize TCP 80 with IpRanges [{'CidrIp': '0.0.0.0/0'}]. web-tasks: authorize "
        "TCP 80 with UserIdGroupPairs [{'GroupId': <the web-alb group id>}] and no 0.0.0.0/0 "
        "rule (revoke_security_group_ingress removes one)."
    ),
)
def security_groups(aws: AccountReader) -> Iterator[Requirement]:
    alb_sg = _security_group(aws, "web-alb")
    task_sg = _security_group(aws, "web-tasks")
    if alb_sg is None:
        yield _missing("security group web-alb", "exists")
    else:
        yield requirement(
            "web-alb ingress",
            "tcp 80 from 0.0.0.0/0",
            _rules_of(alb_sg) or None,
            ok=_from_cidrs(alb_sg, 80, [ANYWHERE]),
        )
    if task_sg is None:
        yield _missing("security group web-tasks", "exists")
        return
    yield requirement(
        "web-tasks ingress",
        "tcp 80 from the web-alb security group",
        _rules_of(task_sg) or None,
        ok=_from_group(task_sg, 80, alb_sg),
    )
    open_rules = _open_to_internet(task_sg)
    yield requirement("web-tasks open to 0.0.0.0/0", "no", open_rules or "no", ok=not open_rules)


@check(
    "alb",
    title="An internet-facing ALB in two AZs, an ip target group with a health check, a listener",
    points=3,
    hint=(
        "create_load_balancer(Name='web-alb', Type='application', Scheme='internet-facing', "
        "Subnets=SUBNETS (two AZs), SecurityGroups=[web-alb]); create_target_group(Name='web', "
        "Protocol='HTTP', Port=80, TargetType='ip', HealthCheckPath='/health', "
        "HealthCheckIntervalSeconds=10, HealthyThresholdCount=2); create_listener on port 80 "
        "with DefaultActions forward to it."
    ),
)
def alb(aws: AccountReader) -> Iterator[Requirement]:
    lb = _load_balancer(aws, "web-alb")
    if lb is None:
        yield _missing("load balancer web-alb", "exists")
    else:
        yield requirement("web-alb Type", "application", lb.get("Type"))
        yield requirement("web-alb Scheme", "internet-facing", lb.get("Scheme"))
        zones = sorted({z["ZoneName"] for z in lb.get("AvailabilityZones", [])})
        yield requirement(
            "web-alb Availability Zones", "2 or more", zones or None, ok=len(zones) >= 2
        )
        alb_sg = _security_group(aws, "web-alb")
        groups = lb.get("SecurityGroups", [])
        yield requirement(
            "web-alb SecurityGroups",
            "includes web-alb",
            groups or None,
            ok=alb_sg is not None and alb_sg["GroupId"] in groups,
        )
        subnets = [z["SubnetId"] for z in lb.get("AvailabilityZones", [])]
        from ecs_learn.rules.finding import RuleContext

        azs = {s: i["AvailabilityZone"] for s, i in _subnet_info(aws, subnets).items()}
        payload = {"Name": lb["LoadBalancerName"], "Type": lb.get("Type"), "Subnets": subnets}
        yield from _aws_rejections("elbv2-load-balancer", payload, RuleContext(subnet_azs=azs))
    tg = _target_group(aws, "web")
    if tg is None:
        yield _missing("target group web", "exists")
        return
    yield requirement("web TargetType", "ip", tg.get("TargetType"))
    yield requirement("web Protocol:Port", "HTTP:80", f"{tg.get('Protocol')}:{tg.get('Port')}")
    yield requirement("web HealthCheckPath", "/health", tg.get("HealthCheckPath"))
    yield requirement("web HealthCheckIntervalSeconds", 10, tg.get("HealthCheckIntervalSeconds"))
    yield requirement("web HealthyThresholdCount", 2, tg.get("HealthyThresholdCount"))
    listener = _listener(aws, lb, 80) if lb is not None else None
    yield requirement(
        "web-alb listener on port 80",
        "HTTP, forward to web",
        None
        if listener is None
        else f"{listener.get('Protocol')} {listener.get('DefaultActions')}",
        ok=listener is not None
        and listener.get("Protocol") == "HTTP"
        and _forwards_to(listener.get("DefaultActions", []), tg),
    )


@check(
    "alb-service",
    title="A Fargate service behind the ALB reaches 2 running tasks in two AZs, both healthy",
    points=3,
    hint=(
        "create_service in cluster 'shop': launchType FARGATE, desiredCount 2, "
        "networkConfiguration.awsvpcConfiguration with subnets=SUBNETS (two AZs) and "
        "securityGroups [web-tasks], loadBalancers [{'targetGroupArn': <web>, 'containerName': "
        "'web', 'containerPort': 80}]. Then rt.advance(minutes=2) so the health checks run; an "
        "unhealthy target's Reason says why."
    ),
)
def alb_service(aws: AccountReader) -> Iterator[Requirement]:
    tg = _target_group(aws, "web")
    yield from _runs_behind(aws, "web", tg, "web", 80, 2)
    service = _service(aws, "web")
    if service is None:
        return
    network = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    task_sg = _security_group(aws, "web-tasks")
    yield requirement(
        "web securityGroups",
        "web-tasks",
        network.get("securityGroups"),
        ok=task_sg is not None and network.get("securityGroups") == [task_sg["GroupId"]],
    )
    zones = sorted(
        {str(t["availabilityZone"]) for t in _tasks(aws, "web") if t.get("availabilityZone")}
    )
    yield requirement(
        "running tasks' Availability Zones", "2 zones", zones or None, ok=len(zones) >= 2
    )


@check(
    "path-routing",
    title="Path-based routing: /api/* goes to the api service, everything else to web",
    points=3,
    hint=(
        "Target group 'api': HTTP, port 8080, TargetType 'ip'. On the port-80 listener of "
        "web-alb, create_rule(Priority=10, Conditions=[{'Field': 'path-pattern', "
        "'PathPatternConfig': {'Values': ['/api/*']}}], Actions=[forward to api]). web-tasks must "
        "allow TCP 8080 from web-alb, or the api targets time out. Service 'api': 2 tasks, "
        "container 'api' port 8080."
    ),
)
def path_routing(aws: AccountReader) -> Iterator[Requirement]:
    tg = _target_group(aws, "api")
    if tg is None:
        yield _missing("target group api", "exists")
    else:
        yield requirement("api TargetType", "ip", tg.get("TargetType"))
        yield requirement(
            "api Protocol:Port", "HTTP:8080", f"{tg.get('Protocol')}:{tg.get('Port')}"
        )
    lb = _load_balancer(aws, "web-alb")
    listener = _listener(aws, lb, 80) if lb is not None else None
    if listener is None:
        yield _missing("web-alb listener on port 80", "exists (exercise 2)")
        return
    rules = aws.elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    shown = []
    wanted = False
    for rule in rules:
        if rule.get("IsDefault"):
            continue
        paths = [
            v
            for c in rule.get("Conditions", [])
            if c.get("Field") == "path-pattern"
            for v in (c.get("Values") or [])
            + ((c.get("PathPatternConfig") or {}).get("Values") or [])
        ]
        shown.append(f"priority {rule.get('Priority')} {paths or rule.get('Conditions')}")
        if "/api/*" in paths and rule.get("Priority") == "10" and _forwards_to(rule["Actions"], tg):
            wanted = True
    yield requirement(
        "listener rule",
        "priority 10, path-pattern /api/* -> forward to api",
        shown or None,
        ok=wanted,
    )
    yield from _runs_behind(aws, "api", tg, "api", 8080, 2)
    yield _routes(aws, "web-alb", "/api/orders", tg)
    yield _routes(aws, "web-alb", "/", _target_group(aws, "web"))


@check(
    "nlb-service",
    title="A TCP service behind an internal Network Load Balancer, with healthy targets",
    points=3,
    hint=(
        "create_load_balancer(Name='ledger-nlb', Type='network', Scheme='internal', "
        "Subnets=SUBNETS); target group 'ledger' with Protocol 'TCP', Port 9000, TargetType 'ip'; "
        "a TCP listener on 9000 forwarding to it. This NLB has no security groups, so "
        "ledger-tasks must allow TCP 9000 from a CIDR that covers its subnets (VPC_CIDR)."
    ),
)
def nlb_service(aws: AccountReader) -> Iterator[Requirement]:
    lb = _load_balancer(aws, "ledger-nlb")
    if lb is None:
        yield _missing("load balancer ledger-nlb", "exists")
        return
    yield requirement("ledger-nlb Type", "network", lb.get("Type"))
    yield requirement("ledger-nlb Scheme", "internal", lb.get("Scheme"))
    tg = _target_group(aws, "ledger")
    if tg is None:
        yield _missing("target group ledger", "exists")
        return
    yield requirement("ledger TargetType", "ip", tg.get("TargetType"))
    yield requirement("ledger Protocol:Port", "TCP:9000", f"{tg.get('Protocol')}:{tg.get('Port')}")
    listener = _listener(aws, lb, 9000)
    yield requirement(
        "ledger-nlb listener on port 9000",
        "TCP, forward to ledger",
        None if listener is None else listener.get("Protocol"),
        ok=listener is not None
        and listener.get("Protocol") == "TCP"
        and _forwards_to(listener.get("DefaultActions", []), tg),
    )
    task_sg = _security_group(aws, "ledger-tasks")
    subnets = _subnet_info(aws, [z["SubnetId"] for z in lb.get("AvailabilityZones", [])])
    cidrs = [s["CidrBlock"] for s in subnets.values()]
    yield requirement(
        "ledger-tasks ingress",
        "tcp 9000 from the NLB's subnets",
        None if task_sg is None else _rules_of(task_sg) or None,
        ok=task_sg is not None and _from_cidrs(task_sg, 9000, cidrs),
    )
    yield from _runs_behind(aws, "ledger", tg, "ledger", 9000, 2)
    yield _routes(aws, "ledger-nlb", "/", tg, port=9000)


def _image(td: dict[str, Any], container: str = "web") -> str:
    for c in td.get("containerDefinitions", []):
        if c.get("name") == container:
            return str(c.get("image", ""))
    return ""


def _revision(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


@check(
    "rolling-update",
    title="A rolling deployment to the 2.0 image completes within 100% / 200%",
    points=3,
    hint=(
        "Register a new 'web' revision whose container image is <account>.dkr.ecr.us-east-1."
        "amazonaws.com/shop/web:2.0 with executionRoleArn=EXECUTION_ROLE_ARN; update_service("
        "taskDefinition=<its ARN>, deploymentConfiguration={'minimumHealthyPercent': 100, "
        "'maximumPercent': 200}); then rt.advance(minutes=10) so the new targets pass their "
        "health checks and the old ones drain."
    ),
)
def rolling_update(aws: AccountReader) -> Iterator[Requirement]:
    service = _service(aws, "web")
    if service is None:
        yield _missing("service web", "ACTIVE (exercise 3)")
        return
    td = aws.ecs.describe_task_definition(taskDefinition=service["taskDefinition"])[
        "taskDefinition"
    ]
    image = _image(td)
    yield requirement(
        "web image in service",
        "shop/web:2.0 from the account's ECR",
        f"{_revision(service['taskDefinition'])} runs {image or 'no web container'}",
        ok=image.endswith(WEB_IMAGE_REPO + ":2.0"),
    )
    yield from _aws_rejections("task-definition", td)
    config = service.get("deploymentConfiguration") or {}
    yield requirement("minimumHealthyPercent", 100, config.get("minimumHealthyPercent"))
    yield requirement("maximumPercent", 200, config.get("maximumPercent"))
    deployments = service.get("deployments", [])
    yield requirement(
        "deployments",
        "one PRIMARY, COMPLETED",
        [
            f"{d.get('status')} {d.get('rolloutState')} {_revision(d['taskDefinition'])}"
            for d in deployments
        ]
        or None,
        ok=len(deployments) == 1 and deployments[0].get("rolloutState") == "COMPLETED",
    )
    running = _tasks(aws, "web")
    revisions = sorted({_revision(t["taskDefinitionArn"]) for t in running})
    yield requirement(
        "running web tasks",
        f"{service.get('desiredCount')} on {_revision(service['taskDefinition'])} only",
        f"{len(running)} on {', '.join(revisions) or 'none'}",
        ok=len(running) == service.get("desiredCount")
        and revisions == [_revision(service["taskDefinition"])],
    )
    tg = _target_group(aws, "web")
    if tg is not None:
        healthy = [h for h in _health(aws, tg) if h["TargetHealth"]["State"] == "healthy"]
        yield requirement(
            "healthy web targets",
            service.get("desiredCount"),
            len(healthy),
            ok=len(healthy) >= int(service.get("desiredCount") or 0),
        )


@check(
    "circuit-breaker",
    title="The circuit breaker fails the 3.0 deployment and rolls the service back",
    points=3,
    hint=(
        "Register a 'web' revision with the image .../shop/web:3.0 (never pushed) and "
        "update_service to it with deploymentConfiguration={'minimumHealthyPercent': 100, "
        "'maximumPercent': 200, 'deploymentCircuitBreaker': {'enable': True, 'rollback': True}}. "
        "Its tasks stop with CannotPullContainerError; the breaker then rolls back."
    ),
)
def circuit_breaker(aws: AccountReader) -> Iterator[Requirement]:
    service = _service(aws, "web")
    if service is None:
        yield _missing("service web", "ACTIVE (exercise 3)")
        return
    breaker = (service.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
    yield requirement(
        "deploymentCircuitBreaker",
        "enable True, rollback True",
        f"enable {breaker.get('enable')}, rollback {breaker.get('rollback')}" if breaker else None,
        ok=breaker.get("enable") is True and breaker.get("rollback") is True,
    )
    arns = aws.ecs.list_task_definitions(familyPrefix="web", sort="DESC")["taskDefinitionArns"]
    broken = None
    for arn in arns[:10]:
        td = aws.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        if _image(td).endswith(":3.0"):
            broken = td
            break
    if broken is None:
        yield _missing("a web revision with the image shop/web:3.0", "registered")
        return
    broken_arn = broken["taskDefinitionArn"]
    yield requirement(
        "web revision with shop/web:3.0", "registered", _revision(broken_arn), ok=True
    )
    failed = [t for t in _tasks(aws, "web", "STOPPED") if t.get("taskDefinitionArn") == broken_arn]
    reasons = sorted({f"{t.get('stopCode')}: {t.get('stoppedReason', '')[:90]}" for t in failed})
    yield requirement(
        f"stopped tasks of {_revision(broken_arn)}",
        "TaskFailedToStart with CannotPullContainerError",
        reasons or None,
        ok=any(
            t.get("stopCode") == "TaskFailedToStart"
            and "CannotPullContainerError" in t.get("stoppedReason", "")
            for t in failed
        ),
    )
    messages = [e.get("message", "") for e in service.get("events", [])]
    tripped = [m for m in messages if "deployment failed" in m]
    yield requirement(
        "service event", "the deployment failed", tripped[:1] or None, ok=bool(tripped)
    )
    yield requirement(
        "service taskDefinition",
        f"rolled back from {_revision(broken_arn)}",
        _revision(service["taskDefinition"]),
        ok=service["taskDefinition"] != broken_arn,
    )
    running = service.get("runningCount")
    yield requirement("web runningCount", service.get("desiredCount"), running)


@check(
    "repair-targets",
    title="Repair: the orders service's targets become healthy",
    points=4,
    hint=(
        "describe_target_health says Target.Timeout: the health check cannot connect. The "
        "container listens on 8080, but orders-tasks only admits port 80 from the ALB. Authorize "
        "TCP 8080 from the orders-alb security group on orders-tasks, then update_service("
        "forceNewDeployment=True) and rt.advance(minutes=5)."
    ),
)
def repair_targets(aws: AccountReader) -> Iterator[Requirement]:
    tg = _target_group(aws, "orders")
    task_sg = _security_group(aws, "orders-tasks")
    alb_sg = _security_group(aws, "orders-alb")
    if tg is None or task_sg is None:
        yield _missing(
            "the orders setup (target group, security groups)", "created by the given cell"
        )
        return
    lb = _load_balancer(aws, "orders-alb")
    subnets = _subnet_info(aws, [z["SubnetId"] for z in (lb or {}).get("AvailabilityZones", [])])
    admitted = _from_group(task_sg, 8080, alb_sg) or _from_cidrs(
        task_sg, 8080, [s["CidrBlock"] for s in subnets.values()]
    )
    yield requirement(
        "orders-tasks ingress",
        "tcp 8080 from the orders-alb security group",
        _rules_of(task_sg) or None,
        ok=admitted,
    )
    td = lookup.task_definition(aws, "orders")
    ports = [
        p.get("containerPort")
        for c in (td or {}).get("containerDefinitions", [])
        for p in c.get("portMappings", [])
    ]
    yield requirement("orders container port", 8080, ports or None, ok=8080 in ports)
    yield from _runs_behind(aws, "orders", tg, "orders", 8080, 2)
    yield _routes(aws, "orders-alb", "/", tg)


CHECKS = (
    security_groups,
    alb,
    alb_service,
    path_routing,
    nlb_service,
    rolling_update,
    circuit_breaker,
    repair_targets,
)
