"""Start one exercise over: remove what it created (its check's ``owns``), and only that.

Everything goes through boto3 against the sandbox, the way a learner would clean up in
a real account, so it works the same embedded and against a moto server (the runtime acts
on the calls as on the learner's: a deleted service's tasks stop). Each removal is said in
words ("IAM role web-app-task-role (and its 1 inline policy)"), so a reset never happens
silently, and so is what it keeps because AWS would refuse to remove it.

The kinds are removed in the order of :class:`~ecs_learn.checks.owns.Owns`' fields: what
uses something goes before it (a scaling policy before its scalable target, a service
before its load balancer and security groups, a capacity provider before its Auto Scaling
group, a secret after the task definitions that name it, a role last). One module per AWS
service does the removing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.owns import Owns
from ecs_learn.exercise_reset import (
    autoscaling,
    ec2,
    ecr,
    ecs,
    efs,
    eks,
    elb,
    iam,
    logs,
    scaling,
    secretsmanager,
    ssm,
)
from ecs_learn.exercise_reset._common import Client, Kept

__all__ = ["Removal", "remove_owned"]

Remover = Callable[[Client, Any], str | None]

REMOVERS: dict[str, Remover] = {
    "ssm_parameters": ssm.remove_parameter,
    "alarms": scaling.remove_alarm,
    "scheduled_actions": scaling.remove_scheduled_action,
    "scaling_policies": scaling.remove_scaling_policy,
    "scalable_targets": scaling.remove_scalable_target,
    "revisions": ecs.remove_revisions,
    "services": ecs.remove_service,
    "tasks": ecs.remove_tasks,
    "fargate_profiles": eks.remove_fargate_profile,
    "nodegroups": eks.remove_nodegroup,
    "eks_clusters": eks.remove_eks_cluster,
    "capacity_providers": ecs.remove_capacity_provider,
    "auto_scaling_groups": autoscaling.remove_auto_scaling_group,
    "launch_templates": ec2.remove_launch_template,
    "instances_tagged": ec2.remove_instances,
    "clusters": ecs.remove_cluster,
    "load_balancers": elb.remove_load_balancer,
    "target_groups": elb.remove_target_group,
    "access_points": efs.remove_access_point,
    "file_systems": efs.remove_file_system,
    "ingress": ec2.remove_ingress,
    "security_groups": ec2.remove_security_group,
    "lifecycle_policies": ecr.remove_lifecycle_policy,
    "images": ecr.remove_image,
    "repositories": ecr.remove_repository,
    "task_families": ecs.remove_family,
    "log_groups": logs.remove_log_group,
    "secrets": secretsmanager.remove_secret,
    "instance_profiles": iam.remove_instance_profile,
    "iam_roles": iam.remove_role,
}


@dataclass(frozen=True)
class Removal:
    """What a reset removed, and what it kept (and why), in words."""

    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def remove_owned(owns: Owns, client: Client) -> Removal:
    """Remove what ``owns`` names from the account, dependencies first."""
    from ecs_learn import strict

    removed: list[str] = []
    kept: list[str] = []
    with strict.lenient():  # cleaning up is not the learner's call to judge
        for f in fields(owns):
            for item in getattr(owns, f.name):
                try:
                    said = REMOVERS[f.name](client, item)
                except Kept as why:
                    kept.append(str(why))
                    continue
                except ClientError as err:  # what AWS (here: moto) refuses, in its words
                    what = Owns(**{f.name: (item,)}).describe()[0]
                    message = err.response.get("Error", {}).get("Message") or str(err)
                    kept.append(f"{what}: {message}")
                    continue
                if said:
                    removed.append(said)
    return Removal(tuple(removed), tuple(kept))
