"""Shared pieces of the Application Auto Scaling rules (ECS only)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules.finding import Violation

__all__ = ["ECS_DIMENSION", "RESOURCE_ID", "is_ecs", "resource_id_and_dimension", "target_key"]

ECS_DIMENSION = "ecs:service:DesiredCount"
RESOURCE_ID = re.compile(r"service/[A-Za-z0-9_-]{1,255}/[A-Za-z0-9_-]{1,255}")


def target_key(p: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """``(ServiceNamespace, ResourceId, ScalableDimension)`` when all three are strings."""
    key = (p.get("ServiceNamespace"), p.get("ResourceId"), p.get("ScalableDimension"))
    if all(isinstance(part, str) for part in key):
        return key  # type: ignore[return-value]
    return None


def is_ecs(p: Mapping[str, Any]) -> bool:
    return p.get("ServiceNamespace") == "ecs"


def resource_id_and_dimension(p: Mapping[str, Any]) -> Iterator[Violation]:
    if not is_ecs(p):
        return
    rid = p.get("ResourceId")
    if "ResourceId" in p and (not isinstance(rid, str) or not RESOURCE_ID.fullmatch(rid)):
        yield Violation(
            "ResourceId",
            f"For ECS, ResourceId is 'service/<cluster-name>/<service-name>' "
            f"(e.g. 'service/lab/web'), not {rid!r}.",
        )
    if "ScalableDimension" in p and p["ScalableDimension"] != ECS_DIMENSION:
        yield Violation(
            "ScalableDimension",
            f"ECS services scale on '{ECS_DIMENSION}', not {p['ScalableDimension']!r}.",
        )
