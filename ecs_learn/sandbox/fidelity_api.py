"""API calls moto answers unlike AWS, answered as AWS does (moto 5.2.5; probed in
docs/moto-behaviour.md, "Calls answered as AWS answers them").

Applied with :mod:`~ecs_learn.sandbox.fidelity` in every process that holds moto's state
(the embedded sandbox, a moto server), as patches on moto's classes, idempotent:

* **EKS ListFargateProfiles / ListNodegroups for a cluster that does not exist**: moto
  fails with a raw ``KeyError``; AWS answers ``ResourceNotFoundException`` "No cluster
  found for name: NAME." (as moto's own DescribeCluster does).
* **ELBv2 CreateLoadBalancer with a name in use**: moto makes a second load balancer of the
  same name. AWS: "This operation is idempotent ... If you attempt to create multiple load
  balancers with the same settings, each call succeeds" (the existing load balancer is
  returned); with other settings, ``DuplicateLoadBalancerName`` "A load balancer with the
  same name 'NAME' exists, but with different settings".
* **ECS CreateService with the name of a service that is ACTIVE or DRAINING**: moto
  silently replaces the service. AWS fails with ``InvalidParameterException`` "Creation of
  service was not idempotent." unless the call repeats the one that created the service
  with the same ``clientToken`` and the same parameters, which succeeds and changes nothing
  (Amazon ECS API Reference, "Ensuring idempotency").
* **ECS ListTasks without desiredStatus**: moto lists every task, stopped ones included;
  AWS: "The default status filter is RUNNING".
* **CloudWatch PutMetricAlarm**: moto starts a new alarm in ``OK`` and resets an updated
  one to ``OK``. AWS: "When this operation creates an alarm, the alarm state is immediately
  set to INSUFFICIENT_DATA ... When you update an existing alarm, its state is left
  unchanged".
* **ECS DescribeCapacityProviders without names**: moto fails with a raw ``TypeError``;
  here it describes every capacity provider of the account (moto has no FARGATE and
  FARGATE_SPOT records to add; AWS lists those too).
* **ECS DescribeTaskDefinition (and CreateService, UpdateService, RunTask) by family alone**:
  moto takes the family's newest revision even when it is deregistered. AWS: "If a family is
  specified without a revision, the latest ACTIVE revision is used". With no ACTIVE
  revision left, moto's answer (the newest, INACTIVE) stays.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["apply", "is_applied"]

_MARK = "_ecs_learn_faithful_api"
_LIVE_SERVICE = ("ACTIVE", "DRAINING")  # a name that is taken (INACTIVE frees it)


def is_applied() -> bool:
    from moto.ecs.responses import EC2ContainerServiceResponse

    return bool(getattr(EC2ContainerServiceResponse.list_tasks, _MARK, False))


def apply() -> None:
    """Patch moto's classes in this process (idempotent)."""
    if is_applied():
        return
    _eks_unknown_cluster()
    _idempotent_load_balancer()
    _create_service_not_idempotent()
    _alarms_start_without_data()
    _describe_every_capacity_provider()
    _family_means_latest_active_revision()
    _list_running_tasks_by_default()  # last: it carries the mark


# -- EKS -------------------------------------------------------------------------------
def _eks_unknown_cluster() -> None:
    from moto.eks import models
    from moto.eks.exceptions import ResourceNotFoundException

    def guarded(original: Any) -> Any:
        def method(self: Any, cluster_name: str, *args: Any, **kwargs: Any) -> Any:
            if cluster_name not in self.clusters:
                raise ResourceNotFoundException(
                    clusterName=cluster_name,
                    nodegroupName=None,
                    fargateProfileName=None,
                    addonName=None,
                    message=models.CLUSTER_NOT_FOUND_MSG.format(clusterName=cluster_name),
                )
            return original(self, cluster_name, *args, **kwargs)

        return method

    backend = models.EKSBackend
    backend.list_fargate_profiles = guarded(backend.list_fargate_profiles)  # type: ignore[method-assign]
    backend.list_nodegroups = guarded(backend.list_nodegroups)  # type: ignore[method-assign]


# -- Elastic Load Balancing --------------------------------------------------------------
def _lb_settings(
    kind: str | None,
    scheme: str | None,
    ip_type: str | None,
    subnets: list[str],
    groups: list[str] | None,
) -> tuple[Any, ...]:
    return (
        kind or "application",
        scheme or "internet-facing",
        ip_type or "ipv4",
        frozenset(subnets),
        frozenset(groups or []),
    )


