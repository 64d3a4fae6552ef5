"""Exercise 7 — the services: running, healthy behind the ALB, in two AZs, with a circuit breaker.

What a task needs to run — the image, the secrets, the log group, the EFS mount — is judged
here by the runtime's verdict: a task that cannot start stops with AWS's reason, and the
requirement's hint answers that reason. :func:`running`, :func:`healthy` and :func:`request`
are the behaviour checks' measures too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import (
    ALB_SG,
    API,
    AWS_ACCEPTS,
    CLUSTER,
    LOAD_BALANCER,
    MIN_TASKS,
    TIERS,
    WEB,
    Tier,
    each,
)
from ecs_learn.checks.owns import Service
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Owns, check, requirement
from ecs_learn.checks.result import Requirement

_STOP_HINTS = (
    ("unable to retrieve secrets from ssm", "the execution role may not read the parameter"),
    ("unable to retrieve secret", "the execution role may not read a secret the task names"),
    ("registry auth", "the execution role may not pull from ECR (attach the managed policy)"),
    ("log group does not exist", "create the task definition's log group"),
    ("EFS", "a mount target in the task's AZ, and TCP 2049 open from its security group"),
    ("CannotPullContainerError", "the image URI names a tag that was never pushed"),
)


def _why_stopped(reason: str) -> str:
    for marker, hint in _STOP_HINTS:
        if marker in reason:
            return hint
    return "describe_tasks on the STOPPED tasks: stoppedReason says why"


def _unhealthy_hint(health: list[dict[str, Any]], tier: Tier) -> str:
    reasons = {str(h["TargetHealth"].get("Reason")) for h in health}
    if "Target.Timeout" in reasons:
        return (
            f"the health check cannot connect: {tier.security_group} must admit TCP "
            f"{tier.port} from {ALB_SG}"
        )
    if "Target.NotInUse" in reasons:
        return "no listener rule sends traffic to this target group yet"
    return f"advance the clock (rt.advance(minutes=2)) so the health checks of {tier.name} run"


def running(
    aws: AccountReader,
    tier: Tier,
    svc: dict[str, Any] | None,
    stopped: list[dict[str, Any]] | None = None,
) -> Requirement:
    """All the desired tasks run; if not, why the last one stopped (``stopped``: the service's
    STOPPED tasks, when the caller has read them)."""
    desired = int((svc or {}).get("desiredCount") or 0)
    running = int((svc or {}).get("runningCount") or 0)
    if stopped is None:
        stopped = acct.service_tasks(aws, CLUSTER, tier.name, "STOPPED") if svc else []
    reasons = list(acct.stopped_reasons(stopped))
    ok = svc is not None and desired >= MIN_TASKS and running == desired
    found = f"{running} of {desired}" if svc else None
    if svc and not ok and reasons:
        found = f"{found}; tasks stop with: {reasons[0][:160]}"
    return requirement(
        f"{tier.name} tasks running",
        f"all desired running, at least {MIN_TASKS}",
        found,
        ok=ok,
        hint=(
            _why_stopped(reasons[0])
            if reasons and svc
            else f"create_service {tier.name!r} in cluster {CLUSTER!r} with desiredCount "
            f"{MIN_TASKS}, then rt.advance(minutes=2)"
        ),
    )


def healthy(
    aws: AccountReader,
    tier: Tier,
    svc: dict[str, Any] | None,
    tg: dict[str, Any] | None = None,
) -> Requirement:
    """Every live target of the tier's group is healthy, as many as the service wants
    (``tg``: the target group, when the caller has read it)."""
    health = acct.target_health(aws, tg or acct.target_group(aws, tier.target_group))
    live = [h for h in health if h["TargetHealth"]["State"] != "draining"]
    healthy = sum(h["TargetHealth"]["State"] == "healthy" for h in live)
    desired = int((svc or {}).get("desiredCount") or 0)
    shown = sorted(
        f"{h['TargetHealth']['State']}"
        + (f" ({h['TargetHealth']['Reason']})" if h["TargetHealth"].get("Reason") else "")
        for h in live
    )
    summary = ", ".join(f"{shown.count(s)} {s}" for s in sorted(set(shown)))
    return requirement(
        f"{tier.name} healthy targets",
        f"{desired or MIN_TASKS} healthy in {tier.target_group}",
        summary or None,
        ok=svc is not None and desired > 0 and healthy >= desired and healthy == len(live),
        hint=_unhealthy_hint(live, tier)
        if live
        else (
            f"the service's loadBalancers entry: {tier.target_group} -> container "
            f"{tier.name}:{tier.port}"
        ),
    )


def _service_requirements(aws: AccountReader, tier: Tier) -> Iterator[Requirement]:
    from ecs_learn.rules.finding import RuleContext

    svc = acct.service(aws, CLUSTER, tier.name)
    tg = acct.target_group(aws, tier.target_group)
    wired = bool(svc) and any(
        tg is not None
        and lb.get("targetGroupArn") == tg["TargetGroupArn"]
        and lb.get("containerName") == tier.name
        and lb.get("containerPort") == tier.port
        for lb in (svc or {}).get("loadBalancers") or []
    )
    yield requirement(
        f"{tier.name} service",
        f"FARGATE, {tier.family}, behind {tier.target_group}",
        f"{svc.get('launchType')}, {str(svc.get('taskDefinition')).rsplit('/', 1)[-1]}"
        + ("" if wired else ", not behind its target group")
        if svc
        else None,
        ok=svc is not None
        and svc.get("launchType") == "FARGATE"
        and f"/{tier.family}:" in str(svc.get("taskDefinition"))
        and wired,
        hint=f"create_service(cluster={CLUSTER!r}, serviceName={tier.name!r}, launchType="
        f"'FARGATE', loadBalancers=[{tier.target_group} -> {tier.name}:{tier.port}], ...)",
    )
    yield running(aws, tier, svc)
    yield healthy(aws, tier, svc, tg)
    tasks = acct.service_tasks(aws, CLUSTER, tier.name, "RUNNING")
    zones = sorted({str(t.get("availabilityZone")) for t in tasks if t.get("availabilityZone")})
    yield requirement(
        f"{tier.name} Availability Zones",
        "tasks in 2 AZs",
        zones or None,
        ok=len(zones) >= 2,
        hint="give the service subnets in two AZs (SUBNETS): ECS spreads its tasks over them",
    )
    breaker = ((svc or {}).get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker")
    yield requirement(
        f"{tier.name} circuit breaker",
        "enable True, rollback True",
        f"enable {breaker.get('enable')}, rollback {breaker.get('rollback')}"
        if breaker
        else (None if svc is None else "not set"),
        ok=isinstance(breaker, dict) and breaker.get("enable") is breaker.get("rollback") is True,
        hint="deploymentConfiguration={'deploymentCircuitBreaker': {'enable': True, "
        "'rollback': True}, ...}: a release whose tasks cannot start rolls back by itself",
    )
    if svc is not None:
        td = acct.task_definition(aws, str(svc.get("taskDefinition")))
        keys = ("serviceName", "taskDefinition", "desiredCount", "launchType", "loadBalancers")
        payload = {k: svc[k] for k in keys if k in svc}
        if svc.get("networkConfiguration"):
            payload["networkConfiguration"] = svc["networkConfiguration"]
        context = RuleContext(
            task_definition=td, target_groups={tg["TargetGroupArn"]: tg} if tg else None
        )
        errors = acct.aws_errors("service", payload, context)
        yield requirement(
            f"{tier.name}: {AWS_ACCEPTS}",
            "no error AWS would raise",
            errors or "no error AWS would raise",
            ok=not errors,
        )


def request(aws: AccountReader, tier: Tier, label: str) -> Requirement:
    routed = acct.route(aws, LOAD_BALANCER, tier.request_path)
    found = None if routed is None else f"{routed[0]} from {routed[1]}"
    return requirement(
        label,
        f"200 from {tier.target_group}",
        found,
        ok=routed == (200, tier.target_group),
        hint=(
            f"a request for {tier.request_path} reaches {routed[1]}: check the listener rule"
            if routed and routed[1] != tier.target_group
            else f"{tier.target_group} needs healthy targets (services exercise)"
        ),
    )


@check(
    "services",
    title="Services: web and api, 2 tasks each in 2 AZs, healthy behind the ALB",
    points={
        **each(
            {
                "service": 0.25,
                "tasks running": 0.75,
                "healthy targets": 0.5,
                "Availability Zones": 0.25,
                "circuit breaker": 0.25,
            }
        ),
        **{f"{t.name}: {AWS_ACCEPTS}": 0.25 for t in TIERS},
        f"request {WEB.request_path}": 0.25,
        f"request {API.request_path}": 0.25,
    },
    gates=tuple(f"{t.name}: {AWS_ACCEPTS}" for t in TIERS),
    hint=(
        "ecs.create_cluster(clusterName='bookshelf'); two Fargate services (web and api) with "
        "desiredCount 2, SUBNETS, their own security group, the target group for their "
        "container and port, and the circuit breaker with rollback; then rt.advance(minutes=2). "
        "A task that stops says why in stoppedReason."
    ),
    tags=("service", "alb", "fargate"),
    owns=Owns(services=tuple(Service(CLUSTER, t.name) for t in TIERS), clusters=(CLUSTER,)),
)
def services(aws: AccountReader) -> Iterator[Requirement]:
    for tier in TIERS:
        yield from _service_requirements(aws, tier)
    for tier in TIERS:
        yield request(aws, tier, f"request {tier.request_path}")
