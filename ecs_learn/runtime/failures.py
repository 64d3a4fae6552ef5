"""Why a task that registered fine fails when it runs, in AWS's words.

Follows "Amazon ECS stopped task error codes" (developerguide/stopped-task-error-codes.html),
"Troubleshoot Amazon ECS ResourceInitializationError errors"
(resource-initialization-error.html), "CannotPullContainer task errors"
(task_cannot_pull_image.html), "Amazon ECS task execution IAM role"
(task_execution_IAM_role.html) and "Specify an Amazon EFS file system in an Amazon ECS
task definition" (specify-efs-config.html). The checks run in the order the Fargate agent
meets them: registry auth and secrets (execution role), log driver, volumes, image pull.

Images outside this account's ECR (Docker Hub, public.ecr.aws, other accounts) are taken
to exist: the sandbox has no network. An essential container *exits* when its ``command``
ends in ``exit N`` (N != 0: at once; ``exit 0`` too) or when it carries the docker label
``ecs-learn.exit-after`` (seconds after it starts, exit code from ``ecs-learn.exit-code``,
default 1) — see docs/runtime.md.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from ecs_learn.runtime.iam import RolePolicies, load_role
from ecs_learn.sandbox.env import ACCOUNT_ID, REGION

__all__ = ["Failure", "TaskContext", "essential_exit", "why_task_cannot_start"]

_ECR = re.compile(
    r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)(?::([^@]+))?(?:@(.+))?$"
)
_EXIT = re.compile(r"(?:^|[;&|\s])exit\s+(\d+)\s*$")
_PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: "


@dataclass(frozen=True)
class Failure:
    stop_code: str
    reason: str


@dataclass(frozen=True)
class TaskContext:
    """Where the task runs. awsvpc: its ENI's zone, security groups and address; bridge/host
    on EC2 (no ENI): its container instance's zone (``ecs.availability-zone``), the
    instance's security groups and private address (``TaskRunner.admit``)."""

    task_id: str
    availability_zone: str
    security_groups: tuple[str, ...]
    private_ip: str


def _denied(role: RolePolicies, task_id: str, action: str, resource: str) -> str:
    who = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role.name or 'none'}/{task_id}"
    return (
        f"AccessDeniedException: User: {who} is not authorized to perform: {action} on "
        f"resource: {resource} because no identity-based policy allows the {action} action"
    )


def _image_failure(client: Any, role: RolePolicies, ctx: TaskContext, image: str) -> Failure | None:
    match = _ECR.match(image)
    if not match or match.group(1) != ACCOUNT_ID:
        return None
    _, region, repo, tag, digest = match.groups()
    if not role.allows("ecr:GetAuthorizationToken", "*"):
        return Failure(
            "TaskFailedToStart",
            _PREFIX + "execution resource retrieval failed: unable to retrieve ecr registry auth: "
            "service call has been retried 3 time(s): "
            + _denied(role, ctx.task_id, "ecr:GetAuthorizationToken", "*"),
        )
    repo_arn = f"arn:aws:ecr:{region}:{ACCOUNT_ID}:repository/{repo}"
    not_found = Failure(
        "TaskFailedToStart",
        f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        f"resolve ref {image}: {image}: not found",
    )
    if region != REGION:  # the account's repositories live in the sandbox's one region
        return not_found
    ecr = client("ecr")
    try:
        ecr.describe_repositories(repositoryNames=[repo])
    except Exception:  # RepositoryNotFoundException
        return not_found
    image_id = {"imageDigest": digest} if digest else {"imageTag": tag or "latest"}
    found = ecr.batch_get_image(repositoryName=repo, imageIds=[image_id])
    if not found.get("images"):
        return not_found
    if not role.allows("ecr:BatchGetImage", repo_arn):
        host = image.split("/", 1)[0]
        return Failure(
            "TaskFailedToStart",
            f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
            f"resolve ref {image}: pulling from host {host} failed with status code "
            f"[manifests {tag or digest or 'latest'}]: 403 Forbidden",
        )
    return None


def _secret_failure(
    client: Any, role: RolePolicies, ctx: TaskContext, value: str
) -> Failure | None:
    if ":secretsmanager:" in value or not (value.startswith("arn:") or value.startswith("/")):
        name = value.split(":secret:", 1)[-1] if ":secret:" in value else value
        name = ":".join(name.split(":")[:1])  # drop a json-key suffix
        try:
            arn = client("secretsmanager").describe_secret(SecretId=name)["ARN"]
        except Exception:
            arn = value
        if role.allows("secretsmanager:GetSecretValue", arn):
            return None
        return Failure(
            "TaskFailedToStart",
            _PREFIX + "execution resource retrieval failed: unable to retrieve secret from asm: "
            "service call has been retried 1 time(s): "
            + _denied(role, ctx.task_id, "secretsmanager:GetSecretValue", arn),
        )
    name = value.split(":parameter", 1)[-1] if value.startswith("arn:") else value
    arn = (
        value if value.startswith("arn:") else f"arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter{name}"
    )
    if role.allows("ssm:GetParameters", arn):
        return None
    return Failure(
        "TaskFailedToStart",
        _PREFIX + "execution resource retrieval failed: unable to retrieve secrets from ssm: "
        "service call has been retried 1 time(s): "
        + _denied(role, ctx.task_id, "ssm:GetParameters", arn),
    )


