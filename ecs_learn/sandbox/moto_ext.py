"""moto fixes and extensions the runtime needs, applied in the process that holds the account.

:func:`apply` patches moto's classes once per process: in the learner's kernel (embedded
mode, from ``core.Sandbox.start``) and inside the moto server process (``server.serve``),
so both modes behave alike.

Fixes (moto 5.2.5, see ../shared/reference/moto-behaviour.md §0):

* ``run_task`` no longer crashes for Fargate containers without container-level memory,
  for an ``awsvpcConfiguration`` without ``securityGroups`` (the VPC's default group is
  used, as on AWS) or for subnets of a ``create_vpc`` VPC (no DNS hostnames);
* a task's ENI gets the lowest free address of its subnet (AWS reserves the first four
  and the last), not a random ``10.x`` address;
* ``runningCount``/``pendingCount`` of services and clusters are counted from the tasks;
* ``list_tasks`` honours ``serviceName`` and matches the cluster and the container
  instance exactly (moto crashed on a cluster with Fargate tasks);
* ``stop_task`` works for a task whose container instance left the cluster;
* a target group no longer lists a load balancer whose listeners and rules stopped
  forwarding to it (deleted, or changed);
* ``create_service`` keeps what moto drops (``deploymentConfiguration`` and others);
* ``update_service`` with a family (or ``family:revision``) stores the revision's ARN, as
  AWS does (moto kept the string given, so ``describe_services`` said ``web``);
* ``start_task`` honours ``networkConfiguration`` (an awsvpc task on a container instance
  gets its ENI) and its tasks say ``launchType: EC2``; a dynamic host port (``hostPort`` 0
  or absent in ``bridge`` mode) is not counted as port "0" of the instance (moto placed one
  such task per instance), a ``host``-mode container's port is;
* ``create_launch_template_version`` decodes ``UserData`` as ``create_launch_template``
  does (moto kept the raw string, and an Auto Scaling group launching that version then
  failed an assertion); instances an Auto Scaling group launches take everything from the
  template version the group names (``$Latest``, ``$Default`` or a number): moto took the
  image, type and user data from it but the instance profile and the rest from ``$Default``;
* AWS managed IAM policies (server mode loads them with every IAM backend) are parsed once
  per process and built for the ``aws`` partition only: moto built them for six partitions
  on every reset and on the first call after it (about 2 s each time).

Extensions: what ECS and Elastic Load Balancing do inside AWS has no public API (service
events and deployments, a task's ``stopCode``, target health). The runtime writes those
with the ``write_*``/``set_target_health`` functions below; it can, because it always runs
in the process that holds the account. Everything else it does through the AWS APIs.
"""

from __future__ import annotations

import ipaddress
import threading
from typing import Any

from ecs_learn.sandbox.env import ACCOUNT_ID, REGION

__all__ = [
    "apply",
    "place_task",
    "provision_task",
    "set_target_health",
    "write_service",
    "write_task",
]

_applied = False
_lock = threading.Lock()
_local = threading.local()
_KEPT_SERVICE_FIELDS = (
    "deploymentConfiguration",
    "healthCheckGracePeriodSeconds",
    "enableExecuteCommand",
    "placementConstraints",
    "placementStrategy",
    "capacityProviderStrategy",
)
_DEFAULT_DEPLOYMENT_CONFIGURATION: dict[str, Any] = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
_PENDING = ("PROVISIONING", "PENDING", "ACTIVATING")


def _ecs() -> Any:
    from moto.ecs.models import ecs_backends

    return ecs_backends[ACCOUNT_ID][REGION]


def _ec2() -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[ACCOUNT_ID][REGION]


def _count(cluster_name: str, group: str | None, statuses: tuple[str, ...]) -> int:
    tasks = _ecs().tasks.get(cluster_name, {}).values()
    return sum(
        1 for t in tasks if t.last_status in statuses and (group is None or t.group == group)
    )


