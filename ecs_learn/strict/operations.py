"""Which AWS operations the strict layer checks, and how their kwargs become rule payloads."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ecs_learn.rules.kinds import Kind

__all__ = ["OPERATIONS", "Operation"]


def _same(params: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return params


def _lifecycle_document(params: Mapping[str, Any]) -> Mapping[str, Any] | None:
    text = params.get("lifecyclePolicyText")
    try:
        doc = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None  # not JSON at all: AWS and moto both refuse it already
    return doc if isinstance(doc, Mapping) else None


@dataclass(frozen=True)
class Operation:
    """One checked operation: its rule kind, how to get the payload, and where paths live."""

    kind: Kind
    primary_code: str
    payload: Callable[[Mapping[str, Any]], Mapping[str, Any] | None] = _same
    path_prefix: str = ""


# Keyed by (hyphenized botocore service id, operation name), as in botocore event names.
OPERATIONS: dict[tuple[str, str], Operation] = {
    ("ecs", "RegisterTaskDefinition"): Operation(Kind.TASK_DEFINITION, "ClientException"),
    ("ecs", "CreateService"): Operation(Kind.SERVICE, "InvalidParameterException"),
    ("ecs", "UpdateService"): Operation(Kind.SERVICE, "InvalidParameterException"),
    ("ecs", "RunTask"): Operation(Kind.RUN_TASK, "InvalidParameterException"),
    ("ecs", "CreateCluster"): Operation(Kind.CLUSTER, "InvalidParameterException"),
    ("ecr", "CreateRepository"): Operation(Kind.ECR_REPOSITORY, "InvalidParameterException"),
    ("ecr", "PutImageTagMutability"): Operation(Kind.ECR_REPOSITORY, "InvalidParameterException"),
    ("ecr", "PutLifecyclePolicy"): Operation(
        Kind.ECR_LIFECYCLE_POLICY,
        "InvalidParameterException",
        _lifecycle_document,
        "lifecyclePolicyText",
    ),
    ("efs", "CreateFileSystem"): Operation(Kind.EFS_FILE_SYSTEM, "BadRequest"),
    ("efs", "CreateMountTarget"): Operation(Kind.EFS_MOUNT_TARGET, "MountTargetConflict"),
    ("elastic-load-balancing-v2", "CreateLoadBalancer"): Operation(
        Kind.ELBV2_LOAD_BALANCER, "ValidationError"
    ),
    ("elastic-load-balancing-v2", "CreateListener"): Operation(
        Kind.ELBV2_LISTENER, "ValidationError"
    ),
    ("elastic-load-balancing-v2", "CreateTargetGroup"): Operation(
        Kind.ELBV2_TARGET_GROUP, "ValidationError"
    ),
    ("application-auto-scaling", "RegisterScalableTarget"): Operation(
        Kind.SCALABLE_TARGET, "ValidationException"
    ),
    ("application-auto-scaling", "PutScalingPolicy"): Operation(
        Kind.SCALING_POLICY, "ValidationException"
    ),
    ("application-auto-scaling", "PutScheduledAction"): Operation(
        Kind.SCHEDULED_ACTION, "ValidationException"
    ),
    ("iam", "CreateRole"): Operation(Kind.IAM_ROLE, "MalformedPolicyDocument"),
    ("iam", "AttachRolePolicy"): Operation(Kind.IAM_ATTACH_POLICY, "NoSuchEntity"),
    ("eks", "CreateFargateProfile"): Operation(
        Kind.EKS_FARGATE_PROFILE, "InvalidParameterException"
    ),
    ("eks", "CreateNodegroup"): Operation(Kind.EKS_NODEGROUP, "InvalidParameterException"),
    ("eks", "UpdateNodegroupConfig"): Operation(Kind.EKS_NODEGROUP, "InvalidParameterException"),
}
