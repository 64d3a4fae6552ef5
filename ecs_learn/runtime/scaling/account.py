"""The account adapter: the pure engine driven by what the learner registered, each minute.

The runtime's clock calls :meth:`ScalingEngine.step` once per simulated minute. Each step reads
the account through the AWS APIs (``describe_scalable_targets``, ``describe_scaling_policies``,
``describe_scheduled_actions``, ``cloudwatch.describe_alarms``, ``ecs.describe_services``),
runs :func:`~ecs_learn.runtime.scaling.engine.advance` for every ECS scalable target, and writes
back what AWS would: the service's ``desiredCount`` (``ecs.update_service``), Min/MaxCapacity
changed by scheduled actions (``register_scalable_target``), alarm states
(``cloudwatch.set_alarm_state``), and the scaling activities (readable with
``describe_scaling_activities``, which the sandbox adds to moto). All calls are internal (no
hook sees them). The offered load comes from ``load_at(resource_id, now)`` (requests/s), since
nothing in the account says how busy a service is.

The engine keeps, per scalable target, the metric history and cooldowns between steps; a
desired count changed by someone else (the learner's ``update_service``) is taken as it is.
Tasks start after the model's start-up delay unless ``running_from_account`` is set, when the
service's ``runningCount`` (kept by the runtime's scheduler) is used instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from ecs_learn.runtime.scaling.engine import ScalingConfig, ScalingState, advance
from ecs_learn.runtime.scaling.metrics import ServiceModel
from ecs_learn.runtime.scaling.timeline import MinuteRecord

__all__ = ["LoadAt", "ScalingEngine"]

LoadAt = Callable[[str, dt.datetime], float]


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    return [
        item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]
    ]


class ScalingEngine:
    """Application Auto Scaling acting on the account, one simulated minute per :meth:`step`."""

    def __init__(
        self,
        model: ServiceModel | None = None,
        models: Mapping[str, ServiceModel] | None = None,
        *,
        running_from_account: bool = False,
    ) -> None:
        self.model = model or ServiceModel()
        self.models = dict(models or {})
        self.running_from_account = running_from_account
        self.states: dict[str, ScalingState] = {}

    def step(
        self, clients: Any, now: dt.datetime, load_at: LoadAt | float
    ) -> dict[str, MinuteRecord]:
        """Advance every ECS scalable target by one minute at ``now``; returns its records."""
        from ecs_learn.sandbox import moto_ext_scaling
        from ecs_learn.sandbox.botocore_layer import internal

        records: dict[str, MinuteRecord] = {}
        with internal():
            aas = clients.client("application-autoscaling")
            cloudwatch = clients.client("cloudwatch")
            ecs = clients.client("ecs")
            targets = _pages(
                aas, "describe_scalable_targets", "ScalableTargets", ServiceNamespace="ecs"
            )
            if not targets:
                return records
            policies = _pages(
                aas, "describe_scaling_policies", "ScalingPolicies", ServiceNamespace="ecs"
            )
            scheduled = _pages(
                aas, "describe_scheduled_actions", "ScheduledActions", ServiceNamespace="ecs"
            )
            alarms = _pages(cloudwatch, "describe_alarms", "MetricAlarms")
            activities: list[dict[str, Any]] = []
            for target in targets:
                rid = str(target["ResourceId"])
                parts = rid.split("/")
                if target.get("ScalableDimension") != "ecs:service:DesiredCount" or len(parts) != 3:
                    continue
                services = ecs.describe_services(cluster=parts[1], services=[parts[2]])["services"]
                if not services or services[0].get("status") != "ACTIVE":
                    continue
                service = services[0]
                model = self.models.get(rid, self.model)
                mine = [p for p in policies if p.get("ResourceId") == rid]
                arns = [str(p["PolicyARN"]) for p in mine]
                watching = [
                    a
                    for a in alarms
                    if any(
                        str(x).startswith(arn) for x in a.get("AlarmActions") or [] for arn in arns
                    )
                ]
                config = ScalingConfig.build(
                    target,
                    mine,
                    watching,
                    [s for s in scheduled if s.get("ResourceId") == rid],
                    model,
                )
                state = self._state(rid, service, now, model)
                before_alarms = dict(state.alarm_states)
                before_activities = len(state.activities)
                rps = load_at(rid, now) if callable(load_at) else float(load_at)
                record = advance(config, state, rps, now)
                records[rid] = record
                if (record.min_capacity, record.max_capacity) != (
                    config.target.min_capacity,
                    config.target.max_capacity,
                ):
                    aas.register_scalable_target(
                        ServiceNamespace="ecs",
                        ResourceId=rid,
                        ScalableDimension="ecs:service:DesiredCount",
                        MinCapacity=record.min_capacity,
                        MaxCapacity=record.max_capacity,
                    )
                if record.desired != int(service.get("desiredCount", 0)):
                    ecs.update_service(
                        cluster=parts[1], service=parts[2], desiredCount=record.desired
                    )
                for name, value in record.alarms.items():
                    if before_alarms.get(name) != value:
                        cloudwatch.set_alarm_state(
                            AlarmName=name,
                            StateValue=value,
                            StateReason=f"ecs-learn scaling runtime at {now.isoformat()}",
                        )
                activities.extend(a.to_aas() for a in state.activities[before_activities:])
            moto_ext_scaling.record_activities(getattr(clients, "endpoint_url", None), activities)
        return records

    def _state(
        self, rid: str, service: Mapping[str, Any], now: dt.datetime, model: ServiceModel
    ) -> ScalingState:
        desired = int(service.get("desiredCount", 0))
        running = int(service.get("runningCount", desired)) if self.running_from_account else None
        state = self.states.get(rid)
        if state is None:
            state = ScalingState.initial(desired, now, running)
            self.states[rid] = state
        elif state.desired != desired:
            state.set_desired(desired, model.task_startup_minutes)
        if self.running_from_account and running is not None:
            up = min(running, desired)
            state.ready_at = [-1] * up + [state.minute + 1] * (desired - up)
        state.min_capacity = state.max_capacity = None  # the account holds Min/MaxCapacity
        return state