# -- fixes ----------------------------------------------------------------------------
def _next_free_ip(*_: Any, **__: Any) -> str:
    """The lowest unused address of the subnet the task being made is in."""
    subnet_id = getattr(_local, "subnet", None)
    if subnet_id is None:
        return ""
    ec2 = _ec2()
    network = ipaddress.IPv4Network(ec2.get_subnet(subnet_id).cidr_block)
    used = {
        eni.private_ip_address
        for eni in ec2.enis.values()
        if getattr(eni.subnet, "id", None) == subnet_id
    }
    for offset in range(4, network.num_addresses - 1):
        candidate = str(network.network_address + offset)
        if candidate not in used:
            return candidate
    return ""


def _patch_tasks() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ecs import models

    original_init = models.Task.__init__

    def task_init(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("networking_configuration") is None and getattr(_local, "network", None):
            kwargs["networking_configuration"] = _local.network
        net = kwargs.get("networking_configuration")
        conf = (net or {}).get("awsvpcConfiguration")
        if conf and conf.get("subnets"):
            if not conf.get("securityGroups"):
                vpc_id = _ec2().get_subnet(conf["subnets"][0]).vpc_id
                conf["securityGroups"] = [_ec2().get_default_security_group(vpc_id).id]
            _local.subnet = conf["subnets"][0]
        try:
            original_init(self, *args, **kwargs)
        finally:
            _local.subnet = None

    models.Task.__init__ = task_init  # type: ignore[method-assign]
    models.random_private_ip = _next_free_ip  # type: ignore[attr-defined]

    def requirements(task_definition: Any) -> dict[str, Any]:
        needs: dict[str, Any] = {"CPU": 0, "MEMORY": 0, "PORTS": [], "PORTS_UDP": []}
        mode = task_definition.network_mode or "bridge"
        for c in task_definition.container_definitions:
            needs["CPU"] += c.get("cpu") or 0
            needs["MEMORY"] += c.get("memory") or c.get("memoryReservation") or 0
            if mode == "awsvpc":
                continue  # the task's own ENI: no host ports
            for mapping in c.get("portMappings") or []:
                port = mapping.get("hostPort") or (
                    mapping.get("containerPort") if mode == "host" else None
                )
                if port:  # 0 / absent in bridge mode: dynamic, assigned by the agent
                    udp = str(mapping.get("protocol") or "tcp").lower() == "udp"
                    needs["PORTS_UDP" if udp else "PORTS"].append(port)
        if not needs["MEMORY"] and task_definition.memory:
            needs["MEMORY"] = int(task_definition.memory)
        return needs

    models.EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(  # type: ignore[method-assign]
        requirements
    )

    def dns_get(self: Any) -> str:
        return str(
            self.__dict__.get("_dns")
            or f"ip-{self.private_ip_address.replace('.', '-')}.ec2.internal"
        )

    def dns_set(self: Any, value: str) -> None:
        self.__dict__["_dns"] = value

    setattr(NetworkInterface, "private_dns_name", property(dns_get, dns_set))  # noqa: B010


def _patch_counts() -> None:
    from moto.ecs import models

    def running(self: Any) -> int:
        return _count(self.cluster_name, f"service:{self.name}", ("RUNNING",))

    def pending(self: Any) -> int:
        return _count(self.cluster_name, f"service:{self.name}", _PENDING)

    def ignore(self: Any, value: Any) -> None:
        pass

    derived = {
        (models.Service, "running_count"): running,
        (models.Service, "pending_count"): pending,
        (models.Cluster, "running_tasks_count"): lambda self: _count(self.name, None, ("RUNNING",)),
        (models.Cluster, "pending_tasks_count"): lambda self: _count(self.name, None, _PENDING),
    }
    for (cls, name), getter in derived.items():
        setattr(cls, name, property(getter, ignore))


def _patch_list_tasks() -> None:
    from moto.ecs import models

    original = models.EC2ContainerServiceBackend.list_tasks

    def list_tasks(self: Any, cluster_str: str | None = None, *args: Any, **kwargs: Any) -> Any:
        names = ["container_instance", "family", "started_by", "service_name", "desiredStatus"]
        given = dict(zip(names, args, strict=False), **kwargs)
        service_name = given.pop("service_name", None)
        instance = given.pop("container_instance", None)
        found = original(self, cluster_str, **given)
        if cluster_str:
            arn = self._get_cluster(cluster_str).arn
            found = [t for t in found if t.cluster_arn == arn]
        if instance:  # moto matches by substring and crashes on Fargate tasks (no instance)
            found = [
                t
                for t in found
                if t.container_instance_arn
                and (
                    t.container_instance_arn == instance
                    or t.container_instance_arn.endswith(f"/{instance}")
                )
            ]
        if service_name:
            found = [t for t in found if t.group == f"service:{service_name.split('/')[-1]}"]
        return found

    models.EC2ContainerServiceBackend.list_tasks = list_tasks  # type: ignore[method-assign]


def _patch_create_service() -> None:
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service

    def create_service(self: Any) -> Any:
        result = original(self)
        service = self.ecs_backend._get_service(
            self._get_param("cluster", "default"), self._get_param("serviceName")
        )
        for field in _KEPT_SERVICE_FIELDS:
            value = self._get_param(field)
            if value is not None:
                setattr(service, _snake(field), value)
        given = getattr(service, "deployment_configuration", None) or {}
        service.deployment_configuration = {**_DEFAULT_DEPLOYMENT_CONFIGURATION, **given}
        if self._get_param("capacityProviderStrategy"):
            service.launch_type = None
        elif not self._get_param("launchType"):
            # neither: the cluster's default capacity provider strategy, else EC2 (as on AWS)
            cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
            default = getattr(cluster, "default_capacity_provider_strategy", None)
            if default:
                service.launch_type = None
                service.capacity_provider_strategy = default
        return result

    EC2ContainerServiceResponse.create_service = create_service  # type: ignore[method-assign]


def _patch_update_service() -> None:
    from moto.ecs import models

    original = models.EC2ContainerServiceBackend.update_service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        given = service_properties.get("task_definition")
        service = original(self, service_properties)
        if given:
            service.task_definition = self.describe_task_definition(given).arn
        return service

    models.EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]


