"""The runtime's only way to the account: AWS API clients, plus moto_ext's internal writes.

Every call is made with ``botocore_layer.internal_client`` inside
``botocore_layer.internal()``, so no hook (the strict rules, the runtime's own trigger)
sees it. The runtime always runs in the process that holds the account (embedded: the
learner's kernel; server mode: the moto server process), so ``endpoint_url`` is ``None``
and the calls go to moto in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ecs_learn.sandbox import botocore_layer, moto_ext

__all__ = ["DESIRED_STATUSES", "Account", "every_task_arn"]

# ListTasks filters on one desired status, RUNNING when none is named (as AWS does). A
# task's desired status here is RUNNING or STOPPED (moto sets no other, nor does the
# runtime), so these two lists hold every task.
DESIRED_STATUSES = ("RUNNING", "STOPPED")


class Account:
    """Clients for one account (``endpoint``: a loopback moto server, or in-process)."""

    def __init__(self, endpoint: str | None = None) -> None:
        self.endpoint = endpoint

    def client(self, service: str) -> Any:
        return botocore_layer.internal_client(service, self.endpoint)

    @contextmanager
    def session(self) -> Iterator[Account]:
        """Make the calls inside unseen by every hook."""
        with botocore_layer.internal():
            yield self

    @property
    def ecs(self) -> Any:
        return self.client("ecs")

    @property
    def ec2(self) -> Any:
        return self.client("ec2")

    @property
    def elbv2(self) -> Any:
        return self.client("elbv2")

    # -- what ECS and ELB do inside AWS (no public API) ---------------------------------------
    write_service = staticmethod(moto_ext.write_service)
    write_task = staticmethod(moto_ext.write_task)
    set_target_health = staticmethod(moto_ext.set_target_health)
    provision_task = staticmethod(moto_ext.provision_task)
    place_task = staticmethod(moto_ext.place_task)


def every_task_arn(ecs: Any, cluster: str, **filters: Any) -> list[str]:
    """Every task of ``cluster`` whatever its desired status (ListTasks alone, like AWS,
    lists only those the scheduler wants RUNNING), sorted."""
    found: set[str] = set()
    for status in DESIRED_STATUSES:
        found.update(ecs.list_tasks(cluster=cluster, desiredStatus=status, **filters)["taskArns"])
    return sorted(found)
