"""The one place ecs-learn hooks into botocore.

Everything that must see a boto3 call — waiting for the sandbox's warm-up, loading
AWS managed IAM policies on first use, the strict realism rules, and the runtime that
makes the account act after a call — is a :class:`Hook` added here. The layer itself
registers exactly three botocore event handlers (``before-parameter-build``,
``before-call`` and ``after-call``, with fixed unique ids) and dispatches each call to
the hooks that asked for its operation.

How the handlers reach every client (botocore's documented event system): a client
copies its session's handlers when it is made, and a session starts from
``botocore.handlers.BUILTIN_HANDLERS`` (the list moto's own interceptor rides).
:func:`install` appends the three handlers to that list, so every session made
afterwards has them, and registers them on boto3's default session if one exists.
Clients made before :func:`install` ran are not reached: ecs-learn installs the
layer when the sandbox starts and when :mod:`ecs_learn.strict` is imported, before a
lab makes any client.

Two scopes switch hooks off for the calls made inside them (this thread/context only):

* :func:`lenient` — the calls are not checked (hooks with ``checks=True`` skip them);
  ``ecs_learn.strict.lenient()`` is this switch.
* :func:`internal` — ecs-learn's own calls (fact look-ups, the runtime's work): no hook
  sees them at all. :func:`internal_client` hands out clients for such calls.

The network guard (``guard.py``) is not a botocore event handler: it patches the HTTP
layer underneath, so it also stops a request no hook ever saw.
"""

from __future__ import annotations

import contextvars
import copy
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from ecs_learn.sandbox.internal_clients import empty_response, internal_client

__all__ = [
    "Call",
    "Hook",
    "add_hook",
    "empty_response",
    "install",
    "installed",
    "internal",
    "internal_client",
    "is_internal",
    "is_lenient",
    "lenient",
    "remove_hook",
]

OperationKey = tuple[str, str]  # (botocore service id, hyphenized; operation name)


@dataclass
class Call:
    """One boto3 call as the hooks see it.

    ``params`` is a copy of the keyword arguments the caller passed (before botocore
    serialized them); ``url`` and ``region`` are known from ``before-call`` on.
    """

    service: str
    operation: str
    params: dict[str, Any]
    url: str = ""
    region: str | None = None

    @property
    def key(self) -> OperationKey:
        return (self.service, self.operation)


@dataclass(frozen=True)
class Hook:
    """What one concern wants to see of boto3 calls.

    ``operations`` limits it to some ``(service, operation)`` pairs and ``services``
    to some services (``None``: no limit). ``before_params`` runs before botocore
    builds the request (it may change the account, e.g. load a managed policy the call
    names); ``before_call`` may answer
    the call instead of sending it, by returning ``(http_response, parsed)`` (see
    :func:`empty_response`); ``after_call`` sees the parsed answer of a call that
    succeeded. ``checks`` marks a hook that judges calls, which :func:`lenient` skips.
    """

    name: str
    operations: frozenset[OperationKey] | None = None
    services: frozenset[str] | None = None
    before_params: Callable[[Call], None] | None = None
    before_call: Callable[[Call], tuple[Any, dict[str, Any]] | None] | None = None
    after_call: Callable[[Call, Mapping[str, Any]], None] | None = None
    checks: bool = False
    order: int = field(default=100, compare=False)

    def wants(self, key: OperationKey) -> bool:
        return (self.operations is None or key in self.operations) and (
            self.services is None or key[0] in self.services
        )


_hooks: dict[str, Hook] = {}
_ordered: tuple[Hook, ...] = ()
_lock = threading.Lock()
_installed = False
_CALL_KEY = "ecs_learn_call"
_LENIENT: contextvars.ContextVar[bool] = contextvars.ContextVar("ecs_learn_lenient", default=False)
_INTERNAL: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "ecs_learn_internal", default=False
)


def add_hook(hook: Hook) -> None:
    """Add (or replace, by name) a hook; hooks run in ``order``, then by name."""
    global _ordered
    with _lock:
        _hooks[hook.name] = hook
        _ordered = tuple(sorted(_hooks.values(), key=lambda h: (h.order, h.name)))


