"""Auto scaling and ECR lifecycle expiry on the runtime's virtual clock.

:class:`Autoscaling` is what ``Runtime.advance`` (runtime/engine.py) holds: the account adapter
(:class:`~.account.ScalingEngine`, one per account: it remembers metric history and cooldowns),
the offered load per service (:meth:`Autoscaling.set_load`; nothing in the account says how
busy a service is) and the daily ECR lifecycle evaluation
(:class:`~ecs_learn.runtime.lifecycle.DailyExpiry`, 00:00 UTC).

Per ``advance``: :meth:`begin` reads the scaling configuration once (``None`` when the account has
no ECS scalable target: then nothing runs), the runtime calls ``Prepared.minute`` at every whole
virtual minute (:func:`minute_ticks`) and :meth:`expire` at every 00:00 UTC it passes
(:func:`daily_ticks`), and ``Prepared.finish`` once at the end.

Without a load, a service gets 0 requests/s: its tasks show the model's idle CPU (5%), its base
memory (30%) and no requests per target, so a target-tracking policy's AlarmLow goes to ALARM
after its 15 minutes and the service scales in to MinCapacity.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecs_learn.runtime.lifecycle import DailyExpiry, Expiry
from ecs_learn.runtime.scaling.account import Prepared, ScalingEngine
from ecs_learn.runtime.scaling.load import LoadShape, parse_load
from ecs_learn.runtime.scaling.metrics import ServiceModel

__all__ = ["Autoscaling", "LoadSetting", "daily_ticks", "minute_ticks", "resource_id"]

DAY = 86400.0


def resource_id(service: str) -> str:
    """``service/CLUSTER/NAME`` from that form, or from a service ARN."""
    if service.startswith("arn:"):
        tail = service.split(":", 5)[-1]  # service/CLUSTER/NAME (new ARN format)
        service = tail
    parts = service.split("/")
    if len(parts) != 3 or parts[0] != "service" or not all(parts):
        raise ValueError(
            f"{service!r}: name the service as service/CLUSTER/NAME (the scalable target's "
            "ResourceId) or by its ARN"
        )
    return service


@dataclass(frozen=True)
class LoadSetting:
    """The load offered to one service: a shape whose minute 0 is ``origin`` (elapsed s)."""

    shape: LoadShape
    origin: float

    def rps(self, elapsed: float, when: dt.datetime) -> float:
        minute = math.floor((elapsed - self.origin) / 60.0 + 1e-9)
        return float(self.shape.rps(max(0, minute), when))


def as_shape(load: LoadShape | Mapping[str, Any] | float | int | None) -> LoadShape | None:
    """A :class:`LoadShape` from a shape, its dict form, or a number (constant requests/s)."""
    if load is None or isinstance(load, LoadShape):
        return load
    if isinstance(load, bool):
        raise TypeError("a load is a LoadShape, its dict form, or requests per second")
    if isinstance(load, (int, float)):
        return parse_load({"shape": "constant", "rps": float(load)})
    return parse_load(dict(load), "set_load")


def minute_ticks(base: dt.datetime, start: float, end: float) -> list[float]:
    """Elapsed seconds of every whole virtual minute in ``(start, end]``."""
    return _ticks(base, start, end, 60)


def daily_ticks(base: dt.datetime, start: float, end: float) -> list[float]:
    """Elapsed seconds of every 00:00 UTC in ``(start, end]`` (ECR's daily evaluation here)."""
    return _ticks(base, start, end, int(DAY))


def _ticks(base: dt.datetime, start: float, end: float, period: int) -> list[float]:
    epoch = base.timestamp()  # whole seconds (the clock drops microseconds)
    first = math.floor((epoch + start) / period) * period + period - epoch
    count = math.floor((end - first) / period) + 1 if first <= end else 0
    return [first + k * period for k in range(count)]


class Autoscaling:
    """Application Auto Scaling and ECR lifecycle expiry for one account's runtime."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget metric history, cooldowns, loads and the last evaluation (account reset)."""
        self.engine = ScalingEngine()
        self.loads: dict[str, LoadSetting] = {}
        self.expiry = DailyExpiry()

    def restart(self) -> None:
        """The clock was set to another time: history and cooldowns start over, loads stay."""
        self.engine = ScalingEngine(models=self.engine.models)
        self.expiry = DailyExpiry()

    def set_load(
        self,
        service: str,
        load: LoadShape | Mapping[str, Any] | float | int | None,
        elapsed: float,
        model: ServiceModel | Mapping[str, Any] | None = None,
    ) -> str:
        """Offer ``load`` to ``service`` from ``elapsed`` on (``None``: no load again)."""
        rid = resource_id(service)
        shape = as_shape(load)
        if shape is None:
            self.loads.pop(rid, None)
        else:
            self.loads[rid] = LoadSetting(shape, elapsed)
        if model is not None:
            self.engine.models[rid] = (
                model if isinstance(model, ServiceModel) else ServiceModel.from_dict(model)
            )
        return rid

    def load_at(self, rid: str, elapsed: float, when: dt.datetime) -> float:
        setting = self.loads.get(rid)
        return 0.0 if setting is None else setting.rps(elapsed, when)

    def begin(self, clients: Any, now: dt.datetime) -> Prepared | None:
        """Read the scaling configuration once for an advance (``None``: nothing to scale)."""
        return self.engine.prepare(clients, now)

    def expire(self, clients: Any, now: dt.datetime) -> dict[str, list[Expiry]]:
        """ECR's daily evaluation at ``now``: expire what each lifecycle policy selects."""
        return self.expiry.tick(clients, now)
