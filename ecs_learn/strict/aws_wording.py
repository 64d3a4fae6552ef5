"""What AWS itself answers when it rejects a call: the error message in AWS's words.

A rejection's ``err.response["Error"]["Message"]`` is AWS's text only, as boto3 and the
AWS CLI would show it; ecs-learn's explanation goes to ``err.response["EcsLearn"]``.
Messages here are the ones the fact base quotes from real AWS answers
(../shared/reference/aws-containers-facts.md, §3 and its sources S8, S15). For a rule
whose AWS text was never seen, the rule's own message stands in, and the rejection
says so (``aws_wording: False``), never passing it off as AWS's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ecs_learn.rules import Finding

__all__ = ["aws_message", "doc_links"]

_Text = Callable[[Finding, Mapping[str, Any]], "str | None"]


def _container_name(finding: Finding, params: Mapping[str, Any]) -> str:
    match = re.match(r"containerDefinitions\[(\d+)\]", finding.path)
    containers = params.get("containerDefinitions")
    if match and isinstance(containers, list) and int(match.group(1)) < len(containers):
        entry = containers[int(match.group(1))]
        if isinstance(entry, Mapping) and entry.get("name"):
            return str(entry["name"])
    return "container"


def _fixed(text: str) -> _Text:
    return lambda finding, params: text


def _task_level(finding: Finding, params: Mapping[str, Any]) -> str:
    key = "memory" if "'memory'" in finding.message else "cpu"
    return f"Fargate requires that '{key}' be defined at the task level."


def _awsvpc_only(text: str) -> _Text:
    def message(finding: Finding, params: Mapping[str, Any]) -> str | None:
        return text if params.get("networkMode") == "awsvpc" else None

    return message


# rule id -> AWS's message (S15 real error texts; S8 for the task size).
_AWS: dict[str, _Text] = {
    "TD002": _fixed("Container list cannot be empty."),
    "TD003": _fixed("Container.name should not be null or empty."),
    "TD005": _fixed("The container.image should not be null or empty"),
    "TD007": _fixed("Task definition doesn't have any essential container."),
    "TD008": _fixed("Fargate only supports network mode 'awsvpc'."),
    "TD009": _task_level,
    "TD011": _fixed("Invalid 'cpu' setting for task."),
    "TD013": _awsvpc_only(
        "When networkMode=awsvpc, the host ports and container ports in port mappings must match."
    ),
    "TD014": lambda f, p: (
        f"Invalid setting for container '{_container_name(f, p)}'. "
        "At least one of 'memory' or 'memoryReservation' must be specified."
    ),
    "TD016": lambda f, p: (
        f"The 'memory' setting for container '{_container_name(f, p)}' is greater than "
        "for the task."
    ),
    "TD017": _fixed(
        "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'."
    ),
    "TD018": _fixed(
        "Fargate requires task definition to have execution role ARN to support log driver awslogs."
    ),
    "TD019": _fixed(
        "Fargate requires task definition to have execution role ARN to support ECR images."
    ),
    "TD022": _fixed("Log driver awslogs requires options: awslogs-region, awslogs-group"),
    "TD029": _awsvpc_only("Links are not supported when networkMode=awsvpc."),
    "SVC004": _fixed(
        "Network Configuration must be provided when networkMode 'awsvpc' is specified."
    ),
    "RUN005": _fixed(
        "Network Configuration must be provided when networkMode 'awsvpc' is specified."
    ),
}


def aws_message(finding: Finding, params: Mapping[str, Any]) -> tuple[str, bool]:
    """``(message, is_aws_wording)`` for the error AWS raises on ``finding``."""
    make = _AWS.get(finding.rule_id)
    text = make(finding, params) if make is not None else None
    if text:
        return text, True
    return finding.message, False


_API_DOCS = {
    "ecs": "AmazonECS/latest/APIReference",
    "ecr": "AmazonECR/latest/APIReference",
    "efs": "efs/latest/ug",
    "elastic-load-balancing-v2": "elasticloadbalancing/latest/APIReference",
    "application-auto-scaling": "autoscaling/application/APIReference",
    "iam": "IAM/latest/APIReference",
    "eks": "eks/latest/APIReference",
}
_DOCS = "https://docs.aws.amazon.com/"


def doc_links(finding: Finding, service: str, operation: str) -> list[str]:
    """AWS pages for a finding: the guide pages its source cites, then the API page."""
    links = [
        _DOCS + page
        for page in re.findall(
            r"((?:AmazonECS|AmazonECR|autoscaling|eks)/[\w/.-]+?\.html)", finding.source
        )
    ]
    base = _API_DOCS.get(service)
    if base:
        links.append(f"{_DOCS}{base}/API_{operation}.html")
    return list(dict.fromkeys(links))
