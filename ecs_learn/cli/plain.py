"""typer commands whose parameters skip typer's pydantic coercion layer.

typer 0.29 converts every non-bool parameter through pydantic, which costs about
45 ms of imports at each start; the quiz commands must start fast (cold start to
the first question), so int/str/float/bool/Path parameters are converted here
instead, with typer's own messages. If typer's private ``_runtime_param`` hook
changes, these classes fall back to typer's own handling.

The hook is private, so pyproject.toml bounds typer below its next minor release, and
``tests/cli/test_plain.py`` fails if the quiz commands load pydantic again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["PlainCommand", "PlainGroup", "hide_flag_metavars"]

_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off", ""}


def _plain_kind(annotation: object) -> type | None:
    import types
    import typing

    if annotation in (str, int, bool, Path):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(rest) == 1 and rest[0] in (str, int, bool, Path):
            return rest[0]  # type: ignore[no-any-return]
    return None


def _plain_value(kind: type, value: object, param: Any, ctx: object) -> object:
    if kind is str:
        return str(value)
    if kind is Path:
        return value if isinstance(value, Path) else Path(str(value))
    if kind is bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise typer.BadParameter(f"{value!r} is not a valid boolean.", param=param)
    number = value
    if not isinstance(value, int) or isinstance(value, bool):
        try:
            number = int(str(value).strip())
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a valid integer.", param=param) from None
    info = getattr(param, "type_descriptor", None)
    low = getattr(getattr(info, "parameter_info", None), "min", None)
    high = getattr(getattr(info, "parameter_info", None), "max", None)
    assert isinstance(number, int)
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = " and ".join(
            b
            for b in (
                f"x>={low}" if low is not None else "",
                f"x<={high}" if high is not None else "",
            )
            if b
        )
        raise typer.BadParameter(f"{number} is not in the range {bounds}.", param=param)
    return number


def _use_plain_coercion(params: list[Any]) -> None:
    try:
        from typer._coercion import RuntimeParam
    except ImportError:  # pragma: no cover - a typer without this layer
        return

    class _Plain(RuntimeParam):
        kind: type

        def __init__(self, base: Any, kind: type) -> None:
            object.__setattr__(self, "parameter_info", base.parameter_info)
            object.__setattr__(self, "annotation", base.annotation)
            object.__setattr__(self, "kind", kind)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return _plain_value(self.kind, value, param, ctx)

    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", False) is not None:
            continue
        kind = _plain_kind(descriptor.annotation)
        if kind is not None and not getattr(param, "multiple", False):
            param._runtime_param = _Plain(descriptor, kind)


def _quiet_flags(params: list[Any]) -> None:
    """A flag takes no value: typer's help would show it a ``<bool>`` type column."""
    for param in params:
        if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
            param.metavar = ""


def hide_flag_metavars(command: Any) -> None:
    """Make ``command`` (and its subcommands) show flags without a ``<bool>`` metavar."""
    if getattr(command, "_ecs_learn_quiet_flags", False):
        return
    original = command.get_params

    def get_params(ctx: Any) -> list[Any]:
        params: list[Any] = original(ctx)
        _quiet_flags(params)
        return params

    command.get_params = get_params
    command._ecs_learn_quiet_flags = True
    for sub in getattr(command, "commands", {}).values():
        hide_flag_metavars(sub)


class PlainGroup(TyperGroup):
    """A typer group whose own options skip pydantic (see above)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # includes the lazily made --help
        _use_plain_coercion(params)
        _quiet_flags(params)
        return params


class PlainCommand(TyperCommand):
    """A typer command whose options skip pydantic (see above)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        _use_plain_coercion(params)
        _quiet_flags(params)
        return params
