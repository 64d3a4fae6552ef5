"""Amazon ECS: services, tasks, revisions of a deployment, families, capacity providers, clusters.

A service is deleted with ``force`` (AWS scales it to 0); the runtime then stops its tasks
(and deregisters them from their target groups) as ECS would. A capacity provider is
detached from its clusters before it is deleted, and kept while a service that stays still
places tasks with it (AWS refuses to detach it then).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.owns import Revisions, Service, Tasks
from ecs_learn.exercise_reset._common import Client, Kept, plural

__all__ = [
    "remove_capacity_provider",
    "remove_cluster",
    "remove_family",
    "remove_revisions",
    "remove_service",
    "remove_tasks",
]


def _family_of(arn: str) -> str:
    return arn.rsplit("/", 1)[-1].split(":")[0]


def _revision_of(arn: str) -> int:
    return int(arn.rsplit(":", 1)[-1])


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _family_arns(ecs: Any, family: str, status: str) -> list[str]:
    pages = ecs.get_paginator("list_task_definitions").paginate(familyPrefix=family, status=status)
    return [a for p in pages for a in p["taskDefinitionArns"] if _family_of(a) == family]


def _active_services(ecs: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ACTIVE service of the account, with its cluster's name."""
    for cluster_arn in ecs.list_clusters()["clusterArns"]:
        cluster = cluster_arn.rsplit("/", 1)[-1]
        arns = ecs.list_services(cluster=cluster)["serviceArns"]
        for start in range(0, len(arns), 10):
            found = ecs.describe_services(cluster=cluster, services=arns[start : start + 10])
            for service in found["services"]:
                if service.get("status") == "ACTIVE":
                    yield cluster, service


def remove_cluster(client: Client, name: str) -> str | None:
    ecs = client("ecs")
    found = ecs.describe_clusters(clusters=[name])["clusters"]
    if not any(c.get("status") == "ACTIVE" for c in found):
        return None
    ecs.delete_cluster(cluster=name)
    return f"cluster {name}"


def remove_family(client: Client, family: str) -> str | None:
    """Deregister every ACTIVE revision. They are not deleted: AWS never numbers a revision
    twice, but moto starts a family whose revisions were all deleted at 1 again, and an ARN
    that named another definition before confuses everything that remembers it."""
    ecs = client("ecs")
    arns = _family_arns(ecs, family, "ACTIVE")
    if not arns:
        return None
    for arn in arns:
        ecs.deregister_task_definition(taskDefinition=arn)
    return f"task definition family {family} ({plural(len(arns), 'revision')})"


def remove_service(client: Client, ref: Service) -> str | None:
    ecs = client("ecs")
    try:
        found = ecs.describe_services(cluster=ref.cluster, services=[ref.name])["services"]
    except ClientError:  # the cluster is gone
        return None
    active = [s for s in found if s.get("status") == "ACTIVE"]
    if not active:
        return None
    running = int(active[0].get("runningCount") or 0)
    # force: AWS scales the service to 0 itself (one call, so the runtime acts once)
    ecs.delete_service(cluster=ref.cluster, service=ref.name, force=True)
    stopping = (
        f" (its {plural(running, 'task')} stop{'s' if running == 1 else ''})" if running else ""
    )
    return f"service {ref.name} in cluster {ref.cluster}{stopping}"


def remove_tasks(client: Client, ref: Tasks) -> str | None:
    ecs = client("ecs")
    try:
        arns = ecs.list_tasks(cluster=ref.cluster, family=ref.family, desiredStatus="RUNNING")[
            "taskArns"
        ]
    except ClientError:
        return None
    stopped = 0
    for start in range(0, len(arns), 100):
        for task in ecs.describe_tasks(cluster=ref.cluster, tasks=arns[start : start + 100])[
            "tasks"
        ]:
            if str(task.get("group", "")).startswith("service:"):
                continue  # a service's task: the service owns it
            if _family_of(task["taskDefinitionArn"]) != ref.family:
                continue
            ecs.stop_task(cluster=ref.cluster, task=task["taskArn"], reason="Stopped by lab.reset")
            stopped += 1
    if not stopped:
        return None
    return f"{plural(stopped, 'running task')} of {ref.family} in cluster {ref.cluster} (stopped)"


def _host_ports(td: dict[str, Any]) -> set[int]:
    ports: set[int] = set()
    bridge = td.get("networkMode") in (None, "bridge")
    for container in td.get("containerDefinitions", []):
        for mapping in container.get("portMappings", []):
            default = 0 if bridge else int(mapping.get("containerPort", 0))
            ports.add(int(mapping.get("hostPort", default)))
    return ports


def _matches(td: dict[str, Any], ref: Revisions) -> bool:
    images = [str(c.get("image", "")) for c in td.get("containerDefinitions", [])]
    if ref.image and not any(i.endswith(ref.image) for i in images):
        return False
    return ref.host_port is None or ref.host_port in _host_ports(td)


def remove_revisions(client: Client, ref: Revisions) -> str | None:
    ecs = client("ecs")
    arns = _family_arns(ecs, ref.family, "ACTIVE")
    matched = [
        a
        for a in arns
        if _matches(ecs.describe_task_definition(taskDefinition=a)["taskDefinition"], ref)
    ]
    if not matched:
        return None
    others = [a for a in arns if a not in matched]
    told = []
    for cluster, service in list(_active_services(ecs)):
        current = service.get("taskDefinition")
        if current not in matched:
            continue
        earlier = [a for a in others if _revision_of(a) < _revision_of(current)]
        name = service["serviceName"]
        if not earlier:
            told.append(f"service {name} stays on {_short(current)}: no earlier revision")
            continue
        back = max(earlier, key=_revision_of)
        ecs.update_service(cluster=cluster, service=name, taskDefinition=back)
        told.append(f"service {name} rolled back to {_short(back)}")
    for arn in matched:
        ecs.deregister_task_definition(taskDefinition=arn)
    revisions = ", ".join(_short(a) for a in matched)
    what = "task definitions" if len(matched) > 1 else "task definition"
    return f"{what} {revisions}" + (f" ({'; '.join(told)})" if told else "")


def remove_capacity_provider(client: Client, name: str) -> str | None:
    ecs = client("ecs")
    found = ecs.describe_capacity_providers(capacityProviders=[name])["capacityProviders"]
    if not any(p.get("status") == "ACTIVE" for p in found):
        return None
    users = [
        f"service {service['serviceName']} of cluster {cluster}"
        for cluster, service in _active_services(ecs)
        if any(
            s.get("capacityProvider") == name for s in service.get("capacityProviderStrategy") or []
        )
    ]
    if users:
        raise Kept(
            f"capacity provider {name}: {', '.join(users)} still places tasks with it "
            "(AWS refuses to detach it; start that exercise over first)"
        )
    arns = ecs.list_clusters()["clusterArns"]
    clusters = ecs.describe_clusters(clusters=arns)["clusters"] if arns else []
    detached = []
    for cluster in clusters:
        if name not in (cluster.get("capacityProviders") or []):
            continue
        ecs.put_cluster_capacity_providers(
            cluster=cluster["clusterName"],
            capacityProviders=[p for p in cluster["capacityProviders"] if p != name],
            defaultCapacityProviderStrategy=[
                s
                for s in cluster.get("defaultCapacityProviderStrategy") or []
                if s.get("capacityProvider") != name
            ],
        )
        detached.append(cluster["clusterName"])
    ecs.delete_capacity_provider(capacityProvider=name)
    first = f" (detached from cluster {', '.join(detached)} first)" if detached else ""
    return f"capacity provider {name}{first}"
