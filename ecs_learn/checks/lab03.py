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
from ecs_learn.checks.owns import Ingress, Owns, Revisions, Service
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.realism import AWS_ACCEPTS, aws_accepts, rejections
from ecs_learn.checks.registry import Judged, check, judged, requirement
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
SUBNET_AZS = ("us-east-1a", "us-east-1b")  # where SUBNETS are (the given cell)


def _missing(label: str, expected: str, hint: str = "") -> Requirement:
    return requirement(label, expected, None, ok=False, hint=hint)


def _default_vpc(aws: AccountReader) -> str | None:
    vpcs = aws.ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return str(vpcs[0]["VpcId"]) if vpcs else None


def _revision(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _service_rejections(
    aws: AccountReader, service: dict[str, Any], groups: list[dict[str, Any]]
) -> list[str]:
    """What AWS would refuse in the CreateService input the described service amounts to."""
    from ecs_learn.rules.finding import RuleContext

    keys = ("serviceName", "taskDefinition", "desiredCount", "launchType", "loadBalancers")
    payload = {k: service[k] for k in keys if k in service}
    if service.get("networkConfiguration"):
        payload["networkConfiguration"] = service["networkConfiguration"]
    td = aws.ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    context = RuleContext(
        task_definition=td["taskDefinition"],
        target_groups={g["TargetGroupArn"]: g for g in groups},
    )
    return rejections("service", payload, context)


def _target_group_rejections(tg: dict[str, Any]) -> list[str]:
    payload = {k: v for k, v in tg.items() if k not in ("TargetGroupArn", "TargetGroupName")}
    return rejections("elbv2-target-group", {"Name": tg["TargetGroupName"], **payload})


def _task_definition(aws: AccountReader, service: dict[str, Any]) -> dict[str, Any]:
    return lookup.task_definition(aws, service["taskDefinition"]) or {}


def _fargate_definition(td: dict[str, Any], container: str, port: int) -> Requirement:
    """The brief's shape of every task definition in this lab (all but the image)."""
    from ecs_learn.rules.units import parse_cpu, parse_memory

    wrong = []
    if "FARGATE" not in (td.get("requiresCompatibilities") or []):
        wrong.append(f"requiresCompatibilities {td.get('requiresCompatibilities')}")
    if td.get("networkMode") != "awsvpc":
        wrong.append(f"networkMode {td.get('networkMode')}")
    try:
        size = (int(parse_cpu(td.get("cpu"))), int(parse_memory(td.get("memory"))))
    except (TypeError, ValueError):
        size = None
    if size != (256, 512):
        wrong.append(f"cpu {td.get('cpu')}, memory {td.get('memory')}")
    names = [str(c.get("name")) for c in td.get("containerDefinitions", [])]
    ports = [
        p.get("containerPort")
        for c in td.get("containerDefinitions", [])
        if c.get("name") == container
        for p in c.get("portMappings", [])
    ]
    if container not in names:
        wrong.append(f"containers {', '.join(names) or 'none'}")
    elif port not in ports:
        wrong.append(f"{container} ports {', '.join(map(str, ports)) or 'none'}")
    family = td.get("family")
    return requirement(
        f"{family} task definition",
        f"FARGATE, awsvpc, cpu 256, memory 512, container {container} on port {port}",
        "; ".join(wrong) or "as the brief says",
        ok=not wrong,
        hint=f"register {family} again with: " + "; ".join(wrong) if wrong else "",
    )


def _family_image(aws: AccountReader, family: str, container: str, image: str) -> Requirement:
    """``image`` in some ACTIVE revision of ``family`` (later exercises move the service on)."""
    arns = aws.ecs.list_task_definitions(familyPrefix=family, status="ACTIVE", sort="DESC")[
        "taskDefinitionArns"
    ]
    found = []
    for arn in arns[:20]:
        if _revision(arn).rsplit(":", 1)[0] != family:
            continue
        td = aws.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        found.append(f"{_revision(arn)}: {_image(td, container) or 'no ' + container}")
    return requirement(
        f"{family} image",
        f"{image} (container {container})",
        found or None,
        ok=any(f.endswith(f": {image}") for f in found),
        hint=f"the container {container} runs {image}, as the brief says",
    )


def _network(
    aws: AccountReader,
    service: dict[str, Any],
    group: str,
    *,
    public_ip: str | None = None,
    subnets: bool = True,
) -> Requirement:
    """The security group ``group``; subnets in the two AZs of SUBNETS and the public IP
    setting where the brief names them."""
    name = service["serviceName"]
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    zones = sorted(
        {s["AvailabilityZone"] for s in _subnet_info(aws, vpc.get("subnets", [])).values()}
    )
    sg = _security_group(aws, group)
    wrong = []
    if subnets and zones != list(SUBNET_AZS):
        wrong.append(f"subnets in {', '.join(zones) or 'no zone'}")
    if sg is None or vpc.get("securityGroups") != [sg["GroupId"]]:
        wrong.append(f"securityGroups {vpc.get('securityGroups')}")
    if public_ip is not None and vpc.get("assignPublicIp", "DISABLED") != public_ip:
        wrong.append(f"assignPublicIp {vpc.get('assignPublicIp')}")
    wanted = f"security group {group}"
    if subnets:
        wanted = f"subnets SUBNETS ({', '.join(SUBNET_AZS)}), {wanted}"
    if public_ip == "DISABLED":
        wanted += ", no public IP"
    return requirement(
        f"{name} network",
        wanted,
        "; ".join(wrong) or wanted,
        ok=not wrong,
        hint="update_service(networkConfiguration={'awsvpcConfiguration': {...}}) with "
        + "; ".join(wrong).replace("subnets in", "subnets SUBNETS, not"),
    )


def _runs_behind(
    aws: AccountReader,
    service: dict[str, Any],
    tg: dict[str, Any] | None,
    tg_name: str,
    container: str,
    port: int,
    desired: int,
) -> Iterator[Requirement]:
    """The service sends ``container:port`` to ``tg`` and runs ``desired`` healthy tasks."""
    name = service["serviceName"]
    yield requirement(
        f"{name} launchType",
        "FARGATE",
        service.get("launchType"),
        hint="the launch type is set at create_service (delete the service to change it)",
    )
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
    yield requirement(
        f"{name} loadBalancers",
        f"{tg_name} -> {container}:{port}",
        entries or None,
        ok=wanted,
        hint=f"loadBalancers=[{{'targetGroupArn': <{tg_name}>, 'containerName': "
        f"'{container}', 'containerPort': {port}}}]",
    )
    yield requirement(
        f"{name} desiredCount",
        desired,
        service.get("desiredCount"),
        hint=f"desiredCount={desired}",
    )
    running = service.get("runningCount")
    stopped = _tasks(aws, name, "STOPPED")
    reason = stopped[0].get("stoppedReason") if stopped else None
    yield requirement(
        f"{name} runningCount",
        desired,
        running,
        ok=running == desired,
        hint=f"tasks stop: {reason}" if reason else "read the service's events",
    )
    if tg is None:
        return
    yield _healthy(aws, tg, tg_name, desired)


def _healthy(aws: AccountReader, tg: dict[str, Any], tg_name: str, desired: int) -> Requirement:
    health = _health(aws, tg)
    states = sorted(h["TargetHealth"]["State"] for h in health)
    reasons = sorted({h["TargetHealth"].get("Reason", "") for h in health} - {""})
    current = [h for h in health if h["TargetHealth"]["State"] != "draining"]
    shown = [
        f"{h['Target']['Id']}:{h['Target'].get('Port')} {h['TargetHealth']['State']}"
        + (f" ({h['TargetHealth']['Reason']})" if h["TargetHealth"].get("Reason") else "")
        for h in current
    ]
    if len(current) < len(health):  # stopped tasks' targets: they say nothing of the cause
        shown.append(f"and {len(health) - len(current)} draining")
    return requirement(
        f"healthy targets in {tg_name}",
        f"{desired} healthy",
        shown or None,
        ok=states.count("healthy") >= desired and "unhealthy" not in states,
        hint=(
            "Target.Timeout: the health check cannot connect (a security group rule, the port)"
            if "Target.Timeout" in reasons
            else "these targets just registered and the ones before them were replaced: the "
            "service's events say why; rt.advance(seconds=30), then read describe_target_health's "
            "Reason"
            if current
            and len(health) - len(current) > len(current)  # replaced again and again
            and {h["TargetHealth"]["State"] for h in current} == {"initial"}
            else "move the clock (rt.advance) so the health checks run"
            if states and set(states) <= {"initial", "healthy"}
            else "the service registers its tasks once they run"
        ),
    )


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
        return _missing(where, "200 from the load balancer", "create the listener first")
    group = (routed.target_group_arn or "").split(":")[-1] or "no target group"
    shown = f"{routed.status} from {group}"
    state = None
    if routed.target:
        states = {
            (h["Target"]["Id"], h["Target"].get("Port")): h["TargetHealth"]["State"]
            for h in (_health(aws, tg) if tg else [])
        }
        state = states.get((routed.target["Id"], routed.target.get("Port")))
        shown += f" ({routed.target['Id']}:{routed.target.get('Port')}, {state or 'not a target'})"
    name = tg["TargetGroupName"] if tg else "(missing target group)"
    wrong_group = tg is not None and routed.target_group_arn != tg["TargetGroupArn"]
    # with no healthy target an ALB fails open and still forwards: only a healthy one counts
    ok = tg is not None and routed.status == 200 and not wrong_group and state == "healthy"
    return requirement(
        where,
        f"200 from a healthy target of targetgroup/{name}",
        shown,
        ok=ok,
        hint=(
            "the listener sends it elsewhere: check the rules and their priorities"
            if wrong_group
            else f"it reached a target that is {state}: only a healthy one counts"
            if state
            else f"{routed.status}: no target answers (see the target health)"
        ),
    )


# -- the checks --------------------------------------------------------------------------------
@check(
    "security-groups",
    title="Security groups: the internet reaches the ALB, only the ALB reaches the tasks",
    points={
        "web-alb ingress": 0.5,
        "web-tasks ingress": 0.75,
        "web-tasks open to 0.0.0.0/0": 0.5,
        "VPC": 0.25,
    },
    hint=(
        "web-alb: authorize TCP 80 with IpRanges [{'CidrIp': '0.0.0.0/0'}]. web-tasks: authorize "
        "TCP 80 with UserIdGroupPairs [{'GroupId': <the web-alb group id>}] and no 0.0.0.0/0 "
        "rule (revoke_security_group_ingress removes one)."
    ),
    owns=Owns(security_groups=("web-alb", "web-tasks")),
)
def security_groups(aws: AccountReader) -> Iterator[Requirement | Judged]:
    alb_sg = _security_group(aws, "web-alb")
    task_sg = _security_group(aws, "web-tasks")
    create = "ec2.create_security_group(GroupName=..., Description=..., VpcId=VPC_ID)"
    if alb_sg is None:
        yield _missing("security group web-alb", "exists", create)
    else:
        yield requirement(
            "web-alb ingress",
            "tcp 80 from 0.0.0.0/0",
            _rules_of(alb_sg) or None,
            ok=_from_cidrs(alb_sg, 80, [ANYWHERE]),
            hint="authorize TCP 80 (FromPort and ToPort) with IpRanges [{'CidrIp': '0.0.0.0/0'}]",
        )
    if task_sg is None:
        yield _missing("security group web-tasks", "exists", create)
    else:
        yield requirement(
            "web-tasks ingress",
            "tcp 80 from the web-alb security group",
            _rules_of(task_sg) or None,
            ok=_from_group(task_sg, 80, alb_sg),
            hint="the source is the group: UserIdGroupPairs [{'GroupId': <the web-alb id>}]",
        )
        open_rules = _open_to_internet(task_sg)
        yield requirement(
            "web-tasks open to 0.0.0.0/0",
            "no",
            open_rules or "no",
            ok=not open_rules,
            hint="revoke_security_group_ingress with the 0.0.0.0/0 permission, once",
        )
    groups = [g for g in (alb_sg, task_sg) if g is not None]
    if not groups:
        return
    yield judged(
        "security groups " + ", ".join(f"{g['GroupName']} ({g['GroupId']})" for g in groups)
    )
    vpc = _default_vpc(aws)
    elsewhere = [f"{g['GroupName']} in {g.get('VpcId')}" for g in groups if g.get("VpcId") != vpc]
    yield requirement(
        "VPC",
        f"VPC_ID ({vpc})",
        elsewhere or f"VPC_ID ({vpc})",
        ok=not elsewhere,
        hint="create the groups with VpcId=VPC_ID, where the load balancer and tasks are",
    )


@check(
    "alb",
    gates=(AWS_ACCEPTS,),
    title="An internet-facing ALB in two AZs, an ip target group with a health check, a listener",
    points={
        "web-alb Type": 0.2,
        "web-alb Scheme": 0.2,
        "web-alb Availability Zones": 0.2,
        "web-alb SecurityGroups": 0.2,
        "web TargetType": 0.3,
        "web Protocol:Port": 0.2,
        "web VpcId": 0.1,
        "web HealthCheckPath": 0.2,
        "web HealthCheckIntervalSeconds": 0.2,
        "web HealthyThresholdCount": 0.2,
        "web deregistration delay": 0.2,
        "web-alb listener on port 80": 0.5,
        AWS_ACCEPTS: 0.3,
    },
    hint=(
        "create_load_balancer(Name='web-alb', Type='application', Scheme='internet-facing', "
        "Subnets=SUBNETS (two AZs), SecurityGroups=[web-alb]); create_target_group(Name='web', "
        "Protocol='HTTP', Port=80, TargetType='ip', HealthCheckPath='/health', "
        "HealthCheckIntervalSeconds=10, HealthyThresholdCount=2); create_listener on port 80 "
        "with DefaultActions forward to it."
    ),
    owns=Owns(load_balancers=("web-alb",), target_groups=("web",)),
)
def alb(aws: AccountReader) -> Iterator[Requirement | Judged]:
    from ecs_learn.rules.finding import RuleContext

    errors: list[list[str]] = []
    lb = _load_balancer(aws, "web-alb")
    tg = _target_group(aws, "web")
    if lb is None and tg is None:
        yield _missing("load balancer web-alb", "exists")
        yield _missing("target group web", "exists")
        return
    yield judged(" and ".join(n for n, x in (("web-alb", lb), ("targetgroup/web", tg)) if x))
    recreate = "set when the load balancer is created: delete it and create it again"
    if lb is None:
        yield _missing("load balancer web-alb", "exists")
    else:
        yield requirement("web-alb Type", "application", lb.get("Type"), hint=recreate)
        scheme = lb.get("Scheme") or "internet-facing"  # AWS's default, which moto leaves out
        yield requirement("web-alb Scheme", "internet-facing", scheme, hint=recreate)
        zones = sorted({z["ZoneName"] for z in lb.get("AvailabilityZones", [])})
        yield requirement(
            "web-alb Availability Zones",
            "2 or more",
            zones or None,
            ok=len(zones) >= 2,
            hint="Subnets=SUBNETS: one subnet in each of two zones",
        )
        alb_sg = _security_group(aws, "web-alb")
        groups = lb.get("SecurityGroups", [])
        yield requirement(
            "web-alb SecurityGroups",
            "includes web-alb",
            groups or None,
            ok=alb_sg is not None and alb_sg["GroupId"] in groups,
            hint="elbv2.set_security_groups(LoadBalancerArn=..., SecurityGroups=[<web-alb>])",
        )
        subnets = [z["SubnetId"] for z in lb.get("AvailabilityZones", [])]
        azs = {s: i["AvailabilityZone"] for s, i in _subnet_info(aws, subnets).items()}
        payload = {"Name": lb["LoadBalancerName"], "Type": lb.get("Type"), "Subnets": subnets}
        errors.append(rejections("elbv2-load-balancer", payload, RuleContext(subnet_azs=azs)))
    if tg is None:
        yield _missing("target group web", "exists")
    else:
        yield requirement(
            "web TargetType",
            "ip",
            tg.get("TargetType"),
            hint="awsvpc tasks register by IP: TargetType='ip' (delete the group, create it again)",
        )
        yield requirement("web Protocol:Port", "HTTP:80", f"{tg.get('Protocol')}:{tg.get('Port')}")
        vpc = _default_vpc(aws)
        yield requirement(
            "web VpcId", f"VPC_ID ({vpc})", tg.get("VpcId"), ok=tg.get("VpcId") == vpc
        )
        modify = "elbv2.modify_target_group(TargetGroupArn=..., {}={!r})"
        for key, wanted in (
            ("HealthCheckPath", "/health"),
            ("HealthCheckIntervalSeconds", 10),
            ("HealthyThresholdCount", 2),
        ):
            yield requirement(f"web {key}", wanted, tg.get(key), hint=modify.format(key, wanted))
        attributes = aws.elbv2.describe_target_group_attributes(
            TargetGroupArn=tg["TargetGroupArn"]
        )["Attributes"]
        delay = next(
            (a["Value"] for a in attributes if a["Key"] == "deregistration_delay.timeout_seconds"),
            "300",
        )
        yield requirement(
            "web deregistration delay",
            "30 s",
            f"{delay} s",
            hint="modify_target_group_attributes with deregistration_delay.timeout_seconds '30'",
        )
        errors.append(_target_group_rejections(tg))
    if lb is not None:
        listener = _listener(aws, lb, 80)
        yield requirement(
            "web-alb listener on port 80",
            "HTTP, forward to web",
            None
            if listener is None
            else f"{listener.get('Protocol')} {listener.get('DefaultActions')}",
            ok=listener is not None
            and listener.get("Protocol") == "HTTP"
            and _forwards_to(listener.get("DefaultActions", []), tg),
            hint="create_listener(LoadBalancerArn=..., Protocol='HTTP', Port=80, "
            "DefaultActions=[{'Type': 'forward', 'TargetGroupArn': <web>}])",
        )
    if errors:  # something was judged
        yield aws_accepts(*errors)


@check(
    "alb-service",
    gates=(AWS_ACCEPTS,),
    title="A Fargate service behind the ALB reaches 2 running tasks in two AZs, both healthy",
    points={
        "web task definition": 0.2,
        "web image": 0.2,
        "web launchType": 0.1,
        "web loadBalancers": 0.3,
        "web desiredCount": 0.2,
        "web runningCount": 0.4,
        "healthy targets in web": 0.5,
        "web network": 0.5,
        "web healthCheckGracePeriodSeconds": 0.2,
        "running tasks' Availability Zones": 0.3,
        AWS_ACCEPTS: 0.1,
    },
    hint=(
        "create_service in cluster 'shop': launchType FARGATE, desiredCount 2, "
        "networkConfiguration.awsvpcConfiguration with subnets=SUBNETS (two AZs) and "
        "securityGroups [web-tasks], loadBalancers [{'targetGroupArn': <web>, 'containerName': "
        "'web', 'containerPort': 80}]. Then rt.advance(minutes=2) so the health checks run; an "
        "unhealthy target's Reason says why."
    ),
    owns=Owns(services=(Service(CLUSTER, "web"),), task_families=("web",)),
)
def alb_service(aws: AccountReader) -> Iterator[Requirement | Judged]:
    service = _service(aws, "web")
    if service is None:
        yield _missing(f"service web in cluster {CLUSTER}", "ACTIVE")
        return
    yield judged(f"service web running {_revision(service['taskDefinition'])}")
    td = _task_definition(aws, service)
    yield _fargate_definition(td, "web", 80)
    yield _family_image(aws, "web", "web", "public.ecr.aws/nginx/nginx:1.27")
    tg = _target_group(aws, "web")
    yield from _runs_behind(aws, service, tg, "web", "web", 80, 2)
    yield _network(aws, service, "web-tasks", public_ip="DISABLED")
    yield requirement(
        "web healthCheckGracePeriodSeconds",
        30,
        service.get("healthCheckGracePeriodSeconds"),
        hint="update_service(..., healthCheckGracePeriodSeconds=30)",
    )
    zones = sorted(
        {str(t["availabilityZone"]) for t in _tasks(aws, "web") if t.get("availabilityZone")}
    )
    yield requirement(
        "running tasks' Availability Zones",
        "2 zones",
        zones or None,
        ok=len(zones) >= 2,
        hint="give the service subnets in two zones: it spreads its tasks over them",
    )
    yield aws_accepts(
        rejections("task-definition", td), _service_rejections(aws, service, [tg] if tg else [])
    )


@check(
    "path-routing",
    gates=(AWS_ACCEPTS,),
    title="Path-based routing: /api/* goes to the api service, everything else to web",
    points={
        "api TargetType": 0.1,
        "api Protocol:Port": 0.1,
        "api VpcId": 0.1,
        "api health check": 0.2,
        "listener rule": 0.4,
        "web-tasks ingress on 8080": 0.3,
        "api task definition": 0.2,
        "api image": 0.1,
        "api launchType": 0.1,
        "api loadBalancers": 0.2,
        "api desiredCount": 0.1,
        "api runningCount": 0.2,
        "healthy targets in api": 0.3,
        "api network": 0.1,
        "request to web-alb/api/orders": 0.3,
        "request to web-alb/": 0.1,
        AWS_ACCEPTS: 0.1,
    },
    hint=(
        "Target group 'api': HTTP, port 8080, TargetType 'ip'. On the port-80 listener of "
        "web-alb, create_rule(Priority=10, Conditions=[{'Field': 'path-pattern', "
        "'PathPatternConfig': {'Values': ['/api/*']}}], Actions=[forward to api]). web-tasks must "
        "allow TCP 8080 from web-alb, or the api targets time out. Service 'api': 2 tasks, "
        "container 'api' port 8080."
    ),
    owns=Owns(
        services=(Service(CLUSTER, "api"),),
        target_groups=("api",),
        ingress=(Ingress("web-tasks", 8080),),
        task_families=("api",),
    ),
)
def path_routing(aws: AccountReader) -> Iterator[Requirement | Judged]:
    errors: list[list[str]] = []
    tg = _target_group(aws, "api")
    if tg is None:
        yield _missing("target group api", "exists")
    else:
        yield requirement("api TargetType", "ip", tg.get("TargetType"))
        yield requirement(
            "api Protocol:Port", "HTTP:8080", f"{tg.get('Protocol')}:{tg.get('Port')}"
        )
        vpc = _default_vpc(aws)
        yield requirement(
            "api VpcId", f"VPC_ID ({vpc})", tg.get("VpcId"), ok=tg.get("VpcId") == vpc
        )
        check_found = (
            f"{tg.get('HealthCheckPath')} every {tg.get('HealthCheckIntervalSeconds')} s, "
            f"healthy after {tg.get('HealthyThresholdCount')}"
        )
        yield requirement(
            "api health check",
            "/ every 10 s, healthy after 2",
            check_found,
            hint="modify_target_group(HealthCheckPath='/', HealthCheckIntervalSeconds=10, "
            "HealthyThresholdCount=2)",
        )
        errors.append(_target_group_rejections(tg))
    task_sg = _security_group(aws, "web-tasks")
    alb_sg = _security_group(aws, "web-alb")
    yield requirement(
        "web-tasks ingress on 8080",
        "tcp 8080 from the web-alb security group",
        None if task_sg is None else _rules_of(task_sg) or None,
        ok=task_sg is not None and _from_group(task_sg, 8080, alb_sg),
        hint="authorize TCP 8080 on web-tasks from UserIdGroupPairs [{'GroupId': <web-alb>}]",
    )
    lb = _load_balancer(aws, "web-alb")
    listener = _listener(aws, lb, 80) if lb is not None else None
    if listener is None:
        yield _missing("web-alb listener on port 80", "exists (exercise 2)")
    else:
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
            if (
                "/api/*" in paths
                and rule.get("Priority") == "10"
                and _forwards_to(rule["Actions"], tg)
            ):
                wanted = True
        yield requirement(
            "listener rule",
            "priority 10, path-pattern /api/* -> forward to api",
            shown or None,
            ok=wanted,
            hint="create_rule(ListenerArn=..., Priority=10, Conditions=[path-pattern /api/*], "
            "Actions=[forward to api]); path patterns are case sensitive",
        )
    service = _service(aws, "api")
    if service is None:
        yield _missing(f"service api in cluster {CLUSTER}", "ACTIVE")
    else:
        yield judged(f"service api running {_revision(service['taskDefinition'])}, web-alb")
        td = _task_definition(aws, service)
        yield _fargate_definition(td, "api", 8080)
        yield _family_image(aws, "api", "api", "public.ecr.aws/docker/library/httpd:2.4")
        yield from _runs_behind(aws, service, tg, "api", "api", 8080, 2)
        yield _network(aws, service, "web-tasks", public_ip="DISABLED")
        errors.append(rejections("task-definition", td))
        errors.append(_service_rejections(aws, service, [tg] if tg else []))
    if listener is not None:
        yield _routes(aws, "web-alb", "/api/orders", tg)
        yield _routes(aws, "web-alb", "/", _target_group(aws, "web"))
    if errors:  # something was judged
        yield aws_accepts(*errors)


@check(
    "nlb-service",
    gates=(AWS_ACCEPTS,),
    title="A TCP service behind an internal Network Load Balancer, with healthy targets",
    points={
        "ledger-nlb Type": 0.2,
        "ledger-nlb Scheme": 0.2,
        "ledger-nlb Availability Zones": 0.1,
        "ledger TargetType": 0.2,
        "ledger Protocol:Port": 0.2,
        "ledger VpcId": 0.1,
        "ledger-nlb listener on port 9000": 0.3,
        "ledger-tasks ingress": 0.3,
        "ledger task definition": 0.2,
        "ledger image": 0.1,
        "ledger launchType": 0.1,
        "ledger loadBalancers": 0.2,
        "ledger desiredCount": 0.1,
        "ledger runningCount": 0.1,
        "healthy targets in ledger": 0.2,
        "ledger network": 0.1,
        "request to ledger-nlb:9000": 0.2,
        AWS_ACCEPTS: 0.1,
    },
    hint=(
        "create_load_balancer(Name='ledger-nlb', Type='network', Scheme='internal', "
        "Subnets=SUBNETS); target group 'ledger' with Protocol 'TCP', Port 9000, TargetType 'ip'; "
        "a TCP listener on 9000 forwarding to it. This NLB has no security groups, so "
        "ledger-tasks must allow TCP 9000 from a CIDR that covers its subnets (VPC_CIDR)."
    ),
    owns=Owns(
        services=(Service(CLUSTER, "ledger"),),
        load_balancers=("ledger-nlb",),
        target_groups=("ledger",),
        security_groups=("ledger-tasks",),
        task_families=("ledger",),
    ),
)
def nlb_service(aws: AccountReader) -> Iterator[Requirement | Judged]:
    from ecs_learn.rules.finding import RuleContext

    errors: list[list[str]] = []
    lb = _load_balancer(aws, "ledger-nlb")
    tg = _target_group(aws, "ledger")
    cidrs: list[str] = []
    if lb is None:
        yield _missing("load balancer ledger-nlb", "exists")
    else:
        recreate = "set when the load balancer is created: delete it and create it again"
        yield requirement("ledger-nlb Type", "network", lb.get("Type"), hint=recreate)
        yield requirement("ledger-nlb Scheme", "internal", lb.get("Scheme"), hint=recreate)
        subnets = _subnet_info(aws, [z["SubnetId"] for z in lb.get("AvailabilityZones", [])])
        zones = sorted({s["AvailabilityZone"] for s in subnets.values()})
        yield requirement(
            "ledger-nlb Availability Zones",
            ", ".join(SUBNET_AZS),
            zones or None,
            ok=zones == list(SUBNET_AZS),
            hint="Subnets=SUBNETS",
        )
        cidrs = [s["CidrBlock"] for s in subnets.values()]
        azs = {s: i["AvailabilityZone"] for s, i in subnets.items()}
        payload = {"Name": lb["LoadBalancerName"], "Type": lb.get("Type"), "Subnets": list(azs)}
        errors.append(rejections("elbv2-load-balancer", payload, RuleContext(subnet_azs=azs)))
    if tg is None:
        yield _missing("target group ledger", "exists")
    else:
        yield requirement("ledger TargetType", "ip", tg.get("TargetType"))
        yield requirement(
            "ledger Protocol:Port", "TCP:9000", f"{tg.get('Protocol')}:{tg.get('Port')}"
        )
        vpc = _default_vpc(aws)
        yield requirement(
            "ledger VpcId", f"VPC_ID ({vpc})", tg.get("VpcId"), ok=tg.get("VpcId") == vpc
        )
        errors.append(_target_group_rejections(tg))
    if lb is not None:
        listener = _listener(aws, lb, 9000)
        yield requirement(
            "ledger-nlb listener on port 9000",
            "TCP, forward to ledger",
            None if listener is None else listener.get("Protocol"),
            ok=listener is not None
            and listener.get("Protocol") == "TCP"
            and _forwards_to(listener.get("DefaultActions", []), tg),
            hint="create_listener(Protocol='TCP', Port=9000, DefaultActions=[forward to ledger])",
        )
    task_sg = _security_group(aws, "ledger-tasks")
    yield requirement(
        "ledger-tasks ingress",
        "tcp 9000 from the NLB's subnets",
        None if task_sg is None else _rules_of(task_sg) or None,
        ok=task_sg is not None and bool(cidrs) and _from_cidrs(task_sg, 9000, cidrs),
        hint="an NLB without security groups: allow TCP 9000 from VPC_CIDR (IpRanges)",
    )
    service = _service(aws, "ledger")
    if service is None:
        yield _missing(f"service ledger in cluster {CLUSTER}", "ACTIVE")
    else:
        yield judged(f"service ledger running {_revision(service['taskDefinition'])}, ledger-nlb")
        td = _task_definition(aws, service)
        yield _fargate_definition(td, "ledger", 9000)
        yield _family_image(aws, "ledger", "ledger", "public.ecr.aws/docker/library/redis:7")
        yield from _runs_behind(aws, service, tg, "ledger", "ledger", 9000, 2)
        yield _network(aws, service, "ledger-tasks", subnets=False)
        errors.append(rejections("task-definition", td))
        errors.append(_service_rejections(aws, service, [tg] if tg else []))
    if lb is not None:
        yield _routes(aws, "ledger-nlb", "/", tg, port=9000)
    if errors:  # something was judged
        yield aws_accepts(*errors)


def _image(td: dict[str, Any], container: str = "web") -> str:
    for c in td.get("containerDefinitions", []):
        if c.get("name") == container:
            return str(c.get("image", ""))
    return ""


@check(
    "rolling-update",
    gates=(AWS_ACCEPTS,),
    title="A rolling deployment to the 2.0 image completes within 100% / 200%",
    points={
        "web image in service": 0.5,
        "web executionRoleArn": 0.25,
        "minimumHealthyPercent": 0.25,
        "maximumPercent": 0.25,
        "deployments": 0.5,
        "running web tasks": 0.5,
        "healthy web targets": 0.5,
        AWS_ACCEPTS: 0.25,
    },
    hint=(
        "Register a new 'web' revision whose container image is <account>.dkr.ecr.us-east-1."
        "amazonaws.com/shop/web:2.0 with executionRoleArn=EXECUTION_ROLE_ARN; update_service("
        "taskDefinition=<its ARN>, deploymentConfiguration={'minimumHealthyPercent': 100, "
        "'maximumPercent': 200}); then rt.advance(minutes=10) so the new targets pass their "
        "health checks and the old ones drain."
    ),
    owns=Owns(revisions=(Revisions("web", image=WEB_IMAGE_REPO + ":2.0"),)),
)
def rolling_update(aws: AccountReader) -> Iterator[Requirement | Judged]:
    service = _service(aws, "web")
    if service is None:
        yield _missing("service web", "ACTIVE (exercise 3)")
        return
    now = _revision(service["taskDefinition"])
    yield judged(f"service web running {now}")
    td = _task_definition(aws, service)
    image = _image(td)
    yield requirement(
        "web image in service",
        "shop/web:2.0 from the account's ECR",
        f"{now} runs {image or 'no web container'}",
        ok=image.endswith(WEB_IMAGE_REPO + ":2.0"),
        hint="register a web revision with image f'{WEB_REPO}:2.0' and update_service to it",
    )
    role = td.get("executionRoleArn")
    yield requirement(
        "web executionRoleArn",
        "ecsTaskExecutionRole",
        str(role).rsplit("/", 1)[-1] if role else None,
        hint="a private ECR image needs executionRoleArn=EXECUTION_ROLE_ARN",
    )
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
        hint="advance the clock (rt.advance(minutes=10)) until the old tasks have drained",
    )
    running = _tasks(aws, "web")
    revisions = sorted({_revision(t["taskDefinitionArn"]) for t in running})
    yield requirement(
        "running web tasks",
        f"{service.get('desiredCount')} on {now} only",
        f"{len(running)} on {', '.join(revisions) or 'none'}",
        ok=len(running) == service.get("desiredCount") and revisions == [now],
    )
    tg = _target_group(aws, "web")
    healthy = [h for h in _health(aws, tg) if h["TargetHealth"]["State"] == "healthy"] if tg else []
    yield requirement(
        "healthy web targets",
        service.get("desiredCount"),
        len(healthy),
        ok=len(healthy) >= int(service.get("desiredCount") or 0),
    )
    yield aws_accepts(rejections("task-definition", td))


