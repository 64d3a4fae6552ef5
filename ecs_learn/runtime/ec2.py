"""The EC2 launch type: placing tasks on the cluster's container instances.

:class:`Ec2Placer` is the runtime's placer for ``launchType: EC2`` and for Auto Scaling
group capacity providers. It reads the cluster through the APIs (describe_container_
instances, the tasks running on them and their task definitions), builds
:class:`~ecs_learn.runtime.placement.Host` values with ``hosts_from_api`` and places with
``place_many`` — resources, then the service's (or run's) ``placementConstraints`` and
the task definition's, then its ``placementStrategy`` (default: a service spreads over
``attribute:ecs.availability-zone``; a run is ``random``) ("Amazon ECS task placement",
task-placement.html). A task that cannot be placed comes back with AWS's service event
(``placement/model.py``).

Host ports ("PortMapping" and "NetworkBinding", ECS API reference): a ``bridge``
container port with ``hostPort`` 0 or none gets a host port from the instance's ephemeral
range, as the agent assigns it — ``/proc/sys/net/ipv4/ip_local_port_range``, 32768–60999
on Amazon Linux; the lowest port not in use on the instance is taken; a ``host``-mode port
is the container port; ``describe_tasks`` shows them in ``containers[].networkBindings``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ecs_learn.runtime.account import Account, every_task_arn
from ecs_learn.runtime.placement import (
    RUN_TASK_DEFAULT_STRATEGY,
    SERVICE_DEFAULT_STRATEGY,
    Demand,
    QueryError,
    hosts_from_api,
    place_many,
    unplaced_event,
)
from ecs_learn.runtime.placer import Placement, PlacementRequest, PlacementResult
from ecs_learn.runtime.state import RuntimeState

__all__ = [
    "DYNAMIC_PORTS",
    "Ec2Placer",
    "asg_name",
    "bindings_for",
    "container_instances",
    "group_instances",
]

DYNAMIC_PORTS = range(32768, 61000)  # ip_local_port_range "32768 60999" (Amazon Linux)
Bindings = tuple[tuple[str, tuple[dict[str, Any], ...]], ...]


def _batches(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def container_instances(ecs: Any, cluster: str) -> list[dict[str, Any]]:
    """The cluster's ACTIVE container instances (describe_container_instances entries)."""
    arns = ecs.list_container_instances(cluster=cluster, status="ACTIVE")["containerInstanceArns"]
    found: list[dict[str, Any]] = []
    for batch in _batches(sorted(arns), 100):
        found.extend(
            ecs.describe_container_instances(cluster=cluster, containerInstances=batch)[
                "containerInstances"
            ]
        )
    return found


def asg_name(arn_or_name: str) -> str:
    """The Auto Scaling group name in a capacity provider's ``autoScalingGroupArn``."""
    marker = "autoScalingGroupName/"
    return arn_or_name.split(marker, 1)[1] if marker in arn_or_name else arn_or_name


def group_instances(account: Account, provider: str) -> tuple[str, set[str]] | None:
    """(Auto Scaling group name, its instance ids) of capacity provider ``provider``."""
    found = account.ecs.describe_capacity_providers(capacityProviders=[provider])
    items = found.get("capacityProviders", [])
    if not items:
        return None
    arn = (items[0].get("autoScalingGroupProvider") or {}).get("autoScalingGroupArn")
    if not arn:
        return None
    name = asg_name(str(arn))
    groups = account.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[name]
    )["AutoScalingGroups"]
    ids = {str(i["InstanceId"]) for g in groups for i in g.get("Instances", [])}
    return name, ids


def _used_ports(tasks: Iterable[Mapping[str, Any]]) -> dict[str, set[tuple[int, str]]]:
    used: dict[str, set[tuple[int, str]]] = {}
    for task in tasks:
        here = used.setdefault(str(task.get("containerInstanceArn") or ""), set())
        for container in task.get("containers", []) or []:
            for binding in container.get("networkBindings", []) or []:
                if binding.get("hostPort"):
                    here.add((int(binding["hostPort"]), str(binding.get("protocol", "tcp"))))
    return used