def _patch_target_health() -> None:
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup

    original = FakeTargetGroup.health_for

    def health_for(self: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
        known = self.targets.get(target["Id"])
        port = (known or target).get("Port", self.port)
        override = getattr(self, "_ecs_learn_health", {}).get((target["Id"], int(port or 0)))
        if override is None or (known is None and override[0] != "draining"):
            return original(self, target, ec2_backend)
        state, reason, description = override
        return FakeHealthStatus(
            target["Id"], port, self.health_check_port, state, reason, description
        )

    FakeTargetGroup.health_for = health_for  # type: ignore[method-assign]


def _patch_stop_task() -> None:
    """``stop_task`` of a task whose container instance has left the cluster (it was
    terminated) stops it; moto raised ``KeyError`` looking up the gone instance."""
    from moto.ecs import models

    original = models.EC2ContainerServiceBackend.stop_task

    def stop_task(self: Any, cluster_str: str, task_str: str, reason: str) -> Any:
        try:
            return original(self, cluster_str, task_str, reason)
        except KeyError:
            cluster = self._get_cluster(cluster_str)
            task_id = task_str.split("/")[-1]
            for arn, task in self.tasks.get(cluster.name, {}).items():
                if arn.endswith(task_id):
                    task.last_status = task.desired_status = "STOPPED"
                    task.stopped_reason = reason
                    return task
            raise

    models.EC2ContainerServiceBackend.stop_task = stop_task  # type: ignore[method-assign]


def _patch_target_group_links() -> None:
    """A target group's ``LoadBalancerArns`` lets go of a load balancer once none of its
    listeners or rules forwards to the group (moto only ever adds to it, so a deleted load
    balancer stayed listed and describing it failed)."""
    from moto.elbv2 import models

    backend = models.ELBv2Backend

    def forwards(self: Any, lb: Any, arn: str) -> bool:
        return any(
            arn in self._get_target_group_arns_from(action_data=action.data)
            for listener in lb.listeners.values()
            for rule in listener.rules.values()
            for action in rule.actions
        )

    def relink(self: Any) -> None:
        for group in self.target_groups.values():
            group.load_balancer_arns = [
                a
                for a in group.load_balancer_arns
                if a in self.load_balancers and forwards(self, self.load_balancers[a], group.arn)
            ]

    def after(original: Any) -> Any:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = original(self, *args, **kwargs)
            relink(self)
            return result

        return call

    for name in (
        "delete_load_balancer",
        "delete_listener",
        "delete_rule",
        "modify_listener",
        "modify_rule",
    ):
        setattr(backend, name, after(getattr(backend, name)))


def _patch_start_task() -> None:
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.start_task

    def start_task(self: Any) -> Any:
        _local.network = self._get_param("networkConfiguration")
        try:
            answer = original(self)
        finally:
            _local.network = None
        result = getattr(answer, "result", None)
        for task in (result or {}).get("tasks", []) if isinstance(result, dict) else []:
            task.launch_type = "EC2"
        return answer

    EC2ContainerServiceResponse.start_task = start_task  # type: ignore[method-assign]


def _patch_launch_template_version() -> None:
    from moto.core.types import Base64EncodedString
    from moto.ec2.responses.launch_templates import LaunchTemplates
    from moto.ec2.utils import parse_user_data

    original = LaunchTemplates.create_launch_template_version

    def create_launch_template_version(self: Any) -> Any:
        answer = original(self)
        name, template_id = (
            self._get_param("LaunchTemplateName"),
            self._get_param("LaunchTemplateId"),
        )
        template = (
            self.ec2_backend.get_launch_template(template_id)
            if template_id
            else self.ec2_backend.get_launch_template_by_name(name)
        )
        data = template.versions[-1].data
        if data.get("UserData") is not None and not isinstance(
            data["UserData"], Base64EncodedString
        ):
            data["UserData"] = parse_user_data(data["UserData"])
        return answer

    LaunchTemplates.create_launch_template_version = create_launch_template_version  # type: ignore[method-assign]


def _patch_group_launch_version() -> None:
    from moto.autoscaling.models import FakeAutoScalingGroup
    from moto.ec2.models.instances import InstanceBackend

    replace = FakeAutoScalingGroup.replace_autoscaling_group_instances
    from_args = InstanceBackend._get_template_from_args

    def replace_autoscaling_group_instances(self: Any, *args: Any, **kwargs: Any) -> None:
        _local.group_template_version = getattr(self, "launch_template_version", None)
        try:
            replace(self, *args, **kwargs)
        finally:
            _local.group_template_version = None

    def get_template_from_args(self: Any, launch_template_arg: dict[str, Any]) -> Any:
        version = getattr(_local, "group_template_version", None)
        if version and "Version" not in launch_template_arg:
            launch_template_arg = {**launch_template_arg, "Version": version}
        return from_args(self, launch_template_arg)

    FakeAutoScalingGroup.replace_autoscaling_group_instances = replace_autoscaling_group_instances  # type: ignore[method-assign]
    InstanceBackend._get_template_from_args = get_template_from_args  # type: ignore[method-assign]


def _patch_managed_policies() -> None:
    import functools
    import json
    from datetime import datetime

    from moto.iam import models
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.settings import load_iam_aws_managed_policies

    @functools.lru_cache(maxsize=1)
    def prepared() -> list[tuple[str, dict[str, Any]]]:
        parsed: dict[str, dict[str, Any]] = json.loads(aws_managed_policies_data)
        return [
            (
                name,
                {
                    "default_version_id": data.get("DefaultVersionId"),
                    "path": data.get("Path"),
                    "document": json.dumps(data.get("Document")),
                    "create_date": datetime.fromisoformat(data["CreateDate"]),
                    "update_date": datetime.fromisoformat(data["UpdateDate"]),
                },
            )
            for name, data in parsed.items()
        ]

    def init_aws_policies(self: Any) -> list[Any]:
        if not load_iam_aws_managed_policies() or self.region_name != "aws":
            return []
        make: Any = models.AWSManagedPolicy
        return [make(name, account_id=self.account_id, region="aws", **f) for name, f in prepared()]

    models.IAMBackend._init_aws_policies = init_aws_policies  # type: ignore[method-assign]


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def apply() -> None:
    """Patch moto in this process (idempotent)."""
    global _applied
    with _lock:
        if _applied:
            return
        _patch_tasks()
        _patch_counts()
        _patch_list_tasks()
        _patch_create_service()
        _patch_update_service()
        _patch_target_health()
        _patch_start_task()
        _patch_launch_template_version()
        _patch_group_launch_version()
        _patch_target_group_links()
        _patch_stop_task()
        _patch_managed_policies()
        _applied = True


# -- extensions: what AWS does inside, with no public API ------------------------------------
def write_service(cluster: str, service: str, **fields: Any) -> None:
    """Set attributes of a service as ECS would (``deployments``, ``events``...)."""
    found = _ecs()._get_service(cluster, service)
    for name, value in fields.items():
        setattr(found, name, value)


def write_task(cluster: str, task_arn: str, **fields: Any) -> None:
    """Set attributes of a task as ECS would (``stop_code``, ``availability_zone``, ...)."""
    tasks = _ecs().tasks.get(cluster.split("/")[-1], {})
    task = tasks.get(task_arn)
    if task is None:
        return
    for name, value in fields.items():
        setattr(task, name, value)


def set_target_health(
    target_group_arn: str,
    target_id: str,
    port: int,
    state: tuple[str, str | None, str | None] | None,
) -> None:
    """What ``describe_target_health`` reports for one target: (state, reason, description).

    ``None`` forgets the override. A ``draining`` state is kept after the target is
    deregistered (moto forgets deregistered targets at once; AWS drains them first).
    """
    from moto.elbv2.models import elbv2_backends

    group = elbv2_backends[ACCOUNT_ID][REGION].target_groups.get(target_group_arn)
    if group is None:
        return
    overrides: dict[tuple[str, int], Any] = group.__dict__.setdefault("_ecs_learn_health", {})
    if state is None:
        overrides.pop((target_id, port), None)
    else:
        overrides[(target_id, port)] = state


def provision_task(
    cluster: str,
    task_definition: str,
    *,
    started_by: str,
    group: str,
    capacity_provider: str,
    network_configuration: dict[str, Any] | None = None,
) -> str:
    """A task ECS accepted but has no capacity for yet: ``PROVISIONING``, on no instance.

    (On AWS a task of a capacity provider waits so until an instance can take it; there is
    no API that makes one.) Returns its ARN; :func:`place_task` puts it on an instance.
    """
    from moto.ecs import models

    backend = _ecs()
    found = backend._get_cluster(cluster)
    definition = backend.describe_task_definition(task_definition)
    _local.network = network_configuration
    try:
        task = models.Task(
            found,
            definition,
            None,
            backend._calculate_task_resource_requirements(definition),
            backend=backend,
            group=group,
            started_by=started_by,
            capacity_provider_name=capacity_provider,
        )
    finally:
        _local.network = None
    task.last_status = "PROVISIONING"
    backend.tasks.setdefault(found.name, {})[task.task_arn] = task
    return str(task.task_arn)


def place_task(cluster: str, task_arn: str, container_instance_arn: str) -> None:
    """Put a ``PROVISIONING`` task on a container instance (which now reserves its resources)."""
    backend = _ecs()
    name = cluster.split("/")[-1]
    task = backend.tasks.get(name, {}).get(task_arn)
    instance = backend.container_instances.get(name, {}).get(container_instance_arn.split("/")[-1])
    if task is None or instance is None:
        return
    task.container_instance_arn = instance.container_instance_arn
    backend.update_container_instance_resources(instance, task.resource_requirements)
    task.last_status = "PENDING"
