"""Process-wide botocore event handlers, so that plain ``boto3.client(...)`` gets them too.

botocore copies ``botocore.handlers.BUILTIN_HANDLERS`` into every new session (moto's
own interceptor rides the same list); sessions that already exist are given the
handler directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["register_global_handler"]

_registered: set[tuple[str, int]] = set()


def register_global_handler(event: str, handler: Callable[..., Any]) -> None:
    """Register ``handler`` for ``event`` on every present and future botocore session."""
    key = (event, id(handler))
    if key in _registered:
        return
    _registered.add(key)
    import boto3
    from botocore.handlers import BUILTIN_HANDLERS

    BUILTIN_HANDLERS.append((event, handler))
    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION.events.register(event, handler)
