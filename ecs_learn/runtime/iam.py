"""A small IAM policy evaluator for the roles ECS uses (moto has no simulate_principal_policy).

Follows "Policy evaluation logic" (IAM User Guide, reference_policies_evaluation-logic.html)
for identity-based policies only: a request is allowed when some statement of the role's
attached managed or inline policies allows it and none denies it; an explicit ``Deny``
wins. ``Action``/``NotAction`` match case-insensitively with ``*`` and ``?`` wildcards,
``Resource``/``NotResource`` case-sensitively with wildcards. Not modelled: conditions
(a statement with a ``Condition`` still applies), permissions boundaries, SCPs,
resource-based policies and session policies.
"""

from __future__ import annotations

import fnmatch
import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["RolePolicies", "load_role"]

Statement = dict[str, Any]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _document(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    text = str(raw)
    if text.startswith("%7B") or text.startswith("%7b"):
        text = urllib.parse.unquote(text)
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def _matches(patterns: Iterable[Any], value: str, *, fold: bool) -> bool:
    subject = value.lower() if fold else value
    for pattern in patterns:
        text = str(pattern).lower() if fold else str(pattern)
        if fnmatch.fnmatchcase(subject, text):
            return True
    return False


def _applies(statement: Statement, action: str, resource: str) -> bool:
    if "Action" in statement:
        if not _matches(_as_list(statement["Action"]), action, fold=True):
            return False
    elif "NotAction" in statement:
        if _matches(_as_list(statement["NotAction"]), action, fold=True):
            return False
    else:
        return False
    if "Resource" in statement:
        return _matches(_as_list(statement["Resource"]), resource, fold=False)
    if "NotResource" in statement:
        return not _matches(_as_list(statement["NotResource"]), resource, fold=False)
    return False


@dataclass(frozen=True)
class RolePolicies:
    """Every statement of one role's identity-based policies (``exists`` False: no such role)."""

    arn: str
    exists: bool
    statements: tuple[Statement, ...] = ()

    @property
    def name(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    def allows(self, action: str, resource: str) -> bool:
        """True when the role may call ``action`` on ``resource``."""
        allowed = False
        for statement in self.statements:
            if not _applies(statement, action, resource):
                continue
            if statement.get("Effect") == "Deny":
                return False
            if statement.get("Effect") == "Allow":
                allowed = True
        return allowed


def load_role(iam: Any, role_arn: str | None) -> RolePolicies:
    """Read a role's attached managed and inline policies through the IAM API."""
    if not role_arn:
        return RolePolicies("", exists=False)
    name = role_arn.rsplit("/", 1)[-1]
    try:
        iam.get_role(RoleName=name)
    except Exception:  # NoSuchEntity
        return RolePolicies(role_arn, exists=False)
    statements: list[Statement] = []
    for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
        version = iam.get_policy_version(
            PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"]
        )["PolicyVersion"]
        statements.extend(_as_list(_document(version["Document"]).get("Statement")))
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        raw = iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
        statements.extend(_as_list(_document(raw).get("Statement")))
    return RolePolicies(role_arn, exists=True, statements=tuple(statements))
