"""Clients for ecs-learn's own calls, and the empty response a hook answers with.

Used with :func:`ecs_learn.sandbox.botocore_layer.internal`, so that no hook (strict
rules, the runtime) sees these calls.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.sandbox.data_loader import share
from ecs_learn.sandbox.env import FAKE_ACCESS_KEY, REGION

__all__ = ["empty_response", "internal_client"]


class _EmptyBody:
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield b""


def empty_response(url: str, status: int, headers: Mapping[str, str] | None = None) -> Any:
    """A botocore HTTP response with no body, for a hook that answers a call itself."""
    from botocore.awsrequest import AWSResponse

    return AWSResponse(url, status, dict(headers or {}), _EmptyBody())


class _InternalClients:
    """Clients for ecs-learn's own calls: fake credentials, the sandbox's endpoint.

    Made from a private botocore session. A session copies ``BUILTIN_HANDLERS`` when
    it is made, so it is remade when that list grows (moto adds its in-process
    interceptor there when it is imported). The network guard refuses anything moto
    does not answer that is not on loopback.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: Any = None
        self._handlers_seen = -1
        self._clients: dict[tuple[str, str, str | None], Any] = {}

    def get(self, service: str, endpoint_url: str | None, region: str | None) -> Any:
        import botocore.session
        from botocore.config import Config
        from botocore.handlers import BUILTIN_HANDLERS

        from ecs_learn.sandbox.guard import install_network_guard

        install_network_guard()
        with self._lock:
            if self._session is None or self._handlers_seen != len(BUILTIN_HANDLERS):
                self._session = share(botocore.session.Session())
                self._handlers_seen = len(BUILTIN_HANDLERS)
                self._clients.clear()
            key = (service, region or REGION, endpoint_url)
            client = self._clients.get(key)
            if client is None:
                client = self._session.create_client(
                    service,
                    region_name=region or REGION,
                    endpoint_url=endpoint_url,
                    aws_access_key_id=FAKE_ACCESS_KEY,
                    aws_secret_access_key=FAKE_ACCESS_KEY,
                    config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30),
                )
                self._clients[key] = client
            return client


_INTERNAL_CLIENTS = _InternalClients()


def internal_client(
    service: str, endpoint_url: str | None = None, region: str | None = None
) -> Any:
    """A client for ecs-learn's own calls; use it inside :func:`internal`.

    ``endpoint_url`` is a (validated, loopback) moto server, or ``None`` for the
    in-process mock.
    """
    return _INTERNAL_CLIENTS.get(service, endpoint_url, region)
