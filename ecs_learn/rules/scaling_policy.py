"""Rules for Application Auto Scaling PutScalingPolicy kwargs (ECS services)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import _aas, sources
from ecs_learn.rules._util import as_int, as_mapping, as_number, dicts, join
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.kinds import Fact

__all__ = ["RULES"]

_sp = partial(rule, kind="scaling-policy", error_code="ValidationException", source=sources.AAS_API)

ECS_METRICS = (
    "ECSServiceAverageCPUUtilization",
    "ECSServiceAverageMemoryUtilization",
    "ALBRequestCountPerTarget",
    "ECSServiceAverageCPUUtilizationHighResolution",
    "ECSServiceAverageMemoryUtilizationHighResolution",
)
_LABEL = re.compile(r"app/[A-Za-z0-9-]{1,32}/[0-9a-f]+/targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]+")
_TT = "TargetTrackingScalingPolicyConfiguration"
_STEP = "StepScalingPolicyConfiguration"
_CONFIG_FOR = {
    "TargetTrackingScaling": _TT,
    "StepScaling": _STEP,
    "PredictiveScaling": "PredictiveScalingPolicyConfiguration",
}


def _metric(p: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    tt = as_mapping(p.get(_TT))
    spec = as_mapping(tt.get("PredefinedMetricSpecification")) if tt else None
    if spec is None:
        return None
    return join(_TT, "PredefinedMetricSpecification"), spec


@_sp(
    "AAS010",
    summary="the scalable target must be registered before a policy",
    needs={Fact.SCALABLE_TARGETS},
    error_code="ObjectNotFoundException",
)
def target_registered(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if ctx.scalable_targets is None:
        return
    key = _aas.target_key(p)
    if key is not None and key not in ctx.scalable_targets:
        yield Violation(
            "ResourceId",
            f"No scalable target is registered for {p.get('ResourceId')!r}. "
            "Call register_scalable_target first (with Min/MaxCapacity).",
        )


@_sp(
    "AAS011",
    summary="ECS policies use ResourceId service/<cluster>/<service> and dimension "
    "ecs:service:DesiredCount",
    moto_enforces=False,
)
def resource_id(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _aas.resource_id_and_dimension(p)


@_sp(
    "AAS012",
    summary="predefined metric types must be ones ECS supports",
    source=sources.AAS_TARGET_TRACKING,
)
def ecs_metric(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    found = _metric(p)
    if not _aas.is_ecs(p) or found is None:
        return
    base, spec = found
    kind = spec.get("PredefinedMetricType")
    if kind not in ECS_METRICS:
        yield Violation(
            join(base, "PredefinedMetricType") if "PredefinedMetricType" in spec else base,
            f"{kind!r} is not a metric for ECS services. Use one of {', '.join(ECS_METRICS[:3])}.",
        )


@_sp(
    "AAS013",
    summary="ALBRequestCountPerTarget needs ResourceLabel "
    "app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>",
    source=sources.AAS_TARGET_TRACKING,
)
def resource_label(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    found = _metric(p)
    if found is None:
        return
    base, spec = found
    if spec.get("PredefinedMetricType") != "ALBRequestCountPerTarget":
        return
    label = spec.get("ResourceLabel")
    if "ResourceLabel" not in spec:
        yield Violation(
            base,
            "ALBRequestCountPerTarget needs a ResourceLabel naming the load "
            "balancer and target group: "
            "'app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>' (the ends of "
            "their ARNs).",
        )
    elif not isinstance(label, str) or len(label) > 1023 or not _LABEL.fullmatch(label):
        yield Violation(
            join(base, "ResourceLabel"),
            f"ResourceLabel {label!r} is not 'app/<lb-name>/<lb-id>/targetgroup/"
            "<tg-name>/<tg-id>'. Take the part after 'loadbalancer/' of the load balancer "
            "ARN, then '/', then the part from 'targetgroup/' of the target group ARN.",
        )


@_sp(
    "AAS014",
    summary="PolicyType is known and comes with its matching configuration; TargetValue "
    "is required and positive",
)
def policy_config(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    kind = p.get("PolicyType", "StepScaling")
    if not isinstance(kind, str) or kind not in _CONFIG_FOR:
        yield Violation(
            "PolicyType", f"PolicyType must be one of {', '.join(_CONFIG_FOR)}, not {kind!r}."
        )
        return
    for other_kind, key in _CONFIG_FOR.items():
        if other_kind != kind and key in p:
            yield Violation(key, f"{key} does not go with PolicyType {kind!r}.")
    if kind == "TargetTrackingScaling":
        tt = as_mapping(p.get(_TT))
        if tt is None:
            yield Violation("", f"A target tracking policy needs {_TT}.")
        elif "TargetValue" not in tt:
            yield Violation(
                _TT, "A target tracking policy needs a TargetValue (e.g. 50 for 50% CPU)."
            )
        else:
            value = as_number(tt["TargetValue"])
            if value is None or value <= 0 or math.isinf(value):
                yield Violation(
                    join(_TT, "TargetValue"),
                    f"TargetValue {tt['TargetValue']!r} must be a positive number.",
                )


def _bound(value: Any) -> float | None:
    return as_number(value)


@_sp(
    "AAS015",
    summary="step scaling: AdjustmentType is known; step adjustments exist and neither "
    "overlap nor leave gaps",
)
def step_adjustments(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    config = as_mapping(p.get(_STEP))
    if config is None:
        return
    if "AdjustmentType" in config and config["AdjustmentType"] not in (
        "ChangeInCapacity",
        "PercentChangeInCapacity",
        "ExactCapacity",
    ):
        yield Violation(
            join(_STEP, "AdjustmentType"),
            f"AdjustmentType must be ChangeInCapacity, PercentChangeInCapacity or "
            f"ExactCapacity, not {config['AdjustmentType']!r}.",
        )
    steps = list(dicts(config.get("StepAdjustments")))
    base = join(_STEP, "StepAdjustments")
    if not steps:
        yield Violation(
            base if "StepAdjustments" in config else _STEP,
            "A step scaling policy needs at least one step adjustment.",
        )
        return
    for k, step in steps:
        if (
            config.get("AdjustmentType") == "ExactCapacity"
            and (as_int(step.get("ScalingAdjustment")) or 0) < 0
        ):
            yield Violation(
                join(base, k, "ScalingAdjustment"),
                "With ExactCapacity, ScalingAdjustment is the new task count and cannot "
                "be negative.",
            )
    yield from _intervals(base, steps)


def _intervals(base: str, steps: list[tuple[int, Mapping[str, Any]]]) -> Iterator[Violation]:
    spans: list[tuple[float, float, int]] = []
    for k, step in steps:
        low = _bound(step.get("MetricIntervalLowerBound"))
        high = _bound(step.get("MetricIntervalUpperBound"))
        lower = -math.inf if low is None else low
        upper = math.inf if high is None else high
        if low is None and high is None:
            yield Violation(
                join(base, k),
                f"Step {k} has neither a lower nor an upper bound. Only one "
                "of them may be left out.",
            )
            return
        if lower >= upper:
            yield Violation(
                join(base, k), f"Step {k}'s upper bound must be greater than its lower bound."
            )
            return
        spans.append((lower, upper, k))
    spans.sort()
    for (_, upper, k), (lower, _, k2) in itertools.pairwise(spans):
        if lower < upper:
            yield Violation(
                join(base, k2),
                f"Steps {k} and {k2} overlap. Make each step start where the previous one ends.",
            )
        elif lower > upper:
            yield Violation(
                join(base, k2),
                f"There is a gap between steps {k} and {k2} (from {upper} "
                f"to {lower}). Make each step start where the previous "
                "one ends.",
            )
    if spans[0][0] < 0 and spans[0][0] != -math.inf:
        yield Violation(
            join(base, spans[0][2]),
            "A step with a negative lower bound needs another step below it with no lower bound.",
        )
    if spans[-1][1] > 0 and spans[-1][1] != math.inf:
        yield Violation(
            join(base, spans[-1][2]),
            "A step with a positive upper bound needs another step above it with no upper bound.",
        )


RULES = (
    target_registered,
    resource_id,
    ecs_metric,
    resource_label,
    policy_config,
    step_adjustments,
)