@check(
    "circuit-breaker",
    title="The circuit breaker fails the 3.0 deployment and rolls the service back",
    points={
        "deploymentCircuitBreaker": 1,
        "web revision with shop/web:3.0": 0.25,
        "stopped tasks of the 3.0 revision": 0.5,
        "service event": 0.5,
        "service taskDefinition": 0.5,
        "web runningCount": 0.25,
    },
    hint=(
        "Register a 'web' revision with the image .../shop/web:3.0 (never pushed) and "
        "update_service to it with deploymentConfiguration={'minimumHealthyPercent': 100, "
        "'maximumPercent': 200, 'deploymentCircuitBreaker': {'enable': True, 'rollback': True}}. "
        "Its tasks stop with CannotPullContainerError; the breaker then rolls back."
    ),
    owns=Owns(revisions=(Revisions("web", image=WEB_IMAGE_REPO + ":3.0"),)),
)
def circuit_breaker(aws: AccountReader) -> Iterator[Requirement | Judged]:
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
        hint=(
            "without rollback the failed deployment stays: 'rollback': True"
            if breaker.get("enable")
            else "deploymentConfiguration={..., 'deploymentCircuitBreaker': {'enable': True, "
            "'rollback': True}}"
        ),
    )
    arns = aws.ecs.list_task_definitions(familyPrefix="web", sort="DESC")["taskDefinitionArns"]
    broken = None
    for arn in arns[:10]:
        td = aws.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        if _image(td).endswith(":3.0"):
            broken = td
            break
    if broken is None:
        yield _missing("web revision with shop/web:3.0", "registered")
        return
    broken_arn = broken["taskDefinitionArn"]
    yield judged(f"service web and {_revision(broken_arn)}")
    yield requirement(
        "web revision with shop/web:3.0", "registered", _revision(broken_arn), ok=True
    )
    failed = [t for t in _tasks(aws, "web", "STOPPED") if t.get("taskDefinitionArn") == broken_arn]
    reasons = sorted({f"{t.get('stopCode')}: {t.get('stoppedReason', '')[:90]}" for t in failed})
    tried = bool(failed)
    yield requirement(
        "stopped tasks of the 3.0 revision",
        "TaskFailedToStart with CannotPullContainerError",
        reasons or None,
        ok=any(
            t.get("stopCode") == "TaskFailedToStart"
            and "CannotPullContainerError" in t.get("stoppedReason", "")
            for t in failed
        ),
        hint=f"update_service(taskDefinition=<{_revision(broken_arn)}>), then rt.advance",
    )
    messages = [e.get("message", "") for e in service.get("events", [])]
    tripped = [m for m in messages if "deployment failed" in m]
    yield requirement(
        "service event",
        "the deployment failed",
        tripped[:1] or None,
        ok=bool(tripped),
        hint="the breaker trips after enough failed starts: advance the clock further",
    )
    untried = f"no deployment of {_revision(broken_arn)} yet"
    yield requirement(
        "service taskDefinition",
        f"rolled back from {_revision(broken_arn)}",
        _revision(service["taskDefinition"]) if tried else untried,
        ok=tried and service["taskDefinition"] != broken_arn,
        hint="with rollback True, ECS goes back to the last completed deployment",
    )
    running = service.get("runningCount")
    yield requirement(
        "web runningCount",
        service.get("desiredCount"),
        running if tried else untried,
        ok=tried and running == service.get("desiredCount"),
    )


