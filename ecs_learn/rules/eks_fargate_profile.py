"""Rules for EKS CreateFargateProfile kwargs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_list, dicts, join, nonempty_str
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation

__all__ = ["RULES"]

_fp = partial(
    rule,
    kind="eks-fargate-profile",
    error_code="InvalidParameterException",
    source=sources.EKS_FARGATE,
)


@_fp("EKS001", summary="a Fargate profile has at most 5 selectors")
def selector_count(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    selectors = as_list(p.get("selectors"))
    if selectors is not None and len(selectors) > 5:
        yield Violation(
            "selectors",
            f"A Fargate profile takes at most 5 selectors, not "
            f"{len(selectors)}. Split them across profiles.",
        )


@_fp("EKS003", summary="a Fargate profile needs at least one selector", moto_enforces=True)
def selector_needed(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not as_list(p.get("selectors")):
        yield Violation(
            "selectors" if "selectors" in p else "",
            "A Fargate profile needs at least one selector (a namespace, optionally with "
            "labels) so EKS knows which pods to run on Fargate.",
        )


@_fp("EKS002", summary="every Fargate profile selector names a namespace", moto_enforces=True)
def selector_namespace(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, selector in dicts(p.get("selectors")):
        if not nonempty_str(selector.get("namespace")):
            path = (
                join("selectors", i, "namespace")
                if "namespace" in selector
                else join("selectors", i)
            )
            yield Violation(
                path,
                f"Selector {i} has no namespace. Each selector must name a "
                "Kubernetes namespace (labels are optional).",
            )


RULES = (selector_count, selector_namespace, selector_needed)
