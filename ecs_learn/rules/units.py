"""Parse task-level ``cpu`` and ``memory`` the way RegisterTaskDefinition accepts them.

The API takes strings: an integer (CPU units, MiB) or an amount with a unit
(``"1 vCPU"``, ``".25 vcpu"``, ``"1GB"``, ``"0.5 GB"``); it converts them to
integers when the task definition is registered. Numbers are accepted too,
since JSON files often hold them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ecs_learn.errors import EcsLearnError

__all__ = ["UnitError", "parse_cpu", "parse_memory"]

_AMOUNT = re.compile(r"\s*(?P<number>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>[A-Za-z]*)\s*")


class UnitError(EcsLearnError, ValueError):
    """The value is not a CPU or memory amount ECS understands."""


def _parse(value: Any, what: str, units: dict[str, int]) -> int:
    if isinstance(value, bool):
        raise UnitError(f"{what} must be a number or a string, not a boolean")
    if isinstance(value, int):
        if value <= 0:
            raise UnitError(f"{what} must be greater than zero")
        return value
    if not isinstance(value, str):
        raise UnitError(f"{what} must be a string such as {next(iter(_EXAMPLES[what]))!r}")
    match = _AMOUNT.fullmatch(value)
    if match is None:
        raise UnitError(f"{what} {value!r} is not an amount ECS understands")
    unit = match.group("unit").lower()
    if unit not in units:
        raise UnitError(f"{what} {value!r} has an unknown unit; use {' or '.join(_EXAMPLES[what])}")
    try:
        amount = Decimal(match.group("number")) * units[unit]
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise UnitError(f"{what} {value!r} is not a number") from exc
    if amount != amount.to_integral_value():
        raise UnitError(f"{what} {value!r} does not come to a whole number of units")
    if amount <= 0:
        raise UnitError(f"{what} must be greater than zero")
    if unit == "" and "." in match.group("number"):
        raise UnitError(f"{what} {value!r} must be a whole number when it has no unit")
    return int(amount)


_EXAMPLES = {"cpu": ("'1024'", "'1 vCPU'"), "memory": ("'2048'", "'2 GB'")}


def parse_cpu(value: Any) -> int:
    """CPU units (1024 per vCPU) from ``256``, ``"256"``, ``"1 vCPU"`` or ``".25 vcpu"``."""
    return _parse(value, "cpu", {"": 1, "vcpu": 1024})


def parse_memory(value: Any) -> int:
    """MiB from ``512``, ``"512"``, ``"1GB"``, ``"1 GB"`` or ``"0.5 gb"``."""
    return _parse(value, "memory", {"": 1, "gb": 1024})
