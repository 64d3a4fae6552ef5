"""What placement works on: hosts, a task's demand, the outcome, and AWS's texts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

Port = tuple[int, str]  # (host port, "tcp" | "udp")


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


SERVICE_DEFAULT_STRATEGY: tuple[Mapping[str, str], ...] = (
    {"type": "spread", "field": "attribute:ecs.availability-zone"},
)
RUN_TASK_DEFAULT_STRATEGY: tuple[Mapping[str, str], ...] = ({"type": "random"},)

_EVENT_START = (
    "(service {service}) was unable to place a task because no container instance met all "
    "of its requirements."
)
_EVENT_END = (
    " For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
)


class Reason(Enum):
    """Why the closest matching instance could not take the task (in check order)."""

    NO_INSTANCES = "NO_INSTANCES"
    AGENT = "AGENT"
    CPU = "RESOURCE:CPU"
    MEMORY = "RESOURCE:MEMORY"
    PORTS = "RESOURCE:PORTS"
    PORTS_UDP = "RESOURCE:PORTS_UDP"
    DISTINCT_INSTANCE = "DistinctInstance placement constraint unsatisfied."
    MEMBER_OF = "MemberOf placement constraint unsatisfied."


_CLOSEST_TEXT = {
    Reason.AGENT: "doesn't have the agent connected.",
    Reason.CPU: "has insufficient CPU units available.",
    Reason.MEMORY: "has insufficient memory available.",
    Reason.PORTS: "is already using a port required by your task.",
    Reason.PORTS_UDP: "is already using a port required by your task.",
    Reason.DISTINCT_INSTANCE: f'encountered error "{Reason.DISTINCT_INSTANCE.value}".',
    Reason.MEMBER_OF: f'encountered error "{Reason.MEMBER_OF.value}".',
}
_ORDER = list(Reason)


@dataclass(frozen=True)
class Host:
    """A container instance as placement sees it: what is left, and what runs there.

    ``cpu``/``memory`` are the *remaining* units/MiB; ``ports`` the host ports in use
    (reserved ones included); ``groups``/``families`` one entry per task running there.
    """

    arn: str
    instance_id: str
    availability_zone: str = ""
    instance_type: str = ""
    cpu: int = 0
    memory: int = 0
    ports: frozenset[Port] = frozenset()
    groups: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    attributes: Mapping[str, str | None] = field(default_factory=dict)
    status: str = "ACTIVE"
    agent_connected: bool = True

    @property
    def id(self) -> str:
        """The container instance ID (the last part of its ARN), as events name it."""
        return self.arn.rsplit("/", 1)[-1]

    @property
    def running_tasks(self) -> int:
        return len(self.groups)

    def attribute(self, name: str) -> str | None:
        if name == "ecs.availability-zone" and self.availability_zone:
            return self.attributes.get(name, self.availability_zone)
        if name == "ecs.instance-type" and self.instance_type:
            return self.attributes.get(name, self.instance_type)
        return self.attributes.get(name)

    def with_task(self, demand: Demand) -> Host:
        """This host after ``demand`` was placed on it."""
        return replace(
            self,
            cpu=self.cpu - demand.cpu,
            memory=self.memory - demand.memory,
            ports=self.ports | demand.ports,
            groups=(*self.groups, demand.group),
            families=(*self.families, demand.family),
        )


@dataclass(frozen=True)
class Demand:
    """What one task needs from a host: CPU units, memory MiB, static host ports, its group."""

    cpu: int = 0
    memory: int = 0
    ports: frozenset[Port] = frozenset()
    group: str = ""
    family: str = ""

    @classmethod
    def from_task_definition(
        cls, task_definition: Mapping[str, Any], group: str | None = None
    ) -> Demand:
        """The demand of a task of ``task_definition`` (a describe_task_definition answer).

        ``group`` defaults to ``family:FAMILY`` as for RunTask; services pass
        ``service:NAME``.
        """
        td = task_definition.get("taskDefinition", task_definition)
        containers: Sequence[Mapping[str, Any]] = td.get("containerDefinitions", [])
        mode = td.get("networkMode") or "bridge"
        cpu = sum(_int(c.get("cpu")) for c in containers)
        memory = sum(_int(c.get("memory")) or _int(c.get("memoryReservation")) for c in containers)
        cpu = max(cpu, _int(td.get("cpu")))
        memory = max(memory, _int(td.get("memory")))
        ports: set[Port] = set()
        if mode != "awsvpc":
            for container in containers:
                for mapping in container.get("portMappings", []) or []:
                    port = _int(mapping.get("hostPort"))
                    if mode == "host" and not port:
                        port = _int(mapping.get("containerPort"))
                    if port > 0:
                        ports.add((port, str(mapping.get("protocol") or "tcp").lower()))
        family = str(td.get("family", ""))
        return cls(cpu, memory, frozenset(ports), group or f"family:{family}", family)


@dataclass(frozen=True)
class Placement:
    """Where one task went (``host``, as it was before the task) or why it could not."""

    host: Host | None
    reason: Reason | None = None
    closest: Host | None = None

    @property
    def placed(self) -> bool:
        return self.host is not None

    @property
    def failure_reason(self) -> str | None:
        """The RunTask ``failures[].reason`` for an unplaced task."""
        if self.reason is None:
            return None
        if self.reason is Reason.NO_INSTANCES:
            return "No Container Instances were found in your cluster."
        return str(self.reason.value)

    def event(self, service: str) -> str | None:
        """The service event message for an unplaced task of ``service``."""
        if self.reason is None:
            return None
        return unplaced_event(service, self.reason, self.closest)


def unplaced_event(
    service: str, reason: Reason, closest: Host | None = None, *, in_provider: bool = False
) -> str:
    """AWS's service event text for a task that no container instance could take.

    ``in_provider``: the task was for an Auto Scaling group capacity provider ("... found
    in your capacity provider.").
    """
    start = _EVENT_START.format(service=service)
    if reason is Reason.NO_INSTANCES or closest is None:
        where = "capacity provider" if in_provider else "cluster"
        return f"{start} Reason: No Container Instances were found in your {where}.{_EVENT_END}"
    return (
        f"{start} The closest matching (container-instance {closest.id}) "
        f"{_CLOSEST_TEXT[reason]}{_EVENT_END}"
    )
