"""Lint JSON files (task definitions, services, scaling policies, ECR lifecycle policies...).

The library behind ``ecs-learn lint``: read each file, work out what kind of
document it is (or take the kind given), run :func:`ecs_learn.rules.check`, and
report. A file that cannot be read or parsed gives a :class:`FileReport` with an
``error`` instead of findings, and the other files are still linted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecs_learn.errors import EcsLearnError
from ecs_learn.rules import KINDS, Finding, RuleContext, Severity, check
from ecs_learn.rules.paths import join

__all__ = [
    "FileReport",
    "LintInputError",
    "detect_kind",
    "exit_code",
    "lint_document",
    "lint_file",
    "lint_files",
    "reports_to_json",
]

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


class LintInputError(EcsLearnError, ValueError):
    """The document cannot be linted (wrong shape, unknown kind...)."""


@dataclass(frozen=True)
class FileReport:
    """What linting one file found: its kind and findings, or why it could not be read."""

    file: str
    kind: str | None = None
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    document: str = ""  # where the checked document sits in the file ("" = the whole file)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "error": self.error,
            "document": self.document,
            "findings": [f.to_dict() for f in self.findings],
        }


def _has(doc: Mapping[str, Any], *keys: str) -> bool:
    return all(k in doc for k in keys)


def detect_kind(doc: Mapping[str, Any]) -> str | None:
    """The rule kind a JSON object looks like, or ``None`` when it is not clear."""
    if isinstance(doc.get("taskDefinition"), Mapping):
        return "task-definition"  # DescribeTaskDefinition output
    checks: list[tuple[str, bool]] = [
        ("task-definition", _has(doc, "containerDefinitions") or _has(doc, "family")),
        (
            "ecr-lifecycle-policy",
            _has(doc, "lifecyclePolicyText") or isinstance(doc.get("rules"), list),
        ),
        ("service", _has(doc, "serviceName") or _has(doc, "service", "taskDefinition")),
        ("scaling-policy", _has(doc, "PolicyName", "ServiceNamespace")),
        ("scheduled-action", _has(doc, "ScheduledActionName") or _has(doc, "Schedule")),
        (
            "scalable-target",
            _has(doc, "ScalableDimension") or _has(doc, "ServiceNamespace", "ResourceId"),
        ),
        ("eks-fargate-profile", _has(doc, "fargateProfileName") or _has(doc, "selectors")),
        ("eks-nodegroup", _has(doc, "nodegroupName") or _has(doc, "scalingConfig")),
        ("iam-role", _has(doc, "AssumeRolePolicyDocument")),
        ("iam-attach-policy", _has(doc, "PolicyArn", "RoleName")),
        ("ecr-repository", _has(doc, "repositoryName")),
        (
            "efs-file-system",
            any(k in doc for k in ("CreationToken", "ThroughputMode", "PerformanceMode")),
        ),
        ("efs-mount-target", _has(doc, "FileSystemId", "SubnetId")),
        ("elbv2-listener", _has(doc, "LoadBalancerArn", "DefaultActions")),
        ("elbv2-target-group", _has(doc, "TargetType") or _has(doc, "Name", "VpcId")),
        (
            "elbv2-load-balancer",
            _has(doc, "Name") and ("Subnets" in doc or "SubnetMappings" in doc),
        ),
        ("run-task", _has(doc, "taskDefinition") and isinstance(doc.get("taskDefinition"), str)),
        ("cluster", _has(doc, "clusterName")),
    ]
    for kind, matches in checks:
        if matches:
            return kind
    return None


def _unwrap(kind: str, doc: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """The payload the rules check, and where it sits in the file."""
    if kind == "task-definition" and isinstance(doc.get("taskDefinition"), Mapping):
        return doc["taskDefinition"], "taskDefinition"
    if kind == "ecr-lifecycle-policy" and "lifecyclePolicyText" in doc:
        text = doc["lifecyclePolicyText"]
        try:
            inner = json.loads(text) if isinstance(text, str) else text
        except ValueError as exc:
            raise LintInputError(f"lifecyclePolicyText is not valid JSON ({exc})") from None
        if not isinstance(inner, Mapping):
            raise LintInputError('lifecyclePolicyText must hold a JSON object with "rules"')
        return inner, "lifecyclePolicyText"
    return doc, ""


def lint_document(
    doc: Any, kind: str | None = None, context: RuleContext | None = None
) -> tuple[str, str, list[Finding]]:
    """Lint one parsed JSON document: ``(kind, document location, findings)``.

    Findings inside a ``{"taskDefinition": ...}`` wrapper get paths from the top of
    the file (``taskDefinition.cpu``); inside ``lifecyclePolicyText`` they are
    relative to the policy that string holds.
    """
    if not isinstance(doc, Mapping):
        raise LintInputError(f"expected a JSON object at the top, found {_json_type(doc)}")
    if kind is None:
        kind = detect_kind(doc)
        if kind is None:
            raise LintInputError(
                "cannot tell what kind of document this is; name it with --kind "
                f"({', '.join(KINDS)})"
            )
    elif kind not in KINDS:
        raise LintInputError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    payload, location = _unwrap(kind, doc)
    findings = check(kind, payload, context)
    if location == "taskDefinition":
        findings = [
            Finding(
                f.rule_id, f.severity, join(location, f.path), f.message, f.source, f.error_code
            )
            for f in findings
        ]
    return kind, location, findings


def _json_type(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def _read(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LintInputError("no such file") from None
    except IsADirectoryError:
        raise LintInputError("is a directory, not a JSON file") from None
    except PermissionError:
        raise LintInputError("permission denied") from None
    except OSError as exc:
        raise LintInputError(f"cannot read it ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LintInputError("is not UTF-8 text (is it a JSON file?)") from None
    if not text.strip():
        raise LintInputError("is empty; expected a JSON object")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LintInputError(
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise LintInputError("is nested too deeply to read") from None


def lint_file(
    path: str | Path, kind: str | None = None, context: RuleContext | None = None
) -> FileReport:
    """Lint one file; never raises for a bad file (the report carries the reason)."""
    name = str(path)
    try:
        kind_found, location, findings = lint_document(_read(Path(path)), kind, context)
    except LintInputError as exc:
        return FileReport(name, kind=kind, error=str(exc))
    except RecursionError:
        return FileReport(name, kind=kind, error="is nested too deeply to check")
    return FileReport(name, kind=kind_found, findings=tuple(findings), document=location)


def lint_files(
    paths: Iterable[str | Path], kind: str | None = None, context: RuleContext | None = None
) -> list[FileReport]:
    """Lint each file in turn."""
    return [lint_file(p, kind, context) for p in paths]


def exit_code(reports: Sequence[FileReport]) -> int:
    """2 if any file could not be read or parsed, else 1 if any error finding, else 0."""
    if any(r.error is not None for r in reports):
        return EXIT_UNREADABLE
    if any(r.errors for r in reports):
        return EXIT_FINDINGS
    return EXIT_OK


def reports_to_json(reports: Sequence[FileReport]) -> str:
    """The machine-readable report (``--format json``)."""
    summary = {
        "files": len(reports),
        "unreadable": sum(r.error is not None for r in reports),
        "errors": sum(len(r.errors) for r in reports),
        "warnings": sum(len(r.warnings) for r in reports),
        "exit_code": exit_code(reports),
    }
    return json.dumps({"files": [r.to_dict() for r in reports], "summary": summary}, indent=2)
