"""Whether strict mode is on: a process-wide switch plus a per-context override."""

from __future__ import annotations

import contextvars

__all__ = ["allow_32_vcpu", "is_active", "is_enabled", "set_enabled", "suspend"]

_enabled = False
_allow_32_vcpu = False
_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "ecs_learn_strict_suspended", default=False
)


def set_enabled(enabled: bool, *, allow_32_vcpu: bool = False) -> None:
    global _enabled, _allow_32_vcpu
    _enabled = enabled
    _allow_32_vcpu = allow_32_vcpu


def is_enabled() -> bool:
    return _enabled


def is_active() -> bool:
    return _enabled and not _suspended.get()


def allow_32_vcpu() -> bool:
    return _allow_32_vcpu


def suspend() -> contextvars.Token[bool]:
    return _suspended.set(True)


def resume(token: contextvars.Token[bool]) -> None:
    _suspended.reset(token)
