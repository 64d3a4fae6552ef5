"""Exercise 2 — security groups: the internet reaches the ALB, the ALB the tasks, the api EFS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import ALB_SG, API, EFS_SG, TIERS, WEB, Tier
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Owns, check, requirement
from ecs_learn.checks.result import Requirement

Groups = dict[str, dict[str, Any]]


def _admits(
    aws: AccountReader, groups: Groups, label: str, group: str, port: int, source: str | None
) -> Requirement:
    sg = groups.get(group)
    source_sg = groups.get(source) if source else None
    ok = acct.from_group(sg, port, source_sg) if source else acct.from_anywhere(sg, port)
    wanted = f"TCP {port} from {source or '0.0.0.0/0'}"
    if sg is None:
        hint = f"create the security group {group!r} in the default VPC first"
    elif source and source_sg is None:
        hint = f"create {source!r} first: the rule names it as the source"
    else:
        hint = f"authorize_security_group_ingress on {group}: TCP {port} with " + (
            f"UserIdGroupPairs [{{'GroupId': <{source} id>}}]" if source else "0.0.0.0/0"
        )
    names = {g["GroupId"]: name for name, g in groups.items()}
    shown = (acct.rules_of(aws, sg, names) or "no rules") if sg else None
    return requirement(label, wanted, shown, ok=ok, hint=hint)


def _closed(groups: Groups, tier: Tier) -> Requirement:
    sg = groups.get(tier.security_group)
    open_rules = acct.open_to_internet(sg) if sg else []
    return requirement(
        f"{tier.security_group}: closed to the internet",
        "no rule from 0.0.0.0/0",
        (open_rules or "no rule from 0.0.0.0/0") if sg else None,
        ok=sg is not None and not open_rules,
        hint=(
            "revoke_security_group_ingress the 0.0.0.0/0 rule: only the load balancer may reach "
            "the tasks"
            if open_rules
            else f"create the security group {tier.security_group!r}"
        ),
    )


@check(
    "security-groups",
    title="Security groups: internet -> ALB -> tasks, and only the api tasks -> EFS",
    points={
        f"{ALB_SG}: TCP 80 from anywhere": 0.5,
        f"{WEB.security_group}: TCP 80 from {ALB_SG}": 0.25,
        f"{WEB.security_group}: closed to the internet": 0.25,
        f"{API.security_group}: TCP 8080 from {ALB_SG}": 0.25,
        f"{API.security_group}: closed to the internet": 0.25,
        f"{EFS_SG}: TCP 2049 from {API.security_group}": 0.5,
    },
    hint=(
        f"Four groups in the default VPC: {ALB_SG} (TCP 80 from 0.0.0.0/0), "
        f"{WEB.security_group} (TCP 80 from {ALB_SG}), {API.security_group} (TCP 8080 from "
        f"{ALB_SG}) and {EFS_SG} (TCP 2049 from {API.security_group}); a rule from a group is "
        "UserIdGroupPairs=[{'GroupId': ...}]."
    ),
    tags=("networking", "alb"),
    owns=Owns(security_groups=(EFS_SG, WEB.security_group, API.security_group, ALB_SG)),
)
def security_groups(aws: AccountReader) -> Iterator[Requirement]:
    groups = acct.vpc_groups(aws)
    yield _admits(aws, groups, f"{ALB_SG}: TCP 80 from anywhere", ALB_SG, 80, None)
    for tier in TIERS:
        yield _admits(
            aws,
            groups,
            f"{tier.security_group}: TCP {tier.port} from {ALB_SG}",
            tier.security_group,
            tier.port,
            ALB_SG,
        )
        yield _closed(groups, tier)
    yield _admits(
        aws,
        groups,
        f"{EFS_SG}: TCP 2049 from {API.security_group}",
        EFS_SG,
        2049,
        API.security_group,
    )
