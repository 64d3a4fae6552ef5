"""Placement values built from describe_* answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ecs_learn.runtime.placement.model import Demand, Host, Port, _int


def _resources(items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:
        name = str(item.get("name", ""))
        if item.get("type") == "STRINGSET":
            found[name] = [str(v) for v in item.get("stringSetValue", [])]
        else:
            found[name] = _int(item.get("integerValue"))
    return found


def _reported_ports(resources: Mapping[str, Any]) -> set[Port]:
    ports = {(int(p), "tcp") for p in resources.get("PORTS", []) if p.isdigit() and int(p) > 0}
    ports |= {(int(p), "udp") for p in resources.get("PORTS_UDP", []) if p.isdigit() and int(p) > 0}
    return ports


def hosts_from_api(
    container_instances: Iterable[Mapping[str, Any]],
    tasks: Iterable[Mapping[str, Any]] = (),
    task_definitions: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Host]:
    """:class:`Host` values from ``describe_container_instances()["containerInstances"]``.

    ``tasks`` (``describe_tasks()["tasks"]``) adds the groups and families running on each
    instance (tasks whose ``lastStatus`` is STOPPED are ignored; a stopping one still holds
    what it reserved, as on ECS). Without
    ``task_definitions`` the remaining CPU/memory/ports are ``remainingResources`` as ECS
    reports them; with ``task_definitions`` (ARN -> describe_task_definition answer) they
    are computed as registered minus what each running task reserves, which stays right
    whatever started the tasks.
    """
    by_instance: dict[str, list[Mapping[str, Any]]] = {}
    for task in tasks:
        if task.get("lastStatus") == "STOPPED":
            continue
        arn = str(task.get("containerInstanceArn") or "")
        if arn:
            by_instance.setdefault(arn, []).append(task)
    hosts: list[Host] = []
    for ci in container_instances:
        arn = str(ci["containerInstanceArn"])
        attributes = {str(a["name"]): a.get("value") for a in ci.get("attributes", [])}
        running = by_instance.get(arn, [])
        groups = tuple(str(t.get("group", "")) for t in running)
        families = tuple(
            str(t.get("taskDefinitionArn", "")).rsplit("/", 1)[-1].split(":")[0] for t in running
        )
        if task_definitions is None:
            left = _resources(ci.get("remainingResources", []))
            cpu, memory, ports = left.get("CPU", 0), left.get("MEMORY", 0), _reported_ports(left)
        else:
            registered = _resources(ci.get("registeredResources", []))
            cpu, memory = registered.get("CPU", 0), registered.get("MEMORY", 0)
            ports = _reported_ports(registered)
            for task in running:
                definition = task_definitions.get(str(task.get("taskDefinitionArn", "")))
                if definition is None:
                    continue
                used = Demand.from_task_definition(definition)
                cpu, memory, ports = cpu - used.cpu, memory - used.memory, ports | used.ports
        hosts.append(
            Host(
                arn=arn,
                instance_id=str(ci.get("ec2InstanceId", "")),
                availability_zone=str(attributes.get("ecs.availability-zone") or ""),
                instance_type=str(attributes.get("ecs.instance-type") or ""),
                cpu=cpu,
                memory=memory,
                ports=frozenset(ports),
                groups=groups,
                families=families,
                attributes=attributes,
                status=str(ci.get("status", "ACTIVE")),
                agent_connected=bool(ci.get("agentConnected", True)),
            )
        )
    return hosts
