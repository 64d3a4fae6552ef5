"""What the agent reads and reports: its configuration, resources and the sync report."""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

AGENT_ACTIONS = (
    "ecs:RegisterContainerInstance",
    "ecs:DiscoverPollEndpoint",
    "ecs:Poll",
    "ecs:StartTelemetrySession",
    "ecs:SubmitContainerStateChange",
    "ecs:SubmitTaskStateChange",
)
RESERVED_PORTS = ("22", "2375", "2376", "51678", "51679")
# AWS's example: an m4.large (8192 MiB installed) registers 7985 MiB.
OS_VISIBLE_MEMORY = 7985 / 8192
_GONE = frozenset({"stopping", "stopped", "shutting-down", "terminated"})
_ECS_AMI_NAME = re.compile(r"^(amzn2?-ami-ecs-|al2023-ami-ecs-|amzn-ami-.*-amazon-ecs-optimized)")


class InternalClients:
    """Clients for the runtime's own calls (no hook sees them), embedded or against a server."""

    def __init__(self, endpoint_url: str | None = None) -> None:
        self.endpoint_url = endpoint_url

    def client(self, service: str) -> Any:
        from ecs_learn.sandbox.botocore_layer import internal_client

        return internal_client(service, self.endpoint_url)


@dataclass(frozen=True)
class AgentConfig:
    """What the agent reads from ``/etc/ecs/ecs.config`` (written by the user data)."""

    cluster: str = "default"
    cluster_named: bool = False
    reserved_memory: int = 0
    attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_user_data(cls, text: str) -> AgentConfig:
        clusters = re.findall(r"\bECS_CLUSTER\s*=\s*[\"']?([A-Za-z0-9_-]{1,255})", text)
        reserved = re.findall(r"\bECS_RESERVED_MEMORY\s*=\s*[\"']?(\d+)", text)
        attributes: dict[str, str] = {}
        for raw in re.findall(r"\bECS_INSTANCE_ATTRIBUTES\s*=\s*[\"']?(\{[^}]*\})", text):
            try:
                parsed = json.loads(raw)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                attributes.update({str(k): str(v) for k, v in parsed.items()})
        return cls(
            cluster=clusters[-1] if clusters else "default",
            cluster_named=bool(clusters),
            reserved_memory=int(reserved[-1]) if reserved else 0,
            attributes=attributes,
        )


@dataclass(frozen=True)
class InstanceOutcome:
    """What happened to one EC2 instance in a sync."""

    instance_id: str
    registered: bool
    reason: str
    cluster: str | None = None
    container_instance_arn: str | None = None


@dataclass(frozen=True)
class SyncReport:
    """The result of :func:`sync`: instances that registered, were refused, or left."""

    registered: tuple[InstanceOutcome, ...] = ()
    refused: tuple[InstanceOutcome, ...] = ()
    deregistered: tuple[InstanceOutcome, ...] = ()
    stopped_tasks: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.registered or self.deregistered)

    def outcome(self, instance_id: str) -> InstanceOutcome | None:
        for item in (*self.registered, *self.refused, *self.deregistered):
            if item.instance_id == instance_id:
                return item
        return None


def decode_user_data(value: str | None) -> str:
    """User data as the instance sees it: base64 undone (once), gzip undone."""
    if not value:
        return ""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = value.encode()
    if raw[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError):
            raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace")


def registered_resources(vcpus: int, memory_mib: int, reserved_memory: int = 0) -> tuple[int, int]:
    """(CPU units, MiB) an instance registers with."""
    return vcpus * 1024, max(int(memory_mib * OS_VISIBLE_MEMORY) - reserved_memory, 0)
