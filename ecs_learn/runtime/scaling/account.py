"""The account adapter: the pure engine driven by what the learner registered, each minute.

The runtime's clock (``Runtime.advance``) calls :meth:`ScalingEngine.prepare` once per advance:
it reads the account through the AWS APIs (``describe_scalable_targets``,
``describe_scaling_policies``, ``describe_scheduled_actions``, ``cloudwatch.describe_alarms``,
``ecs.describe_services``) into a :class:`Prepared` run — policies, alarms and scheduled actions
do not change while the clock moves. :meth:`Prepared.minute` then runs
:func:`~ecs_learn.runtime.scaling.engine.advance` for every ECS scalable target and writes the
service's ``desiredCount`` (``ecs.update_service``) only when it changes; :meth:`Prepared.finish`
writes the rest once: Min/MaxCapacity changed by scheduled actions
(``register_scalable_target``), alarm states that changed (``cloudwatch.set_alarm_state``) and
the scaling activities (readable with ``describe_scaling_activities``, which the sandbox adds to
moto). :meth:`ScalingEngine.step` is all three for one minute. All calls are internal (no hook
sees them). The offered load comes from ``load_at(resource_id, now)`` (requests/s), since
nothing in the account says how busy a service is.

The engine keeps, per scalable target, the metric history and cooldowns between runs; a
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

__all__ = ["LoadAt", "Prepared", "ScalingEngine"]

LoadAt = Callable[[str, dt.datetime], float]


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    return [
        item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]
    ]


class _Target:
    """One ECS scalable target for the length of a :class:`Prepared` run."""

    def __init__(
        self,
        rid: str,
        config: ScalingConfig,
        state: ScalingState,
        desired: int,
    ) -> None:
        parts = rid.split("/")
        self.rid = rid
        self.cluster, self.service = parts[1], parts[2]
        self.config = config
        self.state = state
        self.written = desired  # the desiredCount the account holds
        self.first_activity = len(state.activities)


class Prepared:
    """The account's scaling configuration, read once, ready to run minute after minute.

    Policies, alarms and scheduled actions do not change while the clock moves, so they are read
    once (:meth:`ScalingEngine.prepare`); :meth:`minute` runs the pure engine and writes only a
    changed ``desiredCount``; :meth:`finish` writes the rest once (alarm states that changed,
    Min/MaxCapacity set by scheduled actions, the scaling activities).
    """

    def __init__(
        self, clients: Any, targets: list[_Target], alarm_states: Mapping[str, str]
    ) -> None:
        self.clients = clients
        self.targets = targets
        self.alarm_states = dict(alarm_states)
        self.changed: list[str] = []

    def minute(self, now: dt.datetime, load_at: LoadAt | float) -> dict[str, MinuteRecord]:
        """One simulated minute for every target; a changed desired count is written at once.

        Returns every target's record; :attr:`changed` names the targets whose desired count
        changed in this minute (the caller lets the scheduler start or stop their tasks).
        """
        from ecs_learn.sandbox.botocore_layer import internal

        records: dict[str, MinuteRecord] = {}
        self.changed = []
        for target in self.targets:
            rps = load_at(target.rid, now) if callable(load_at) else float(load_at)
            record = advance(target.config, target.state, rps, now)
            records[target.rid] = record
            if record.desired != target.written:
                with internal():
                    self.clients.client("ecs").update_service(
                        cluster=target.cluster, service=target.service, desiredCount=record.desired
                    )
                target.written = record.desired
                self.changed.append(target.rid)
        return records

    def finish(self, now: dt.datetime) -> list[dict[str, Any]]:
        """Write what AWS would show after the run; returns the new scaling activities."""
        from ecs_learn.sandbox import moto_ext_scaling
        from ecs_learn.sandbox.botocore_layer import internal

        activities: list[dict[str, Any]] = []
        with internal():
            aas = self.clients.client("application-autoscaling")
            cloudwatch = self.clients.client("cloudwatch")
            for target in self.targets:
                state, wanted = target.state, target.config.target
                low = wanted.min_capacity if state.min_capacity is None else state.min_capacity
                high = wanted.max_capacity if state.max_capacity is None else state.max_capacity
                if (low, high) != (wanted.min_capacity, wanted.max_capacity):
                    aas.register_scalable_target(
                        ServiceNamespace="ecs",
                        ResourceId=target.rid,
                        ScalableDimension="ecs:service:DesiredCount",
                        MinCapacity=low,
                        MaxCapacity=high,
                    )
                state.min_capacity = state.max_capacity = None  # the account holds them now
                for name, value in sorted(state.alarm_states.items()):
                    if name in self.alarm_states and self.alarm_states[name] != value:
                        cloudwatch.set_alarm_state(
                            AlarmName=name,
                            StateValue=value,
                            StateReason=f"ecs-learn scaling runtime at {now.isoformat()}",
                        )
                        self.alarm_states[name] = value
                activities.extend(a.to_aas() for a in state.activities[target.first_activity :])
                target.first_activity = len(state.activities)
            moto_ext_scaling.record_activities(
                getattr(self.clients, "endpoint_url", None), activities
            )
        return activities


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

    def prepare(self, clients: Any, now: dt.datetime) -> Prepared | None:
        """Read the account's scaling configuration once (``None``: no ECS scalable target)."""
        from ecs_learn.sandbox.botocore_layer import internal

        with internal():
            aas = clients.client("application-autoscaling")
            targets = _pages(
                aas, "describe_scalable_targets", "ScalableTargets", ServiceNamespace="ecs"
            )
            targets = [
                t
                for t in targets
                if t.get("ScalableDimension") == "ecs:service:DesiredCount"
                and len(str(t["ResourceId"]).split("/")) == 3
            ]
            if not targets:
                return None
            ecs = clients.client("ecs")
            policies = _pages(
                aas, "describe_scaling_policies", "ScalingPolicies", ServiceNamespace="ecs"
            )
            scheduled = _pages(
                aas, "describe_scheduled_actions", "ScheduledActions", ServiceNamespace="ecs"
            )
            alarms = _pages(clients.client("cloudwatch"), "describe_alarms", "MetricAlarms")
            by_cluster: dict[str, list[str]] = {}
            for target in targets:
                _, cluster, name = str(target["ResourceId"]).split("/")
                by_cluster.setdefault(cluster, []).append(name)
            services: dict[str, dict[str, Any]] = {}
            for cluster, names in sorted(by_cluster.items()):
                for k in range(0, len(names), 10):
                    found = ecs.describe_services(cluster=cluster, services=names[k : k + 10])
                    for item in found["services"]:
                        services[f"service/{cluster}/{item['serviceName']}"] = item
        prepared: list[_Target] = []
        for target in sorted(targets, key=lambda t: str(t["ResourceId"])):
            rid = str(target["ResourceId"])
            service = services.get(rid)
            if service is None or service.get("status") != "ACTIVE":
                continue
            model = self.models.get(rid, self.model)
            mine = [p for p in policies if p.get("ResourceId") == rid]
            arns = [str(p["PolicyARN"]) for p in mine]
            watching = [
                a
                for a in alarms
                if any(str(x).startswith(arn) for x in a.get("AlarmActions") or [] for arn in arns)
            ]
            config = ScalingConfig.build(
                target,
                mine,
                watching,
                [s for s in scheduled if s.get("ResourceId") == rid],
                model,
            )
            state = self._state(rid, service, now, model)
            prepared.append(_Target(rid, config, state, int(service.get("desiredCount", 0))))
        if not prepared:
            return None
        return Prepared(clients, prepared, {a["AlarmName"]: a["StateValue"] for a in alarms})

    def step(
        self, clients: Any, now: dt.datetime, load_at: LoadAt | float
    ) -> dict[str, MinuteRecord]:
        """Advance every ECS scalable target by one minute at ``now``; returns its records.

        Reads the whole configuration for the one minute; to run many minutes, use
        :meth:`prepare` once and :meth:`Prepared.minute` for each.
        """
        prepared = self.prepare(clients, now)
        if prepared is None:
            return {}
        records = prepared.minute(now, load_at)
        prepared.finish(now)
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
