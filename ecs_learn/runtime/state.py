"""What the runtime remembers between calls (its own state, next to the account).

Everything a learner or a check can see is written into the account (task fields, service
deployments and events, target health); these records only hold what ECS keeps inside
AWS: due times on the virtual clock, failure counts, the deployment history. They live in
the process that holds the account (see docs/runtime.md) and are emptied when the account
is reset.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from ecs_learn.runtime.clock import VirtualClock

__all__ = ["DeploymentRecord", "RuntimeState", "ServiceRecord", "TargetRecord", "TaskRecord"]


@dataclass
class DeploymentRecord:
    """One deployment of a service (a task definition the scheduler rolls out)."""

    id: str
    task_definition: str
    created: float
    status: str = "PRIMARY"  # PRIMARY | ACTIVE | INACTIVE
    rollout_state: str = "IN_PROGRESS"  # IN_PROGRESS | COMPLETED | FAILED
    rollout_reason: str = ""
    failed_tasks: int = 0
    updated: float = 0.0


@dataclass
class ServiceRecord:
    arn: str
    cluster: str
    name: str
    deployments: list[DeploymentRecord] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    consecutive_failures: int = 0
    next_launch: float = 0.0
    steady: bool = False
    last_event: str = ""
    unplaced_event: str = ""  # shown once until the cause is resolved (service-event-messages)
    deleted: bool = False

    @property
    def primary(self) -> DeploymentRecord:
        return self.deployments[0]


@dataclass
class TargetRecord:
    """One target the runtime registered for a task: (group, id, port)."""

    target_group: str
    target_id: str
    port: int
    state: str = "initial"
    settles: float = 0.0  # when it becomes healthy/unhealthy
    settles_to: tuple[str, str | None, str | None] = ("healthy", None, None)
    drained_at: float | None = None  # when draining ends (deregistered)


@dataclass
class TaskRecord:
    arn: str
    cluster: str
    service: str | None
    deployment: str | None
    started: float
    availability_zone: str = ""
    private_ip: str = ""
    targets: list[TargetRecord] = field(default_factory=list)
    exits_at: float | None = None
    exit_code: int = 0
    stopping_until: float | None = None  # draining before STOPPED
    replace_at: float | None = None  # unhealthy: ECS replaces it (after the grace period)
    stop: tuple[str, str] | None = None  # (stopCode, stoppedReason) once stopped/stopping
    done: bool = False
    capacity_provider: str | None = None
    provisioning: bool = False  # waiting (PROVISIONING) for its capacity provider's instances
    container_instance: str = ""  # EC2: the container instance ARN and its EC2 instance
    instance_id: str = ""

    @property
    def id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


@dataclass
class RuntimeState:
    """All runtime state of one account; :meth:`reset` empties it."""

    seed: int = 0
    clock: VirtualClock = field(default_factory=VirtualClock)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    services: dict[str, ServiceRecord] = field(default_factory=dict)
    tasks: dict[str, TaskRecord] = field(default_factory=dict)
    task_definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    # EC2: what the agent last said per instance (registered?, why), and when managed
    # scaling acts per capacity provider
    agent: dict[str, tuple[bool, str]] = field(default_factory=dict)
    scale_out_at: dict[str, float] = field(default_factory=dict)

    def reset(self) -> None:
        self.clock = VirtualClock()
        self.rng = random.Random(self.seed)
        self.services.clear()
        self.tasks.clear()
        self.task_definitions.clear()
        self.timeline.clear()
        self.agent.clear()
        self.scale_out_at.clear()

    def record(self, kind: str, subject: str, message: str) -> None:
        """Add one line to the timeline (elapsed seconds, what, about what)."""
        self.timeline.append(
            {"at": self.clock.elapsed, "kind": kind, "subject": subject, "message": message}
        )

    def event_id(self) -> str:
        bits = self.rng.getrandbits(128)
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def due_times(self) -> list[float]:
        """Every future moment at which something is due (for the clock)."""
        now = self.clock.elapsed
        times: list[float] = []
        for service in self.services.values():
            if service.next_launch > now:
                times.append(service.next_launch)
        times.extend(t for t in self.scale_out_at.values() if t > now)
        for task in self.tasks.values():
            if task.done:
                continue
            for moment in (task.exits_at, task.stopping_until, task.replace_at):
                if moment is not None and moment > now:
                    times.append(moment)
            for target in task.targets:
                if target.state in ("initial",) and target.settles > now:
                    times.append(target.settles)
        return sorted(set(times))
