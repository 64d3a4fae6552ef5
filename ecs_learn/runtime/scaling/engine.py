"""The pure scaling engine: one simulated minute at a time, no AWS calls.

:func:`advance` moves a :class:`ScalingState` one minute under a :class:`ScalingConfig`
(the scalable target, its policies, the alarms, the scheduled actions and the service
model) and returns what happened as a :class:`MinuteRecord`; :func:`simulate` loops it into a
:class:`~ecs_learn.runtime.scaling.timeline.Timeline`. The account adapter
(:mod:`.account`) runs the same function on the account's own configuration.

One minute, in order (sources in :mod:`.policies`, :mod:`.schedule`, :mod:`.alarms`):

1. Scheduled actions whose time falls in the minute set MinCapacity/MaxCapacity; the
   desired count moves into the new range ("scales out to the minimum / in to the maximum",
   Application Auto Scaling User Guide, scheduled scaling) unless ScheduledScalingSuspended.
2. Tasks started earlier become RUNNING after ``task_startup_minutes`` (only RUNNING tasks
   take load and count in the metrics).
3. The minute's datapoints are published (:mod:`.metrics`) and every alarm is evaluated.
4. Each alarm in ALARM asks its policy for a capacity. Cooldowns, per policy
   (API_StepScalingPolicyConfiguration.Cooldown, API_TargetTrackingScalingPolicyConfiguration):
   during a scale-out cooldown the capacity already added counts, so a policy only scales out
   again when it asks for more than the current desired count computed from the capacity
   before its last scale-out; scale-in is blocked during the scale-in cooldown; a scale-out
   ends every scale-in cooldown.
5. Several policies (PutScalingPolicy; target-tracking "Multiple scaling policies"): scale out
   if any policy asks to, to the largest capacity asked for; target tracking scales in only
   when every target-tracking policy with scale-in enabled is ready to (then the largest of
   their capacities); a step policy's scale-in is not blocked by target tracking. The result is
   kept within Min/MaxCapacity; DynamicScalingOut/InSuspended stop the respective direction.
6. The desired count changes (a scaling activity is recorded); new tasks start, and a
   scale-in stops pending tasks first, then running ones (draining is not modelled).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ecs_learn.runtime.scaling.activities import Activity
from ecs_learn.runtime.scaling.alarms import ALARM, INSUFFICIENT, AlarmSpec, Evaluation, evaluate
from ecs_learn.runtime.scaling.metrics import ServiceModel, publish
from ecs_learn.runtime.scaling.policies import (
    Policy,
    StepScaling,
    TargetTracking,
    parse_policy,
    tracking_capacity,
)
from ecs_learn.runtime.scaling.schedule import Schedule, parse_schedule
from ecs_learn.runtime.scaling.timeline import MinuteRecord, Timeline

__all__ = [
    "SUSPEND_IN",
    "SUSPEND_OUT",
    "SUSPEND_SCHEDULED",
    "ScalableTarget",
    "ScalingConfig",
    "ScalingState",
    "ScheduledAction",
    "advance",
    "simulate",
]

SUSPEND_IN = "DynamicScalingInSuspended"
SUSPEND_OUT = "DynamicScalingOutSuspended"
SUSPEND_SCHEDULED = "ScheduledScalingSuspended"
MINUTE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class ScalableTarget:
    resource_id: str = "service/lab/web"
    min_capacity: int = 1
    max_capacity: int = 10
    suspended: frozenset[str] = frozenset()

    @classmethod
    def from_aas(cls, item: Mapping[str, Any]) -> ScalableTarget:
        """From a describe_scalable_targets item (or RegisterScalableTarget kwargs)."""
        state = item.get("SuspendedState") or {}
        return cls(
            resource_id=str(item.get("ResourceId", "service/lab/web")),
            min_capacity=int(item.get("MinCapacity", 1)),
            max_capacity=int(item.get("MaxCapacity", 10)),
            suspended=frozenset(k for k, v in state.items() if v),
        )


@dataclass(frozen=True)
class ScheduledAction:
    name: str
    schedule: Schedule
    min_capacity: int | None = None
    max_capacity: int | None = None

    @classmethod
    def from_aas(cls, item: Mapping[str, Any]) -> ScheduledAction:
        """From a describe_scheduled_actions item (or PutScheduledAction kwargs)."""
        action = item.get("ScalableTargetAction") or {}
        return cls(
            name=str(item["ScheduledActionName"]),
            schedule=parse_schedule(
                str(item["Schedule"]),
                item.get("Timezone"),
                item.get("StartTime"),
                item.get("EndTime"),
            ),
            min_capacity=None if action.get("MinCapacity") is None else int(action["MinCapacity"]),
            max_capacity=None if action.get("MaxCapacity") is None else int(action["MaxCapacity"]),
        )


@dataclass(frozen=True)
class ScalingConfig:
    """Everything registered for one scalable target, plus how its tasks behave."""

    target: ScalableTarget
    policies: tuple[Policy, ...] = ()
    alarms: tuple[AlarmSpec, ...] = ()
    scheduled: tuple[ScheduledAction, ...] = ()
    model: ServiceModel = field(default_factory=ServiceModel)

    @classmethod
    def build(
        cls,
        target: ScalableTarget | Mapping[str, Any],
        policies: Sequence[Policy | Mapping[str, Any]] = (),
        alarms: Sequence[AlarmSpec | Mapping[str, Any]] = (),
        scheduled: Sequence[ScheduledAction | Mapping[str, Any]] = (),
        model: ServiceModel | None = None,
    ) -> ScalingConfig:
        """From AWS-shaped dicts; target-tracking alarms are made unless ``alarms`` has them."""
        tgt = target if isinstance(target, ScalableTarget) else ScalableTarget.from_aas(target)
        parsed: list[Policy] = []
        for p in policies:
            policy = (
                p
                if isinstance(p, (TargetTracking, StepScaling))
                else parse_policy({"ResourceId": tgt.resource_id, **p})
            )
            if policy is not None:
                parsed.append(policy)
        specs = [a if isinstance(a, AlarmSpec) else AlarmSpec.from_cloudwatch(a) for a in alarms]
        for policy in parsed:
            if isinstance(policy, TargetTracking) and not any(_acts_for(a, policy) for a in specs):
                specs.extend(a for a in policy.alarms() if a is not None)
        actions = tuple(
            s if isinstance(s, ScheduledAction) else ScheduledAction.from_aas(s) for s in scheduled
        )
        return cls(tgt, tuple(parsed), tuple(specs), actions, model or ServiceModel())


def _acts_for(alarm: AlarmSpec, policy: Policy) -> bool:
    for action in alarm.actions:
        if action == policy.arn or action.startswith(f"{policy.arn}:"):
            return True
        if action in (policy.name, f"policy:{policy.name}") or action.endswith(
            f"policyName/{policy.name}"
        ):
            return True
    return False


@dataclass
class _Cooldown:
    out_until: dt.datetime | None = None
    out_base: int = 0
    in_until: dt.datetime | None = None


@dataclass
class ScalingState:
    """What the engine remembers between minutes (mutable; one per scalable target)."""

    desired: int
    start: dt.datetime
    minute: int = 0
    ready_at: list[int] = field(default_factory=list)  # minute each task is RUNNING from
    history: dict[tuple[str, str], list[float | None]] = field(default_factory=dict)
    alarm_states: dict[str, str] = field(default_factory=dict)
    cooldowns: dict[str, _Cooldown] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    min_capacity: int | None = None
    max_capacity: int | None = None

    @classmethod
    def initial(cls, desired: int, start: dt.datetime, running: int | None = None) -> ScalingState:
        """``desired`` tasks, of which ``running`` (default: all) are RUNNING already."""
        up = desired if running is None else min(running, desired)
        return cls(desired, start, ready_at=[-1] * up + [0] * (desired - up))

    def running(self) -> int:
        return sum(1 for r in self.ready_at if r <= self.minute)

    def set_desired(self, count: int, startup: int) -> None:
        """Start or stop tasks so that there are ``count`` (pending ones stop first)."""
        while len(self.ready_at) < count:
            self.ready_at.append(self.minute + 1 + startup)
        if len(self.ready_at) > count:
            self.ready_at.sort()
            del self.ready_at[count:]
        self.desired = count


@dataclass(frozen=True)
class _Proposal:
    capacity: int
    policy: Policy
    alarm: AlarmSpec
    scale_out: bool


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _propose(
    policy: Policy, alarm: AlarmSpec, result: Evaluation, state: ScalingState, now: dt.datetime
) -> _Proposal | None:
    memory = state.cooldowns.setdefault(policy.arn, _Cooldown())
    in_out_cooldown = memory.out_until is not None and now < memory.out_until
    if not result.datapoints:
        return None
    if isinstance(policy, TargetTracking):
        metric = result.datapoints[-1]
        scale_out = alarm.comparison.startswith("Greater")
        if policy.target <= 0:
            return None
        if scale_out:
            base = memory.out_base if in_out_cooldown else state.desired
            capacity = tracking_capacity(base, metric, policy.target)
            return _Proposal(capacity, policy, alarm, True) if capacity > state.desired else None
        if policy.disable_scale_in:
            return None
        capacity = tracking_capacity(state.desired, metric, policy.target)
        return _Proposal(capacity, policy, alarm, False) if capacity < state.desired else None
    values = list(result.datapoints)
    aggregate = {"Minimum": min, "Maximum": max}.get(policy.aggregation)
    value = aggregate(values) if aggregate else sum(values) / len(values)
    breach = value - alarm.threshold
    base = memory.out_base if in_out_cooldown else state.desired
    outward = policy.capacity(base, breach)
    if outward is None:
        return None
    if outward > state.desired:
        return _Proposal(outward, policy, alarm, True)
    inward = policy.capacity(state.desired, breach)
    if inward is not None and inward < state.desired:
        return _Proposal(inward, policy, alarm, False)
    return None


def _scheduled(
    config: ScalingConfig, state: ScalingState, now: dt.datetime, acted: list[str]
) -> tuple[int, int]:
    low = config.target.min_capacity if state.min_capacity is None else state.min_capacity
    high = config.target.max_capacity if state.max_capacity is None else state.max_capacity
    for action in config.scheduled:
        fired = list(action.schedule.fire_times(now - MINUTE, now, origin=state.start))
        if not fired:
            continue
        if SUSPEND_SCHEDULED in config.target.suspended:
            acted.append(f"scheduled {action.name}: suspended")
            continue
        low = low if action.min_capacity is None else action.min_capacity
        high = high if action.max_capacity is None else action.max_capacity
        state.min_capacity, state.max_capacity = low, high
        cause = f"scheduled action name {action.name} was triggered"
        parts = []
        if action.min_capacity is not None:
            parts.append(f"min capacity to {action.min_capacity}")
        if action.max_capacity is not None:
            parts.append(f"max capacity to {action.max_capacity}")
        text = "Setting " + " and ".join(parts)
        state.activities.append(
            Activity(
                config.target.resource_id,
                now,
                text,
                cause,
                f"Successfully set {' and '.join(parts)}.",
            )
        )
        acted.append(f"scheduled {action.name}: min {low} max {high}")
        new = _clamp(state.desired, low, high)
        if new != state.desired:
            state.activities.append(Activity.desired(config.target.resource_id, now, new, cause))
            acted.append(f"scheduled {action.name}: desired {state.desired}->{new}")
            state.set_desired(new, config.model.task_startup_minutes)
    return low, high


def advance(
    config: ScalingConfig, state: ScalingState, rps: float, now: dt.datetime | None = None
) -> MinuteRecord:
    """Simulate one minute (``now`` defaults to ``state.start + state.minute``)."""
    now = now or state.start + state.minute * MINUTE
    acted: list[str] = []
    low, high = _scheduled(config, state, now, acted)
    running = state.running()
    pending = len(state.ready_at) - running
    points = publish(config.model, rps, running)
    for key, value in points.items():
        state.history.setdefault(key, []).append(value)
    results: dict[str, Evaluation] = {}
    for alarm in config.alarms:
        current = state.alarm_states.get(alarm.name, INSUFFICIENT)
        result = evaluate(alarm, state.history.get(alarm.key, [None] * (state.minute + 1)), current)
        if result is not None:
            results[alarm.name] = result
            state.alarm_states[alarm.name] = result.state
    proposals: list[_Proposal] = []
    ready_to_scale_in: dict[str, bool] = {}
    for policy in config.policies:
        for alarm in config.alarms:
            if not _acts_for(alarm, policy) or state.alarm_states.get(alarm.name) != ALARM:
                continue
            result = results.get(alarm.name)
            if result is None:
                continue
            proposal = _propose(policy, alarm, result, state, now)
            if proposal is not None:
                proposals.append(proposal)
    outs = [p for p in proposals if p.scale_out]
    chosen: _Proposal | None = None
    if outs and SUSPEND_OUT not in config.target.suspended:
        chosen = max(outs, key=lambda p: p.capacity)
    elif not outs and SUSPEND_IN not in config.target.suspended:
        ins = [p for p in proposals if not p.scale_out and not _in_cooldown(state, p.policy, now)]
        for policy in config.policies:
            if isinstance(policy, TargetTracking) and not policy.disable_scale_in:
                ready_to_scale_in[policy.arn] = any(p.policy is policy for p in ins)
        tracking_ready = all(ready_to_scale_in.values())
        ins = [p for p in ins if isinstance(p.policy, StepScaling) or tracking_ready]
        if ins:
            chosen = max(ins, key=lambda p: p.capacity)
    if chosen is not None:
        new = _clamp(chosen.capacity, low, high)
        if new != state.desired:
            _apply(config, state, chosen, new, now)
            acted.append(f"policy {chosen.policy.name}: desired {state.desired}->{new}")
            state.set_desired(new, config.model.task_startup_minutes)
    record = MinuteRecord(
        minute=state.minute,
        time=now,
        load_rps=round(rps, 4),
        metrics={f"{k[1]}": v for k, v in points.items()},
        running=running,
        pending=pending,
        desired=state.desired,
        min_capacity=low,
        max_capacity=high,
        alarms={a.name: state.alarm_states.get(a.name, INSUFFICIENT) for a in config.alarms},
        acted=tuple(acted),
    )
    state.minute += 1
    return record


def _in_cooldown(state: ScalingState, policy: Policy, now: dt.datetime) -> bool:
    memory = state.cooldowns.get(policy.arn)
    return memory is not None and memory.in_until is not None and now < memory.in_until


def _apply(
    config: ScalingConfig, state: ScalingState, chosen: _Proposal, new: int, now: dt.datetime
) -> None:
    policy = chosen.policy
    memory = state.cooldowns.setdefault(policy.arn, _Cooldown())
    if chosen.scale_out:
        seconds = (
            policy.scale_out_cooldown if isinstance(policy, TargetTracking) else policy.cooldown
        )
        if memory.out_until is None or now >= memory.out_until:
            memory.out_base = state.desired
        memory.out_until = now + dt.timedelta(seconds=seconds)
        for other in state.cooldowns.values():
            other.in_until = None
    else:
        seconds = (
            policy.scale_in_cooldown if isinstance(policy, TargetTracking) else policy.cooldown
        )
        memory.in_until = now + dt.timedelta(seconds=seconds)
    cause = f"monitor alarm {chosen.alarm.name} in state ALARM triggered policy {policy.name}"
    state.activities.append(Activity.desired(config.target.resource_id, now, new, cause))


LoadFunction = Callable[[int, dt.datetime], float]


def simulate(
    policies: Sequence[Policy | Mapping[str, Any]],
    scalable_target: ScalableTarget | Mapping[str, Any],
    scheduled_actions: Sequence[ScheduledAction | Mapping[str, Any]] = (),
    load: LoadFunction | Any = None,
    start: dt.datetime | None = None,
    minutes: int = 60,
    task_startup_minutes: int | None = None,
    *,
    desired: int | None = None,
    alarms: Sequence[AlarmSpec | Mapping[str, Any]] = (),
    model: ServiceModel | None = None,
) -> Timeline:
    """Replay ``load`` (a :class:`~.load.LoadShape` or ``f(minute, time) -> rps``) for ``minutes``.

    Pure and deterministic: no AWS call, no clock, no randomness. ``desired`` is the starting
    task count (default: MinCapacity), all of them running.
    """
    model = model or ServiceModel()
    if task_startup_minutes is not None:
        model = replace(model, task_startup_minutes=task_startup_minutes)
    config = ScalingConfig.build(scalable_target, policies, alarms, scheduled_actions, model)
    start = start or dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.timezone.utc)
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.timezone.utc)
    rps_at: LoadFunction
    if load is None:
        rps_at = _zero
    elif hasattr(load, "rps"):
        rps_at = load.rps
    else:
        rps_at = load
    count = config.target.min_capacity if desired is None else desired
    state = ScalingState.initial(count, start)
    records = [
        advance(config, state, rps_at(m, start + m * MINUTE), start + m * MINUTE)
        for m in range(minutes)
    ]
    return Timeline(tuple(records), tuple(state.activities), config.target.resource_id)


def _zero(minute: int, when: dt.datetime) -> float:
    return 0.0
