"""Which endpoints the sandbox may talk to: loopback only."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ecs_learn.errors import EcsLearnError

__all__ = ["EndpointRefusedError", "is_loopback_host", "validate_endpoint"]


class EndpointRefusedError(EcsLearnError, ValueError):
    """An endpoint that is not a moto server on this machine."""


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1``."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_endpoint(endpoint: str) -> str:
    """Return ``endpoint`` without a trailing slash, or refuse it with the reason."""
    parts = urlsplit(endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointRefusedError(f"endpoint {endpoint!r} is not a URL like http://127.0.0.1:5000")
    if not is_loopback_host(parts.hostname):
        raise EndpointRefusedError(
            f"endpoint {endpoint!r} is not on this machine: ecs-learn only talks to a moto "
            "server on loopback (localhost, 127.0.0.1 or ::1), never to a real AWS account"
        )
    return f"{parts.scheme}://{parts.netloc}"
