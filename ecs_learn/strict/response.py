"""Build the failed response botocore turns into the modelled exception."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from ecs_learn.rules import Finding
from ecs_learn.sandbox.botocore_layer import empty_response

__all__ = ["error_response", "explain"]


def explain(findings: Sequence[Finding], *, path_prefix: str = "") -> str:
    """An AWS-like first sentence, then the ecs-learn explanation of every finding."""
    first = findings[0]
    moto_would_accept = not any(_moto_enforces(f) for f in findings)
    lines = [first.message, ""]
    lines.append(
        "[ecs-learn strict] Real AWS rejects this call"
        + ("; moto alone would have accepted it." if moto_would_accept else ".")
    )
    for f in findings:
        where = ".".join(p for p in (path_prefix, f.path) if p) or "(the whole request)"
        lines.append(f"  {f.rule_id} at {where}: {f.message}")
    lines.append("  Source: " + "; ".join(sorted({f.source for f in findings})))
    if moto_would_accept:
        lines.append(
            "  To see what moto lets through, run the call inside "
            "`with ecs_learn.strict.lenient():`."
        )
    return "\n".join(lines)


def _moto_enforces(finding: Finding) -> bool:
    from ecs_learn.rules import get_rule

    try:
        return get_rule(finding.rule_id).moto_enforces
    except KeyError:
        return False


def error_response(
    code: str, message: str, findings: Sequence[Finding], url: str
) -> tuple[Any, dict[str, Any]]:
    """``(http_response, parsed)`` for a ``before-call`` handler to return."""
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-requestid": request_id, "content-type": "application/json"}
    http = empty_response(url, 400, headers)
    parsed: dict[str, Any] = {
        "Error": {"Code": code, "Message": message},
        "Message": message,
        "ResponseMetadata": {
            "RequestId": request_id,
            "HTTPStatusCode": 400,
            "HTTPHeaders": headers,
            "RetryAttempts": 0,
        },
        "EcsLearn": {"findings": [f.to_dict() for f in findings]},
    }
    return http, parsed
