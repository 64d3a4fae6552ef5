"""Target tracking and step scaling policies: the capacity each one asks for.

Sources (Application Auto Scaling User Guide and API reference):

* Target tracking — "How target tracking scaling for Application Auto Scaling works"
  (target-tracking-scaling-policy-overview.html), API_TargetTrackingScalingPolicyConfiguration,
  and the ECS guide "Use a target metric to scale Amazon ECS services"
  (service-autoscaling-targettracking.html): AAS creates and manages two alarms per policy,
  ``TargetTracking-<ResourceId>-AlarmHigh-<uuid>`` (scale out) and ``...-AlarmLow-<uuid>``
  (scale in, only when DisableScaleIn is false); it "scales out proportionally to the metric as
  fast as it can, but scales in more gradually", rounding conservatively ("rounding up or
  down ... prevents it from adding insufficient capacity or removing too much capacity").
  ScaleOutCooldown / ScaleInCooldown default to 300 s for ECS.

  What AWS does not publish and is modelled here (say so when you teach it): the new capacity
  is ``ceil(current x metric / target)`` (rounded up both ways: enough capacity out, as little
  as possible in); AlarmHigh is ``metric > target`` for 3 of 3 one-minute datapoints and
  AlarmLow ``metric < 0.9 x target`` for 15 of 15 (the alarms moto and AWS consoles show,
  and the "about 10% below target" the guide mentions for scale-in). With a high-resolution
  (20-second) metric the AlarmHigh period is 20 s (3 of 3 datapoints: one minute).
* Step scaling — "Step scaling policies for Application Auto Scaling"
  (application-auto-scaling-step-scaling-policies.html) and
  API_StepScalingPolicyConfiguration / API_StepAdjustment: bounds are offsets from the alarm
  threshold; above it the lower bound is inclusive and the upper exclusive, below it the
  reverse; a null lower bound is -infinity and a null upper bound +infinity.
  ``PercentChangeInCapacity``: a result above 1 is rounded down, between 0 and 1 to 1,
  between -1 and 0 to -1, below -1 up (toward 0); ``MinAdjustmentMagnitude`` is the least
  number of tasks a percent step changes. ``ExactCapacity`` sets the count. ``Cooldown``
  defaults to 300 s. ``MetricAggregationType`` (Average, Minimum, Maximum; default Average)
  aggregates the datapoints the alarm evaluated.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecs_learn.runtime.scaling.alarms import AlarmSpec
from ecs_learn.runtime.scaling.metrics import PREDEFINED, MetricRef

__all__ = [
    "DEFAULT_COOLDOWN",
    "SCALE_IN_FACTOR",
    "Policy",
    "StepAdjustment",
    "StepScaling",
    "TargetTracking",
    "parse_policy",
    "percent_change",
    "tracking_capacity",
]

DEFAULT_COOLDOWN = 300
SCALE_IN_FACTOR = 0.9
HIGH_DATAPOINTS = 3
LOW_DATAPOINTS = 15
_EPSILON = 1e-9


def tracking_capacity(current: int, metric: float, target: float) -> int:
    """``ceil(current x metric / target)``: the capacity that brings the metric to target."""
    return max(0, math.ceil(current * metric / target - _EPSILON))


def percent_change(current: int, percent: float, min_magnitude: int | None = None) -> int:
    """The change in tasks a PercentChangeInCapacity step makes, rounded as AWS documents."""
    raw = current * percent / 100.0
    if raw > 1:
        change = math.floor(raw)
    elif raw > 0:
        change = 1
    elif raw == 0:
        change = 0
    elif raw >= -1:
        change = -1
    else:
        change = math.ceil(raw)
    if min_magnitude and 0 < abs(change) < min_magnitude:
        change = min_magnitude if change > 0 else -min_magnitude
    return change


@dataclass(frozen=True)
class TargetTracking:
    name: str
    arn: str
    target: float
    metric: MetricRef
    metric_type: str
    resource_id: str
    scale_out_cooldown: int = DEFAULT_COOLDOWN
    scale_in_cooldown: int = DEFAULT_COOLDOWN
    disable_scale_in: bool = False
    dimensions: Mapping[str, str] | None = None

    def alarms(self, suffix: str | None = None) -> tuple[AlarmSpec, AlarmSpec | None]:
        """The AlarmHigh and AlarmLow AWS creates (AlarmLow is None with DisableScaleIn)."""
        token = suffix or str(uuid.uuid5(uuid.NAMESPACE_URL, self.arn or self.name))
        dims = dict(self.dimensions or {})
        high = AlarmSpec(
            name=f"TargetTracking-{self.resource_id}-AlarmHigh-{token}",
            namespace=self.metric.namespace,
            metric_name=self.metric.name,
            threshold=self.target,
            comparison="GreaterThanThreshold",
            statistic=self.metric.statistic,
            period=self.metric.period,
            evaluation_periods=HIGH_DATAPOINTS,
            datapoints_to_alarm=HIGH_DATAPOINTS,
            actions=(self.arn,),
            dimensions=dims,
        )
        if self.disable_scale_in:
            return high, None
        low = AlarmSpec(
            name=f"TargetTracking-{self.resource_id}-AlarmLow-{token}",
            namespace=self.metric.namespace,
            metric_name=self.metric.name,
            threshold=round(self.target * SCALE_IN_FACTOR, 6),
            comparison="LessThanThreshold",
            statistic=self.metric.statistic,
            period=60,
            evaluation_periods=LOW_DATAPOINTS,
            datapoints_to_alarm=LOW_DATAPOINTS,
            actions=(self.arn,),
            dimensions=dims,
        )
        return high, low


@dataclass(frozen=True)
class StepAdjustment:
    lower: float | None
    upper: float | None
    adjustment: int

    def contains(self, breach: float) -> bool:
        low = -math.inf if self.lower is None else self.lower
        high = math.inf if self.upper is None else self.upper
        if breach >= 0:
            return low <= breach < high
        return low < breach <= high


@dataclass(frozen=True)
class StepScaling:
    name: str
    arn: str
    adjustment_type: str
    steps: tuple[StepAdjustment, ...]
    min_adjustment_magnitude: int | None = None
    cooldown: int = DEFAULT_COOLDOWN
    aggregation: str = "Average"

    def step_for(self, breach: float) -> StepAdjustment | None:
        return next((s for s in self.steps if s.contains(breach)), None)

    def capacity(self, current: int, breach: float) -> int | None:
        """The capacity this policy asks for at ``breach`` (metric minus threshold)."""
        step = self.step_for(breach)
        if step is None:
            return None
        if self.adjustment_type == "ExactCapacity":
            return step.adjustment
        if self.adjustment_type == "PercentChangeInCapacity":
            return current + percent_change(current, step.adjustment, self.min_adjustment_magnitude)
        return current + step.adjustment


Policy = TargetTracking | StepScaling


def _dimensions_for(metric_type: str, spec: Mapping[str, Any], resource_id: str) -> dict[str, str]:
    if metric_type == "ALBRequestCountPerTarget":
        label = str(spec.get("ResourceLabel") or "")
        tg = label.split("/targetgroup/", 1)
        return {"TargetGroup": f"targetgroup/{tg[1]}"} if len(tg) == 2 else {}
    parts = resource_id.split("/")
    if len(parts) == 3:
        return {"ClusterName": parts[1], "ServiceName": parts[2]}
    return {}


def parse_policy(policy: Mapping[str, Any]) -> Policy | None:
    """A policy from a describe_scaling_policies item (or PutScalingPolicy kwargs).

    Returns ``None`` for policies that are not modelled (predictive scaling).
    """
    name = str(policy.get("PolicyName", ""))
    arn = str(policy.get("PolicyARN") or f"policy:{name}")
    resource_id = str(policy.get("ResourceId", "service/cluster/service"))
    kind = policy.get("PolicyType", "StepScaling")
    if kind == "TargetTrackingScaling":
        config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
        predefined = config.get("PredefinedMetricSpecification")
        custom = config.get("CustomizedMetricSpecification")
        if predefined:
            metric_type = str(predefined.get("PredefinedMetricType"))
            metric = PREDEFINED.get(metric_type, MetricRef("", metric_type))
            dims = _dimensions_for(metric_type, predefined, resource_id)
        elif custom:
            metric_type = "Customized"
            metric = MetricRef(
                str(custom.get("Namespace", "")),
                str(custom.get("MetricName", "")),
                str(custom.get("Statistic") or "Average"),
            )
            dims = {str(d["Name"]): str(d["Value"]) for d in custom.get("Dimensions") or ()}
        else:
            return None
        return TargetTracking(
            name=name,
            arn=arn,
            target=float(config.get("TargetValue", 0.0)),
            metric=metric,
            metric_type=metric_type,
            resource_id=resource_id,
            scale_out_cooldown=int(config.get("ScaleOutCooldown", DEFAULT_COOLDOWN)),
            scale_in_cooldown=int(config.get("ScaleInCooldown", DEFAULT_COOLDOWN)),
            disable_scale_in=bool(config.get("DisableScaleIn", False)),
            dimensions=dims,
        )
    if kind == "StepScaling":
        config = policy.get("StepScalingPolicyConfiguration") or {}
        steps = tuple(
            StepAdjustment(
                None
                if s.get("MetricIntervalLowerBound") is None
                else float(s["MetricIntervalLowerBound"]),
                None
                if s.get("MetricIntervalUpperBound") is None
                else float(s["MetricIntervalUpperBound"]),
                int(s.get("ScalingAdjustment", 0)),
            )
            for s in config.get("StepAdjustments") or ()
        )
        magnitude = config.get("MinAdjustmentMagnitude")
        return StepScaling(
            name=name,
            arn=arn,
            adjustment_type=str(config.get("AdjustmentType", "ChangeInCapacity")),
            steps=steps,
            min_adjustment_magnitude=int(magnitude) if magnitude else None,
            cooldown=int(config.get("Cooldown", DEFAULT_COOLDOWN)),
            aggregation=str(config.get("MetricAggregationType") or "Average"),
        )
    return None
