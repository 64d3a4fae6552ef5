"""The botocore event handlers, and installing them on every client.

``before-parameter-build`` keeps a copy of the learner's kwargs in the request
context; ``before-call`` (after botocore's own parameter validation) runs the rules
and, when an ERROR rule fires, answers with a 400 so that botocore raises the
modelled exception itself (see ``BaseClient._make_api_call``).
"""

from __future__ import annotations

import copy
import gc
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from ecs_learn.rules import Finding, RuleContext, Severity, check
from ecs_learn.strict import state
from ecs_learn.strict.facts import FETCHING, Endpoint, FactFetcher
from ecs_learn.strict.operations import OPERATIONS, Operation
from ecs_learn.strict.response import error_response, explain

__all__ = ["install", "installed"]

log = logging.getLogger(__name__)
_PARAMS_KEY = "ecs_learn_strict_params"
_FETCHER = FactFetcher()
_install_lock = threading.Lock()
_installed = False


def _active() -> bool:
    return state.is_active() and not FETCHING.get()


def _capture(params: Mapping[str, Any], context: dict[str, Any] | None = None, **_: Any) -> None:
    if context is None or not _active() or _PARAMS_KEY in context:
        return
    try:
        context[_PARAMS_KEY] = copy.deepcopy(dict(params))
    except Exception:
        context[_PARAMS_KEY] = dict(params)


def _findings(op: Operation, params: Mapping[str, Any], where: Endpoint) -> list[Finding]:
    payload = op.payload(params)
    if payload is None:
        return []
    try:
        ctx = _FETCHER.context_for(op.kind, params, where)
        ctx = RuleContext(**{**ctx.__dict__, "allow_32_vcpu": state.allow_32_vcpu()})
        findings = check(op.kind, payload, ctx)
    except Exception:  # a rule bug must not break the learner's call; log it for us
        log.exception("ecs-learn strict: checking %s failed", op.kind)
        return []
    return [f for f in findings if f.severity is Severity.ERROR]


def _make_reject(op: Operation) -> Callable[..., Any]:
    def reject(
        params: Mapping[str, Any],
        context: dict[str, Any] | None = None,
        request_signer: Any = None,
        **_: Any,
    ) -> Any:
        if context is None or not _active() or _PARAMS_KEY not in context:
            return None
        learner_params = context.pop(_PARAMS_KEY)
        url = str(params.get("url", ""))
        credentials = getattr(request_signer, "_credentials", None)
        where = Endpoint(url, context.get("client_region"), credentials)
        errors = _findings(op, learner_params, where)
        if not errors:
            return None
        errors.sort(key=lambda f: (f.error_code != op.primary_code, f.rule_id, f.path))
        code = errors[0].error_code or op.primary_code
        same_code = [f for f in errors if f.error_code == code]
        return error_response(code, explain(same_code, path_prefix=op.path_prefix), same_code, url)

    return reject


_HANDLERS: list[tuple[str, Callable[..., Any]]] = []
for (_service, _operation), _op in OPERATIONS.items():
    _HANDLERS.append((f"before-parameter-build.{_service}.{_operation}", _capture))
    _HANDLERS.append((f"before-call.{_service}.{_operation}", _make_reject(_op)))


def _register(events: Any) -> None:
    for event, handler in _HANDLERS:
        events.register(event, handler, unique_id=f"ecs-learn-strict:{event}")


def installed() -> bool:
    return _installed


def install() -> None:
    """Put the handlers on every botocore session and client, present and future (once).

    Future sessions copy ``botocore.handlers.BUILTIN_HANDLERS`` (moto rides the same
    list). Existing sessions and clients copied their handlers when they were made,
    so they are found and given the handlers directly. The handlers do nothing
    while strict mode is off.
    """
    global _installed
    with _install_lock:
        if _installed:
            return
        import boto3
        import botocore.session
        from botocore.client import BaseClient
        from botocore.handlers import BUILTIN_HANDLERS

        BUILTIN_HANDLERS.extend(_HANDLERS)
        if boto3.DEFAULT_SESSION is not None:
            _register(boto3.DEFAULT_SESSION.events)
        for obj in gc.get_objects():
            if isinstance(obj, BaseClient):
                _register(obj.meta.events)
            elif isinstance(obj, botocore.session.Session):
                _register(obj.get_component("event_emitter"))
        _installed = True
