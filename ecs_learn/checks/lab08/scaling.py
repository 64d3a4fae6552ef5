"""Exercise 8 — auto scaling: each service tracks the requests per target of its own group."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import (
    API,
    AWS_ACCEPTS,
    LOAD_BALANCER,
    MIN_TASKS,
    SCALE_IN_COOLDOWN,
    SCALE_OUT_COOLDOWN,
    TIERS,
    WEB,
    Tier,
    each,
)
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Owns, check, requirement
from ecs_learn.checks.result import Requirement


def _resource_label(aws: AccountReader, tier: Tier) -> str | None:
    lb = acct.load_balancer(aws, LOAD_BALANCER)
    tg = acct.target_group(aws, tier.target_group)
    if lb is None or tg is None:
        return None
    lb_part = str(lb["LoadBalancerArn"]).split(":loadbalancer/", 1)[-1]
    return f"{lb_part}/{str(tg['TargetGroupArn']).split(':', 5)[-1]}"


def request_policy(aws: AccountReader, tier: Tier) -> dict[str, Any] | None:
    for policy in acct.scaling_policies(aws, tier.resource_id):
        spec = (policy.get("TargetTrackingScalingPolicyConfiguration") or {}).get(
            "PredefinedMetricSpecification"
        ) or {}
        if spec.get("PredefinedMetricType") == "ALBRequestCountPerTarget":
            return policy
    return None


def _scaling_requirements(aws: AccountReader, tier: Tier) -> Iterator[Requirement]:
    name = tier.name
    target = acct.scalable_target(aws, tier.resource_id)
    yield requirement(
        f"{name} scalable target",
        f"{MIN_TASKS} to {tier.max_tasks} tasks",
        f"{target.get('MinCapacity')} to {target.get('MaxCapacity')} tasks" if target else None,
        ok=target is not None
        and target.get("MinCapacity") == MIN_TASKS
        and target.get("MaxCapacity") == tier.max_tasks,
        hint=f"register_scalable_target(ServiceNamespace='ecs', ResourceId={tier.resource_id!r}, "
        f"ScalableDimension='ecs:service:DesiredCount', MinCapacity={MIN_TASKS}, "
        f"MaxCapacity={tier.max_tasks})",
    )
    policy = request_policy(aws, tier)
    others = [p["PolicyName"] for p in acct.scaling_policies(aws, tier.resource_id)]
    config = (policy or {}).get("TargetTrackingScalingPolicyConfiguration") or {}
    yield requirement(
        f"{name} request-count policy",
        f"target tracking on ALBRequestCountPerTarget, {tier.requests_per_target:g} a minute",
        f"{policy['PolicyName']}: {config.get('TargetValue')}"
        if policy
        else (f"other policies: {', '.join(others)}" if others else None),
        ok=bool(policy) and float(config.get("TargetValue") or 0) == tier.requests_per_target,
        hint=(
            "TargetValue is requests per target per minute: "
            f"{tier.requests_per_target / 60:g} a second is {tier.requests_per_target:g}"
            if policy
            else "put_scaling_policy(PolicyType='TargetTrackingScaling', "
            "PredefinedMetricType='ALBRequestCountPerTarget', ResourceLabel=...)"
        ),
    )
    label = (config.get("PredefinedMetricSpecification") or {}).get("ResourceLabel")
    wanted = _resource_label(aws, tier)
    other = API if tier is WEB else WEB
    yield requirement(
        f"{name} ResourceLabel",
        wanted or f"app/{LOAD_BALANCER}/<id>/targetgroup/{tier.target_group}/<id>",
        label,
        ok=wanted is not None and label == wanted,
        hint=(
            f"that label counts the requests of {other.target_group}: each service scales on "
            "its own target group"
            if label and f"/{other.target_group}/" in str(label)
            else "the ALB ARN after 'loadbalancer/', a '/', then the target group ARN after "
            "the account id and ':' (build it from the ARNs, do not type ids)"
        ),
    )
    yield requirement(
        f"{name} cooldowns",
        f"scale out after {SCALE_OUT_COOLDOWN} s or more, in after {SCALE_IN_COOLDOWN} s",
        f"out {config.get('ScaleOutCooldown')} s, in {config.get('ScaleInCooldown')} s"
        if policy
        else None,
        ok=SCALE_OUT_COOLDOWN <= int(config.get("ScaleOutCooldown") or 0) <= SCALE_IN_COOLDOWN
        and config.get("ScaleInCooldown") == SCALE_IN_COOLDOWN,
        hint=(
            f"a ScaleOutCooldown of {config.get('ScaleOutCooldown')} s ends before new tasks "
            "start and count, so the policy asks again and overshoots: "
            f"{SCALE_OUT_COOLDOWN} s"
            if int(config.get("ScaleOutCooldown") or SCALE_OUT_COOLDOWN) < SCALE_OUT_COOLDOWN
            else f"ScaleOutCooldown {SCALE_OUT_COOLDOWN} and ScaleInCooldown {SCALE_IN_COOLDOWN} "
            "(each defaults to 300 s for ECS)"
        ),
    )
    if policy is not None:
        errors = acct.aws_errors("scaling-policy", policy)
        yield requirement(
            f"{name} policy: {AWS_ACCEPTS}",
            "no error AWS would raise",
            errors or "no error AWS would raise",
            ok=not errors,
        )


@check(
    "auto-scaling",
    title="Auto scaling: each service tracks the requests per target of its own target group",
    points=each(
        {
            "scalable target": 0.5,
            "request-count policy": 0.5,
            "ResourceLabel": 0.5,
            "cooldowns": 0.25,
            f"policy: {AWS_ACCEPTS}": 0.25,
        }
    ),
    gates=tuple(f"{t.name} policy: {AWS_ACCEPTS}" for t in TIERS),
    hint=(
        "For each service: register_scalable_target (2 to 10 for web, 2 to 6 for api) and a "
        "TargetTrackingScaling policy on ALBRequestCountPerTarget (1200 a minute for web, 600 "
        "for api) whose ResourceLabel names the ALB and the service's own target group; "
        f"ScaleOutCooldown {SCALE_OUT_COOLDOWN}, ScaleInCooldown {SCALE_IN_COOLDOWN}."
    ),
    tags=("target-tracking", "metrics", "application-auto-scaling"),
    owns=Owns(scalable_targets=tuple(t.resource_id for t in TIERS)),  # and their policies
)
def auto_scaling(aws: AccountReader) -> Iterator[Requirement]:
    for tier in TIERS:
        yield from _scaling_requirements(aws, tier)
