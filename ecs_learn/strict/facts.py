"""Fetch the account facts some rules need, with describe calls to the learner's endpoint.

Fact calls are ecs-learn's own (``botocore_layer.internal``): no hook sees them, so
strict mode does not check them and the runtime does not act on them. They go to the
same endpoint as the learner's call when that is a loopback moto server; otherwise
to the default AWS endpoint *only* so that moto's in-process interceptor can answer,
and the network guard refuses anything moto did not intercept.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ecs_learn.rules import Kind, RuleContext, facts_needed
from ecs_learn.rules._util import as_list, dicts
from ecs_learn.sandbox import botocore_layer
from ecs_learn.sandbox.endpoint import is_loopback_host

__all__ = ["Endpoint", "FactFetcher"]


class Endpoint:
    """Where the learner's call goes: region and (loopback) endpoint URL."""

    def __init__(self, url: str, region: str | None) -> None:
        parts = urlsplit(url)
        loopback = is_loopback_host(parts.hostname)
        self.endpoint_url = f"{parts.scheme}://{parts.netloc}" if loopback else None
        self.region = region or "us-east-1"


class FactFetcher:
    """Describe calls for the facts a rule needs; every failure means "fact unknown"."""

    def call(self, service: str, where: Endpoint, operation: str, **kwargs: Any) -> Any:
        """One describe call; ``None`` if it fails for any reason (the fact is then absent)."""
        try:
            client = botocore_layer.internal_client(service, where.endpoint_url, where.region)
            with botocore_layer.internal():
                return getattr(client, operation)(**kwargs)
        except Exception:
            return None

    # --- facts per operation -------------------------------------------------------------

    def context_for(self, kind: Kind, params: Mapping[str, Any], where: Endpoint) -> RuleContext:
        """The facts the rules of ``kind`` declare they need (none fetched otherwise)."""
        builder = _BUILDERS.get(kind)
        if builder is None or not facts_needed(kind):
            return RuleContext()
        return builder(self, params, where)

    def task_definition(self, params: Mapping[str, Any], where: Endpoint) -> Any:
        ref = params.get("taskDefinition")
        if not isinstance(ref, str) and isinstance(params.get("service"), str):
            found = self.call(
                "ecs",
                where,
                "describe_services",
                cluster=params.get("cluster") or "default",
                services=[params["service"]],
            )
            services = (found or {}).get("services") or []
            ref = services[0].get("taskDefinition") if services else None
        if not isinstance(ref, str):
            return None
        found = self.call("ecs", where, "describe_task_definition", taskDefinition=ref)
        return (found or {}).get("taskDefinition")

    def target_groups(self, params: Mapping[str, Any], where: Endpoint) -> Any:
        arns = sorted(
            {
                lb["targetGroupArn"]
                for _, lb in dicts(params.get("loadBalancers"))
                if isinstance(lb.get("targetGroupArn"), str)
            }
        )
        groups: dict[str, Any] = {}
        for arn in arns:  # one by one: an unknown ARN must not hide the others
            found = self.call("elbv2", where, "describe_target_groups", TargetGroupArns=[arn])
            for group in (found or {}).get("TargetGroups") or []:
                groups[group["TargetGroupArn"]] = group
        return groups

    def subnet_azs(self, subnets: list[Any], where: Endpoint) -> dict[str, str] | None:
        ids = sorted({s for s in subnets if isinstance(s, str)})
        if not ids:
            return None
        azs: dict[str, str] = {}
        for subnet in ids:
            found = self.call("ec2", where, "describe_subnets", SubnetIds=[subnet])
            for item in (found or {}).get("Subnets") or []:
                azs[item["SubnetId"]] = item["AvailabilityZone"]
        return azs

    def scalable_targets(self, params: Mapping[str, Any], where: Endpoint) -> Any:
        namespace, rid = params.get("ServiceNamespace"), params.get("ResourceId")
        if not isinstance(namespace, str) or not isinstance(rid, str):
            return None
        found = self.call(
            "application-autoscaling",
            where,
            "describe_scalable_targets",
            ServiceNamespace=namespace,
            ResourceIds=[rid],
        )
        if found is None:
            return None
        return frozenset(
            (t["ServiceNamespace"], t["ResourceId"], t["ScalableDimension"])
            for t in found.get("ScalableTargets") or []
        )


