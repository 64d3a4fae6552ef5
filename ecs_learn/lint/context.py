"""Facts one linted document gives the rules of another, when files are linted together.

Some rules need the account's facts (``needs=``): a service's rules read its task
definition and target groups, a listener's rule reads its load balancer's type. The
strict sandbox asks the account; ``ecs-learn lint a.json b.json ...`` takes them from
the other files instead, matched the way AWS resolves the reference:

- a service's or RunTask's ``taskDefinition`` (``family``, ``family:revision`` or a
  task-definition ARN) matches a task definition of that family. A named revision
  must equal the file's ``revision`` when the file states one (describe output); a
  RegisterTaskDefinition input has none yet and matches any revision. With no
  revision named, AWS takes the latest: the highest stated revision, and a register
  input counts as newer than any describe output. Among equals the later file wins;
- a ``targetGroupArn`` matches a target group whose ``TargetGroupArn`` equals it, or
  whose ``Name`` / ``TargetGroupName`` is the name in the ARN
  (``...:targetgroup/NAME/id``). A CreateTargetGroup input without ``TargetType`` is
  taken as ``instance``, AWS's default. Its load balancers are those of the linted
  listeners that forward to it (known only when a listener is linted too);
- a listener's ``LoadBalancerArn`` matches a load balancer by ARN or by the name in
  the ARN (``...:loadbalancer/app/NAME/id``); a missing ``Type`` is ``application``;
- an attached policy's role is matched by ``RoleName`` to a linted CreateRole input
  (or GetRole's ``Role``), whose trust policy names the principals.

A fact no file provides stays unknown, and the rules that need it stay silent. Facts
are only ever taken from a file that names the same thing: whether a scalable target
is already registered (AAS004, AAS010) is the account's state, which the absence of a
file cannot tell, so lint leaves those rules to the strict sandbox.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecs_learn.rules import Fact, Kind, RuleContext, facts_needed
from ecs_learn.rules._iam import trusted_services
from ecs_learn.rules._util import as_int, dicts, json_document

__all__ = ["LintedDocument", "context_for"]

_TD_ARN = re.compile(r"arn:[^:]+:ecs:[^:]*:[^:]*:task-definition/(?P<ref>.+)")
_TG_NAME = re.compile(r"arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:targetgroup/(?P<name>[^/]+)/.*")
_LB_NAME = re.compile(
    r"arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:loadbalancer/[^/]+/(?P<name>[^/]+)/.*"
)


@dataclass(frozen=True)
class LintedDocument:
    """One document in the set: its kind and the payload the rules check."""

    kind: Kind
    payload: Mapping[str, Any]


def context_for(
    doc: LintedDocument, others: Sequence[LintedDocument], base: RuleContext
) -> RuleContext:
    """``base`` plus the facts ``doc``'s rules need that ``others`` provide."""
    needed = facts_needed(doc.kind)
    facts: dict[str, Any] = {}
    p = doc.payload
    if Fact.TASK_DEFINITION in needed and base.task_definition is None:
        facts["task_definition"] = _task_definition(p.get("taskDefinition"), others)
    if Fact.TARGET_GROUPS in needed and base.target_groups is None:
        arns = [lb.get("targetGroupArn") for _, lb in dicts(p.get("loadBalancers"))]
        groups = {a: g for a in arns if isinstance(a, str) if (g := _target_group(a, others))}
        facts["target_groups"] = groups or None
    if Fact.LOAD_BALANCER_TYPES in needed and base.load_balancer_types is None:
        arn = p.get("LoadBalancerArn")
        lb_type = _load_balancer_type(arn, others) if isinstance(arn, str) else None
        facts["load_balancer_types"] = {arn: lb_type} if lb_type else None
    if Fact.ROLE_TRUST_PRINCIPALS in needed and base.role_trust_principals is None:
        facts["role_trust_principals"] = _trust_principals(others)
    facts = {k: v for k, v in facts.items() if v is not None}
    return dataclasses.replace(base, **facts) if facts else base


