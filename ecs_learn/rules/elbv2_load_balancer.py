"""Rules for ELBv2 CreateLoadBalancer kwargs."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_list, dicts
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.kinds import Fact

__all__ = ["ELB_NAME", "RULES"]

_lb = partial(
    rule, kind="elbv2-load-balancer", error_code="ValidationError", source=sources.ELBV2_API
)

ELB_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,32}(?<!-)")


def _subnets(p: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    if "Subnets" in p:
        return "Subnets", as_list(p["Subnets"]) or []
    if "SubnetMappings" in p:
        return "SubnetMappings", [m.get("SubnetId") for _, m in dicts(p["SubnetMappings"])]
    return None


@_lb(
    "ELB001",
    summary="an Application Load Balancer needs subnets in at least two Availability Zones",
    needs={Fact.SUBNET_AZS},
)
def alb_two_azs(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if p.get("Type", "application") != "application":
        return
    found = _subnets(p)
    if found is None:
        return
    key, subnets = found
    if len(subnets) < 2:
        yield Violation(
            key,
            "An Application Load Balancer needs at least two subnets, in two "
            "different Availability Zones. Add a subnet from another zone.",
        )
    elif ctx.subnet_azs is not None:
        azs = {ctx.subnet_azs.get(s) for s in subnets if isinstance(s, str)}
        azs.discard(None)
        if len(azs) == 1 and all(isinstance(s, str) and s in ctx.subnet_azs for s in subnets):
            yield Violation(
                key,
                f"All these subnets are in {azs.pop()}. An Application Load "
                "Balancer needs subnets in at least two Availability Zones.",
            )


@_lb(
    "ELB002",
    summary="load balancer names: 1-32 letters, digits or hyphens, no hyphen at either "
    "end, not starting with internal-",
)
def lb_name(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    name = p.get("Name")
    if "Name" not in p:
        return
    if not isinstance(name, str) or not ELB_NAME.fullmatch(name) or name.startswith("internal-"):
        yield Violation(
            "Name",
            f"Load balancer name {name!r} is not valid. Use 1 to 32 letters, "
            "digits or hyphens, not starting or ending with a hyphen, and not "
            "starting with 'internal-'.",
        )


RULES = (alb_two_azs, lb_name)
