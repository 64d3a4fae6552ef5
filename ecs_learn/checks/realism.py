"""AWS's own rules re-applied to what the account stored: the requirement "AWS accepts it".

moto stores some things AWS refuses (anything registered under ``strict.lenient()``, or
a field strict mode does not see on that call), so a check judges the stored resource
against the same realism rules the strict layer applies to calls. A check that yields
this requirement usually names it in ``gates``: a resource AWS would reject earns no
partial credit for the fields it got right.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecs_learn.checks.registry import requirement
from ecs_learn.checks.result import Requirement

__all__ = ["AWS_ACCEPTS", "aws_accepts", "rejections"]

AWS_ACCEPTS = "AWS accepts it"
_NONE = "no error AWS would raise"


def rejections(kind: str, payload: Mapping[str, Any], context: Any = None) -> list[str]:
    """Every error the realism rules of ``kind`` find in ``payload``, as one line each:
    ``"TD011 at memory: ..."``."""
    from ecs_learn.rules import check as run_rules

    return [
        f"{f.rule_id} at {f.path or kind}: {f.message}"
        for f in run_rules(kind, payload, context)
        if f.severity.value == "error"
    ]


def aws_accepts(
    *found: list[str],
    hint: str = "register or create it again without these errors (strict mode rejects them)",
) -> Requirement:
    """One requirement over the :func:`rejections` of one or more stored resources."""
    errors = [line for lines in found for line in lines]
    return requirement(AWS_ACCEPTS, _NONE, errors or _NONE, ok=not errors, hint=hint)
