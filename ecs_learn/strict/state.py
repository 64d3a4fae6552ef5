"""Whether strict mode is on: a process-wide switch.

Suspending it for some calls is the botocore layer's lenient scope
(``ecs_learn.sandbox.botocore_layer.lenient``), which ``strict.lenient()`` opens.
"""

from __future__ import annotations

__all__ = ["allow_32_vcpu", "is_enabled", "set_enabled"]

_enabled = False
_allow_32_vcpu = False


def set_enabled(enabled: bool, *, allow_32_vcpu: bool = False) -> None:
    global _enabled, _allow_32_vcpu
    _enabled = enabled
    _allow_32_vcpu = allow_32_vcpu


def is_enabled() -> bool:
    return _enabled


def allow_32_vcpu() -> bool:
    return _allow_32_vcpu
