"""The only way a check sees the account: boto3 clients that can read but not write."""

from __future__ import annotations

from typing import Any

from ecs_learn.errors import EcsLearnError

__all__ = ["AccountReader", "ReadOnlyClient", "WriteAttemptError"]

_READ_PREFIXES = ("describe_", "list_", "get_", "batch_get_", "can_paginate")


class WriteAttemptError(EcsLearnError, PermissionError):
    """A check tried to change the account; checks only read."""


class ReadOnlyClient:
    """A boto3 client limited to describe/list/get calls."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @property
    def exceptions(self) -> Any:
        return self._client.exceptions

    def __getattr__(self, name: str) -> Any:
        if name.startswith(_READ_PREFIXES):
            return getattr(self._client, name)
        raise WriteAttemptError(f"checks may only read the account; {name!r} is not a read call")


class AccountReader:
    """Read-only clients for one account, made on demand and cached per service."""

    def __init__(self, make_client: Any) -> None:
        self._make_client = make_client
        self._cache: dict[str, ReadOnlyClient] = {}

    @classmethod
    def for_sandbox(cls, sandbox: Any) -> AccountReader:
        """Read the account of a running :class:`~ecs_learn.sandbox.Sandbox`."""
        return cls(sandbox.client)

    @classmethod
    def for_endpoint(cls, endpoint: str) -> AccountReader:
        """Read a moto server on loopback without touching this process's environment."""
        import boto3

        from ecs_learn.sandbox import REGION, validate_endpoint
        from ecs_learn.sandbox.env import FAKE_ACCESS_KEY
        from ecs_learn.sandbox.guard import install_network_guard

        install_network_guard()
        url = validate_endpoint(endpoint)
        session = boto3.session.Session(
            aws_access_key_id=FAKE_ACCESS_KEY,
            aws_secret_access_key=FAKE_ACCESS_KEY,
            region_name=REGION,
        )
        return cls(lambda service: session.client(service, endpoint_url=url))

    def client(self, service: str) -> ReadOnlyClient:
        found = self._cache.get(service)
        if found is None:
            found = ReadOnlyClient(self._make_client(service))
            self._cache[service] = found
        return found

    def __getattr__(self, service: str) -> ReadOnlyClient:
        if service.startswith("_"):
            raise AttributeError(service)
        return self.client(service.replace("_", "-"))
