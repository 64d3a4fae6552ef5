"""Starting a service's new tasks: which capacity, where, and the start call itself.

* **Capacity** — the service's ``launchType``; else its ``capacityProviderStrategy``, else
  the cluster's default strategy, split with :func:`ecs_learn.runtime.capacity.assign`
  (base first, then weight, counting the service's running tasks per provider: "Capacity
  provider strategy", cluster-capacity-providers.html); else ``EC2`` (the API's default
  launch type when the cluster has no default strategy).
* **Where** — the placer of the launch type: Fargate spreads over the subnets' zones, EC2
  (and ASG capacity providers) runs the placement engine over the container instances.
* **Start** — Fargate tasks with ``run_task``; EC2 tasks with ``start_task`` on the chosen
  container instance. A task of an ASG capacity provider with managed scaling that no
  instance can take is created PROVISIONING (``sandbox/moto_ext.py:provision_task``,
  what ECS does inside) and placed by :meth:`Launcher.place_waiting` once an instance fits
  (cluster-auto-scaling.html).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ecs_learn.runtime import capacity
from ecs_learn.runtime.asg import ManagedScaler
from ecs_learn.runtime.placer import Placement, PlacementRequest, Placer
from ecs_learn.runtime.state import RuntimeState, ServiceRecord, TaskRecord
from ecs_learn.runtime.tasks import TaskRunner

__all__ = ["Launched", "Launcher"]


@dataclass
class Launched:
    started: list[TaskRecord] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # why some could not be placed


class Launcher:
    def __init__(
        self,
        runner: TaskRunner,
        state: RuntimeState,
        placers: dict[str, Placer],
        scaler: ManagedScaler,
    ) -> None:
        self.runner = runner
        self.state = state
        self.placers = placers
        self.scaler = scaler
        self._clusters: dict[str, dict[str, Any]] = {}

    def new_pass(self) -> None:
        self._clusters.clear()

    def _cluster(self, arn: str) -> dict[str, Any]:
        if arn not in self._clusters:
            found = self.runner.account.ecs.describe_clusters(clusters=[arn])["clusters"]
            self._clusters[arn] = found[0] if found else {}
        return self._clusters[arn]

    def plan(
        self, rec: ServiceRecord, service: dict[str, Any], live: list[TaskRecord], count: int
    ) -> list[tuple[str | None, str, int]]:
        """(capacity provider, launch type, how many) for ``count`` new tasks."""
        if service.get("launchType"):
            return [(None, str(service["launchType"]), count)]
        strategy = service.get("capacityProviderStrategy") or self._cluster(rec.cluster).get(
            "defaultCapacityProviderStrategy"
        )
        if not strategy:
            return [(None, "EC2", count)]
        running = Counter(t.capacity_provider for t in live if t.capacity_provider)
        try:
            shares = capacity.assign(strategy, count, running)
        except capacity.StrategyError:
            first = str(strategy[0]["capacityProvider"])
            shares = {first: count}
        return [
            (name, "FARGATE" if name in capacity.FARGATE_PROVIDERS else "EC2", n)
            for name, n in shares.items()
            if n
        ]

    def _request(
        self,
        rec: ServiceRecord,
        service: dict[str, Any],
        definition: dict[str, Any],
        provider: str | None,
        launch_type: str,
        existing: tuple[dict[str, Any], ...] = (),
    ) -> PlacementRequest:
        vpc = self._vpc(service)
        subnets = tuple(
            self.runner.account.ec2.describe_subnets(SubnetIds=vpc["subnets"])["Subnets"]
            if vpc.get("subnets")
            else ()
        )
        return PlacementRequest(
            cluster=rec.cluster,
            task_definition=definition,
            group=f"service:{rec.name}",
            subnets=subnets,
            existing=existing,
            capacity_provider=provider,
            launch_type=launch_type,
            placement_constraints=tuple(service.get("placementConstraints") or ()),
            placement_strategy=tuple(service.get("placementStrategy") or ()),
        )

    @staticmethod
    def _vpc(service: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = (service.get("networkConfiguration") or {}).get(
            "awsvpcConfiguration"
        ) or {}
        return found

    def launch(
        self,
        rec: ServiceRecord,
        service: dict[str, Any],
        count: int,
        live: list[TaskRecord],
        moto_tasks: dict[str, dict[str, Any]],
    ) -> Launched:
        out = Launched()
        definition = self.runner.task_definition(rec.primary.task_definition)
        existing = tuple(moto_tasks[t.arn] for t in live if t.arn in moto_tasks)
        for provider, launch_type, n in self.plan(rec, service, live, count):
            request = self._request(rec, service, definition, provider, launch_type, existing)
            placer = self.placers["FARGATE" if launch_type == "FARGATE" else "EC2"]
            result = placer.place(request, n)
            for placement in result.placed:
                out.started.extend(
                    self._start(rec, service, launch_type, provider, placement, moto_tasks)
                )
            missing = n - len(result.placed)
            if missing and provider and self.scaler.provider(provider) is not None:
                for _ in range(missing):
                    out.started.append(self._provision(rec, service, provider))
            elif missing:
                out.events.extend(
                    result.events
                    or [
                        f"(service {rec.name}) was unable to place a task. Reason: {reason}"
                        for reason in result.unplaceable
                    ]
                )
        return out

    def _params(self, rec: ServiceRecord, service: dict[str, Any]) -> dict[str, Any]:
        return {
            "cluster": rec.cluster,
            "taskDefinition": rec.primary.task_definition,
            "startedBy": rec.primary.id,
            "group": f"service:{rec.name}",
        }

    def _network(self, service: dict[str, Any], subnet: str | None) -> dict[str, Any]:
        vpc = self._vpc(service)
        if not subnet or not vpc:
            return {}
        conf = {k: v for k, v in vpc.items() if k != "subnets"}
        return {"networkConfiguration": {"awsvpcConfiguration": {**conf, "subnets": [subnet]}}}

    def _start(
        self,
        rec: ServiceRecord,
        service: dict[str, Any],
        launch_type: str,
        provider: str | None,
        placement: Placement,
        moto_tasks: dict[str, dict[str, Any]],
    ) -> list[TaskRecord]:
        ecs = self.runner.account.ecs
        params = {**self._params(rec, service), **self._network(service, placement.subnet_id)}
        if launch_type == "FARGATE":
            params["count"] = 1
            if provider:
                params["capacityProviderStrategy"] = [{"capacityProvider": provider}]
            else:
                params["launchType"] = "FARGATE"
            if service.get("platformVersion"):
                params["platformVersion"] = service["platformVersion"]
            made = ecs.run_task(**params)["tasks"]
        else:
            assert placement.container_instance_arn is not None
            made = ecs.start_task(**params, containerInstances=[placement.container_instance_arn])[
                "tasks"
            ]
            for task in made:
                self.runner.account.write_task(
                    rec.cluster, task["taskArn"], capacity_provider_name=provider
                )
                task["capacityProviderName"] = provider
        started = []
        for task in made:
            moto_tasks[task["taskArn"]] = task
            started.append(self._admit(rec, service, task, placement, provider))
        return started

    def _admit(
        self,
        rec: ServiceRecord,
        service: dict[str, Any],
        task: dict[str, Any],
        placement: Placement | None,
        provider: str | None,
    ) -> TaskRecord:
        record = self.runner.admit(
            task,
            rec.arn,
            service.get("loadBalancers") or [],
            list(self._vpc(service).get("securityGroups") or []),
            placement,
        )
        record.capacity_provider = provider or task.get("capacityProviderName") or None
        return record

    def _provision(self, rec: ServiceRecord, service: dict[str, Any], provider: str) -> TaskRecord:
        network = self._network(service, (self._vpc(service).get("subnets") or [None])[0])
        arn = self.runner.account.provision_task(
            rec.cluster,
            rec.primary.task_definition,
            started_by=rec.primary.id,
            group=f"service:{rec.name}",
            capacity_provider=provider,
            network_configuration=network.get("networkConfiguration"),
        )
        record = TaskRecord(
            arn=arn,
            cluster=rec.cluster,
            service=rec.arn,
            deployment=rec.primary.id,
            started=self.state.clock.elapsed,
            capacity_provider=provider,
            provisioning=True,
        )
        self.state.tasks[arn] = record
        self.state.record("task-provisioning", record.id, provider)
        return record

    def place_waiting(self, rec: ServiceRecord, service: dict[str, Any]) -> int:
        """Place the service's PROVISIONING tasks that an instance can take now."""
        waiting = [
            t
            for t in self.state.tasks.values()
            if t.service == rec.arn and t.provisioning and not t.done and t.stop is None
        ]
        by_provider: dict[str, list[TaskRecord]] = {}
        for task in sorted(waiting, key=lambda t: (t.started, t.arn)):
            by_provider.setdefault(task.capacity_provider or "", []).append(task)
        placed = 0
        ecs = self.runner.account.ecs
        for provider, tasks in sorted(by_provider.items()):
            by_definition: dict[str, list[TaskRecord]] = {}
            for task in tasks:
                found = ecs.describe_tasks(cluster=rec.cluster, tasks=[task.arn])["tasks"]
                if found:
                    by_definition.setdefault(found[0]["taskDefinitionArn"], []).append(task)
            for arn, group in by_definition.items():
                definition = self.runner.task_definition(arn)
                request = self._request(rec, service, definition, provider, "EC2")
                result = self.placers["EC2"].place(request, len(group))
                for task, placement in zip(group, result.placed, strict=False):
                    assert placement.container_instance_arn is not None
                    self.runner.account.place_task(
                        rec.cluster, task.arn, placement.container_instance_arn
                    )
                    [moto_task] = ecs.describe_tasks(cluster=rec.cluster, tasks=[task.arn])["tasks"]
                    self._admit(rec, service, moto_task, placement, provider)
                    placed += 1
        return placed
