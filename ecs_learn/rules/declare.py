"""The ``@rule`` decorator that turns a generator of violations into a :class:`Rule`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ecs_learn.rules.finding import Rule, RuleContext, Severity, Violation
from ecs_learn.rules.kinds import Fact, Kind

__all__ = ["RuleFunc", "rule"]

RuleFunc = Callable[[Mapping[str, Any], RuleContext], Iterable[Violation]]


_ID = re.compile(r"[A-Z]{2,4}\d{3}")


def rule(
    rule_id: str,
    kind: Kind | str,
    summary: str,
    *,
    source: str,
    error_code: str | None,
    severity: Severity = Severity.ERROR,
    moto_enforces: bool = False,
    needs: Iterable[Fact] = (),
) -> Callable[[RuleFunc], Rule]:
    """Declare a realism rule.

    The decorated function takes ``(payload, context)`` and yields
    :class:`Violation` objects; the decorator returns the :class:`Rule`. ``needs``
    names the account facts (fields of :class:`RuleContext`) the rule reads; it stays
    silent when they are unknown.
    """
    if not _ID.fullmatch(rule_id):
        raise ValueError(f"rule id {rule_id!r} must look like TD001")
    try:
        rule_kind = Kind(kind)
    except ValueError:
        raise ValueError(f"unknown rule kind {kind!r}") from None
    facts = frozenset(Fact(f) for f in needs)

    def wrap(func: RuleFunc) -> Rule:
        return Rule(
            id=rule_id,
            kind=rule_kind,
            summary=summary,
            source=source,
            func=func,
            severity=severity,
            error_code=error_code,
            moto_enforces=moto_enforces,
            needs=facts,
        )

    return wrap
