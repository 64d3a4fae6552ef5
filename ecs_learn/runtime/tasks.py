"""One task's life: start (or fail to), register targets, drain, stop.

Follows "Amazon ECS task lifecycle" (developerguide/task-lifecycle-explanation.html): a
task goes PROVISIONING → PENDING → RUNNING within seconds (done before the call returns)
or straight to STOPPED when it cannot start; a stopping task behind a load balancer stays
DEACTIVATING while its targets drain, then STOPPED. Stop codes are AWS's ``TaskStopCode``.
"""

from __future__ import annotations

import contextlib
from typing import Any

from ecs_learn.runtime import events, failures, loadbalancing
from ecs_learn.runtime.account import Account
from ecs_learn.runtime.placer import Placement
from ecs_learn.runtime.state import RuntimeState, TargetRecord, TaskRecord

__all__ = ["TaskRunner"]

FARGATE_PLATFORM = "1.4.0"


def _detail(task: dict[str, Any], name: str) -> str:
    for attachment in task.get("attachments", []):
        for detail in attachment.get("details", []):
            if detail.get("name") == name:
                return str(detail.get("value", ""))
    return ""


class TaskRunner:
    """Starts and stops tasks for the scheduler (and for tasks the learner runs)."""

    def __init__(self, account: Account, state: RuntimeState) -> None:
        self.account = account
        self.state = state
        self._subnet_zone: dict[str, str] = {}
        self._groups: dict[str, dict[str, Any]] = {}
        self._target_groups: dict[str, loadbalancing.TargetGroupInfo | None] = {}
        self._bindings: dict[str, dict[str, tuple[dict[str, Any], ...]]] = {}

    def new_pass(self) -> None:
        """Forget per-pass caches (security groups and target groups may have changed)."""
        self._groups.clear()
        self._target_groups.clear()

    # -- reads ----------------------------------------------------------------------------
    def task_definition(self, arn: str) -> dict[str, Any]:
        found = self.state.task_definitions.get(arn)
        if found is None:
            found = self.account.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
            self.state.task_definitions[arn] = found
        return found

    def zone_of(self, subnet_id: str) -> str:
        if subnet_id and subnet_id not in self._subnet_zone:
            subnet = self.account.ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]
            self._subnet_zone[subnet_id] = subnet["AvailabilityZone"]
        return self._subnet_zone.get(subnet_id, "")

    def container_instance(self, cluster: str, arn: str) -> tuple[str, str]:
        """(Availability Zone, EC2 instance id) of a container instance: a bridge/host task's
        zone is its instance's (attribute ``ecs.availability-zone``); it has no ENI."""
        found = self.account.ecs.describe_container_instances(
            cluster=cluster, containerInstances=[arn]
        ).get("containerInstances", [])
        if not found:
            return "", ""
        attributes = {a["name"]: a.get("value") for a in found[0].get("attributes", [])}
        return (
            str(attributes.get("ecs.availability-zone") or ""),
            str(found[0].get("ec2InstanceId") or ""),
        )

    def _instance(self, instance_id: str) -> dict[str, Any]:
        try:
            found = self.account.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        except Exception:  # terminated and gone
            return {}
        return next((dict(i) for r in found for i in r["Instances"]), {})

    def security_groups(self, ids: list[str]) -> list[dict[str, Any]]:
        missing = [i for i in ids if i not in self._groups]
        if missing:
            for group in self.account.ec2.describe_security_groups(GroupIds=missing)[
                "SecurityGroups"
            ]:
                self._groups[group["GroupId"]] = group
        return [self._groups[i] for i in ids if i in self._groups]

    def target_group(self, arn: str) -> loadbalancing.TargetGroupInfo | None:
        if arn not in self._target_groups:
            self._target_groups[arn] = loadbalancing.describe_target_group(
                self.account.elbv2, self.account.ec2, arn
            )
        return self._target_groups[arn]

    # -- start ----------------------------------------------------------------------------
    def admit(
        self,
        task: dict[str, Any],
        service: str | None,
        load_balancers: list[dict[str, Any]],
        security_groups: list[str],
        placement: Placement | None = None,
    ) -> TaskRecord:
        """Start a task moto just made RUNNING: it fails to start, or runs (and registers).

        ``placement``: where the placer put it (EC2: the container instance and the host
        ports the agent bound).
        """
        now = self.state.clock.elapsed
        subnet = _detail(task, "subnetId")
        host_zone, host_instance = "", ""
        if (
            not subnet
            and task.get("containerInstanceArn")
            and not (placement and placement.instance_id)
        ):
            host_zone, host_instance = self.container_instance(
                task["clusterArn"], str(task["containerInstanceArn"])
            )
        record = TaskRecord(
            arn=task["taskArn"],
            cluster=task["clusterArn"],
            service=service,
            deployment=task.get("startedBy") if service else None,
            started=now,
            availability_zone=self.zone_of(subnet)
            or (placement.availability_zone if placement else None)
            or host_zone,
            private_ip=_detail(task, "privateIPv4Address"),
            capacity_provider=task.get("capacityProviderName") or None,
            container_instance=str(task.get("containerInstanceArn") or ""),
            instance_id=(placement.instance_id if placement else None) or host_instance,
        )
        self._bindings[record.arn] = dict(placement.network_bindings) if placement else {}
        self.state.tasks[record.arn] = record
        definition = self.task_definition(task["taskDefinitionArn"])
        fargate = task.get("launchType") == "FARGATE" or (
            task.get("capacityProviderName") in ("FARGATE", "FARGATE_SPOT")
        )
        stamp = self.state.clock.now()
        fields: dict[str, Any] = {
            "created_at": stamp,
            "availability_zone": record.availability_zone or None,
            "cpu": definition.get("cpu"),
            "memory": definition.get("memory"),
            "connectivity": "CONNECTED",
            "connectivity_at": stamp,
        }
        if fargate:
            fields["platform_version"] = (
                FARGATE_PLATFORM
                if task.get("platformVersion") in (None, "", "LATEST")
                else task.get("platformVersion")
            )
            fields["platform_family"] = "Linux"
        self.account.write_task(record.cluster, record.arn, **fields)
        ctx_groups, ctx_ip = tuple(security_groups), record.private_ip
        if not subnet and record.instance_id:  # bridge/host: the instance's network is the task's
            instance = self._instance(record.instance_id)
            ctx_groups = tuple(g["GroupId"] for g in instance.get("SecurityGroups", []))
            ctx_ip = str(instance.get("PrivateIpAddress") or "")
        ctx = failures.TaskContext(record.id, record.availability_zone, ctx_groups, ctx_ip)
        failure = failures.why_task_cannot_start(self.account.client, definition, ctx)
        if failure is not None:
            self.state.record("task-failed", record.id, failure.reason)
            self.finish(record, failure.stop_code, failure.reason, definition, started=False)
            return record
        self.account.write_task(
            record.cluster,
            record.arn,
            last_status="RUNNING",
            pull_started_at=stamp,
            pull_stopped_at=stamp,
            started_at=stamp,
            health_status="UNKNOWN",
            containers=self._containers(task, definition, "RUNNING"),
        )
        exit_plan = failures.essential_exit(definition)
        if exit_plan is not None:
            record.exits_at = now + max(exit_plan[0], 10.0)  # the container starts, then exits
            record.exit_code = exit_plan[1]
        self.register_targets(record, load_balancers, definition, security_groups)
        return record

    def _containers(
        self,
        task: dict[str, Any],
        definition: dict[str, Any],
        status: str,
        exit_code: int | None = None,
    ) -> list[dict[str, Any]]:
        out = []
        bindings = self._bindings.get(task["taskArn"], {})
        for index, container in enumerate(definition.get("containerDefinitions", [])):
            item: dict[str, Any] = {
                "containerArn": f"{task['taskArn'].replace(':task/', ':container/')}/{index}",
                "taskArn": task["taskArn"],
                "name": container["name"],
                "image": container.get("image"),
                "lastStatus": status,
                "networkInterfaces": [{"privateIpv4Address": _detail(task, "privateIPv4Address")}],
                "healthStatus": "UNKNOWN",
                "cpu": str(container.get("cpu", 0)),
            }
            if exit_code is not None and container.get("essential", True):
                item["exitCode"] = exit_code
            if bindings.get(container["name"]) and status == "RUNNING":
                item["networkBindings"] = [dict(b) for b in bindings[container["name"]]]
            out.append(item)
        return out

    # -- load balancers ---------------------------------------------------------------------
    def register_targets(
        self,
        record: TaskRecord,
        load_balancers: list[dict[str, Any]],
        definition: dict[str, Any],
        security_groups: list[str],
    ) -> None:
        now = self.state.clock.elapsed
        for lb in load_balancers:
            arn = str(lb.get("targetGroupArn") or "")
            group = self.target_group(arn) if arn else None
            if group is None:
                continue
            port = int(lb["containerPort"])
            container = next(
                (
                    c
                    for c in definition.get("containerDefinitions", [])
                    if c["name"] == lb.get("containerName")
                ),
                None,
            )
            if group.target_type == "ip" and record.private_ip:
                target_id, target_port, groups = record.private_ip, port, security_groups
            elif group.target_type == "instance" and record.instance_id:
                bound = self._bindings.get(record.arn, {}).get(str(lb.get("containerName")), ())
                host_port = next(
                    (int(b["hostPort"]) for b in bound if int(b["containerPort"]) == port), None
                )
                if host_port is None:
                    continue  # the container does not map the port: nothing to register
                target_id, target_port = record.instance_id, host_port
                groups = self._instance_groups(record.instance_id)
            else:
                continue
            self.account.elbv2.register_targets(
                TargetGroupArn=arn, Targets=[{"Id": target_id, "Port": target_port}]
            )
            self.account.set_target_health(arn, target_id, target_port, loadbalancing.INITIAL)
            health, after = loadbalancing.settle(
                group, container, port, self.security_groups(groups), traffic_port=target_port
            )
            record.targets.append(
                TargetRecord(arn, target_id, target_port, "initial", now + after, health)
            )

    def _instance_groups(self, instance_id: str) -> list[str]:
        found = self.account.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        return [
            g["GroupId"] for r in found for i in r["Instances"] for g in i.get("SecurityGroups", [])
        ]

    def drain(self, record: TaskRecord) -> int:
        """Start draining the task's targets; returns the longest deregistration delay."""
        longest = 0
        for target in record.targets:
            if target.state == "draining":
                continue
            group = self.target_group(target.target_group)
            delay = group.deregistration_delay if group else 0
            longest = max(longest, delay)
            target.state = "draining"
            self.account.set_target_health(
                target.target_group, target.target_id, target.port, loadbalancing.DRAINING
            )
        return longest

    # -- stop -------------------------------------------------------------------------------
    def finish(
        self,
        record: TaskRecord,
        code: str,
        reason: str,
        definition: dict[str, Any] | None = None,
        *,
        started: bool = True,
    ) -> None:
        """Stop the task now (stop_task), with AWS's stop code and reason."""
        ecs = self.account.ecs
        task = ecs.stop_task(cluster=record.cluster, task=record.arn, reason=reason)["task"]
        definition = definition or self.task_definition(task["taskDefinitionArn"])
        stamp = self.state.clock.now()
        exit_code = (
            record.exit_code if code == events.STOP_ESSENTIAL else (None if not started else 0)
        )
        self.account.write_task(
            record.cluster,
            record.arn,
            stop_code=code,
            stopped_reason=reason,
            stopping_at=stamp,
            execution_stopped_at=stamp,
            stopped_at=stamp,
            last_status="STOPPED",
            desired_status="STOPPED",
            containers=self._containers(task, definition, "STOPPED", exit_code),
        )
        for target in record.targets:
            with contextlib.suppress(Exception):  # the learner deregistered it already
                self.account.elbv2.deregister_targets(
                    TargetGroupArn=target.target_group,
                    Targets=[{"Id": target.target_id, "Port": target.port}],
                )
            self.account.set_target_health(target.target_group, target.target_id, target.port, None)
        record.stop = (code, reason)
        record.done = True
        record.exits_at = record.stopping_until = record.replace_at = None

    def stop(self, record: TaskRecord, code: str, reason: str) -> bool:
        """Stop a running task: drain first when it has targets. True if it drains."""
        delay = self.drain(record)
        record.stop = (code, reason)
        record.exits_at = record.replace_at = None
        if delay <= 0:
            self.finish(record, code, reason)
            return False
        record.stopping_until = self.state.clock.elapsed + delay
        self.account.write_task(
            record.cluster,
            record.arn,
            desired_status="STOPPED",
            last_status="DEACTIVATING",
            stop_code=code,
            stopped_reason=reason,
        )
        return True
