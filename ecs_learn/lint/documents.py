"""Reading a JSON file and telling what kind of document it is."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecs_learn.errors import EcsLearnError
from ecs_learn.rules import KINDS, Kind

__all__ = ["LintInputError", "detect_kind", "read_json", "resolve_kind", "unwrap"]


class LintInputError(EcsLearnError, ValueError):
    """The document cannot be linted (wrong shape, unknown kind...)."""


def _has(doc: Mapping[str, Any], *keys: str) -> bool:
    return all(k in doc for k in keys)


def detect_kind(doc: Mapping[str, Any]) -> str | None:
    """The rule kind a JSON object looks like, or ``None`` when it is not clear."""
    if isinstance(doc.get("taskDefinition"), Mapping):
        return "task-definition"  # DescribeTaskDefinition output
    checks: list[tuple[str, bool]] = [
        ("task-definition", _has(doc, "containerDefinitions") or _has(doc, "family")),
        (
            "ecr-lifecycle-policy",
            _has(doc, "lifecyclePolicyText") or isinstance(doc.get("rules"), list),
        ),
        ("service", _has(doc, "serviceName") or _has(doc, "service", "taskDefinition")),
        ("scaling-policy", _has(doc, "PolicyName", "ServiceNamespace")),
        ("scheduled-action", _has(doc, "ScheduledActionName") or _has(doc, "Schedule")),
        (
            "scalable-target",
            _has(doc, "ScalableDimension") or _has(doc, "ServiceNamespace", "ResourceId"),
        ),
        ("eks-fargate-profile", _has(doc, "fargateProfileName") or _has(doc, "selectors")),
        ("eks-nodegroup", _has(doc, "nodegroupName") or _has(doc, "scalingConfig")),
        ("iam-role", _has(doc, "AssumeRolePolicyDocument")),
        ("iam-attach-policy", _has(doc, "PolicyArn", "RoleName")),
        ("ecr-repository", _has(doc, "repositoryName")),
        (
            "efs-file-system",
            any(k in doc for k in ("CreationToken", "ThroughputMode", "PerformanceMode")),
        ),
        ("efs-mount-target", _has(doc, "FileSystemId", "SubnetId")),
        ("elbv2-listener", _has(doc, "LoadBalancerArn", "DefaultActions")),
        ("elbv2-target-group", _has(doc, "TargetType") or _has(doc, "Name", "VpcId")),
        (
            "elbv2-load-balancer",
            _has(doc, "Name") and ("Subnets" in doc or "SubnetMappings" in doc),
        ),
        ("run-task", _has(doc, "taskDefinition") and isinstance(doc.get("taskDefinition"), str)),
        ("cluster", _has(doc, "clusterName")),
    ]
    for kind, matches in checks:
        if matches:
            return kind
    return None


def resolve_kind(doc: Any, kind: str | None) -> Kind:
    """The kind to lint ``doc`` as: ``kind`` if given (and known), else the detected one."""
    if not isinstance(doc, Mapping):
        raise LintInputError(f"expected a JSON object at the top, found {_json_type(doc)}")
    if kind is None:
        kind = detect_kind(doc)
        if kind is None:
            raise LintInputError(
                "cannot tell what kind of document this is; name it with --kind "
                f"({', '.join(KINDS)})"
            )
    elif kind not in KINDS:
        raise LintInputError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    return Kind(kind)


def unwrap(kind: Kind, doc: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """The payload the rules check, and where it sits in the file."""
    if kind == "task-definition" and isinstance(doc.get("taskDefinition"), Mapping):
        return doc["taskDefinition"], "taskDefinition"
    if kind == "ecr-lifecycle-policy" and "lifecyclePolicyText" in doc:
        text = doc["lifecyclePolicyText"]
        try:
            inner = json.loads(text) if isinstance(text, str) else text
        except ValueError as exc:
            raise LintInputError(f"lifecyclePolicyText is not valid JSON ({exc})") from None
        if not isinstance(inner, Mapping):
            raise LintInputError('lifecyclePolicyText must hold a JSON object with "rules"')
        return inner, "lifecyclePolicyText"
    return doc, ""


def _json_type(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def read_json(path: Path) -> Any:
    """The parsed JSON of ``path``; :class:`LintInputError` saying why it cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LintInputError("no such file") from None
    except IsADirectoryError:
        raise LintInputError("is a directory, not a JSON file") from None
    except PermissionError:
        raise LintInputError("permission denied") from None
    except OSError as exc:
        raise LintInputError(f"cannot read it ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LintInputError("is not UTF-8 text (is it a JSON file?)") from None
    if not text.strip():
        raise LintInputError("is empty; expected a JSON object")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LintInputError(
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise LintInputError("is nested too deeply to read") from None
