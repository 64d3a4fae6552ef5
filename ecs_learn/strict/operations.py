"""Which AWS operations the strict layer checks, and how their kwargs become rule payloads."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

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

    kind: str
    primary_code: str
    payload: Callable[[Mapping[str, Any]], Mapping[str, Any] | None] = _same
    path_prefix: str = ""


# Keyed by (hyphenized botocore service id, operation name), as in botocore event names.
OPERATIONS: dict[tuple[str, str], Operation] = {
    ("ecs", "RegisterTaskDefinition"): Operation("task-definition", "ClientException"),
    ("ecs", "CreateService"): Operation("service", "InvalidParameterException"),
    ("ecs", "UpdateService"): Operation("service", "InvalidParameterException"),
    ("ecs", "RunTask"): Operation("run-task", "InvalidParameterException"),
    ("ecs", "CreateCluster"): Operation("cluster", "InvalidParameterException"),
    ("ecr", "CreateRepository"): Operation("ecr-repository", "InvalidParameterException"),
    ("ecr", "PutImageTagMutability"): Operation("ecr-repository", "InvalidParameterException"),
    ("ecr", "PutLifecyclePolicy"): Operation(
        "ecr-lifecycle-policy",
        "InvalidParameterException",
        _lifecycle_document,
        "lifecyclePolicyText",
    ),
    ("efs", "CreateFileSystem"): Operation("efs-file-system", "BadRequest"),
    ("efs", "CreateMountTarget"): Operation("efs-mount-target", "MountTargetConflict"),
    ("elastic-load-balancing-v2", "CreateLoadBalancer"): Operation(
        "elbv2-load-balancer", "ValidationError"
    ),
    ("elastic-load-balancing-v2", "CreateListener"): Operation("elbv2-listener", "ValidationError"),
    ("elastic-load-balancing-v2", "CreateTargetGroup"): Operation(
        "elbv2-target-group", "ValidationError"
    ),
    ("application-auto-scaling", "RegisterScalableTarget"): Operation(
        "scalable-target", "ValidationException"
    ),
    ("application-auto-scaling", "PutScalingPolicy"): Operation(
        "scaling-policy", "ValidationException"
    ),
    ("application-auto-scaling", "PutScheduledAction"): Operation(
        "scheduled-action", "ValidationException"
    ),
    ("iam", "CreateRole"): Operation("iam-role", "MalformedPolicyDocument"),
    ("iam", "AttachRolePolicy"): Operation("iam-attach-policy", "NoSuchEntity"),
    ("eks", "CreateFargateProfile"): Operation("eks-fargate-profile", "InvalidParameterException"),
    ("eks", "CreateNodegroup"): Operation("eks-nodegroup", "InvalidParameterException"),
    ("eks", "UpdateNodegroupConfig"): Operation("eks-nodegroup", "InvalidParameterException"),
}
