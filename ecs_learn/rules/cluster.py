"""Rules for CreateCluster kwargs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import _ecs, sources
from ecs_learn.rules._util import NAME_255, dicts, join
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation

__all__ = ["RULES"]

_clu = partial(
    rule, kind="cluster", error_code="InvalidParameterException", source=sources.ECS_API_CLUSTER
)


@_clu("CLU001", summary="clusterName: 1-255 letters, digits, hyphens or underscores")
def cluster_name(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    name = p.get("clusterName")
    if "clusterName" in p and (not isinstance(name, str) or not NAME_255.fullmatch(name)):
        yield Violation(
            "clusterName",
            f"Cluster name {name!r} is not valid. Use 1 to 255 letters, "
            "digits, hyphens or underscores.",
        )


@_clu("CLU002", summary="the containerInsights setting is enabled, disabled or enhanced")
def container_insights(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, setting in dicts(p.get("settings")):
        if setting.get("name") == "containerInsights" and setting.get("value") not in (
            "enabled",
            "disabled",
            "enhanced",
        ):
            yield Violation(
                join("settings", i, "value"),
                f"containerInsights must be 'enabled', 'disabled' or 'enhanced', not "
                f"{setting.get('value')!r}.",
            )
        elif "name" in setting and setting.get("name") != "containerInsights":
            yield Violation(
                join("settings", i, "name"),
                f"{setting.get('name')!r} is not a cluster setting; the only one is "
                "'containerInsights'.",
            )


@_clu(
    "CLU003",
    summary="default capacity provider strategy: weight 0-1000, base 0-100000, one base only",
)
def strategy_values(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.strategy_values(p, "defaultCapacityProviderStrategy")


RULES = (cluster_name, container_insights, strategy_values)
