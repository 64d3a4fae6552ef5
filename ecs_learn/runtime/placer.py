"""Where a new task goes: the placer seam and the Fargate placer.

Fargate follows "Amazon ECS task placement for Fargate" / "Availability Zone rebalancing"
(developerguide/task-placement.html, service-rebalancing.html): a service's tasks are
spread evenly over the Availability Zones of its subnets; within a zone, over its subnets.
Ties go to the zone and subnet that sort first, so placement is deterministic.

The EC2 launch type and Auto Scaling group capacity providers use
:class:`~ecs_learn.runtime.ec2.Ec2Placer` (the placement engine of ``placement/`` over
the cluster's container instances); another placer can be plugged in with
:func:`ecs_learn.runtime.set_placer`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["FargatePlacer", "Placement", "PlacementRequest", "PlacementResult", "Placer"]


@dataclass(frozen=True)
class PlacementRequest:
    """What to place: ``count`` tasks of ``task_definition`` for ``group`` in ``cluster``."""

    cluster: str
    task_definition: dict[str, Any]
    group: str
    subnets: tuple[dict[str, Any], ...]  # describe_subnets entries of the service's subnets
    existing: tuple[dict[str, Any], ...]  # the group's live tasks (describe_tasks entries)
    capacity_provider: str | None = None
    launch_type: str = "FARGATE"
    placement_constraints: tuple[dict[str, Any], ...] = ()
    placement_strategy: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Placement:
    """One placed task: the subnet (awsvpc) and/or container instance it goes to.

    ``network_bindings``: per container name, the ``networkBindings`` the agent reports
    (host ports, dynamic ones assigned) — EC2 bridge/host tasks only.
    """

    subnet_id: str | None
    availability_zone: str | None
    capacity_provider: str | None = None
    container_instance_arn: str | None = None
    instance_id: str | None = None
    network_bindings: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = ()


@dataclass
class PlacementResult:
    placed: list[Placement] = field(default_factory=list)
    unplaceable: list[str] = field(default_factory=list)  # AWS's reasons, one per task
    events: list[str] = field(default_factory=list)  # the service events, one per task
    # per unplaceable task, the closest matching container instance's ARN (RunTask's
    # ``failures[].arn``), when there was one
    closest: list[str | None] = field(default_factory=list)


class Placer(Protocol):
    """Places ``count`` tasks; what cannot be placed comes back as reasons."""

    def place(self, request: PlacementRequest, count: int) -> PlacementResult: ...


def _existing_zone(task: dict[str, Any]) -> str:
    return str(task.get("availabilityZone", ""))


class FargatePlacer:
    """Spread over Availability Zones, then subnets; Fargate capacity never runs out."""

    def place(self, request: PlacementRequest, count: int) -> PlacementResult:
        by_zone: dict[str, list[str]] = {}
        for entry in sorted(request.subnets, key=lambda s: (s["AvailabilityZone"], s["SubnetId"])):
            by_zone.setdefault(entry["AvailabilityZone"], []).append(entry["SubnetId"])
        result = PlacementResult()
        if not by_zone:
            result.unplaceable = ["No subnets"] * count
            return result
        zones = Counter({zone: 0 for zone in by_zone})
        subnets: Counter[str] = Counter()
        for task in request.existing:
            zone = _existing_zone(task)
            if zone in zones:
                zones[zone] += 1
            for attachment in task.get("attachments", []):
                for detail in attachment.get("details", []):
                    if detail.get("name") == "subnetId":
                        subnets[detail["value"]] += 1
        for _ in range(count):
            zone = min(sorted(by_zone), key=lambda z: zones[z])
            subnet = min(by_zone[zone], key=lambda s: subnets[s])
            zones[zone] += 1
            subnets[subnet] += 1
            result.placed.append(Placement(subnet, zone, request.capacity_provider))
        return result
