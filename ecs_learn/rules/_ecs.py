"""Checks shared by the service and run-task rules (CreateService/UpdateService/RunTask kwargs)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules._util import as_int, as_list, as_mapping, dicts, join
from ecs_learn.rules.finding import RuleContext, Violation

__all__ = [
    "assign_public_ip",
    "awsvpc_limits",
    "fargate_compatible",
    "launch_type_xor_strategy",
    "network_config_allowed",
    "network_config_required",
    "strategy_values",
    "uses_fargate",
]


def uses_fargate(p: Mapping[str, Any]) -> bool:
    if p.get("launchType") == "FARGATE":
        return True
    return any(
        item.get("capacityProvider") in ("FARGATE", "FARGATE_SPOT")
        for _, item in dicts(p.get("capacityProviderStrategy"))
    )


def _td_network_mode(ctx: RuleContext) -> str | None:
    td = ctx.task_definition
    if td is None:
        return None
    mode = td.get("networkMode")
    return mode if isinstance(mode, str) else "bridge"


def _awsvpc(p: Mapping[str, Any]) -> Mapping[str, Any] | None:
    net = as_mapping(p.get("networkConfiguration"))
    return as_mapping(net.get("awsvpcConfiguration")) if net else None


def launch_type_xor_strategy(p: Mapping[str, Any]) -> Iterator[Violation]:
    if p.get("launchType") is not None and as_list(p.get("capacityProviderStrategy")):
        yield Violation(
            "capacityProviderStrategy",
            "Give either launchType or capacityProviderStrategy, not both. Remove one.",
        )


def network_config_required(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if _td_network_mode(ctx) == "awsvpc" and _awsvpc(p) is None:
        path = "networkConfiguration" if "networkConfiguration" in p else ""
        yield Violation(
            path,
            "The task definition uses networkMode 'awsvpc', so give a "
            "networkConfiguration.awsvpcConfiguration with the subnets (and "
            "security groups) for the tasks' network interfaces.",
        )


def network_config_allowed(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    mode = _td_network_mode(ctx)
    if mode is not None and mode != "awsvpc" and "networkConfiguration" in p:
        yield Violation(
            "networkConfiguration",
            f"The task definition uses networkMode {mode!r}; a networkConfiguration is "
            "only valid for 'awsvpc'. Remove it or switch the task definition to awsvpc.",
        )


def _fargate_capable(td: Mapping[str, Any]) -> bool:
    """Whether ECS lets the task definition run on Fargate.

    ECS validates a definition against every launch type when it registers it (describe
    output lists the result as ``compatibilities``): one that does not name
    ``requiresCompatibilities`` still runs on Fargate when it fits (awsvpc with task cpu
    and memory), as AWS's own Service Connect tutorial does.
    """
    computed = as_list(td.get("compatibilities"))
    if computed is not None:
        return "FARGATE" in computed
    required = as_list(td.get("requiresCompatibilities"))
    if required is not None:
        return "FARGATE" in required
    return td.get("networkMode") == "awsvpc" and "cpu" in td and "memory" in td


def fargate_compatible(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    td = ctx.task_definition
    if td is None or not uses_fargate(p) or _fargate_capable(td):
        return
    path = "launchType" if p.get("launchType") == "FARGATE" else "capacityProviderStrategy"
    yield Violation(
        path,
        "This runs on Fargate, but the task definition is not compatible with Fargate "
        "(its requiresCompatibilities lacks FARGATE). Register a revision with "
        '"requiresCompatibilities": ["FARGATE"] (and awsvpc, task cpu and memory).',
    )


def assign_public_ip(p: Mapping[str, Any]) -> Iterator[Violation]:
    vpc = _awsvpc(p)
    if vpc is None or "assignPublicIp" not in vpc:
        return
    value = vpc["assignPublicIp"]
    path = "networkConfiguration.awsvpcConfiguration.assignPublicIp"
    if value not in ("ENABLED", "DISABLED"):
        yield Violation(path, f"assignPublicIp must be ENABLED or DISABLED, not {value!r}.")
    elif value == "ENABLED" and p.get("launchType") == "EC2":
        yield Violation(
            path,
            "Tasks on the EC2 launch type cannot get a public IP this way "
            "(assignPublicIp is for Fargate). Set it to DISABLED or remove it.",
        )


def awsvpc_limits(p: Mapping[str, Any]) -> Iterator[Violation]:
    vpc = _awsvpc(p)
    if vpc is None:
        return
    base = "networkConfiguration.awsvpcConfiguration"
    subnets = as_list(vpc.get("subnets"))
    if subnets is not None and not 1 <= len(subnets) <= 16:
        yield Violation(join(base, "subnets"), f"Give 1 to 16 subnets, not {len(subnets)}.")
    groups = as_list(vpc.get("securityGroups"))
    if groups is not None and len(groups) > 5:
        yield Violation(
            join(base, "securityGroups"),
            f"At most 5 security groups are allowed, not {len(groups)}.",
        )


def strategy_values(p: Mapping[str, Any], key: str) -> Iterator[Violation]:
    with_base = 0
    for i, item in dicts(p.get(key)):
        weight, base = as_int(item.get("weight")), item.get("base")
        if "weight" in item and (weight is None or not 0 <= weight <= 1000):
            yield Violation(join(key, i, "weight"), f"weight {item['weight']!r} must be 0-1000.")
        if "base" in item:
            number = as_int(base)
            if number is None or not 0 <= number <= 100000:
                yield Violation(join(key, i, "base"), f"base {base!r} must be 0-100000.")
            elif number > 0:
                with_base += 1
                if with_base > 1:
                    yield Violation(
                        join(key, i, "base"),
                        "Only one capacity provider in a strategy may have a base greater than 0.",
                    )