def remove_hook(name: str) -> None:
    global _ordered
    with _lock:
        _hooks.pop(name, None)
        _ordered = tuple(sorted(_hooks.values(), key=lambda h: (h.order, h.name)))


# -- scopes --------------------------------------------------------------------------
@contextmanager
def _scope(var: contextvars.ContextVar[bool]) -> Iterator[None]:
    token = var.set(True)
    try:
        yield
    finally:
        var.reset(token)


def lenient() -> AbstractContextManager[None]:
    """Calls inside are not checked (by hooks that judge calls); everything else runs."""
    return _scope(_LENIENT)


def internal() -> AbstractContextManager[None]:
    """ecs-learn's own calls: no hook sees the calls made inside."""
    return _scope(_INTERNAL)


def is_lenient() -> bool:
    return _LENIENT.get()


def is_internal() -> bool:
    return _INTERNAL.get()


# -- the three botocore handlers -------------------------------------------------------
def _key(event_name: str) -> OperationKey | None:
    parts = event_name.split(".")
    return (parts[1], parts[2]) if len(parts) >= 3 else None


def _interested(key: OperationKey) -> tuple[Hook, ...]:
    lenient_now = _LENIENT.get()
    return tuple(h for h in _ordered if h.wants(key) and not (h.checks and lenient_now))


def _on_before_parameter_build(
    params: Mapping[str, Any],
    event_name: str = "",
    context: dict[str, Any] | None = None,
    **_: Any,
) -> None:
    if _INTERNAL.get() or context is None:
        return
    key = _key(event_name)
    hooks = _interested(key) if key else ()
    if not hooks or key is None:
        return
    try:
        copied = copy.deepcopy(dict(params))
    except Exception:  # unpicklable junk in a learner's call: a shallow copy will do
        copied = dict(params)
    call = Call(key[0], key[1], copied)
    context[_CALL_KEY] = call
    for hook in hooks:
        if hook.before_params is not None:
            hook.before_params(call)


def _on_before_call(
    params: Mapping[str, Any],
    event_name: str = "",
    context: dict[str, Any] | None = None,
    **_: Any,
) -> Any:
    call = (context or {}).get(_CALL_KEY)
    if _INTERNAL.get() or not isinstance(call, Call):
        return None
    call.url = str(params.get("url", ""))
    call.region = (context or {}).get("client_region")
    for hook in _interested(call.key):
        if hook.before_call is not None:
            answer = hook.before_call(call)
            if answer is not None:
                return answer
    return None


def _on_after_call(
    http_response: Any = None,
    parsed: Mapping[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    **_: Any,
) -> None:
    call = (context or {}).pop(_CALL_KEY, None) if context is not None else None
    if _INTERNAL.get() or not isinstance(call, Call) or parsed is None:
        return
    status = getattr(http_response, "status_code", 200)
    if status >= 300 or "Error" in parsed:
        return
    for hook in _interested(call.key):
        if hook.after_call is not None:
            hook.after_call(call, parsed)


_HANDLERS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("before-parameter-build", _on_before_parameter_build),
    ("before-call", _on_before_call),
    ("after-call", _on_after_call),
)


def _register_on(events: Any) -> None:
    for event, handler in _HANDLERS:
        events.register(event, handler, unique_id=f"ecs-learn:{event}")


def installed() -> bool:
    return _installed


def install() -> None:
    """Put the layer on every botocore session made from now on, and on boto3's default one.

    Idempotent. The handlers cost one dictionary look-up per call while no hook wants
    the call's operation.
    """
    global _installed
    with _lock:
        if _installed:
            return
        import boto3
        from botocore.handlers import BUILTIN_HANDLERS

        BUILTIN_HANDLERS.extend(_HANDLERS)
        if boto3.DEFAULT_SESSION is not None:
            _register_on(boto3.DEFAULT_SESSION.events)
        _installed = True
