"""Reading trust policies: which service principals may assume a role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecs_learn.rules._util import as_list, as_mapping

__all__ = ["trusted_services"]


def _statements(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = doc.get("Statement")
    if isinstance(raw, Mapping):
        return [raw]
    return [s for s in as_list(raw) or [] if isinstance(s, Mapping)]


def trusted_services(doc: Mapping[str, Any]) -> frozenset[str]:
    """Service principals that an ``Allow`` + ``sts:AssumeRole`` statement trusts."""
    found: set[str] = set()
    for statement in _statements(doc):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action")
        action_list = [actions] if isinstance(actions, str) else as_list(actions) or []
        # AWS compares action names case-insensitively ("sts:assumerole" is the same action)
        if not any(str(a).lower() in ("sts:assumerole", "sts:*", "*") for a in action_list):
            continue
        principal = as_mapping(statement.get("Principal"))
        services = principal.get("Service") if principal else None
        if isinstance(services, str):
            found.add(services)
        else:
            found.update(s for s in as_list(services) or [] if isinstance(s, str))
    return frozenset(found)
