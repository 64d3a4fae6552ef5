"""Rules for ECS services: CreateService and UpdateService kwargs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import _ecs, sources
from ecs_learn.rules._util import NAME_255, as_int, as_list, dicts, join, lookup
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.kinds import Fact

__all__ = ["RULES"]

_svc = partial(
    rule, kind="service", error_code="InvalidParameterException", source=sources.ECS_API_SERVICE
)


def _is_create(p: Mapping[str, Any]) -> bool:
    return "serviceName" in p


@_svc("SVC001", summary="serviceName: 1-255 letters, digits, hyphens or underscores")
def service_name(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    name = p.get("serviceName")
    if "serviceName" in p and (not isinstance(name, str) or not NAME_255.fullmatch(name)):
        yield Violation(
            "serviceName",
            f"Service name {name!r} is not valid. Use 1 to 255 letters, "
            "digits, hyphens or underscores.",
        )


@_svc("SVC002", summary="desiredCount must be 0 or more")
def desired_count(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if "desiredCount" in p:
        count = as_int(p["desiredCount"])
        if count is None or count < 0:
            yield Violation(
                "desiredCount",
                f"desiredCount {p['desiredCount']!r} must be a whole number, 0 or more.",
            )


@_svc("SVC003", summary="launchType and capacityProviderStrategy are mutually exclusive")
def launch_type_or_strategy(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.launch_type_xor_strategy(p)


@_svc(
    "SVC004",
    summary="an awsvpc task definition needs networkConfiguration",
    needs={Fact.TASK_DEFINITION},
)
def network_configuration_required(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if _is_create(p):
        yield from _ecs.network_config_required(p, ctx)


@_svc(
    "SVC005",
    summary="a non-awsvpc task definition must not get a networkConfiguration",
    needs={Fact.TASK_DEFINITION},
)
def network_configuration_allowed(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.network_config_allowed(p, ctx)


@_svc(
    "SVC006",
    summary="FARGATE services need a task definition compatible with Fargate "
    "(requiresCompatibilities names FARGATE or, when absent, awsvpc with task cpu and memory)",
    needs={Fact.TASK_DEFINITION},
)
def fargate_compatible(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.fargate_compatible(p, ctx)


@_svc(
    "SVC007",
    summary="target groups must be type ip for awsvpc, instance for bridge/host",
    needs={Fact.TASK_DEFINITION, Fact.TARGET_GROUPS},
)
def target_type(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if ctx.task_definition is None or ctx.target_groups is None:
        return
    mode = ctx.task_definition.get("networkMode") or "bridge"
    wanted = "ip" if mode == "awsvpc" else "instance"
    for i, lb in dicts(p.get("loadBalancers")):
        group = lookup(ctx.target_groups, lb.get("targetGroupArn"))
        if group is None or group.get("TargetType") in (None, wanted):
            continue
        yield Violation(
            join("loadBalancers", i, "targetGroupArn"),
            f"The target group has target type {group.get('TargetType')!r}, but tasks "
            f"with networkMode {mode!r} must be registered by "
            f"{'IP address' if wanted == 'ip' else 'instance'}. Create a target group "
            f"with TargetType '{wanted}'.",
        )


@_svc(
    "SVC008",
    summary="loadBalancers containerName and containerPort must exist in the task definition",
    needs={Fact.TASK_DEFINITION},
)
def load_balancer_container(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    td = ctx.task_definition
    if td is None:
        return
    ports: dict[str, list[Any]] = {}
    for _, c in dicts(td.get("containerDefinitions")):
        if isinstance(c.get("name"), str):
            ports[c["name"]] = [pm.get("containerPort") for _, pm in dicts(c.get("portMappings"))]
    for i, lb in dicts(p.get("loadBalancers")):
        name = lb.get("containerName")
        if "containerName" in lb and (not isinstance(name, str) or name not in ports):
            yield Violation(
                join("loadBalancers", i, "containerName"),
                f"The task definition has no container named {name!r}. Use one of: "
                f"{', '.join(sorted(ports)) or '(none)'}.",
            )
        elif (
            isinstance(name, str)
            and "containerPort" in lb
            and lb["containerPort"] not in ports[name]
        ):
            yield Violation(
                join("loadBalancers", i, "containerPort"),
                f"Container {name!r} maps no containerPort {lb['containerPort']!r}. Add a "
                "port mapping for it or use a port the container exposes.",
            )


@_svc("SVC009", summary="at most 5 target groups per service", source=sources.ECS_QUOTAS)
def load_balancer_count(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    items = as_list(p.get("loadBalancers"))
    if items is not None and len(items) > 5:
        yield Violation(
            "loadBalancers", f"A service can use at most 5 target groups, not {len(items)}."
        )


@_svc("SVC010", summary="awsvpcConfiguration takes 1-16 subnets and at most 5 security groups")
def awsvpc_limits(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.awsvpc_limits(p)


@_svc(
    "SVC011",
    summary="assignPublicIp is ENABLED or DISABLED, and ENABLED only off the EC2 launch type",
)
def assign_public_ip(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.assign_public_ip(p)


@_svc(
    "SVC012",
    summary="a service's target group must belong to a load balancer",
    needs={Fact.TARGET_GROUPS},
)
def target_group_attached(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if ctx.target_groups is None:
        return
    for i, lb in dicts(p.get("loadBalancers")):
        group = lookup(ctx.target_groups, lb.get("targetGroupArn"))
        if group is None or "LoadBalancerArns" not in group:
            continue  # describe output always has the key; without it, it is unknown
        if not as_list(group["LoadBalancerArns"]):
            yield Violation(
                join("loadBalancers", i, "targetGroupArn"),
                "This target group is not used by any load balancer yet. Create a "
                "listener (or listener rule) that forwards to it first.",
            )


@_svc("SVC013", summary="capacity provider strategy: weight 0-1000, base 0-100000, one base only")
def strategy_values(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.strategy_values(p, "capacityProviderStrategy")


@_svc(
    "SVC014",
    summary="the DAEMON scheduling strategy is not for Fargate, nor the CODE_DEPLOY or "
    "EXTERNAL deployment controllers",
)
def daemon_strategy(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if p.get("schedulingStrategy") != "DAEMON":
        return
    if _ecs.uses_fargate(p):
        yield Violation(
            "schedulingStrategy",
            "Fargate does not support the DAEMON strategy (there are no instances of yours "
            "to run one task on each). Use REPLICA, or run the daemon on EC2.",
        )
    controller = p.get("deploymentController")
    kind = controller.get("type") if isinstance(controller, Mapping) else None
    if kind in ("CODE_DEPLOY", "EXTERNAL"):
        yield Violation(
            "deploymentController.type",
            f"The {kind} deployment controller needs the REPLICA scheduling strategy, not DAEMON.",
        )


RULES = (
    service_name,
    desired_count,
    launch_type_or_strategy,
    network_configuration_required,
    network_configuration_allowed,
    fargate_compatible,
    target_type,
    load_balancer_container,
    load_balancer_count,
    awsvpc_limits,
    assign_public_ip,
    target_group_attached,
    strategy_values,
    daemon_strategy,
)
