"""The simulator's input files: a policy file (JSON) and a load file (YAML/JSON/CSV).

A policy file holds what a learner would register, in the shapes boto3 takes::

    {
      "scalable_target": {"ResourceId": "service/lab/web", "MinCapacity": 1, "MaxCapacity": 10},
      "desired_count": 2,
      "policies": [ {PutScalingPolicy arguments}, ... ],
      "alarms": [ {PutMetricAlarm arguments: AlarmActions name a policy by name or ARN}, ... ],
      "scheduled_actions": [ {PutScheduledAction arguments}, ... ],
      "service": {"rps_per_task": 100, "task_startup_minutes": 2, ...}
    }

A bare PutScalingPolicy dict, or a list of them, is accepted too (a target of 1-10 tasks).
Problems are collected and raised together as :class:`SpecError`, naming the file and field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecs_learn.errors import EcsLearnError
from ecs_learn.runtime.scaling.engine import ScalingConfig
from ecs_learn.runtime.scaling.metrics import ServiceModel
from ecs_learn.runtime.scaling.schedule import ScheduleError

__all__ = ["PolicyFile", "SpecError", "parse_policy_file", "read_policy_file"]

_KEYS = ("scalable_target", "desired_count", "policies", "alarms", "scheduled_actions", "service")


class SpecError(EcsLearnError, ValueError):
    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {source}: {p}" for p in problems)
        super().__init__(f"the policy file {source} is not valid:\n{lines}")


@dataclass(frozen=True)
class PolicyFile:
    config: ScalingConfig
    desired: int


def parse_policy_file(data: Any, source: str = "<policy>") -> PolicyFile:
    if isinstance(data, list) or (isinstance(data, Mapping) and "PolicyName" in data):
        data = {"policies": data if isinstance(data, list) else [data]}
    if not isinstance(data, Mapping):
        raise SpecError(source, ["must be a JSON object (or a list of PutScalingPolicy objects)"])
    problems = [f"{k}: not a field ({', '.join(_KEYS)})" for k in data if k not in _KEYS]
    target = dict(data.get("scalable_target") or {"MinCapacity": 1, "MaxCapacity": 10})
    target.setdefault("ResourceId", "service/lab/web")
    for key in ("MinCapacity", "MaxCapacity"):
        if not isinstance(target.get(key), int) or target[key] < 0:
            problems.append(f"scalable_target.{key}: must be a whole number of 0 or more")
    lists: dict[str, list[Any]] = {}
    for key in ("policies", "alarms", "scheduled_actions"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            problems.append(f"{key}: must be a list of objects")
            value = []
        lists[key] = value
    for k, policy in enumerate(lists["policies"]):
        if "PolicyName" not in policy:
            problems.append(f"policies[{k}].PolicyName: missing")
        if policy.get("PolicyType", "StepScaling") not in ("TargetTrackingScaling", "StepScaling"):
            problems.append(
                f"policies[{k}].PolicyType: the simulator replays "
                "TargetTrackingScaling and StepScaling"
            )
    for k, alarm in enumerate(lists["alarms"]):
        for key in ("AlarmName", "MetricName", "Namespace", "Threshold", "ComparisonOperator"):
            if key not in alarm:
                problems.append(f"alarms[{k}].{key}: missing")
    model = ServiceModel()
    try:
        model = ServiceModel.from_dict(data.get("service"))
    except ValueError as exc:
        problems.extend(str(exc).split("; "))
    desired = data.get("desired_count", target.get("MinCapacity", 1))
    if not isinstance(desired, int) or desired < 0:
        problems.append("desired_count: must be a whole number of 0 or more")
        desired = 1
    if problems:
        raise SpecError(source, problems)
    try:
        config = ScalingConfig.build(
            target, lists["policies"], lists["alarms"], lists["scheduled_actions"], model
        )
    except ScheduleError as exc:
        raise SpecError(source, [f"scheduled_actions: {exc}"]) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise SpecError(source, [f"cannot read it: {type(exc).__name__}: {exc}"]) from None
    return PolicyFile(config, desired)


def read_policy_file(path: str | Path) -> PolicyFile:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(str(path), [f"cannot read it: {exc.strerror or exc}"]) from None
    except ValueError as exc:
        raise SpecError(str(path), [f"not valid JSON: {exc}"]) from None
    return parse_policy_file(data, str(path))
