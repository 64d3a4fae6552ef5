"""Check a payload against botocore's input shape for its AWS call.

The AWS CLI and boto3 validate every call against the service model botocore ships
before anything is sent: an unknown key, a string where a number is needed or a
missing required member fails there ("Parameter validation failed"). This module
asks botocore's own :class:`botocore.validate.ParamValidator` and turns its report
into :class:`~ecs_learn.rules.Finding` objects, so ``ecs-learn lint`` reports what
the CLI would refuse, in the rules' form. No shape is written by hand here.

A key that the kind's describe call returns but its create/register call does not
take (``taskDefinitionArn``, ``revision``, ``status``...) is told apart from a typo
(``SHAPE004`` rather than ``SHAPE001``): it comes from pasting describe output.

botocore (and its model files) load on first use only.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecs_learn.rules.finding import Finding, Severity
from ecs_learn.rules.kinds import Kind
from ecs_learn.rules.paths import join

if TYPE_CHECKING:
    from botocore.model import ServiceModel, Shape

__all__ = ["SHAPE_CHECKS", "ShapeCheck", "ShapeResult", "check_shape", "describe_only_keys"]

ERROR_CODE = "ParamValidationError"  # botocore's exception: the call is never sent


@dataclass(frozen=True)
class ShapeCheck:
    """One class of shape error, as listed in the rule reference."""

    id: str
    summary: str


UNKNOWN, WRONG_TYPE, MISSING, DESCRIBE_ONLY, TOO_SMALL, UNION = (
    ShapeCheck("SHAPE001", "a key the call does not take (typo): the closest valid name is named"),
    ShapeCheck(
        "SHAPE002",
        'a value of the wrong JSON type ("essential": "true", a container\'s "memory": "512")',
    ),
    ShapeCheck("SHAPE003", "a required member is missing"),
    ShapeCheck(
        "SHAPE004",
        "a read-only field of describe output (taskDefinitionArn, revision, status...): "
        "with a fix-it that turns the describe output into the call's input",
    ),
    ShapeCheck("SHAPE005", "a string or list shorter, or a number smaller, than the model allows"),
    ShapeCheck("SHAPE006", "a union structure must set exactly one of its members"),
)
NOT_IN_ENUM = ShapeCheck(
    "SHAPE007",
    "a value that is not one of the model's valid values (enums are case-sensitive). botocore "
    "does not check these, AWS does; not reported where a rule already judged the field",
)
SHAPE_CHECKS: tuple[ShapeCheck, ...] = (
    UNKNOWN,
    WRONG_TYPE,
    MISSING,
    DESCRIBE_ONLY,
    TOO_SMALL,
    UNION,
    NOT_IN_ENUM,
)


@dataclass(frozen=True)
class ShapeResult:
    """What the shape check found: the operation judged against, findings, read-only keys."""

    operation: str
    findings: tuple[Finding, ...]
    describe_only: tuple[str, ...] = ()  # top-level keys only the describe call returns


@functools.cache
def _service_model(service: str) -> ServiceModel:
    from botocore.loaders import Loader
    from botocore.model import ServiceModel

    return ServiceModel(Loader().load_service_model(service, "service-2"), service)


def _source(kind: Kind, operation: str) -> str:
    model = _service_model(kind.api.service)
    return (
        f"AWS API model: {kind.api.service} {operation} input shape "
        f"(botocore {model.service_name}/{model.api_version} service-2.json)"
    )


def describe_only_keys(kind: Kind | str, operation: str | None = None) -> frozenset[str]:
    """Keys the kind's describe output has and ``operation``'s input does not take."""
    api = Kind(kind).api
    if api.describe is None:
        return frozenset()
    model = _service_model(api.service)
    describe_op, member = api.describe
    shape: Shape = model.operation_model(describe_op).output_shape
    if member:
        shape = shape.members[member]
        if shape.type_name == "list":
            shape = shape.member
    taken = model.operation_model(operation or api.operations[0]).input_shape.members
    return frozenset(shape.members) - frozenset(taken)


class _Collector:
    """Stands in for botocore's ``ValidationErrors``: keeps each report as a tuple."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, str, dict[str, Any]]] = []

    def report(self, name: str, reason: str, **kwargs: Any) -> None:
        self.reports.append((name, reason, kwargs))


def _validate(payload: Mapping[str, Any], shape: Shape) -> list[tuple[str, str, dict[str, Any]]]:
    from botocore.validate import ParamValidator

    class _Validator(ParamValidator):  # type: ignore[misc]
        def collect(self, params: Any, shape: Shape) -> list[tuple[str, str, dict[str, Any]]]:
            errors = _Collector()
            self._validate(params, shape, errors, name="")
            return errors.reports

    return _Validator().collect(dict(payload), shape)


def check_shape(kind: Kind | str, payload: Mapping[str, Any]) -> ShapeResult:
    """Validate ``payload`` against the input shape of the kind's call.

    Of the kind's operations (CreateService or UpdateService...), the one the payload
    fits best is judged against: the fewest problems, the first listed on a tie.
    """
    kind = Kind(kind)
    model = _service_model(kind.api.service)
    best: tuple[str, list[tuple[str, str, dict[str, Any]]]] | None = None
    for operation in kind.api.operations:
        reports = _validate(payload, model.operation_model(operation).input_shape)
        if best is None or len(reports) < len(best[1]):
            best = (operation, reports)
    assert best is not None  # every kind names at least one operation
    operation, reports = best
    read_only = describe_only_keys(kind, operation)
    describe = kind.api.describe[0] if kind.api.describe else "describe"
    source = _source(kind, operation)
    findings: list[Finding] = []
    describe_only: list[str] = []
    for name, reason, extra in reports:
        check, path, message = _explain(name, reason, extra, operation, read_only, describe)
        if check is DESCRIBE_ONLY:
            describe_only.append(extra["unknown_param"])
        findings.append(Finding(check.id, Severity.ERROR, path, message, source, ERROR_CODE))
    shape = model.operation_model(operation).input_shape
    for path, message in _enum_violations(payload, shape, ""):
        findings.append(Finding(NOT_IN_ENUM.id, Severity.ERROR, path, message, source, None))
    findings.sort(key=lambda f: (f.rule_id, f.path))
    return ShapeResult(operation, tuple(findings), tuple(describe_only))