def _of(kind: Kind, docs: Sequence[LintedDocument]) -> Iterator[Mapping[str, Any]]:
    return (d.payload for d in docs if d.kind is kind)


def _task_definition(ref: Any, docs: Sequence[LintedDocument]) -> Mapping[str, Any] | None:
    if not isinstance(ref, str):
        return None
    match = _TD_ARN.fullmatch(ref)
    family, _, rev_text = (match.group("ref") if match else ref).partition(":")
    wanted = int(rev_text) if rev_text.isdigit() else None
    best: tuple[float, Mapping[str, Any]] | None = None
    for td in _of(Kind.TASK_DEFINITION, docs):
        if td.get("family") != family:
            continue
        stated = as_int(td.get("revision"))
        if wanted is not None and stated is not None and stated != wanted:
            continue
        rank = float("inf") if stated is None else float(stated)
        if wanted is not None and stated == wanted:
            rank = float("inf")
        if best is None or rank >= best[0]:
            best = (rank, td)
    return best[1] if best else None


def _target_group(arn: str, docs: Sequence[LintedDocument]) -> Mapping[str, Any] | None:
    match = _TG_NAME.fullmatch(arn)
    name = match.group("name") if match else None
    found: Mapping[str, Any] | None = None
    for tg in _of(Kind.ELBV2_TARGET_GROUP, docs):
        if tg.get("TargetGroupArn") == arn or (
            name is not None and name in (tg.get("Name"), tg.get("TargetGroupName"))
        ):
            found = tg
    if found is None:
        return None
    group = dict(found)
    group.setdefault("TargetType", "instance")
    if "LoadBalancerArns" not in group:
        lbs = _listener_load_balancers(arn, name, docs)
        if lbs is not None:
            group["LoadBalancerArns"] = lbs
    return group


def _forwards(listener: Mapping[str, Any]) -> Iterator[Any]:
    for _, action in dicts(listener.get("DefaultActions")):
        yield action.get("TargetGroupArn")
        forward = action.get("ForwardConfig")
        if isinstance(forward, Mapping):
            for _, item in dicts(forward.get("TargetGroups")):
                yield item.get("TargetGroupArn")


def _listener_load_balancers(
    arn: str, name: str | None, docs: Sequence[LintedDocument]
) -> list[str] | None:
    listeners = list(_of(Kind.ELBV2_LISTENER, docs))
    if not listeners:
        return None  # unknown: the account may have a listener already
    found = []
    for listener in listeners:
        for target in _forwards(listener):
            same_name = (
                isinstance(target, str)
                and name is not None
                and ((m := _TG_NAME.fullmatch(target)) is not None and m.group("name") == name)
            )
            if target == arn or same_name:
                found.append(str(listener.get("LoadBalancerArn")))
    return found


def _load_balancer_type(arn: str, docs: Sequence[LintedDocument]) -> str | None:
    match = _LB_NAME.fullmatch(arn)
    name = match.group("name") if match else None
    found: str | None = None
    for lb in _of(Kind.ELBV2_LOAD_BALANCER, docs):
        if lb.get("LoadBalancerArn") == arn or (name is not None and lb.get("Name") == name):
            lb_type = lb.get("Type", "application")
            found = lb_type if isinstance(lb_type, str) else None
    return found


def _trust_principals(docs: Sequence[LintedDocument]) -> Mapping[str, frozenset[str]] | None:
    roles: dict[str, frozenset[str]] = {}
    for role in _of(Kind.IAM_ROLE, docs):
        role = role.get("Role", role) if isinstance(role.get("Role"), Mapping) else role
        name, policy = role.get("RoleName"), json_document(role.get("AssumeRolePolicyDocument"))
        if isinstance(name, str) and policy is not None:
            roles[name] = trusted_services(policy)
    return roles or None