@check(
    "repair-targets",
    gates=("orders container port",),
    title="Repair: the orders service's targets become healthy",
    points={
        "orders-tasks ingress": 1.5,
        "healthy targets in orders": 1.5,
        "request to orders-alb/": 1,
        "orders container port": 0,  # as given: keeping it earns nothing, changing it voids
    },
    hint=(
        "describe_target_health says Target.Timeout: the health check cannot connect. The "
        "container listens on 8080, but orders-tasks only admits port 80 from the ALB. Authorize "
        "TCP 8080 from the orders-alb security group on orders-tasks, then update_service("
        "forceNewDeployment=True) and rt.advance(minutes=5)."
    ),
    owns=Owns(
        services=(Service(CLUSTER, "orders"),),
        load_balancers=("orders-alb",),
        target_groups=("orders",),
        security_groups=("orders-alb", "orders-tasks"),
        task_families=("orders",),
    ),
)
def repair_targets(aws: AccountReader) -> Iterator[Requirement | Judged]:
    tg = _target_group(aws, "orders")
    task_sg = _security_group(aws, "orders-tasks")
    alb_sg = _security_group(aws, "orders-alb")
    service = _service(aws, "orders")
    if tg is None or task_sg is None or service is None:
        yield _missing(
            "the orders setup (target group, security groups, service)",
            "created by the given cell",
        )
        return
    yield judged(f"service orders running {_revision(service['taskDefinition'])}, orders-alb")
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
        hint="the health check goes to the container port, 8080: authorize TCP 8080 from "
        "the orders-alb group on orders-tasks",
    )
    td = _task_definition(aws, service)
    ports = [
        p.get("containerPort")
        for c in td.get("containerDefinitions", [])
        for p in c.get("portMappings", [])
    ]
    yield requirement(
        "orders container port",
        "8080 (kept)",
        ports or None,
        ok=8080 in ports,
        hint="keep the container port 8080: the fix is in the security group",
    )
    yield _healthy(aws, tg, "orders", 2)
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
