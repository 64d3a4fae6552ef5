"""Strict mode: make the mocked account reject what real AWS rejects.

moto accepts many calls that AWS refuses (a Fargate task with 256 CPU units and
4 GB, an awsvpc service with no network configuration...). With strict mode on,
every boto3 client checks its call parameters against :mod:`ecs_learn.rules`
before the request is sent, and a call that breaks an ERROR rule fails the way AWS
would fail it: with the modelled exception (``client.exceptions.ClientException``
and so on), AWS's error code and AWS's own message (``str(err)`` reads as boto3 would
print the real rejection). ecs-learn's explanation is kept apart, in
``err.response["EcsLearn"]`` (``findings``, ``explanation``, ``links``);
``strict.explain(err)`` shows it as a panel, and in a lab notebook an uncaught
rejection is shown that way instead of a traceback.

>>> import ecs_learn.strict as strict
>>> strict.enable()
>>> with strict.lenient():
...     pass  # calls here reach moto unchecked, to show what moto lets through

Only botocore and boto3 are used here; it works the same with ``moto.mock_aws``
in-process and with a moto server on a loopback ``endpoint_url``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ecs_learn.sandbox import botocore_layer
from ecs_learn.strict import hooks, state
from ecs_learn.strict.hooks import AdviceWarning

__all__ = ["AdviceWarning", "disable", "enable", "explain", "is_enabled", "lenient"]

# On import, so that clients made between this import and enable() are checked too
# (a client copies its session's handlers when it is made).
hooks.install()


def enable(*, allow_32_vcpu: bool = False) -> None:
    """Turn strict mode on for every boto3/botocore client in this process.

    ``allow_32_vcpu`` accepts the new (unverified) 32 vCPU Fargate task sizes.
    """
    hooks.install()
    state.set_enabled(True, allow_32_vcpu=allow_32_vcpu)


def disable() -> None:
    """Turn strict mode off; calls go straight to moto again."""
    state.set_enabled(False)


def is_enabled() -> bool:
    """True while strict mode is on (even inside :func:`lenient`)."""
    return state.is_enabled()


@contextmanager
def lenient() -> Iterator[None]:
    """Suspend strict checks inside the block (this thread/context only)."""
    with botocore_layer.lenient():
        yield


def explain(error: BaseException) -> object:
    """A panel for a strict rejection (AWS's message first, then why); ``error`` itself
    for any other exception."""
    from ecs_learn.strict.panel import rejection_of

    return rejection_of(error) or error
