"""Rules for EFS CreateFileSystem kwargs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_number
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation

__all__ = ["RULES"]

_efs = partial(rule, kind="efs-file-system", error_code="BadRequest", source=sources.EFS_API)


@_efs(
    "EFS001",
    summary="provisioned throughput mode needs ProvisionedThroughputInMibps (and only "
    "that mode takes it)",
)
def provisioned_figure(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    mode = p.get("ThroughputMode")
    has_figure = p.get("ProvisionedThroughputInMibps") is not None
    if mode == "provisioned" and not has_figure:
        yield Violation(
            "ThroughputMode",
            "Provisioned throughput needs a figure: add ProvisionedThroughputInMibps (e.g. 10).",
        )
    elif has_figure and mode != "provisioned":
        yield Violation(
            "ProvisionedThroughputInMibps",
            "ProvisionedThroughputInMibps only applies when ThroughputMode is "
            "'provisioned'. Set that mode or remove the figure.",
        )
    if has_figure:
        figure = as_number(p["ProvisionedThroughputInMibps"])
        if figure is None or figure < 1:
            yield Violation(
                "ProvisionedThroughputInMibps",
                f"Provisioned throughput {p['ProvisionedThroughputInMibps']!r} must be a "
                "number of MiB/s, at least 1.",
            )


@_efs(
    "EFS002",
    summary="ThroughputMode is bursting, provisioned or elastic; PerformanceMode is "
    "generalPurpose or maxIO",
)
def mode_values(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if "ThroughputMode" in p and p["ThroughputMode"] not in ("bursting", "provisioned", "elastic"):
        yield Violation(
            "ThroughputMode",
            f"{p['ThroughputMode']!r} is not a throughput mode. Use "
            "bursting, provisioned or elastic.",
        )
    if "PerformanceMode" in p and p["PerformanceMode"] not in ("generalPurpose", "maxIO"):
        yield Violation(
            "PerformanceMode",
            f"{p['PerformanceMode']!r} is not a performance mode. Use generalPurpose or maxIO.",
        )


@_efs(
    "EFS003", summary="maxIO works neither with elastic throughput nor with One Zone file systems"
)
def max_io(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if p.get("PerformanceMode") != "maxIO":
        return
    if p.get("ThroughputMode") == "elastic":
        yield Violation(
            "PerformanceMode",
            "Elastic throughput needs the generalPurpose performance "
            "mode. Use generalPurpose (the recommended default).",
        )
    if p.get("AvailabilityZoneName"):
        yield Violation(
            "PerformanceMode",
            "One Zone file systems only support generalPurpose. Remove PerformanceMode maxIO.",
        )


RULES = (provisioned_figure, mode_values, max_io)
