"""Read the account into an :class:`~ecs_learn.ui.diagram.AccountDiagram`.

Only the checks' read-only clients are used (describe/list/get, paginated where AWS
pages). A call the account refuses leaves its part of the drawing out rather than
failing the whole picture. The references drawn:

* load balancer → target group (the target group's ``LoadBalancerArns``: a listener or
  rule forwards to it) → service (the service's ``loadBalancers``);
* cluster → service → task definition (the revision the service runs, even if it is not
  the family's latest) → IAM roles, ECR repositories (the containers' image URIs), EFS
  file systems and access points (the volumes), log groups (``awslogs-group``);
* EFS access point → its file system;
* cluster → capacity provider (the cluster's providers), service → capacity provider
  (its strategy), capacity provider → Auto Scaling group.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.reader import AccountReader
from ecs_learn.ui.diagram import AccountDiagram, Node

__all__ = ["account_diagram"]


def account_diagram(aws: AccountReader) -> AccountDiagram:
    """Read the account and build its diagram."""
    d = AccountDiagram()
    _load_balancing(aws, d)
    tds = {td["taskDefinitionArn"]: td for td in _latest_task_definitions(aws)}
    for td in tds.values():
        _add_task_definition(d, td)
    repositories = list(_pages(aws.ecr, "describe_repositories", "repositories"))
    for repo in repositories:
        d.add(Node(f"ecr:{repo['repositoryUri']}", "ECR repository", repo["repositoryName"]))
    _file_systems(aws, d)
    _auto_scaling_groups(aws, d)  # before the providers that name them
    runs: list[tuple[str, str]] = []  # (service, the task definition it runs)
    for cluster_arn in _pages(aws.ecs, "list_clusters", "clusterArns"):
        runs += _cluster(aws, d, cluster_arn)
    for service_arn, td_arn in runs:
        if td_arn not in tds:  # a service on an older revision than the family's latest
            found = _safe(aws.ecs.describe_task_definition, taskDefinition=td_arn)
            if found.get("taskDefinition"):
                tds[td_arn] = found["taskDefinition"]
                _add_task_definition(d, tds[td_arn])
        d.link(service_arn, td_arn, "runs tasks of")
    for td in tds.values():
        _uses(d, td, repositories)
    for role in _pages(aws.iam, "list_roles", "Roles"):
        if "ecs-tasks.amazonaws.com" in str(role.get("AssumeRolePolicyDocument", "")):
            d.add(Node(role["Arn"], "IAM role", role["RoleName"]))
    return d


# -- reading ---------------------------------------------------------------------------
def _safe(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except ClientError:
        return {}


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    """Every item of a listing, following AWS's pages; nothing if the account refuses."""
    try:
        if client.can_paginate(operation):
            for page in client.get_paginator(operation).paginate(**kwargs):
                yield from page.get(key, [])
        else:
            yield from getattr(client, operation)(**kwargs).get(key, [])
    except ClientError:
        return


def _latest_task_definitions(aws: AccountReader) -> Iterator[dict[str, Any]]:
    for family in _pages(aws.ecs, "list_task_definition_families", "families", status="ACTIVE"):
        td = _safe(aws.ecs.describe_task_definition, taskDefinition=family).get("taskDefinition")
        if td and td.get("status", "ACTIVE") == "ACTIVE":
            yield td


# -- the parts ---------------------------------------------------------------------------
def _load_balancing(aws: AccountReader, d: AccountDiagram) -> None:
    for lb in _pages(aws.elbv2, "describe_load_balancers", "LoadBalancers"):
        d.add(
            Node(lb["LoadBalancerArn"], "load balancer", lb["LoadBalancerName"], lb.get("Type", ""))
        )
    for tg in _pages(aws.elbv2, "describe_target_groups", "TargetGroups"):
        target_type = f"target type {tg.get('TargetType', '')}"
        d.add(Node(tg["TargetGroupArn"], "target group", tg["TargetGroupName"], target_type))
        for lb_arn in tg.get("LoadBalancerArns", []):
            d.link(lb_arn, tg["TargetGroupArn"], "forwards to")


def _add_task_definition(d: AccountDiagram, td: dict[str, Any]) -> None:
    compat = ", ".join(td.get("requiresCompatibilities", []))
    d.add(
        Node(
            td["taskDefinitionArn"],
            "task definition",
            f"{td['family']}:{td['revision']}",
            f"{td.get('networkMode', '')} {compat}".strip(),
        )
    )


