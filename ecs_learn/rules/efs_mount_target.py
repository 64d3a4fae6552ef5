"""Rules for EFS CreateMountTarget kwargs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import lookup
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.kinds import Fact

__all__ = ["RULES"]


@rule(
    "EFS010",
    "efs-mount-target",
    summary="at most one mount target per Availability Zone",
    needs={Fact.SUBNET_AZS, Fact.MOUNT_TARGET_AZS},
    source=sources.EFS_API,
    error_code="MountTargetConflict",
    moto_enforces=True,
)
def one_per_az(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if ctx.subnet_azs is None or ctx.mount_target_azs is None:
        return
    az = lookup(ctx.subnet_azs, p.get("SubnetId"))
    if az is not None and az in ctx.mount_target_azs:
        yield Violation(
            "SubnetId",
            f"The file system already has a mount target in {az}. EFS allows "
            "one per Availability Zone; pick a subnet in another zone "
            "(tasks in any subnet of that zone can use the existing one).",
        )


RULES = (one_per_az,)
