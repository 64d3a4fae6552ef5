"""A small IAM policy evaluator: may this role perform this action on this resource?

Used by the runtime wherever AWS's behaviour depends on a role's permissions: the ECS
agent on a container instance (the instance profile's role), and the task execution
role pulling from ECR or reading secrets. It follows AWS's documented evaluation logic
for identity-based policies in one account:

* an explicit ``Deny`` in any policy wins over every ``Allow``; with no ``Allow`` the
  request is implicitly denied ("Policy evaluation logic", IAM User Guide:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html);
* ``Action`` values are case-insensitive and may use ``*`` and ``?`` wildcards; ``NotAction``
  matches every action not listed ("IAM JSON policy elements: Action / NotAction");
* ``Resource`` ARNs are matched case-sensitively with ``*`` and ``?`` wildcards;
  ``NotResource`` matches every resource not listed ("IAM JSON policy elements: Resource").

What it does not model (documented, so a lab does not rely on it): ``Condition`` blocks
(a statement with one is skipped, so it neither allows nor denies), policy variables,
permissions boundaries, session policies, SCPs and resource-based policies.

The policies are read only through the IAM API: inline policies (``list_role_policies``
+ ``get_role_policy``) and attached managed ones (``list_attached_role_policies`` +
``get_policy`` + ``get_policy_version`` of the default version).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

__all__ = [
    "ClientSource",
    "Decision",
    "PolicySource",
    "allowed",
    "allowed_all",
    "evaluate",
    "policies_of",
    "role_policies",
]


class ClientSource(Protocol):
    """Anything that hands out boto3 clients by service name (a Sandbox does)."""

    def client(self, service: str) -> Any: ...


@dataclass(frozen=True)
class Decision:
    """The outcome of an evaluation; ``reason`` says which policy decided, for a hint."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class PolicySource:
    """One policy document and where it came from (``inline:NAME`` or a policy ARN)."""

    name: str
    document: Mapping[str, Any]


@lru_cache(maxsize=512)
def _pattern(text: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _matches(patterns: Iterable[str], value: str, *, ignore_case: bool) -> bool:
    return any(_pattern(p, ignore_case).fullmatch(value) for p in patterns)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = document.get("Statement", [])
    if isinstance(found, Mapping):
        return [found]
    return [s for s in found if isinstance(s, Mapping)]


def _statement_applies(statement: Mapping[str, Any], action: str, resource: str) -> bool:
    if "Action" in statement:
        if not _matches(_as_list(statement["Action"]), action, ignore_case=True):
            return False
    elif "NotAction" in statement:
        if _matches(_as_list(statement["NotAction"]), action, ignore_case=True):
            return False
    else:
        return False
    if "Resource" in statement:
        return _matches(_as_list(statement["Resource"]), resource, ignore_case=False)
    if "NotResource" in statement:
        return not _matches(_as_list(statement["NotResource"]), resource, ignore_case=False)
    return False


def evaluate(policies: Sequence[PolicySource], action: str, resource: str = "*") -> Decision:
    """Decide ``action`` on ``resource`` under ``policies`` (explicit Deny wins)."""
    allowed_by: str | None = None
    for policy in policies:
        for statement in _statements(policy.document):
            if "Condition" in statement:
                continue  # not modelled: see the module docstring
            if not _statement_applies(statement, action, resource):
                continue
            effect = str(statement.get("Effect", "")).lower()
            if effect == "deny":
                return Decision(False, f"{action} is explicitly denied by {policy.name}")
            if effect == "allow" and allowed_by is None:
                allowed_by = policy.name
    if allowed_by is not None:
        return Decision(True, f"{action} is allowed by {allowed_by}")
    return Decision(False, f"no policy allows {action} on {resource} (implicit deny)")


def _document(raw: Any) -> Mapping[str, Any]:
    if isinstance(raw, Mapping):
        return raw
    text = str(raw)
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = json.loads(urllib.parse.unquote(text))
    return parsed if isinstance(parsed, Mapping) else {}


def role_policies(role_name: str, clients: ClientSource) -> list[PolicySource]:
    """Every policy document of ``role_name``: inline ones, then attached managed ones.

    Raises botocore's ``ClientError`` (``NoSuchEntity``) if the role does not exist.
    """
    return policies_of(clients.client("iam"), role_name)


def policies_of(iam: Any, role_name: str) -> list[PolicySource]:
    """:func:`role_policies` with an IAM client at hand."""
    found: list[PolicySource] = []
    for name in iam.list_role_policies(RoleName=role_name).get("PolicyNames", []):
        answer = iam.get_role_policy(RoleName=role_name, PolicyName=name)
        found.append(PolicySource(f"inline policy {name}", _document(answer["PolicyDocument"])))
    attached = iam.list_attached_role_policies(RoleName=role_name).get("AttachedPolicies", [])
    for item in attached:
        arn = item["PolicyArn"]
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        answer = iam.get_policy_version(PolicyArn=arn, VersionId=version)
        found.append(PolicySource(arn, _document(answer["PolicyVersion"]["Document"])))
    return found


def _role_name(role: str) -> str:
    """A role name from a name or an ARN (``arn:aws:iam::123:role/path/name``)."""
    return role.rsplit("/", 1)[-1] if role.startswith("arn:") else role


def allowed(role: str, action: str, resource: str, clients: ClientSource) -> Decision:
    """May ``role`` (a name or an ARN) perform ``action`` on ``resource``?"""
    return allowed_all(role, [action], resource, clients)


def allowed_all(
    role: str, actions: Iterable[str], resource: str, clients: ClientSource
) -> Decision:
    """May ``role`` perform every one of ``actions``? The reason names those it may not."""
    from botocore.exceptions import ClientError

    name = _role_name(role)
    wanted = list(actions)
    try:
        policies = role_policies(name, clients)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NoSuchEntity":
            return Decision(False, f"the role {name} does not exist")
        raise
    refused = [d.reason for d in (evaluate(policies, a, resource) for a in wanted) if not d]
    if refused:
        return Decision(False, f"role {name}: " + "; ".join(refused))
    return Decision(True, f"role {name} allows {', '.join(wanted)}")
