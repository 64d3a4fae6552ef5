"""The runtime of one account: what happens after a call, and when the clock moves.

:meth:`Runtime.reconcile` is level-triggered: it reads the account (clusters, services,
tasks), compares it with what ECS would have done by now and does the difference, then
runs whatever is due on the virtual clock. :meth:`Runtime.advance` moves the clock through
every due time in order, and, when the account has ECS scalable targets, through every whole
virtual minute for Application Auto Scaling (:mod:`ecs_learn.runtime.scaling.clocked`): the
desired count it writes makes the scheduler start or stop tasks at that minute. At every
00:00 UTC it passes, ECR lifecycle policies expire images. Decisions are deterministic:
sorted reads, a seeded RNG, the virtual clock only.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any

from ecs_learn.runtime import agent, events
from ecs_learn.runtime.account import Account, every_task_arn
from ecs_learn.runtime.advanced import Advanced
from ecs_learn.runtime.asg import ManagedScaler
from ecs_learn.runtime.deployments import DeploymentConfig
from ecs_learn.runtime.ec2 import Ec2Placer
from ecs_learn.runtime.launcher import Launcher
from ecs_learn.runtime.placement import Demand
from ecs_learn.runtime.placer import FargatePlacer, Placer
from ecs_learn.runtime.scaling.clocked import Autoscaling, daily_ticks, minute_ticks
from ecs_learn.runtime.scheduler import RELAUNCH_AFTER_EXIT, Scheduler
from ecs_learn.runtime.state import RuntimeState, TaskRecord
from ecs_learn.runtime.tasks import TaskRunner
from ecs_learn.runtime.triggers import syncs_agent

__all__ = ["Runtime"]

MAX_STEPS = 10_000


def _batches(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class Runtime:
    """Makes one account act (embedded: this process's moto; server: the server's)."""

    def __init__(self, account: Account | None = None, seed: int = 0) -> None:
        self.account = account or Account()
        self.state = RuntimeState(seed=seed)
        self.state.reset()
        self.placers: dict[str, Placer] = {
            "FARGATE": FargatePlacer(),
            "EC2": Ec2Placer(
                self.account, self.state, lambda arn: self.runner.task_definition(arn)
            ),
        }
        self._lock = threading.RLock()
        self.autoscaling = Autoscaling()
        self._build()
        self._tell_sandbox()

    def _build(self) -> None:
        self.runner = TaskRunner(self.account, self.state)
        self.scaler = ManagedScaler(self.account, self.state)
        self.launcher = Launcher(self.runner, self.state, self.placers, self.scaler)
        self.scheduler = Scheduler(self.runner, self.state, self.launcher)

    def set_placer(self, launch_type: str, placer: Placer) -> None:
        """Plug in a placer ("EC2" for the EC2 placement engine)."""
        self.placers[launch_type] = placer

    def reset(self) -> None:
        with self._lock:
            self.state.reset()
            self._build()
            self.autoscaling.reset()
            self._tell_sandbox()

    def set_time(self, when: dt.datetime) -> dt.datetime:
        """Pin the virtual clock: ``now()`` becomes ``when`` (history and cooldowns restart)."""
        with self._lock:
            self.state.clock.set_time(when)
            self.autoscaling.restart()
            self._tell_sandbox()
            return self.state.clock.now()

    def set_load(
        self,
        service: str,
        load: Any,
        model: Mapping[str, Any] | None = None,
    ) -> str:
        """Offer ``load`` (a LoadShape, its dict, or requests/s; None: none) to ``service``."""
        with self._lock:
            return self.autoscaling.set_load(service, load, self.state.clock.elapsed, model)

    def _tell_sandbox(self) -> None:
        """ECR previews and image push times follow this clock (we hold the account)."""
        from ecs_learn.sandbox import moto_ext_scaling

        moto_ext_scaling.set_clock(None, self.state.clock.now())

    # -- one pass ------------------------------------------------------------------------------
    def after(self, operation: str) -> None:
        """React to a learner's call of ``operation`` that succeeded (see ``triggers``)."""
        if operation == "RegisterScalableTarget":
            self.into_scalable_ranges()
        self.reconcile(sync_agent=syncs_agent(operation))

    def into_scalable_ranges(self) -> None:
        """Move each ECS service's desired count into its scalable target's range.

        API_RegisterScalableTarget: when the resource is active, registering "changes the
        resource's current capacity to a value that is inside of this range" — at once, not
        at the next scaling decision (a lowered MaxCapacity scales the service in)."""
        with self._lock, self.account.session():
            aas = self.account.client("application-autoscaling")
            pages = aas.get_paginator("describe_scalable_targets").paginate(ServiceNamespace="ecs")
            ecs = self.account.ecs
            for target in (t for page in pages for t in page["ScalableTargets"]):
                parts = str(target["ResourceId"]).split("/")
                if target.get("ScalableDimension") != "ecs:service:DesiredCount" or len(parts) != 3:
                    continue
                found = ecs.describe_services(cluster=parts[1], services=[parts[2]])["services"]
                if not found or found[0].get("status") != "ACTIVE":
                    continue
                desired = int(found[0].get("desiredCount") or 0)
                low, high = int(target["MinCapacity"]), int(target["MaxCapacity"])
                inside = min(max(desired, low), high)
                if inside != desired:
                    ecs.update_service(cluster=parts[1], service=parts[2], desiredCount=inside)

    def run_task(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """A learner's RunTask on EC2, placed by the runtime (``run_task.py``); ``None``:
        not an EC2 run, moto answers."""
        from ecs_learn.runtime.run_task import run_task

        with self._lock, self.account.session():
            self.runner.new_pass()
            return run_task(self, params)

    def reconcile(self, *, sync_agent: bool = False) -> None:
        """Bring the account to what ECS would have done by the current virtual time.

        ``sync_agent``: first let the ECS agents on the EC2 instances register (or leave),
        after a call that changed instances, Auto Scaling groups or their permissions.
        """
        with self._lock, self.account.session():
            self.runner.new_pass()
            self.launcher.new_pass()
            if sync_agent:
                self.sync_agent()
            ecs = self.account.ecs
            for cluster in sorted(ecs.list_clusters()["clusterArns"]):
                self._cluster(ecs, cluster)

    def sync_agent(self) -> agent.SyncReport:
        """The agents register/deregister container instances; outcomes go on the timeline."""
        report = agent.sync(agent.InternalClients(self.account.endpoint))
        for outcome in (*report.registered, *report.refused, *report.deregistered):
            seen = (outcome.registered, outcome.reason)
            if self.state.agent.get(outcome.instance_id) != seen:
                self.state.agent[outcome.instance_id] = seen
                kind = "instance-registered" if outcome.registered else "instance-not-registered"
                if outcome in report.deregistered:
                    kind = "instance-deregistered"
                self.state.record(kind, outcome.instance_id, outcome.reason)
        if report.registered:  # new capacity: services waiting to place try again now
            for service in self.state.services.values():
                if service.unplaced_event:
                    service.next_launch = min(service.next_launch, self.state.clock.elapsed)
        return report

    def agent_outcomes(self) -> dict[str, dict[str, Any]]:
        """Per EC2 instance: did its agent register, and why (not), as last seen."""
        with self._lock:
            return {
                i: {"registered": registered, "reason": reason}
                for i, (registered, reason) in sorted(self.state.agent.items())
            }

    def reconcile_services(self, resource_ids: list[str]) -> None:
        """The scheduler's part of :meth:`reconcile`, for these services only.

        For a desired count the scaling engine just changed: the scheduler starts or stops
        tasks, reading only the service and its live tasks (not the whole cluster). Due
        times of tasks are not looked at here; :meth:`advance` reconciles fully for those.
        """
        with self._lock, self.account.session():
            self.runner.new_pass()
            self.launcher.new_pass()
            ecs = self.account.ecs
            for rid in resource_ids:
                _, cluster, name = rid.split("/")
                found = ecs.describe_services(cluster=cluster, services=[name])["services"]
                if not found or found[0].get("status") not in ("ACTIVE", "DRAINING"):
                    continue
                service = found[0]
                live = sorted(
                    r.arn
                    for r in self.state.tasks.values()
                    if r.service == service["serviceArn"] and not r.done
                )
                moto_tasks: dict[str, dict[str, Any]] = {}
                for batch in _batches(live, 100):
                    for task in ecs.describe_tasks(cluster=cluster, tasks=batch)["tasks"]:
                        moto_tasks[task["taskArn"]] = task
                self.scheduler.reconcile(service, moto_tasks)

    def _read_tasks(self, ecs: Any, cluster: str) -> dict[str, dict[str, Any]]:
        arns = every_task_arn(ecs, cluster)
        moto_tasks: dict[str, dict[str, Any]] = {}
        for batch in _batches(arns, 100):
            for task in ecs.describe_tasks(cluster=cluster, tasks=batch)["tasks"]:
                moto_tasks[task["taskArn"]] = task
        return moto_tasks

    def _scale(self, ecs: Any, cluster: str, moto_tasks: dict[str, dict[str, Any]]) -> bool:
        """Managed scaling for the providers whose tasks wait here; True if a group grew.

        A scale-out already timed for a provider whose tasks no longer wait is called off,
        but only by the pass over the provider's own cluster (a capacity provider belongs to
        one cluster): another cluster's pass must not forget it.
        """
        waiting: dict[str, list[Demand]] = {}
        for record in self.state.tasks.values():
            if record.cluster == cluster and record.provisioning and not record.done:
                task = moto_tasks.get(record.arn)
                if task is not None and record.capacity_provider:
                    definition = self.runner.task_definition(task["taskDefinitionArn"])
                    waiting.setdefault(record.capacity_provider, []).append(
                        Demand.from_task_definition(definition, str(task.get("group", "")))
                    )
        timed = [name for name in self.state.scale_out_at if name not in waiting]
        if timed:
            found = ecs.describe_clusters(clusters=[cluster])["clusters"]
            attached = set(found[0].get("capacityProviders") or []) if found else set()
            for name in timed:
                if name in attached:
                    waiting[name] = []
        if not waiting:
            return False
        busy = {r.instance_id for r in self.state.tasks.values() if r.instance_id and not r.done}
        grew = False
        for name in sorted(waiting):
            grew = self.scaler.step(name, waiting[name], busy) or grew
        return grew

    def _cluster(self, ecs: Any, cluster: str) -> None:
        moto_tasks = self._read_tasks(ecs, cluster)
        if self._scale(ecs, cluster, moto_tasks):
            self.sync_agent()  # the group launched instances: their agents register
            moto_tasks = self._read_tasks(ecs, cluster)
        service_arns = sorted(ecs.list_services(cluster=cluster)["serviceArns"])
        services: list[dict[str, Any]] = []
        for batch in _batches(service_arns, 10):
            services.extend(ecs.describe_services(cluster=cluster, services=batch)["services"])
        by_name = {s["serviceName"]: s for s in services}
        for arn in sorted(moto_tasks):
            task = moto_tasks[arn]
            record = self.state.tasks.get(arn)
            if record is None and task.get("lastStatus") == "RUNNING" and not task.get("stopCode"):
                service = by_name.get(task.get("group", "").removeprefix("service:"))
                if service is None or not task.get("group", "").startswith("service:"):
                    self.runner.admit(task, None, [], self._groups_of(task))
            elif record is not None and not record.done:
                self._due(record, task, by_name)
        for service in sorted(services, key=lambda s: s["serviceArn"]):
            if service.get("status") in ("ACTIVE", "DRAINING", "INACTIVE"):
                self.scheduler.reconcile(service, moto_tasks)

    def _groups_of(self, task: dict[str, Any]) -> list[str]:
        eni = next(
            (
                d["value"]
                for a in task.get("attachments", [])
                for d in a.get("details", [])
                if d.get("name") == "networkInterfaceId"
            ),
            None,
        )
        if eni is None:
            return []
        found = self.account.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])
        return [g["GroupId"] for n in found["NetworkInterfaces"] for g in n.get("Groups", [])]

    def _due(
        self, record: TaskRecord, task: dict[str, Any], services: dict[str, dict[str, Any]]
    ) -> None:
        now = self.state.clock.elapsed
        if task.get("lastStatus") == "STOPPED":  # the learner's stop_task
            self.runner.finish(
                record, events.STOP_USER, task.get("stoppedReason") or "Task stopped by user"
            )
            return
        if record.stopping_until is not None:
            if record.stopping_until <= now and record.stop:
                self.runner.finish(record, *record.stop)
            return
        rec = self.state.services.get(record.service or "")
        if record.exits_at is not None and record.exits_at <= now:
            self.state.record("task-exited", record.id, events.ESSENTIAL_EXITED)
            self.runner.finish(record, events.STOP_ESSENTIAL, events.ESSENTIAL_EXITED)
            if rec is not None:
                rec.next_launch = max(rec.next_launch, now + RELAUNCH_AFTER_EXIT)
                if record.deployment == rec.primary.id:
                    rec.primary.failed_tasks += 1
                    service = services.get(rec.name, {})
                    self.scheduler.circuit_breaker(
                        rec, _config(service), int(service.get("desiredCount") or 0)
                    )
            return
        for target in record.targets:
            if target.state == "initial" and target.settles <= now:
                target.state = target.settles_to[0]
                self.account.set_target_health(
                    target.target_group, target.target_id, target.port, target.settles_to
                )
                self.state.record("target-" + target.state, record.id, target.target_group)
                if rec is not None and target.state == "unhealthy":
                    self.scheduler.event(
                        rec,
                        events.unhealthy_in_target_group(
                            rec.name, target.port, target.target_group, target.settles_to[2] or ""
                        ),
                    )
                    grace = float(
                        services.get(rec.name, {}).get("healthCheckGracePeriodSeconds") or 0
                    )
                    record.replace_at = max(now, record.started + grace)
                if (
                    rec is not None
                    and target.state == "healthy"
                    and record.deployment == rec.primary.id
                    and _config(services.get(rec.name, {})).reset_on_healthy_task
                ):
                    rec.primary.failed_tasks = 0
        if rec is not None and record.replace_at is not None and record.replace_at <= now:
            bad = next(t for t in record.targets if t.state == "unhealthy")
            self.scheduler.event(
                rec, events.failed_elb_health(rec.name, record.id, bad.target_group)
            )
            self.runner.stop(
                record, events.STOP_SCHEDULER, events.task_failed_elb(bad.target_group)
            )
            if record.deployment == rec.primary.id:
                rec.primary.failed_tasks += 1
                service = services.get(rec.name, {})
                self.scheduler.circuit_breaker(
                    rec,
                    _config(service),
                    int(service.get("desiredCount") or 0),
                    "tasks failed health checks",
                )

    # -- the clock -------------------------------------------------------------------------------
    def advance(self, seconds: float) -> Advanced:
        """Move the virtual clock ``seconds`` ahead, doing everything due on the way.

        Returns the elapsed seconds since the reset as an :class:`Advanced` (a float that
        also says how far the clock moved, to what time, and what happened meanwhile).

        The runtime's due times reconcile the account; when the account has ECS scalable
        targets, each whole minute runs the scaling engine (its configuration read once, here)
        and lets the scheduler act for the services whose desired count changed; each
        00:00 UTC runs ECR's lifecycle evaluation.
        """
        with self._lock:
            self.reconcile()
            clock = self.state.clock
            start = clock.elapsed
            first_event = len(self.state.timeline)
            end = start + max(0.0, seconds)
            with self.account.session():
                run = self.autoscaling.begin(self.account, clock.now())
            minutes = minute_ticks(clock.base, start, end) if run is not None else []
            days = daily_ticks(clock.base, start, end)
            m = d = steps = 0
            while True:
                due = next((t for t in self.state.due_times() if t <= end), None)
                nxt = [t for t in (due, _at(minutes, m), _at(days, d)) if t is not None]
                if not nxt:
                    break
                moment = min(nxt)
                clock.move_to(moment)
                act = due is not None and due <= moment
                if act:
                    steps += 1
                    if steps > MAX_STEPS:
                        break
                scaled: list[str] = []
                if run is not None and m < len(minutes) and minutes[m] <= moment:
                    m += 1
                    run.minute(clock.now(), self._load_at)
                    scaled = run.changed
                if d < len(days) and days[d] <= moment:
                    d += 1
                    act = bool(self.autoscaling.expire(self.account, clock.now())) or act
                if act:
                    self.reconcile()
                elif scaled:
                    self.reconcile_services(scaled)
            clock.move_to(end)
            if run is not None:
                run.finish(clock.now())
            self._tell_sandbox()
            self.reconcile()
            return Advanced(
                clock.elapsed,
                moved=clock.elapsed - start,
                time=clock.now(),
                events=self.state.timeline[first_event:],
            )

    def _load_at(self, rid: str, when: dt.datetime) -> float:
        return self.autoscaling.load_at(rid, self.state.clock.elapsed, when)

    def timeline(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry) for entry in self.state.timeline]


def _at(ticks: list[float], index: int) -> float | None:
    return ticks[index] if index < len(ticks) else None


def _config(service: dict[str, Any]) -> DeploymentConfig:
    return DeploymentConfig.of(service)
