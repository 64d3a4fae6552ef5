"""Small read helpers shared by checks: find a resource or return ``None``."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from ecs_learn.checks.reader import AccountReader

__all__ = [
    "attached_policy_arns",
    "inline_policy_documents",
    "role",
    "task_definition",
    "trusted_services",
]


def task_definition(reader: AccountReader, family: str) -> dict[str, Any] | None:
    """The latest ACTIVE revision of ``family``, as describe returns it."""
    try:
        found = reader.ecs.describe_task_definition(taskDefinition=family)
    except ClientError:
        return None
    td: dict[str, Any] = found["taskDefinition"]
    if td.get("status", "ACTIVE") != "ACTIVE":  # every revision deregistered (a reset)
        return None
    return td


def role(reader: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = reader.iam.get_role(RoleName=name)["Role"]
    except ClientError:
        return None
    return found


def _document(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    text = unquote(str(value))
    try:
        parsed = json.loads(text)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def trusted_services(role_data: dict[str, Any]) -> list[str]:
    """Service principals allowed to assume the role (``sts:AssumeRole`` statements)."""
    document = _document(role_data.get("AssumeRolePolicyDocument"))
    services: list[str] = []
    for statement in _as_list(document.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = {str(a).lower() for a in _as_list(statement.get("Action"))}  # as AWS: any case
        if not actions & {"sts:assumerole", "sts:*", "*"}:
            continue
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            services.extend(str(s) for s in _as_list(principal.get("Service")))
    return sorted(set(services))


def attached_policy_arns(reader: AccountReader, role_name: str) -> list[str]:
    found = reader.iam.list_attached_role_policies(RoleName=role_name)
    return sorted(p["PolicyArn"] for p in found["AttachedPolicies"])


def inline_policy_documents(reader: AccountReader, role_name: str) -> list[dict[str, Any]]:
    names = reader.iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    return [
        _document(reader.iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"])
        for name in names
    ]


def allowed_actions(documents: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(action, resource) pairs allowed by the documents' Allow statements."""
    pairs: list[tuple[str, str]] = []
    for document in documents:
        for statement in _as_list(document.get("Statement")):
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            for action in _as_list(statement.get("Action")):
                for resource in _as_list(statement.get("Resource")):
                    pairs.append((str(action), str(resource)))
    return pairs
