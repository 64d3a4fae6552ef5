"""What CloudWatch would publish for the service, per minute, from the load and the tasks.

Sources:

* Amazon ECS Developer Guide, "Amazon ECS CloudWatch metrics" (cloudwatch-metrics.html):
  service ``CPUUtilization`` / ``MemoryUtilization`` in ``AWS/ECS`` with dimensions
  ``ClusterName`` and ``ServiceName`` are the CPU (memory) the service's running tasks use as
  a percentage of what they reserve — averaged over the tasks. Published every minute by
  default; with a 20-second ``monitoring`` configuration, every 20 seconds ("Faster auto
  scaling with high-resolution metrics", target-tracking-faster-auto-scaling.html).
* Elastic Load Balancing User Guide, "CloudWatch metrics for your Application Load Balancer"
  (load-balancer-cloudwatch-metrics.html): ``RequestCountPerTarget`` in
  ``AWS/ApplicationELB``, dimension ``TargetGroup``, is the request count of the target group
  divided by its healthy targets; its only valid statistic is ``Sum`` (per period).
* Application Auto Scaling User Guide, "Predefined metrics"
  (monitoring-cloudwatch / target-tracking-scaling-policy-overview.html) maps the predefined
  metric types onto those metrics: :data:`PREDEFINED`.

A task only counts once it is RUNNING (start-up delay, see :mod:`.engine`); a service with no
running task publishes no datapoint (the alarms see missing data).

The demand model (:class:`ServiceModel`) is ours, not AWS's: a task serves ``rps_per_task``
requests per second at 100% CPU on top of ``idle_cpu_percent``; memory is a base plus a part
per request per second. Utilization is capped at 100%.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

__all__ = [
    "ALB_REQUESTS",
    "CPU",
    "MEMORY",
    "PREDEFINED",
    "MetricRef",
    "ServiceModel",
    "publish",
]


@dataclass(frozen=True)
class MetricRef:
    """A CloudWatch metric of the service, with the statistic and period a policy reads."""

    namespace: str
    name: str
    statistic: str = "Average"
    period: int = 60


CPU = ("AWS/ECS", "CPUUtilization")
MEMORY = ("AWS/ECS", "MemoryUtilization")
ALB_REQUESTS = ("AWS/ApplicationELB", "RequestCountPerTarget")

PREDEFINED: Mapping[str, MetricRef] = {
    "ECSServiceAverageCPUUtilization": MetricRef(*CPU),
    "ECSServiceAverageMemoryUtilization": MetricRef(*MEMORY),
    "ALBRequestCountPerTarget": MetricRef(*ALB_REQUESTS, statistic="Sum"),
    "ECSServiceAverageCPUUtilizationHighResolution": MetricRef(*CPU, period=20),
    "ECSServiceAverageMemoryUtilizationHighResolution": MetricRef(*MEMORY, period=20),
}


@dataclass(frozen=True)
class ServiceModel:
    """How the service's tasks turn load into utilization (a model; see the module doc)."""

    rps_per_task: float = 100.0
    idle_cpu_percent: float = 5.0
    memory_base_percent: float = 30.0
    memory_per_rps_percent: float = 0.2
    task_startup_minutes: int = 2

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ServiceModel:
        """Build from a dict; unknown keys or bad values raise ``ValueError`` naming them."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        problems = [
            f"service.{k}: not a field ({', '.join(sorted(known))})" for k in data if k not in known
        ]
        values: dict[str, Any] = {}
        for key in known & set(data):
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                problems.append(f"service.{key}: must be a number of 0 or more, got {value!r}")
            else:
                values[key] = int(value) if key == "task_startup_minutes" else float(value)
        if values.get("rps_per_task", 1.0) <= 0:
            problems.append("service.rps_per_task: must be more than 0")
        if problems:
            raise ValueError("; ".join(problems))
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def publish(model: ServiceModel, rps: float, running: int) -> dict[tuple[str, str], float | None]:
    """The datapoints of one minute: ``{(namespace, metric): value}`` (``None``: no data)."""
    if running <= 0:
        return {CPU: None, MEMORY: None, ALB_REQUESTS: None}
    per_task = rps / running
    cpu = min(100.0, model.idle_cpu_percent + 100.0 * per_task / model.rps_per_task)
    memory = min(100.0, model.memory_base_percent + model.memory_per_rps_percent * per_task)
    return {
        CPU: round(cpu, 4),
        MEMORY: round(memory, 4),
        ALB_REQUESTS: round(per_task * 60.0, 4),
    }
