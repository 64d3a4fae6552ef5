"""Rules for IAM CreateRole kwargs: the trust (assume-role) policy of ECS roles."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._iam import trusted_services
from ecs_learn.rules._util import as_list, json_document
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Severity, Violation

__all__ = ["RULES"]

_role = partial(
    rule, kind="iam-role", error_code="MalformedPolicyDocument", source=sources.IAM_ROLES
)
_KEY = "AssumeRolePolicyDocument"


@_role(
    "IAM001",
    summary="the trust policy is a JSON object with a Statement list",
    source="AWS docs: IAM JSON policy element reference (Version, Statement)",
)
def trust_document(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if _KEY not in p:
        return
    doc = json_document(p[_KEY])
    if doc is None:
        yield Violation(
            _KEY,
            "The trust policy is not valid JSON (or not a JSON object). Write it "
            "with json.dumps({...}) rather than by hand.",
        )
    elif not (isinstance(doc.get("Statement"), Mapping) or as_list(doc.get("Statement"))):
        yield Violation(
            _KEY,
            "The trust policy has no Statement. Add one that allows "
            "sts:AssumeRole for the service principal.",
        )


@_role(
    "IAM002",
    summary="ECS task and execution roles are trusted by ecs-tasks.amazonaws.com, not "
    "ecs.amazonaws.com (advice)",
    severity=Severity.WARNING,
    error_code=None,
)
def ecs_principal(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    doc = json_document(p.get(_KEY))
    if doc is None:
        return
    services = trusted_services(doc)
    if "ecs.amazonaws.com" in services and "ecs-tasks.amazonaws.com" not in services:
        yield Violation(
            _KEY,
            "This role trusts ecs.amazonaws.com, the ECS service itself: no ECS "
            "task can assume it. A task role or a task execution role must trust "
            "ecs-tasks.amazonaws.com (and a role for another service trusts that "
            "service's principal, such as eks.amazonaws.com for an EKS cluster role).",
        )


RULES = (trust_document, ecs_principal)
