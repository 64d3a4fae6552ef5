"""Linting documents: botocore's shape first, then the realism rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecs_learn.lint.context import LintedDocument, context_for
from ecs_learn.lint.documents import LintInputError, read_json, resolve_kind, unwrap
from ecs_learn.lint.report import FileReport
from ecs_learn.rules import Finding, Kind, RuleContext, check
from ecs_learn.rules.paths import join
from ecs_learn.rules.shapes import NOT_IN_ENUM, ShapeResult, check_shape

__all__ = ["fix_it", "lint_document", "lint_file", "lint_files"]


@dataclass(frozen=True)
class _Parsed:
    """A file read and classified, ready to lint (or the reason it cannot be)."""

    name: str
    doc: Mapping[str, Any] | None = None
    kind: Kind | None = None
    payload: Mapping[str, Any] | None = None
    location: str = ""
    error: str | None = None


def _shape(
    kind: Kind, doc: Mapping[str, Any], payload: Mapping[str, Any], location: str
) -> ShapeResult | None:
    if location == "lifecyclePolicyText":
        return check_shape(kind, doc)  # PutLifecyclePolicy input (or GetLifecyclePolicy output)
    if kind is Kind.ECR_LIFECYCLE_POLICY:
        return None  # a bare policy document: no API shape, only the rules
    return check_shape(kind, payload)


def _prefixed(findings: Iterable[Finding], location: str) -> list[Finding]:
    if location != "taskDefinition":
        return list(findings)
    return [
        Finding(f.rule_id, f.severity, join(location, f.path), f.message, f.source, f.error_code)
        for f in findings
    ]


def fix_it(
    kind: Kind, shape: ShapeResult, doc: Mapping[str, Any], location: str, file: str = "FILE"
) -> str | None:
    """How to turn describe output into the call's input: which keys to drop, as a jq line."""
    if not shape.describe_only:
        return None
    api = kind.api
    describe = api.describe[0] if api.describe else "describe"
    drop = ", ".join(f".{k}" for k in sorted(shape.describe_only))
    select = ""
    if location == "taskDefinition":
        select = ".taskDefinition + {tags} | " if doc.get("tags") else ".taskDefinition | "
    elif location == "lifecyclePolicyText":
        select = "{repositoryName, lifecyclePolicyText} | "
        drop = ""
    expr = f"{select}del({drop})" if drop else select.rstrip(" |")
    return (
        f"This is {describe} output; {shape.operation} takes the same object without its "
        f"read-only keys ({', '.join(sorted(shape.describe_only))}). "
        f"Make the input with: jq '{expr}' {file} > {shape.operation}.json"
    )


def lint_document(
    doc: Any, kind: str | None = None, context: RuleContext | None = None
) -> tuple[str, str, list[Finding]]:
    """Lint one parsed JSON document: ``(kind, document location, findings)``.

    Findings of the shape check come first (sorted by id, then path), then the
    realism rules'. Inside a ``{"taskDefinition": ...}`` wrapper paths start at the
    top of the file (``taskDefinition.cpu``); inside ``lifecyclePolicyText`` the rules'
    paths are relative to the policy that string holds.
    """
    found = resolve_kind(doc, kind)
    payload, location = unwrap(found, doc)
    shape = _shape(found, doc, payload, location)
    return str(found), location, _combine(shape, check(found, payload, context), location)


def _combine(shape: ShapeResult | None, rules: list[Finding], location: str) -> list[Finding]:
    """Shape findings, then the rules'; an enum finding yields to a rule on the same field."""
    judged = {f.path for f in rules}
    first = [
        f
        for f in (shape.findings if shape else ())
        if not (f.rule_id == NOT_IN_ENUM.id and f.path in judged)
    ]
    if location == "lifecyclePolicyText":  # shape paths are in the wrapper, rules' in the policy
        return first + rules
    return _prefixed(first, location) + _prefixed(rules, location)


def _parse(path: str | Path, kind: str | None) -> _Parsed:
    name = str(path)
    try:
        doc = read_json(Path(path))
        found = resolve_kind(doc, kind)
        payload, location = unwrap(found, doc)
    except LintInputError as exc:
        return _Parsed(name, error=str(exc))
    return _Parsed(name, doc, found, payload, location)


def _lint_parsed(item: _Parsed, context: RuleContext) -> FileReport:
    assert item.doc is not None and item.kind is not None and item.payload is not None
    try:
        shape = _shape(item.kind, item.doc, item.payload, item.location)
        findings = _combine(shape, check(item.kind, item.payload, context), item.location)
    except RecursionError:
        return FileReport(item.name, kind=str(item.kind), error="is nested too deeply to check")
    return FileReport(
        item.name,
        kind=str(item.kind),
        findings=tuple(findings),
        document=item.location,
        operation=shape.operation if shape else None,
        fix=fix_it(item.kind, shape, item.doc, item.location, item.name) if shape else None,
    )


def lint_file(
    path: str | Path, kind: str | None = None, context: RuleContext | None = None
) -> FileReport:
    """Lint one file; never raises for a bad file (the report carries the reason)."""
    return lint_files([path], kind, context)[0]


def lint_files(
    paths: Iterable[str | Path], kind: str | None = None, context: RuleContext | None = None
) -> list[FileReport]:
    """Lint files as one set: each file's rules get the facts the others provide.

    A service linted with its task definition and target group is judged against
    them (see :mod:`ecs_learn.lint.context` for how references are matched); a file
    that cannot be read is reported and the others are still linted.
    """
    base = context if context is not None else RuleContext()
    parsed = [_parse(p, kind) for p in paths]
    documents = [
        (i, LintedDocument(p.kind, p.payload))
        for i, p in enumerate(parsed)
        if p.kind is not None and p.payload is not None
    ]
    reports: list[FileReport] = []
    for i, item in enumerate(parsed):
        if item.error is not None:
            reports.append(FileReport(item.name, kind=kind, error=item.error))
            continue
        others = _others(documents, i)
        mine = LintedDocument(item.kind, item.payload)  # type: ignore[arg-type]
        reports.append(_lint_parsed(item, context_for(mine, others, base)))
    return reports


def _others(documents: Sequence[tuple[int, LintedDocument]], index: int) -> list[LintedDocument]:
    return [d for i, d in documents if i != index]