def bindings_for(definition: Mapping[str, Any], used: set[tuple[int, str]]) -> Bindings:
    """The ``networkBindings`` of each container of a new task on a host using ``used``.

    ``used`` (host port, protocol) pairs are updated with the ports given out.
    """
    mode = definition.get("networkMode") or "bridge"
    if mode == "awsvpc":
        return ()
    out: list[tuple[str, tuple[dict[str, Any], ...]]] = []
    for container in definition.get("containerDefinitions", []):
        bindings: list[dict[str, Any]] = []
        for mapping in container.get("portMappings", []) or []:
            if not mapping.get("containerPort"):
                continue
            protocol = str(mapping.get("protocol") or "tcp").lower()
            port = int(mapping.get("hostPort") or 0)
            if mode == "host" and not port:
                port = int(mapping["containerPort"])
            if not port:
                port = next(p for p in DYNAMIC_PORTS if (p, protocol) not in used)
            used.add((port, protocol))
            bindings.append(
                {
                    "bindIP": "0.0.0.0",
                    "containerPort": int(mapping["containerPort"]),
                    "hostPort": port,
                    "protocol": protocol,
                }
            )
        out.append((str(container["name"]), tuple(bindings)))
    return tuple(out)


class Ec2Placer:
    """Places tasks on container instances with the placement engine (``placement/``)."""

    def __init__(
        self,
        account: Account,
        state: RuntimeState,
        task_definition: Callable[[str], dict[str, Any]],
    ) -> None:
        self.account = account
        self.state = state
        self.task_definition = task_definition

    def _cluster_tasks(self, cluster: str) -> list[dict[str, Any]]:
        ecs = self.account.ecs
        arns = every_task_arn(ecs, cluster)
        tasks: list[dict[str, Any]] = []
        for batch in _batches(arns, 100):
            tasks.extend(ecs.describe_tasks(cluster=cluster, tasks=batch)["tasks"])
        return [t for t in tasks if t.get("lastStatus") != "STOPPED"]

    def place(self, request: PlacementRequest, count: int) -> PlacementResult:
        instances = container_instances(self.account.ecs, request.cluster)
        provider = request.capacity_provider
        if provider:
            members = group_instances(self.account, provider)
            ids = members[1] if members else set()
            instances = [ci for ci in instances if ci.get("ec2InstanceId") in ids]
        tasks = [t for t in self._cluster_tasks(request.cluster) if t.get("containerInstanceArn")]
        definitions = {
            str(t["taskDefinitionArn"]): self.task_definition(str(t["taskDefinitionArn"]))
            for t in tasks
        }
        hosts = hosts_from_api(instances, tasks, definitions)
        definition = request.task_definition
        demand = Demand.from_task_definition(definition, request.group)
        service = request.group.removeprefix("service:")
        strategy = request.placement_strategy or (
            SERVICE_DEFAULT_STRATEGY
            if request.group.startswith("service:")
            else RUN_TASK_DEFAULT_STRATEGY
        )
        constraints = [
            *request.placement_constraints,
            *(definition.get("placementConstraints") or ()),
        ]
        result = PlacementResult()
        try:
            placements = place_many(demand, hosts, count, strategy, constraints, self.state.rng)
        except QueryError as exc:
            reason = f"Invalid placement: {exc}"
            result.unplaceable = [reason] * count
            result.events = [f"(service {service}) was unable to place a task. Reason: {reason}"]
            return result
        used = _used_ports(tasks)
        for placement in placements:
            host = placement.host
            if host is None:
                assert placement.reason is not None
                result.unplaceable.append(placement.failure_reason or "")
                result.closest.append(placement.closest.arn if placement.closest else None)
                result.events.append(
                    unplaced_event(
                        service, placement.reason, placement.closest, in_provider=bool(provider)
                    )
                )
                continue
            here = used.setdefault(host.arn, set()) | set(host.ports)
            bindings = bindings_for(definition, here)
            used[host.arn] = here
            subnet = next(
                (
                    s["SubnetId"]
                    for s in request.subnets
                    if s["AvailabilityZone"] == host.availability_zone
                ),
                None,
            )
            result.placed.append(
                Placement(
                    subnet,
                    host.availability_zone or None,
                    provider,
                    host.arn,
                    host.instance_id,
                    bindings,
                )
            )
        return result
