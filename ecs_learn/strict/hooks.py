"""Strict mode's hook on the botocore layer.

``before_call`` (after botocore's own parameter validation) runs the rules over the
caller's keyword arguments and, when an ERROR rule fires, answers with a 400 so that
botocore raises the modelled exception itself (see ``BaseClient._make_api_call``).
WARNING rules (advice AWS does not enforce) do not fail the call: each is shown as
an :class:`AdviceWarning`. The hook does nothing while strict mode is off, inside
``strict.lenient()`` (the layer's lenient scope) and for ecs-learn's own calls.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from ecs_learn.rules import Finding, RuleContext, Severity, check
from ecs_learn.sandbox import botocore_layer
from ecs_learn.sandbox.botocore_layer import Call, Hook
from ecs_learn.strict import state
from ecs_learn.strict.facts import Endpoint, FactFetcher
from ecs_learn.strict.operations import OPERATIONS, Operation
from ecs_learn.strict.response import error_response, explain

__all__ = ["HOOK", "AdviceWarning", "install"]


class AdviceWarning(UserWarning):
    """A call AWS accepts, but that is probably not what the learner meant (a WARNING rule)."""

log = logging.getLogger(__name__)
_FETCHER = FactFetcher()


def _findings(op: Operation, call: Call) -> list[Finding]:
    payload = op.payload(call.params)
    if payload is None:
        return []
    try:
        where = Endpoint(call.url, call.region)
        ctx = _FETCHER.context_for(op.kind, call.params, where)
        ctx = RuleContext(**{**ctx.__dict__, "allow_32_vcpu": state.allow_32_vcpu()})
        findings = check(op.kind, payload, ctx)
    except Exception:  # a rule bug must not break the learner's call; log it for us
        log.exception("ecs-learn strict: checking %s failed", op.kind)
        return []
    for advice in (f for f in findings if f.severity is Severity.WARNING):
        field = ".".join(p for p in (op.path_prefix, advice.path) if p) or "the request"
        warnings.warn(
            f"{advice.rule_id} at {field}: {advice.message}", AdviceWarning, stacklevel=2
        )
    return [f for f in findings if f.severity is Severity.ERROR]


def _reject(call: Call) -> tuple[Any, dict[str, Any]] | None:
    op = OPERATIONS.get(call.key)
    if op is None or not state.is_enabled():
        return None
    errors = _findings(op, call)
    if not errors:
        return None
    errors.sort(key=lambda f: (f.error_code != op.primary_code, f.rule_id, f.path))
    code = errors[0].error_code or op.primary_code
    same_code = [f for f in errors if f.error_code == code]
    return error_response(code, explain(same_code, path_prefix=op.path_prefix), same_code, call.url)


HOOK = Hook(
    name="strict",
    operations=frozenset(OPERATIONS),
    before_call=_reject,
    checks=True,
    order=50,
)


def install() -> None:
    """Add strict mode's hook to the botocore layer (and install the layer). Idempotent."""
    botocore_layer.install()
    botocore_layer.add_hook(HOOK)
