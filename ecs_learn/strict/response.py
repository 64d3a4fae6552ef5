"""Build the failed response botocore turns into the modelled exception.

``Error.Message`` is AWS's own message (:mod:`ecs_learn.strict.aws_wording`), so
``str(err)`` reads exactly as boto3 would print a real rejection. Everything ecs-learn
adds is under ``err.response["EcsLearn"]``: the findings, a plain-text explanation
(``explanation``), whether the message is AWS's verified wording, and AWS pages.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from ecs_learn.rules import Finding
from ecs_learn.rules.finding import FindingDict
from ecs_learn.sandbox.botocore_layer import empty_response
from ecs_learn.strict.aws_wording import aws_message, doc_links

__all__ = ["EcsLearnDetail", "error_response", "explain"]


class EcsLearnDetail(TypedDict):
    """What ``err.response["EcsLearn"]`` holds."""

    findings: list[FindingDict]
    explanation: str
    aws_wording: bool
    moto_would_accept: bool
    operation: str
    links: list[str]
    fields: list[str]


def _field(finding: Finding, path_prefix: str) -> str:
    return ".".join(p for p in (path_prefix, finding.path) if p) or "(the whole request)"


def explain(findings: Sequence[Finding], *, path_prefix: str = "") -> str:
    """ecs-learn's explanation of every finding: field, what is wrong, where AWS says so."""
    lines = []
    for f in findings:
        lines.append(f"{_field(f, path_prefix)}: {f.message} ({f.rule_id})")
    lines.append("Source: " + "; ".join(sorted({f.source for f in findings})))
    return "\n".join(lines)


def _moto_enforces(finding: Finding) -> bool:
    from ecs_learn.rules import get_rule

    try:
        return get_rule(finding.rule_id).moto_enforces
    except KeyError:
        return False


def error_response(
    code: str,
    findings: Sequence[Finding],
    url: str,
    *,
    service: str = "",
    operation: str = "",
    params: Mapping[str, Any] | None = None,
    path_prefix: str = "",
) -> tuple[Any, dict[str, Any]]:
    """``(http_response, parsed)`` for a ``before-call`` handler to return."""
    message, verified = aws_message(findings[0], params or {})
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-requestid": request_id, "content-type": "application/json"}
    http = empty_response(url, 400, headers)
    links: list[str] = []
    for f in findings:
        links.extend(doc_links(f, service, operation))
    detail: EcsLearnDetail = {
        "findings": [f.to_dict() for f in findings],
        "explanation": explain(findings, path_prefix=path_prefix),
        "aws_wording": verified,
        "moto_would_accept": not any(_moto_enforces(f) for f in findings),
        "operation": operation,
        "links": list(dict.fromkeys(links)),
        "fields": [_field(f, path_prefix) for f in findings],
    }
    parsed: dict[str, Any] = {
        "Error": {"Code": code, "Message": message},
        "Message": message,
        "ResponseMetadata": {
            "RequestId": request_id,
            "HTTPStatusCode": 400,
            "HTTPHeaders": headers,
            "RetryAttempts": 0,
        },
        "EcsLearn": detail,
    }
    return http, parsed