def _cluster(aws: AccountReader, d: AccountDiagram, cluster_arn: str) -> list[tuple[str, str]]:
    """Draw one cluster, its services and capacity providers; return each service with the
    task definition it runs."""
    d.add(Node(cluster_arn, "cluster", cluster_arn.rsplit("/", 1)[-1]))
    described = _safe(aws.ecs.describe_clusters, clusters=[cluster_arn]).get("clusters", [])
    providers = list(described[0].get("capacityProviders", [])) if described else []
    _capacity_providers(aws, d, providers)
    for name in providers:
        d.link(cluster_arn, f"cp:{name}", "capacity provider")
    service_arns = list(_pages(aws.ecs, "list_services", "serviceArns", cluster=cluster_arn))
    runs: list[tuple[str, str]] = []
    for start in range(0, len(service_arns), 10):  # describe_services takes ten at a time
        chunk = service_arns[start : start + 10]
        found = _safe(aws.ecs.describe_services, cluster=cluster_arn, services=chunk)
        for svc in found.get("services", []):
            if svc.get("status") == "INACTIVE":
                continue
            arn = svc["serviceArn"]
            d.add(Node(arn, "service", svc["serviceName"], f"desired {svc.get('desiredCount', 0)}"))
            d.link(cluster_arn, arn, "runs")
            for lb in svc.get("loadBalancers", []):
                if lb.get("targetGroupArn"):
                    d.link(lb["targetGroupArn"], arn, "sends traffic to")
            for item in svc.get("capacityProviderStrategy", []):
                d.link(arn, f"cp:{item['capacityProvider']}", "places tasks with")
            if svc.get("taskDefinition"):
                runs.append((arn, svc["taskDefinition"]))
    return runs


def _capacity_providers(aws: AccountReader, d: AccountDiagram, names: list[str]) -> None:
    if not names:
        return
    found = _safe(aws.ecs.describe_capacity_providers, capacityProviders=names)
    described = {p["name"]: p for p in found.get("capacityProviders", [])}
    for name in names:
        provider = described.get(name, {})
        asg_arn = (provider.get("autoScalingGroupProvider") or {}).get("autoScalingGroupArn")
        detail = "AWS Fargate" if name in ("FARGATE", "FARGATE_SPOT") else "EC2 Auto Scaling"
        d.add(Node(f"cp:{name}", "capacity provider", name, detail))
        if asg_arn:
            asg_name = asg_arn.rsplit("autoScalingGroupName/", 1)[-1]
            d.add(Node(f"asg:{asg_name}", "Auto Scaling group", asg_name))
            d.link(f"cp:{name}", f"asg:{asg_name}", "scales")


def _auto_scaling_groups(aws: AccountReader, d: AccountDiagram) -> None:
    for group in _pages(aws.autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups"):
        name = group["AutoScalingGroupName"]
        size = f"desired {group.get('DesiredCapacity', 0)} (min {group.get('MinSize', 0)}, "
        d.add(Node(f"asg:{name}", "Auto Scaling group", name, f"{size}max {group.get('MaxSize')})"))


def _file_systems(aws: AccountReader, d: AccountDiagram) -> None:
    for fs in _pages(aws.efs, "describe_file_systems", "FileSystems"):
        d.add(Node(fs["FileSystemId"], "EFS file system", fs.get("Name") or fs["FileSystemId"]))
    for ap in _pages(aws.efs, "describe_access_points", "AccessPoints"):
        ap_id = ap["AccessPointId"]
        d.add(Node(ap_id, "EFS access point", ap.get("Name") or ap_id, ap.get("FileSystemId", "")))
        d.link(ap_id, ap.get("FileSystemId", ""), "access point into")


def _uses(d: AccountDiagram, td: dict[str, Any], repositories: list[dict[str, Any]]) -> None:
    """What one task definition refers to: roles, images, volumes, log groups."""
    arn = td["taskDefinitionArn"]
    for key, label in (("executionRoleArn", "execution role"), ("taskRoleArn", "task role")):
        role_arn = td.get(key)
        if role_arn:
            d.add(Node(role_arn, "IAM role", role_arn.rsplit("/", 1)[-1]))
            d.link(arn, role_arn, label)
    for volume in td.get("volumes", []):
        efs = volume.get("efsVolumeConfiguration") or {}
        fs_id = efs.get("fileSystemId")
        if not fs_id:
            continue
        d.add(Node(fs_id, "EFS file system", fs_id))
        d.link(arn, fs_id, f"volume {volume.get('name')}")
        ap_id = (efs.get("authorizationConfig") or {}).get("accessPointId")
        if ap_id:
            d.add(Node(ap_id, "EFS access point", ap_id, fs_id))
            d.link(arn, ap_id, f"volume {volume.get('name')} through")
            d.link(ap_id, fs_id, "access point into")
    for container in td.get("containerDefinitions", []):
        image = container.get("image", "")
        for repo in repositories:
            uri = repo["repositoryUri"]
            if image == uri or image.startswith((f"{uri}:", f"{uri}@")):
                d.link(arn, f"ecr:{uri}", f"image of {container.get('name')}")
        options = (container.get("logConfiguration") or {}).get("options") or {}
        group = options.get("awslogs-group")
        if group:
            d.add(Node(f"log:{group}", "log group", group))
            d.link(arn, f"log:{group}", "logs")