def _ecs_context(f: FactFetcher, params: Mapping[str, Any], where: Endpoint) -> RuleContext:
    needs_td = any(k in params for k in ("taskDefinition", "service"))
    return RuleContext(
        task_definition=f.task_definition(params, where) if needs_td else None,
        target_groups=f.target_groups(params, where)
        if as_list(params.get("loadBalancers"))
        else None,
    )


def _mount_target_context(
    f: FactFetcher, params: Mapping[str, Any], where: Endpoint
) -> RuleContext:
    fs_id, subnet = params.get("FileSystemId"), params.get("SubnetId")
    if not isinstance(fs_id, str) or not isinstance(subnet, str):
        return RuleContext()
    found = f.call("efs", where, "describe_mount_targets", FileSystemId=fs_id)
    if found is None:
        return RuleContext()
    targets = found.get("MountTargets") or []
    azs = {t["AvailabilityZoneName"] for t in targets if t.get("AvailabilityZoneName")}
    unknown = [t["SubnetId"] for t in targets if not t.get("AvailabilityZoneName")]
    subnet_azs = f.subnet_azs([subnet, *unknown], where) or {}
    azs.update(subnet_azs[s] for s in unknown if s in subnet_azs)
    return RuleContext(subnet_azs=subnet_azs, mount_target_azs=frozenset(azs))


def _load_balancer_context(
    f: FactFetcher, params: Mapping[str, Any], where: Endpoint
) -> RuleContext:
    subnets = as_list(params.get("Subnets")) or [
        m.get("SubnetId") for _, m in dicts(params.get("SubnetMappings"))
    ]
    return RuleContext(subnet_azs=f.subnet_azs(subnets, where))


def _listener_context(f: FactFetcher, params: Mapping[str, Any], where: Endpoint) -> RuleContext:
    arn = params.get("LoadBalancerArn")
    if not isinstance(arn, str):
        return RuleContext()
    found = f.call("elbv2", where, "describe_load_balancers", LoadBalancerArns=[arn])
    types = {
        lb["LoadBalancerArn"]: lb.get("Type", "application")
        for lb in (found or {}).get("LoadBalancers") or []
    }
    return RuleContext(load_balancer_types=types if found is not None else None)


def _scaling_context(f: FactFetcher, params: Mapping[str, Any], where: Endpoint) -> RuleContext:
    return RuleContext(scalable_targets=f.scalable_targets(params, where))


def _trust_principals(document: Any) -> frozenset[str]:
    """The service principals a trust policy lets assume the role (Allow statements)."""
    if isinstance(document, str):
        try:
            document = json.loads(urllib.parse.unquote(document))
        except ValueError:
            return frozenset()
    found: set[str] = set()
    for _, statement in dicts((document or {}).get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = principal.get("Service") if isinstance(principal, Mapping) else None
        names = [services] if isinstance(services, str) else as_list(services) or []
        found.update(s for s in names if isinstance(s, str))
    return frozenset(found)


def _attach_policy_context(
    f: FactFetcher, params: Mapping[str, Any], where: Endpoint
) -> RuleContext:
    name = params.get("RoleName")
    if not isinstance(name, str):
        return RuleContext()
    found = f.call("iam", where, "get_role", RoleName=name)
    if found is None:
        return RuleContext()
    trust = _trust_principals(found["Role"].get("AssumeRolePolicyDocument"))
    return RuleContext(role_trust_principals={name: trust})


_BUILDERS: dict[Kind, Callable[[FactFetcher, Mapping[str, Any], Endpoint], RuleContext]] = {
    Kind.SERVICE: _ecs_context,
    Kind.RUN_TASK: _ecs_context,
    Kind.EFS_MOUNT_TARGET: _mount_target_context,
    Kind.ELBV2_LOAD_BALANCER: _load_balancer_context,
    Kind.ELBV2_LISTENER: _listener_context,
    Kind.SCALABLE_TARGET: _scaling_context,
    Kind.SCALING_POLICY: _scaling_context,
    Kind.IAM_ATTACH_POLICY: _attach_policy_context,
}
