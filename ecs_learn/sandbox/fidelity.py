"""Where moto changes or refuses what AWS would keep or accept: made faithful here.

Applied in every process that holds moto's state (the embedded sandbox, a moto server):

* **moto rewrites a Fargate definition's** ``networkMode`` to ``awsvpc`` whatever was
  sent (``bridge`` included), so a definition slipped past the realism rules (under
  ``strict.lenient()``) would be stored repaired and a check judging the account would
  pass it. Here the mode that was sent is kept; moto's defaults stay for a definition
  that names no mode.
* **moto rejects an EC2 container with only** ``memoryReservation`` (no container or
  task ``memory``), which AWS accepts: at least one of the two is what AWS requires.

* **moto records an ECR image's push time in whole seconds**, so images pushed within one
  second tie, and a lifecycle rule that keeps "the N most recent" (``imageCountMoreThan``
  sorts by push time) would pick among them at random. Here each push gets the time with
  milliseconds, later than the push before it, so push order is kept.

All are patches on moto's models, idempotent, and touch nothing else. API calls that moto
answers unlike AWS (a duplicate service or load balancer, ListTasks' default filter, a new
alarm's state, ...) are made faithful by :mod:`~ecs_learn.sandbox.fidelity_api`, applied
from here.
"""

from __future__ import annotations

from typing import Any

__all__ = ["apply", "is_applied"]

_MARK = "_ecs_learn_faithful"


def is_applied() -> bool:
    from moto.ecs.models import TaskDefinition

    return bool(getattr(TaskDefinition.__init__, _MARK, False))


def apply() -> None:
    """Patch moto's ECS model in this process (idempotent)."""
    from moto.ecs import models

    from ecs_learn.sandbox import fidelity_api

    fidelity_api.apply()
    if is_applied():
        return
    original_init = models.TaskDefinition.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        sent = kwargs.get("network_mode")
        if sent is not None:
            self.network_mode = sent  # what was sent, not moto's repair of it

    setattr(init, _MARK, True)
    models.TaskDefinition.__init__ = init  # type: ignore[method-assign]
    models.EC2ContainerServiceBackend._validate_container_defs = staticmethod(  # type: ignore[method-assign]
        _validate_container_defs
    )
    _keep_push_order()


def _keep_push_order() -> None:
    import time

    from moto.ecr import models as ecr_models

    original_init = ecr_models.Image.__init__
    last = [0.0]

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        from ecs_learn.sandbox.moto_ext_scaling import virtual_now

        original_init(self, *args, **kwargs)
        virtual = virtual_now()  # the runtime's clock when it runs here, else the wall clock
        base = virtual if virtual is not None else time.time()
        if base < last[0] - 1.0:  # the clock was reset or pinned earlier: start again
            last[0] = 0.0
        now = round(max(base, last[0] + 0.001), 3)  # strictly in push order
        last[0] = now
        self.image_pushed_at = now

    ecr_models.Image.__init__ = init  # type: ignore[method-assign]


def _has(cd: dict[str, Any], key: str) -> bool:
    return key in cd or key[:1].upper() + key[1:] in cd  # CloudFormation's capitalised keys


def _validate_container_defs(
    memory: str | None,
    container_definitions: list[dict[str, Any]],
    requires_compatibilities: list[str] | None,
) -> None:
    """moto's own check, minus its EC2-only demand for ``memory`` (AWS: either will do)."""
    from moto.ecs.exceptions import TaskDefinitionMemoryError, TaskDefinitionMissingPropertyError

    for cd in container_definitions:
        if not _has(cd, "name"):
            raise TaskDefinitionMissingPropertyError("name")
        if not _has(cd, "image"):
            raise TaskDefinitionMissingPropertyError("image")
        if not (_has(cd, "memory") or _has(cd, "memoryReservation") or memory):
            raise TaskDefinitionMemoryError(str(cd.get("name", cd.get("Name"))))
