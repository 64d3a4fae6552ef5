"""Rules for EKS CreateNodegroup / UpdateNodegroupConfig kwargs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_int, as_mapping
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation

__all__ = ["RULES"]


@rule(
    "EKS010",
    "eks-nodegroup",
    summary="scalingConfig: minSize <= desiredSize <= maxSize, maxSize at least 1",
    source=sources.EKS_API,
    error_code="InvalidParameterException",
)
def scaling_sizes(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    config = as_mapping(p.get("scalingConfig"))
    if config is None:
        return
    low, want, high = (as_int(config.get(k)) for k in ("minSize", "desiredSize", "maxSize"))
    if high is not None and high < 1:
        yield Violation("scalingConfig.maxSize", "maxSize must be at least 1.")
    if low is not None and high is not None and low > high:
        yield Violation("scalingConfig.minSize", f"minSize {low} is above maxSize {high}.")
    if want is not None and low is not None and want < low:
        yield Violation("scalingConfig.desiredSize", f"desiredSize {want} is below minSize {low}.")
    if want is not None and high is not None and want > high:
        yield Violation("scalingConfig.desiredSize", f"desiredSize {want} is above maxSize {high}.")


RULES = (scaling_sizes,)
