"""The service scheduler: keep each service at its desired count, roll out deployments.

Follows "Amazon ECS services" / "Service scheduler concepts"
(developerguide/ecs_services.html, service_definition_parameters.html), rolling updates
and the circuit breaker (see ``deployments``), "Service throttle logic" and "Amazon ECS
service event messages" (see ``events``). Tasks carry ``group: service:NAME`` and
``startedBy`` = the deployment id (``ecs-svc/...``), as on AWS.
"""

from __future__ import annotations

from typing import Any

from ecs_learn.runtime import events
from ecs_learn.runtime.deployments import (
    THROTTLE_EVENT_AFTER,
    DeploymentConfig,
    backoff_seconds,
    failure_threshold,
)
from ecs_learn.runtime.launcher import Launcher
from ecs_learn.runtime.state import DeploymentRecord, RuntimeState, ServiceRecord, TaskRecord
from ecs_learn.runtime.tasks import TaskRunner

__all__ = ["Scheduler"]

MAX_EVENTS = 100
RELAUNCH_AFTER_EXIT = 15.0


class Scheduler:
    def __init__(self, runner: TaskRunner, state: RuntimeState, launcher: Launcher) -> None:
        self.runner = runner
        self.state = state
        self.launcher = launcher

    # -- bookkeeping ---------------------------------------------------------------------------
    def event(self, rec: ServiceRecord, message: str) -> None:
        rec.events.insert(
            0,
            {"id": self.state.event_id(), "createdAt": self.state.clock.now(), "message": message},
        )
        del rec.events[MAX_EVENTS:]
        rec.last_event = message
        self.state.record("service-event", rec.name, message)

    def new_deployment(
        self, rec: ServiceRecord, task_definition: str, deployment_id: str | None = None
    ) -> DeploymentRecord:
        now = self.state.clock.elapsed
        for old in rec.deployments:
            if old.status == "PRIMARY":
                old.status = "ACTIVE"
        new = DeploymentRecord(
            id=deployment_id or f"ecs-svc/{self.state.rng.randrange(10**18, 10**19)}",
            task_definition=task_definition,
            created=now,
            updated=now,
            rollout_reason="",
        )
        new.rollout_reason = f"ECS deployment {new.id} in progress."
        rec.deployments.insert(0, new)
        rec.consecutive_failures = 0
        rec.next_launch = now
        rec.steady = False
        return new

    def live(self, rec: ServiceRecord) -> list[TaskRecord]:
        return sorted(
            (
                t
                for t in self.state.tasks.values()
                if t.service == rec.arn and not t.done and t.stop is None
            ),
            key=lambda t: (t.started, t.arn),
        )

    @staticmethod
    def healthy(task: TaskRecord) -> bool:
        return not task.provisioning and all(t.state == "healthy" for t in task.targets)

    # -- one service ---------------------------------------------------------------------------
    def reconcile(self, service: dict[str, Any], moto_tasks: dict[str, dict[str, Any]]) -> None:
        arn = service["serviceArn"]
        rec = self.state.services.get(arn)
        moto_primary = (service.get("deployments") or [{}])[0].get("id")
        if rec is None:
            rec = ServiceRecord(arn, service["clusterArn"], service["serviceName"])
            self.state.services[arn] = rec
            self.new_deployment(rec, service["taskDefinition"], moto_primary)
        elif service["taskDefinition"] != rec.primary.task_definition or (
            moto_primary and moto_primary != rec.primary.id
        ):
            self.new_deployment(
                rec,
                service["taskDefinition"],
                moto_primary if moto_primary != rec.primary.id else None,
            )
        active = service.get("status") == "ACTIVE"
        desired = int(service.get("desiredCount") or 0) if active else 0
        config = DeploymentConfig.of(service)
        if self.launcher.place_waiting(rec, service):
            rec.steady = False
        for _ in range(4 * max(desired, 1) + 4):
            if not self._step(rec, service, desired, config, moto_tasks):
                break
        self._settle(rec, desired)
        self._write(rec, service, desired)

    def _step(
        self,
        rec: ServiceRecord,
        service: dict[str, Any],
        desired: int,
        config: DeploymentConfig,
        moto_tasks: dict[str, dict[str, Any]],
    ) -> bool:
        now = self.state.clock.elapsed
        live = self.live(rec)
        primary = rec.primary
        mine = [t for t in live if t.deployment == primary.id]
        old = [t for t in live if t.deployment != primary.id]
        if len(mine) > desired:
            self._stop(rec, mine[desired:], primary.id)
            return True
        room = desired - len(mine)
        if old:
            room = min(room, config.max_total(desired) - len(live))
        if room > 0 and primary.rollout_state != "FAILED" and now >= rec.next_launch:
            return self._launch(rec, service, room, config, desired, moto_tasks)
        if old:
            healthy = sum(1 for t in live if self.healthy(t))
            can_stop = min(len(old), healthy - config.min_healthy(desired))
            if can_stop > 0:
                ordered = sorted(old, key=lambda t: (self.healthy(t), t.started, t.arn))
                self._stop(rec, ordered[:can_stop], primary.id)
                return True
            if (
                room <= 0
                and primary.rollout_state != "FAILED"
                and rec.last_event != events.deployment_config_stuck(rec.name)
                and not any(t.targets and not self.healthy(t) for t in live)
            ):
                self.event(rec, events.deployment_config_stuck(rec.name))
        return False

    def _stop(self, rec: ServiceRecord, tasks: list[TaskRecord], deployment_id: str) -> None:
        reason = events.scaling_reason(deployment_id)
        draining = [t for t in tasks if t.targets]
        if draining:
            self.event(rec, events.began_draining(rec.name, len(draining)))
            for group in sorted({tg.target_group for t in draining for tg in t.targets}):
                count = sum(1 for t in draining for tg in t.targets if tg.target_group == group)
                self.event(rec, events.deregistered(rec.name, count, group))
        for task in tasks:
            self.runner.stop(task, events.STOP_SCHEDULER, reason)
        self.event(rec, events.stopped(rec.name, [t.id for t in tasks]))
        rec.steady = False

    def _launch(
        self,
        rec: ServiceRecord,
        service: dict[str, Any],
        count: int,
        config: DeploymentConfig,
        desired: int,
        moto_tasks: dict[str, dict[str, Any]],
    ) -> bool:
        primary = rec.primary
        done = self.launcher.launch(rec, service, count, self.live(rec), moto_tasks)
        if done.events:  # duplicates are omitted until the cause is resolved
            if rec.unplaced_event != done.events[0]:
                rec.unplaced_event = done.events[0]
                self.event(rec, done.events[0])
            rec.next_launch = self.state.clock.elapsed + 60.0
        else:
            rec.unplaced_event = ""
        started = done.started
        if not started:
            return False
        self.event(rec, events.started(rec.name, [t.id for t in started]))
        failed = [t for t in started if t.done]
        if failed:
            rec.primary.failed_tasks += len(failed)
            rec.consecutive_failures += 1
            rec.next_launch = self.state.clock.elapsed + backoff_seconds(rec.consecutive_failures)
            if rec.consecutive_failures == THROTTLE_EVENT_AFTER:
                self.event(rec, events.unable_to_start_consistently(rec.name))
            self.circuit_breaker(rec, config, desired)
            if rec.primary is not primary:  # rolled back: start the rollback's tasks now
                return True
        else:
            rec.consecutive_failures = 0
        rec.steady = False
        return len(failed) < len(started)

    def circuit_breaker(
        self,
        rec: ServiceRecord,
        config: DeploymentConfig,
        desired: int,
        why: str = "tasks failed to start",
    ) -> None:
        primary = rec.primary
        if not config.circuit_breaker or primary.rollout_state != "IN_PROGRESS":
            return
        if primary.failed_tasks < failure_threshold(desired):
            return
        primary.rollout_state = "FAILED"
        primary.rollout_reason = events.circuit_breaker_reason(why)
        primary.updated = self.state.clock.elapsed
        self.event(rec, events.circuit_breaker_failed(rec.name, primary.id, why))
        if not config.rollback:
            return
        last_good = next((d for d in rec.deployments[1:] if d.rollout_state == "COMPLETED"), None)
        if last_good is None:
            return
        back = self.new_deployment(rec, last_good.task_definition)
        back.rollout_reason = events.rollback_reason(last_good.id)
        self.event(rec, events.rolling_back(rec.name, primary.id, last_good.id))
        self.runner.account.write_service(
            rec.cluster, rec.name, task_definition=last_good.task_definition
        )

    def _settle(self, rec: ServiceRecord, desired: int) -> None:
        live = self.live(rec)
        primary = rec.primary
        for deployment in list(rec.deployments[1:]):
            # a failed deployment stays on show (ACTIVE, FAILED) until the rollback completes
            keep = deployment.rollout_state == "FAILED" and primary.rollout_state == "IN_PROGRESS"
            if (
                deployment.status != "INACTIVE"
                and not keep
                and not any(t.deployment == deployment.id for t in live)
            ):
                deployment.status = "INACTIVE"
        mine = [t for t in live if t.deployment == primary.id]
        done = len(mine) == desired and all(self.healthy(t) for t in mine)
        others = [
            d
            for d in rec.deployments[1:]
            if d.status == "ACTIVE" and any(t.deployment == d.id for t in live)
        ]
        if done and not others and primary.rollout_state == "IN_PROGRESS":
            for deployment in rec.deployments[1:]:
                deployment.status = "INACTIVE"
            primary.rollout_state = "COMPLETED"
            primary.rollout_reason = f"ECS deployment {primary.id} completed."
            primary.updated = self.state.clock.elapsed
            self.event(rec, events.deployment_completed(rec.name, primary.id))
        if done and not others and not rec.steady:
            rec.steady = True
            self.event(rec, events.steady_state(rec.name))

    def _write(self, rec: ServiceRecord, service: dict[str, Any], desired: int) -> None:
        live = self.live(rec)
        shown = []
        for d in rec.deployments:
            if d.status == "INACTIVE":
                continue
            tasks = [t for t in live if t.deployment == d.id]
            shown.append(
                {
                    "id": d.id,
                    "status": d.status,
                    "taskDefinition": d.task_definition,
                    "desiredCount": desired if d.status == "PRIMARY" else 0,
                    "pendingCount": sum(1 for t in tasks if t.provisioning),
                    "runningCount": sum(1 for t in tasks if not t.provisioning),
                    "failedTasks": d.failed_tasks,
                    "createdAt": self.state.clock.at(d.created),
                    "updatedAt": self.state.clock.at(d.updated),
                    "launchType": service.get("launchType"),
                    "capacityProviderStrategy": service.get("capacityProviderStrategy"),
                    "platformVersion": service.get("platformVersion"),
                    "networkConfiguration": service.get("networkConfiguration"),
                    "rolloutState": d.rollout_state,
                    "rolloutStateReason": d.rollout_reason,
                }
            )
        self.runner.account.write_service(
            rec.cluster, rec.name, deployments=shown, events=list(rec.events)
        )