def _idempotent_load_balancer() -> None:
    from moto.elbv2 import models
    from moto.elbv2.exceptions import DuplicateLoadBalancerName

    original = models.ELBv2Backend.create_load_balancer

    def create_load_balancer(
        self: Any,
        name: str,
        security_groups: list[str],
        subnet_ids: list[str],
        subnet_mappings: list[dict[str, str]] | None = None,
        scheme: str = "internet-facing",
        loadbalancer_type: str | None = None,
        ip_address_type: str = "ipv4",
        tags: list[dict[str, str]] | None = None,
    ) -> Any:
        existing = next((lb for lb in self.load_balancers.values() if lb.name == name), None)
        if existing is not None:
            asked = [*subnet_ids, *(m["SubnetId"] for m in subnet_mappings or [])]
            wanted = _lb_settings(
                loadbalancer_type, scheme, ip_address_type, asked, security_groups
            )
            have = _lb_settings(
                existing.type,
                existing.scheme,
                existing.ip_address_type,
                [s.id for s in existing.subnets],
                existing.security_groups,
            )
            if wanted == have:
                return existing
            raise DuplicateLoadBalancerName(
                f"A load balancer with the same name '{name}' exists, but with different settings"
            )
        return original(
            self,
            name,
            security_groups,
            subnet_ids,
            subnet_mappings,
            scheme,
            loadbalancer_type,
            ip_address_type,
            tags,
        )

    models.ELBv2Backend.create_load_balancer = create_load_balancer  # type: ignore[method-assign]


# -- ECS -----------------------------------------------------------------------------------
def _create_service_not_idempotent() -> None:
    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service

    def create_service(self: Any) -> Any:
        sent = json.loads(self.body or "{}")
        token = sent.pop("clientToken", None)
        request = (token, json.dumps(sent, sort_keys=True))
        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        key = f"{cluster.name}:{self._get_param('serviceName')}"
        existing = self.ecs_backend.services.get(key)
        if existing is not None and existing.status in _LIVE_SERVICE:
            if token is not None and getattr(existing, "_ecs_learn_request", None) == request:
                return ActionResult({"service": existing})  # the same call again: no change
            raise InvalidParameterException("Creation of service was not idempotent.")
        result = original(self)
        created = self.ecs_backend.services.get(key)
        if created is not None:
            created._ecs_learn_request = request
        return result

    EC2ContainerServiceResponse.create_service = create_service  # type: ignore[method-assign]


def _list_running_tasks_by_default() -> None:
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    def list_tasks(self: Any) -> Any:
        tasks = self.ecs_backend.list_tasks(
            self._get_param("cluster", "default"),
            self._get_param("containerInstance"),
            self._get_param("family"),
            self._get_param("startedBy"),
            self._get_param("serviceName"),
            self._get_param("desiredStatus") or "RUNNING",
        )
        return ActionResult({"taskArns": [t.task_arn for t in tasks]})

    setattr(list_tasks, _MARK, True)
    EC2ContainerServiceResponse.list_tasks = list_tasks  # type: ignore[method-assign]


def _family_means_latest_active_revision() -> None:
    from moto.ecs import models

    original = models.EC2ContainerServiceBackend.describe_task_definition

    def describe_task_definition(self: Any, task_definition_str: str) -> Any:
        family = task_definition_str.split("/")[-1]
        revisions: dict[int, Any] = {} if ":" in family else self.task_definitions.get(family, {})
        active = [n for n, td in revisions.items() if td.status == "ACTIVE"]
        if active:
            return revisions[max(active)]
        return original(self, task_definition_str)

    models.EC2ContainerServiceBackend.describe_task_definition = describe_task_definition  # type: ignore[method-assign]


def _describe_every_capacity_provider() -> None:
    from moto.ecs import models

    original = models.EC2ContainerServiceBackend.describe_capacity_providers

    def describe_capacity_providers(self: Any, names: list[str] | None) -> Any:
        return original(self, list(self.capacity_providers) if names is None else names)

    models.EC2ContainerServiceBackend.describe_capacity_providers = describe_capacity_providers  # type: ignore[method-assign]


# -- CloudWatch ----------------------------------------------------------------------------
def _alarms_start_without_data() -> None:
    from moto.cloudwatch import models

    original = models.CloudWatchBackend.put_metric_alarm
    kept = ("state_value", "state_reason", "state_reason_data", "state_updated_timestamp")

    def put_metric_alarm(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        before = self.alarms.get(name)
        alarm = original(self, name, *args, **kwargs)
        if before is None:
            alarm.state_value = "INSUFFICIENT_DATA"
        else:  # an update: the configuration is replaced, the state is not
            for attribute in kept:
                setattr(alarm, attribute, getattr(before, attribute))
            alarm.history = before.history
        return alarm

    models.CloudWatchBackend.put_metric_alarm = put_metric_alarm  # type: ignore[method-assign]