def _log_failure(
    client: Any, role: RolePolicies, ctx: TaskContext, options: dict[str, str]
) -> Failure | None:
    group = options.get("awslogs-group", "")
    groups = client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    exists = any(g["logGroupName"] == group for g in groups)
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{group}"
    prefix = "ResourceInitializationError: failed to validate logger args: "
    if not exists and str(options.get("awslogs-create-group", "")).lower() == "true":
        if not role.allows("logs:CreateLogGroup", arn + ":*"):
            return Failure(
                "TaskFailedToStart",
                prefix + "create log group has been retried 1 times: failed to create Cloudwatch "
                "log group: "
                + _denied(role, ctx.task_id, "logs:CreateLogGroup", arn + ":*")
                + " : exit status 1",
            )
        client("logs").create_log_group(logGroupName=group)
        exists = True
    if not exists:
        return Failure(
            "TaskFailedToStart",
            prefix + "create stream has been retried 1 times: failed to create Cloudwatch log "
            "stream: ResourceNotFoundException: The specified log group does not exist. "
            ": exit status 1",
        )
    if not role.allows("logs:CreateLogStream", arn + ":log-stream:*"):
        return Failure(
            "TaskFailedToStart",
            prefix + "create stream has been retried 1 times: failed to create Cloudwatch log "
            "stream: "
            + _denied(role, ctx.task_id, "logs:CreateLogStream", arn + ":log-stream:*")
            + " : exit status 1",
        )
    return None


def _allows_nfs(client: Any, group_ids: list[str], ctx: TaskContext) -> bool:
    groups = client("ec2").describe_security_groups(GroupIds=group_ids)["SecurityGroups"]
    for group in groups:
        for rule in group.get("IpPermissions", []):
            proto = rule.get("IpProtocol")
            low, high = rule.get("FromPort", 0), rule.get("ToPort", 65535)
            if proto not in ("-1", "tcp") or (proto == "tcp" and not low <= 2049 <= high):
                continue
            if any(
                p.get("GroupId") in ctx.security_groups for p in rule.get("UserIdGroupPairs", [])
            ):
                return True
            for cidr in rule.get("IpRanges", []):
                if ctx.private_ip and ipaddress.ip_address(ctx.private_ip) in ipaddress.ip_network(
                    cidr["CidrIp"], strict=False
                ):
                    return True
    return False


def _efs_failure(client: Any, ctx: TaskContext, fs_id: str) -> Failure | None:
    efs = client("efs")
    prefix = (
        "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS "
        "volumes: stderr: "
    )
    try:
        targets = efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]
    except Exception:
        targets = []
    here = [t for t in targets if t.get("AvailabilityZoneName") == ctx.availability_zone]
    if not here:
        return Failure(
            "TaskFailedToStart",
            prefix
            + f'Failed to resolve "{fs_id}.efs.{REGION}.amazonaws.com" - check that your file '
            "system ID is correct, and ensure that the VPC has an EFS mount target for this file "
            "system ID. : unsuccessful EFS utils command execution; code: 1",
        )
    groups = efs.describe_mount_target_security_groups(MountTargetId=here[0]["MountTargetId"])
    if not _allows_nfs(client, groups["SecurityGroups"], ctx):
        return Failure(
            "TaskFailedToStart",
            prefix + "mount.nfs4: Connection timed out : unsuccessful EFS utils command execution; "
            "code: 32",
        )
    return None


def why_task_cannot_start(
    client: Any, task_definition: dict[str, Any], ctx: TaskContext
) -> Failure | None:
    """The first reason the task fails to start, or ``None`` when it starts.

    ``client(service)`` returns an (internal) API client.
    """
    role = load_role(client("iam"), task_definition.get("executionRoleArn"))
    containers = task_definition.get("containerDefinitions", [])
    for container in containers:
        for secret in container.get("secrets") or []:
            failure = _secret_failure(client, role, ctx, secret["valueFrom"])
            if failure:
                return failure
    for container in containers:
        log = container.get("logConfiguration") or {}
        if log.get("logDriver") == "awslogs":
            failure = _log_failure(client, role, ctx, log.get("options") or {})
            if failure:
                return failure
    for volume in task_definition.get("volumes") or []:
        efs = volume.get("efsVolumeConfiguration")
        if efs:
            failure = _efs_failure(client, ctx, efs["fileSystemId"])
            if failure:
                return failure
    for container in containers:
        failure = _image_failure(client, role, ctx, container.get("image", ""))
        if failure:
            return failure
    return None


def essential_exit(task_definition: dict[str, Any]) -> tuple[float, int] | None:
    """(seconds after start, exit code) when an essential container exits, else ``None``."""
    soonest: tuple[float, int] | None = None
    for container in task_definition.get("containerDefinitions", []):
        if container.get("essential", True) is False:
            continue
        labels = container.get("dockerLabels") or {}
        found: tuple[float, int] | None = None
        if "ecs-learn.exit-after" in labels:
            found = (
                float(labels["ecs-learn.exit-after"]),
                int(labels.get("ecs-learn.exit-code", 1)),
            )
        else:
            command = " ".join(container.get("command") or [])
            match = _EXIT.search(command)
            if match:
                found = (0.0, int(match.group(1)))
        if found and (soonest is None or found[0] < soonest[0]):
            soonest = found
    return soonest