def _enum_violations(value: Any, shape: Shape, path: str) -> Iterator[tuple[str, str]]:
    """Strings that are not one of their shape's enum values (botocore checks no enums)."""
    kind = shape.type_name
    if kind == "string":
        allowed: list[str] = list(getattr(shape, "enum", None) or [])
        if allowed and isinstance(value, str) and value not in allowed:
            yield path, _enum_message(path, value, allowed)
    elif kind == "structure" and isinstance(value, Mapping):
        members = shape.members
        for key, item in value.items():
            if key in members:
                yield from _enum_violations(item, members[key], join(path, key))
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _enum_violations(item, shape.member, join(path, index))
    elif kind == "map" and isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                yield from _enum_violations(item, shape.value, join(path, key))


def _enum_message(path: str, value: str, allowed: list[str]) -> str:
    name = path.rpartition(".")[2] or path
    exact = {a.lower(): a for a in allowed}.get(value.lower())
    guess = exact or next(iter(difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)), None)
    shown = ", ".join(allowed[:12]) + (", ..." if len(allowed) > 12 else "")
    hint = f' Did you mean "{guess}"?' if guess else ""
    return (
        f'{json.dumps(value)} is not a valid value for "{name}": AWS takes one of {shown} '
        f"(case-sensitive).{hint}"
    )


def _path(name: str) -> tuple[str, str | None]:
    """Our path for a botocore parameter name, and the map key it names (if any)."""
    name = name.removeprefix(".")
    if name.endswith(")") and " (key: " in name:
        parent, _, key = name.rpartition(" (key: ")
        return parent, key[:-1]
    return name, None


def _explain(
    name: str,
    reason: str,
    extra: dict[str, Any],
    operation: str,
    read_only: frozenset[str],
    describe: str,
) -> tuple[ShapeCheck, str, str]:
    path, map_key = _path(name)
    where = f" in {path}" if path else ""
    if reason == "unknown field":
        key = extra["unknown_param"]
        if not path and key in read_only:
            return (
                DESCRIBE_ONLY,
                key,
                f'"{key}" is a read-only field of {describe} output; {operation} does not '
                "take it. Remove it.",
            )
        return UNKNOWN, join(path, key), _unknown_message(key, extra["valid_names"], where)
    if reason == "missing required field":
        return (
            MISSING,
            path,
            f'Missing required key "{extra["required_name"]}"{where}: {operation} needs it.',
        )
    if reason in ("invalid type", "invalid type for document", "unable to encode to json"):
        return WRONG_TYPE, path, _type_message(path, map_key, extra)
    if reason in ("invalid length", "invalid range"):
        what = "length" if reason == "invalid length" else "value"
        return (
            TOO_SMALL,
            path,
            f"{_label(path, map_key)} is too small: the minimum {what} is {extra['min_allowed']}.",
        )
    members = ", ".join(extra.get("members", ()))
    return UNION, path, f"{_label(path, map_key)} must set exactly one of: {members}."


def _label(path: str, map_key: str | None) -> str:
    if map_key is not None:
        return f'The key "{map_key}" of {path or "the document"}'
    return f'"{path.rpartition(".")[2]}"' if path else "The document"


def _unknown_message(key: str, valid: Sequence[str], where: str) -> str:
    lowered = {v.lower(): v for v in valid}
    guess = lowered.get(key.lower()) or next(
        iter(difflib.get_close_matches(key, list(valid), n=1, cutoff=0.6)), None
    )
    hint = f' Did you mean "{guess}"?' if guess else " Remove it or check the spelling."
    return f'Unknown key "{key}"{where}: AWS does not take it.{hint}'


_TYPE_NAMES = {
    "<class 'bool'>": "a boolean (true or false, without quotes)",
    "<class 'int'>": "a whole number (without quotes)",
    "<class 'float'>": "a number (without quotes)",
    "<class 'decimal.Decimal'>": "",
    "<class 'str'>": "a string",
    "<class 'dict'>": "an object ({...})",
    "<class 'list'>": "a list ([...])",
    "<class 'tuple'>": "",
    "<class 'datetime.datetime'>": "a timestamp",
    "timestamp-string": "",
    "<class 'bytes'>": "text",
    "<class 'bytearray'>": "",
    "file-like object": "",
}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {json.dumps(value)}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else type(value).__name__


def _type_message(path: str, map_key: str | None, extra: dict[str, Any]) -> str:
    value = extra.get("param")
    wanted = [_TYPE_NAMES.get(t, t) for t in extra.get("valid_types", ())]
    expected = " or ".join(w for w in wanted if w) or "another type"
    message = f"{_label(path, map_key)} must be {expected}, not {_json_type(value)}."
    if isinstance(value, str) and "<class 'bool'>" in extra.get("valid_types", ()):
        if value.lower() in ("true", "false"):
            message += f" Write {value.lower()} without quotes."
    elif isinstance(value, str) and "<class 'int'>" in extra.get("valid_types", ()):
        if value.strip().isdigit():
            message += f" Write {value.strip()} without quotes."
    elif isinstance(value, (Mapping, list)) and "<class 'str'>" in extra.get("valid_types", ()):
        message += " AWS takes this document as JSON text: pass it as a string."
    return message
