"""What one exercise creates, by name: the resources its reset removes (``lab.reset(id)``).

A check declares ``owns=Owns(...)``; :mod:`ecs_learn.exercise_reset` removes exactly
that, in an order that takes dependencies first. Names are what the learner typed (a role
name, a service's cluster and name, an EFS creation token), never ids the account made up,
so a declaration holds in every account. Resources a setup cell made (a lab's VPC, a
cluster every exercise shares) belong to no exercise and are never named here.

Some resources are parts of others and go with them, as on AWS: a repository's images, a
load balancer's listeners and rules, a file system's mount targets and access points, a
scalable target's policies and scheduled actions, an EKS cluster's node groups and Fargate
profiles. Each removal says so in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

__all__ = [
    "AccessPoint",
    "EksPart",
    "Image",
    "Ingress",
    "Owns",
    "Revisions",
    "ScalingPart",
    "Service",
    "Tasks",
]


class Service(NamedTuple):
    """An ECS service: its cluster and name."""

    cluster: str
    name: str


class Tasks(NamedTuple):
    """Tasks started with ``run_task`` (not by a service) from a family, in a cluster."""

    cluster: str
    family: str


class Revisions(NamedTuple):
    """The revisions of ``family`` an exercise registered to change a service (a deployment).

    They are told apart from the family's other revisions by what the exercise changed:
    a container ``image`` ending in this text, and/or a port mapping with this
    ``host_port`` (0: a dynamic host port). A service left on one of them goes back to the
    newest earlier revision, as a rollback would."""

    family: str
    image: str = ""
    host_port: int | None = None

    def words(self) -> str:
        what = []
        if self.image:
            what.append(f"the image …{self.image}")
        if self.host_port is not None:
            what.append(
                "a dynamic host port" if self.host_port == 0 else f"host port {self.host_port}"
            )
        return f"the revisions of task definition family {self.family} with {' and '.join(what)}"


class Ingress(NamedTuple):
    """The inbound rules for one TCP port of a security group (by group name)."""

    group: str
    port: int


class AccessPoint(NamedTuple):
    """An EFS access point: its file system's creation token and its root directory."""

    file_system: str
    path: str


class Image(NamedTuple):
    """An ECR image tag (``tag=""``: every untagged image of the repository)."""

    repository: str
    tag: str

    def words(self) -> str:
        if not self.tag:
            return f"the untagged images of ECR repository {self.repository}"
        return f"image {self.repository}:{self.tag}"


class ScalingPart(NamedTuple):
    """An Application Auto Scaling policy or scheduled action: its target and its name."""

    resource_id: str
    name: str


class EksPart(NamedTuple):
    """An EKS node group or Fargate profile: its cluster and its name."""

    cluster: str
    name: str


@dataclass(frozen=True)
class Owns:
    """The resources one exercise creates, by name (what its reset removes).

    Security groups are named in the account's default VPC (where the labs make theirs);
    EC2 instances by a tag ``key=value``; EFS file systems by creation token; scalable
    targets by ``ResourceId`` (namespace ``ecs``); SSM parameters and Secrets Manager secrets
    by name. A secret goes after the task definitions that name it, before the roles that
    may read it."""

    ssm_parameters: tuple[str, ...] = ()
    alarms: tuple[str, ...] = ()
    scheduled_actions: tuple[ScalingPart, ...] = ()
    scaling_policies: tuple[ScalingPart, ...] = ()
    scalable_targets: tuple[str, ...] = ()
    revisions: tuple[Revisions, ...] = ()
    services: tuple[Service, ...] = ()
    tasks: tuple[Tasks, ...] = ()
    fargate_profiles: tuple[EksPart, ...] = ()
    nodegroups: tuple[EksPart, ...] = ()
    eks_clusters: tuple[str, ...] = ()
    capacity_providers: tuple[str, ...] = ()
    auto_scaling_groups: tuple[str, ...] = ()
    launch_templates: tuple[str, ...] = ()
    instances_tagged: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    load_balancers: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    access_points: tuple[AccessPoint, ...] = ()
    file_systems: tuple[str, ...] = ()
    ingress: tuple[Ingress, ...] = ()
    security_groups: tuple[str, ...] = ()
    lifecycle_policies: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    repositories: tuple[str, ...] = ()
    task_families: tuple[str, ...] = ()
    log_groups: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    instance_profiles: tuple[str, ...] = ()
    iam_roles: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def describe(self) -> list[str]:
        """``["IAM role ecsTaskExecutionRole", "task definition family web-ec2"]``, in the
        order a reset removes them (what depends on something goes before it)."""
        said: list[str] = []
        for f in fields(self):
            said += [_WORDS[f.name](item) for item in getattr(self, f.name)]
        return said


def _tagged(tag: str) -> str:
    key, _, value = tag.partition("=")
    return f"EC2 instances tagged {key}={value}"


_WORDS: dict[str, Callable[[Any], str]] = {
    "ssm_parameters": lambda n: f"SSM parameter {n}",
    "alarms": lambda n: f"CloudWatch alarm {n}",
    "scheduled_actions": lambda p: f"scheduled action {p.name} of {p.resource_id}",
    "scaling_policies": lambda p: f"scaling policy {p.name} of {p.resource_id}",
    "scalable_targets": lambda n: f"scalable target {n}",
    "revisions": lambda r: r.words(),
    "services": lambda s: f"service {s.name} in cluster {s.cluster}",
    "tasks": lambda t: f"tasks of {t.family} in cluster {t.cluster}",
    "fargate_profiles": lambda p: f"Fargate profile {p.name} of EKS cluster {p.cluster}",
    "nodegroups": lambda p: f"node group {p.name} of EKS cluster {p.cluster}",
    "eks_clusters": lambda n: f"EKS cluster {n}",
    "capacity_providers": lambda n: f"capacity provider {n}",
    "auto_scaling_groups": lambda n: f"Auto Scaling group {n}",
    "launch_templates": lambda n: f"launch template {n}",
    "instances_tagged": _tagged,
    "clusters": lambda n: f"cluster {n}",
    "load_balancers": lambda n: f"load balancer {n}",
    "target_groups": lambda n: f"target group {n}",
    "access_points": lambda a: f"access point {a.path} of EFS file system {a.file_system}",
    "file_systems": lambda n: f"EFS file system {n}",
    "ingress": lambda i: f"inbound TCP {i.port} rules of security group {i.group}",
    "security_groups": lambda n: f"security group {n}",
    "lifecycle_policies": lambda n: f"lifecycle policy of ECR repository {n}",
    "images": lambda i: i.words(),
    "repositories": lambda n: f"ECR repository {n}",
    "task_families": lambda n: f"task definition family {n}",
    "log_groups": lambda n: f"log group {n}",
    "secrets": lambda n: f"Secrets Manager secret {n}",
    "instance_profiles": lambda n: f"instance profile {n}",
    "iam_roles": lambda n: f"IAM role {n}",
}
