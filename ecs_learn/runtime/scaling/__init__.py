"""Application Auto Scaling that acts: the pure engine and its account adapter.

* :func:`simulate` — replay a load through policies, no AWS call (:mod:`.engine`).
* :class:`ScalingEngine` — the account adapter the runtime's clock calls each simulated
  minute (:mod:`.account`), imported lazily.

See docs/scaling.md for what is modelled, what is not, and the sources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecs_learn.runtime.scaling.alarms import AlarmSpec
from ecs_learn.runtime.scaling.engine import (
    ScalableTarget,
    ScalingConfig,
    ScalingState,
    ScheduledAction,
    advance,
    simulate,
)
from ecs_learn.runtime.scaling.load import LoadError, LoadShape, load_file, parse_load
from ecs_learn.runtime.scaling.metrics import ServiceModel
from ecs_learn.runtime.scaling.timeline import MinuteRecord, Timeline

if TYPE_CHECKING:
    from ecs_learn.runtime.scaling.account import ScalingEngine

__all__ = [
    "AlarmSpec",
    "LoadError",
    "LoadShape",
    "MinuteRecord",
    "ScalableTarget",
    "ScalingConfig",
    "ScalingEngine",
    "ScalingState",
    "ScheduledAction",
    "ServiceModel",
    "Timeline",
    "advance",
    "load_file",
    "parse_load",
    "simulate",
]


def __getattr__(name: str) -> Any:
    if name == "ScalingEngine":
        from ecs_learn.runtime.scaling.account import ScalingEngine

        return ScalingEngine
    raise AttributeError(name)
