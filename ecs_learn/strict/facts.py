"""Fetch the account facts some rules need, with describe calls to the learner's endpoint.

Fact clients come from a private botocore session. They call the same endpoint
as the learner's client when that is a loopback moto server; otherwise they use
the default AWS endpoint *only* so that moto's in-process interceptor can answer,
and a guard refuses to send anything that moto did not intercept. The strict
hooks see these calls too, and skip them (see :data:`FETCHING`).
"""

from __future__ import annotations

import contextvars
import ipaddress
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from ecs_learn.rules import RuleContext
from ecs_learn.rules._util import as_list, dicts

__all__ = ["FETCHING", "Endpoint", "FactFetcher", "fetching", "is_loopback_url"]

FETCHING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "ecs_learn_strict_fetching", default=False
)


@contextmanager
def fetching() -> Iterator[None]:
    token = FETCHING.set(True)
    try:
        yield
    finally:
        FETCHING.reset(token)


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Endpoint:
    """Where and as whom the learner's call goes: region, endpoint URL, credentials."""

    def __init__(self, url: str, region: str | None, credentials: Any) -> None:
        parts = urlsplit(url)
        self.endpoint_url = f"{parts.scheme}://{parts.netloc}" if is_loopback_url(url) else None
        self.region = region or "us-east-1"
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
        self.access_key = getattr(frozen, "access_key", None) or "testing"
        self.secret_key = getattr(frozen, "secret_key", None) or "testing"
        self.token = getattr(frozen, "token", None)

    def key(self, service: str) -> tuple[str, str, str | None, str]:
        return (service, self.region, self.endpoint_url, self.access_key)


class _Body:
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield b""


def _refuse_non_loopback(request: Any, **_: Any) -> Any:
    # botocore runs every before-send handler and uses the first response. moto's
    # interceptor comes first (the session copied it from BUILTIN_HANDLERS), so this
    # answer only counts when moto did not answer: the request would have gone to AWS.
    from botocore.awsrequest import AWSResponse

    url = getattr(request, "url", "")
    if is_loopback_url(url):
        return None
    return AWSResponse(url, 403, {"x-ecs-learn": "not-sent"}, _Body())


class FactFetcher:
    """Makes (and caches) the clients for fact lookups; thread-safe enough for notebooks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: Any = None
        self._handlers_seen: int = -1
        self._clients: dict[tuple[str, str, str | None, str], Any] = {}

    def _client(self, service: str, where: Endpoint) -> Any:
        import botocore.session
        from botocore.config import Config
        from botocore.handlers import BUILTIN_HANDLERS

        with self._lock:
            # A session copies BUILTIN_HANDLERS when made; remake it if moto (or anyone)
            # added a handler since, so in-process mocking reaches our fact clients.
            if self._session is None or self._handlers_seen != len(BUILTIN_HANDLERS):
                self._session = botocore.session.Session()
                self._handlers_seen = len(BUILTIN_HANDLERS)
                self._clients.clear()
            key = where.key(service)
            client = self._clients.get(key)
            if client is None:
                client = self._session.create_client(
                    service,
                    region_name=where.region,
                    endpoint_url=where.endpoint_url,
                    aws_access_key_id=where.access_key,
                    aws_secret_access_key=where.secret_key,
                    aws_session_token=where.token,
                    config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30),
                )
                client.meta.events.register("before-send", _refuse_non_loopback)
                self._clients[key] = client
            return client

    def call(self, service: str, where: Endpoint, operation: str, **kwargs: Any) -> Any:
        """One describe call; ``None`` if it fails for any reason (the fact is then absent)."""
        try:
            with fetching():
                return getattr(self._client(service, where), operation)(**kwargs)
        except Exception:
            return None

    # --- facts per operation -------------------------------------------------------------

    def context_for(self, kind: str, params: Mapping[str, Any], where: Endpoint) -> RuleContext:
        builder = _BUILDERS.get(kind)
        return builder(self, params, where) if builder else RuleContext()

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


_BUILDERS: dict[str, Callable[[FactFetcher, Mapping[str, Any], Endpoint], RuleContext]] = {
    "service": _ecs_context,
    "run-task": _ecs_context,
    "efs-mount-target": _mount_target_context,
    "elbv2-load-balancer": _load_balancer_context,
    "elbv2-listener": _listener_context,
    "scalable-target": _scaling_context,
    "scaling-policy": _scaling_context,
}
