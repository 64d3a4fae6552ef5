"""CloudWatch metric alarms, evaluated from the per-minute datapoints of :mod:`.metrics`.

Source: Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms" and "Evaluating an
alarm" (AlarmThatSendsEmail.html#alarm-evaluation): an alarm looks at its last
``EvaluationPeriods`` periods and goes to ALARM when ``DatapointsToAlarm`` of them (default:
all of them) breach the threshold by its ``ComparisonOperator``; otherwise OK. Missing data
follows ``TreatMissingData``: ``missing`` (default) evaluates the datapoints there are and
is INSUFFICIENT_DATA when there are none, ``breaching`` / ``notBreaching`` count a missing
period as breaching / not, ``ignore`` keeps the current state. A new alarm starts in
INSUFFICIENT_DATA.

Periods of 60 s multiples aggregate the minute datapoints with the alarm's statistic
(Average, Sum, Minimum, Maximum, SampleCount) and are evaluated when a period closes; a
20-second (high-resolution) period yields three equal datapoints per simulated minute (the
replay's resolution is one minute). Anomaly-detection and metric-math alarms are not
modelled (they stay INSUFFICIENT_DATA).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ALARM", "INSUFFICIENT", "OK", "AlarmSpec", "Evaluation", "evaluate"]

OK, ALARM, INSUFFICIENT = "OK", "ALARM", "INSUFFICIENT_DATA"
_COMPARE = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


@dataclass(frozen=True)
class AlarmSpec:
    """A metric alarm as ``describe_alarms`` gives it (the fields evaluation needs)."""

    name: str
    namespace: str
    metric_name: str
    threshold: float
    comparison: str = "GreaterThanThreshold"
    statistic: str = "Average"
    period: int = 60
    evaluation_periods: int = 1
    datapoints_to_alarm: int | None = None
    treat_missing: str = "missing"
    actions: tuple[str, ...] = ()
    dimensions: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.metric_name)

    @property
    def needed(self) -> int:
        return self.datapoints_to_alarm or self.evaluation_periods

    @classmethod
    def from_cloudwatch(cls, alarm: Mapping[str, Any]) -> AlarmSpec:
        """From a ``MetricAlarms`` item of describe_alarms (or put_metric_alarm kwargs)."""
        return cls(
            name=str(alarm["AlarmName"]),
            namespace=str(alarm.get("Namespace", "")),
            metric_name=str(alarm.get("MetricName", "")),
            threshold=float(alarm.get("Threshold", 0.0)),
            comparison=str(alarm.get("ComparisonOperator", "GreaterThanThreshold")),
            statistic=str(alarm.get("Statistic") or "Average"),
            period=int(alarm.get("Period") or 60),
            evaluation_periods=int(alarm.get("EvaluationPeriods") or 1),
            datapoints_to_alarm=(
                int(alarm["DatapointsToAlarm"]) if alarm.get("DatapointsToAlarm") else None
            ),
            treat_missing=str(alarm.get("TreatMissingData") or "missing"),
            actions=tuple(str(a) for a in alarm.get("AlarmActions") or ()),
            dimensions={
                str(d["Name"]): str(d["Value"])
                for d in alarm.get("Dimensions") or ()
                if "Name" in d
            },
        )

    def to_put_kwargs(self) -> dict[str, Any]:
        """The put_metric_alarm arguments that create this alarm."""
        kwargs: dict[str, Any] = {
            "AlarmName": self.name,
            "Namespace": self.namespace,
            "MetricName": self.metric_name,
            "Threshold": self.threshold,
            "ComparisonOperator": self.comparison,
            "Statistic": self.statistic,
            "Period": self.period,
            "EvaluationPeriods": self.evaluation_periods,
            "TreatMissingData": self.treat_missing,
            "AlarmActions": list(self.actions),
            "Dimensions": [{"Name": k, "Value": v} for k, v in self.dimensions.items()],
        }
        if self.datapoints_to_alarm:
            kwargs["DatapointsToAlarm"] = self.datapoints_to_alarm
        return kwargs


@dataclass(frozen=True)
class Evaluation:
    """One evaluation: the new state and the datapoints it looked at (oldest first)."""

    state: str
    datapoints: tuple[float, ...]
    reason: str


def _aggregate(values: Sequence[float | None], statistic: str) -> float | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if statistic == "Sum":
        return sum(present)
    if statistic == "Minimum":
        return min(present)
    if statistic == "Maximum":
        return max(present)
    if statistic == "SampleCount":
        return float(len(present))
    return sum(present) / len(present)


def _periods(spec: AlarmSpec, minutes: Sequence[float | None]) -> list[float | None]:
    if spec.period < 60:
        per_minute = max(1, 60 // max(1, spec.period))
        wanted = -(-spec.evaluation_periods // per_minute)
        points = [v for v in minutes[-wanted:] for _ in range(per_minute)]
        return points[-spec.evaluation_periods :]
    width = spec.period // 60
    points = []
    for k in range(spec.evaluation_periods, 0, -1):
        end = len(minutes) - (k - 1) * width
        start = end - width
        points.append(
            _aggregate(minutes[max(0, start) : max(0, end)], spec.statistic) if end > 0 else None
        )
    return points


def evaluate(spec: AlarmSpec, minutes: Sequence[float | None], current: str) -> Evaluation | None:
    """Evaluate ``spec`` after the newest minute of ``minutes`` (per-minute datapoints).

    Returns ``None`` when no period of the alarm closed with this minute.
    """
    if spec.period >= 60 and len(minutes) % (spec.period // 60) != 0:
        return None
    compare = _COMPARE.get(spec.comparison)
    if compare is None:
        return Evaluation(INSUFFICIENT, (), f"{spec.comparison} is not modelled")
    points = _periods(spec, minutes)
    present = tuple(p for p in points if p is not None)
    missing = len(points) - len(present)
    breaching = sum(1 for p in present if compare(p, spec.threshold))
    if missing and spec.treat_missing == "breaching":
        breaching += missing
    elif missing and spec.treat_missing == "ignore" and not present:
        return Evaluation(current, present, "missing data ignored")
    elif missing and spec.treat_missing != "notBreaching" and not present:
        return Evaluation(INSUFFICIENT, present, "no datapoints")
    state = ALARM if breaching >= spec.needed else OK
    shown = ", ".join(f"{p:g}" for p in present)
    verb = "was" if len(present) == 1 else "were"
    reason = (
        f"Threshold Crossed: {breaching} out of the last {len(points)} datapoints [{shown}] "
        f"{verb} {'' if state == ALARM else 'not '}{spec.comparison} ({spec.threshold:g})."
    )
    return Evaluation(state, present, reason)
