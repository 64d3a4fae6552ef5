"""Where a new task goes: the placer seam, the Fargate placer and the EC2 stand-in.

Fargate follows "Amazon ECS task placement for Fargate" / "Availability Zone rebalancing"
(developerguide/task-placement.html, service-rebalancing.html): a service's tasks are
spread evenly over the Availability Zones of its subnets; within a zone, over its subnets.
Ties go to the zone and subnet that sort first, so placement is deterministic.

The EC2 launch type (and Auto Scaling group capacity providers) is another engineer's
``placement.py``; plug it in with :func:`ecs_learn.runtime.set_placer` ("EC2"). Until then
EC2 tasks are left to moto's own placement, or reported unplaceable when the cluster has
no container instances.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "Ec2Placer",
    "FargatePlacer",
    "Placement",
    "PlacementRequest",
    "PlacementResult",
    "Placer",
    "split_by_strategy",
]

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
NO_INSTANCES = "No Container Instances were found in your cluster."


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
    """One placed task: the subnet (awsvpc) and/or container instance it goes to."""

    subnet_id: str | None
    availability_zone: str | None
    capacity_provider: str | None = None
    container_instance_arn: str | None = None


@dataclass
class PlacementResult:
    placed: list[Placement] = field(default_factory=list)
    unplaceable: list[str] = field(default_factory=list)  # AWS's reasons, one per task


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


class Ec2Placer:
    """Stand-in until the EC2 placement engine lands: moto places, or nothing can."""

    def __init__(self, ecs: Any) -> None:
        self._ecs = ecs

    def place(self, request: PlacementRequest, count: int) -> PlacementResult:
        instances = self._ecs.list_container_instances(cluster=request.cluster, status="ACTIVE")
        if not instances["containerInstanceArns"]:
            return PlacementResult(unplaceable=[NO_INSTANCES] * count)
        zone = request.subnets[0] if request.subnets else None
        subnet = zone["SubnetId"] if zone else None
        az = zone["AvailabilityZone"] if zone else None
        return PlacementResult(placed=[Placement(subnet, az, request.capacity_provider)] * count)


def split_by_strategy(
    strategy: list[dict[str, Any]], count: int, running: dict[str, int]
) -> list[str]:
    """Which capacity provider each of ``count`` new tasks uses (base first, then weight).

    A local stand-in for the capacity engineer's split (``capacity.py``), after "Capacity
    provider strategy" (developerguide/cluster-capacity-providers.html): each provider's
    ``base`` tasks are placed first, the rest in proportion to ``weight``.
    """
    if not strategy:
        return []
    have = {item["capacityProvider"]: running.get(item["capacityProvider"], 0) for item in strategy}
    chosen: list[str] = []
    for _ in range(count):
        short = [i for i in strategy if have[i["capacityProvider"]] < int(i.get("base", 0) or 0)]
        if short:
            pick = short[0]["capacityProvider"]
        else:
            weighted = [i for i in strategy if int(i.get("weight", 0) or 0) > 0] or strategy[:1]
            pick = min(
                weighted,
                key=lambda i: (
                    have[i["capacityProvider"]] / max(int(i.get("weight", 1) or 1), 1),
                    i["capacityProvider"],
                ),
            )["capacityProvider"]
        have[pick] += 1
        chosen.append(pick)
    return chosen
