"""The task execution role and logging configuration."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_list, as_mapping, join, nonempty_str
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.task_definition._common import containers, is_fargate, td_rule

__all__ = ["RULES", "is_private_ecr_image"]

_PRIVATE_ECR = re.compile(r"[^/]+\.dkr\.ecr(?:-fips)?\.[^/]+\.amazonaws\.com(?:\.cn)?/.*")
_FARGATE_LOG_DRIVERS = ("awslogs", "splunk", "awsfirelens")


def is_private_ecr_image(image: object) -> bool:
    """True for images hosted in a private ECR registry (``*.dkr.ecr.*.amazonaws.com/...``)."""
    return isinstance(image, str) and _PRIVATE_ECR.fullmatch(image) is not None


def _has_execution_role(td: Mapping[str, Any]) -> bool:
    return nonempty_str(td.get("executionRoleArn"))


def _log_driver(c: Mapping[str, Any]) -> Any:
    log = as_mapping(c.get("logConfiguration"))
    return log.get("logDriver") if log else None


@td_rule(
    "TD018",
    summary="awslogs on Fargate needs an executionRoleArn",
    source=sources.ECS_EXECUTION_ROLE,
)
def awslogs_needs_role(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td) or _has_execution_role(td):
        return
    for i, c in containers(td):
        if _log_driver(c) == "awslogs":
            yield Violation(
                join("containerDefinitions", i, "logConfiguration", "logDriver"),
                f"Container {i} logs with awslogs on Fargate, but the task has no "
                "executionRoleArn. Fargate writes the logs with the task execution role: "
                "add executionRoleArn (a role with AmazonECSTaskExecutionRolePolicy).",
            )


@td_rule(
    "TD019",
    summary="private ECR images on Fargate need an executionRoleArn",
    source=sources.ECS_EXECUTION_ROLE,
)
def ecr_image_needs_role(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td) or _has_execution_role(td):
        return
    for i, c in containers(td):
        if is_private_ecr_image(c.get("image")):
            yield Violation(
                join("containerDefinitions", i, "image"),
                f"Container {i} pulls a private ECR image on Fargate, but the task has no "
                "executionRoleArn. Fargate pulls from ECR with the task execution role: "
                "add executionRoleArn.",
            )


@td_rule(
    "TD020",
    summary="secrets and repositoryCredentials need an executionRoleArn (any launch type)",
    source=sources.ECS_EXECUTION_ROLE,
)
def secrets_need_role(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if _has_execution_role(td):
        return
    for i, c in containers(td):
        if as_list(c.get("secrets")):
            yield Violation(
                join("containerDefinitions", i, "secrets"),
                f"Container {i} reads secrets, but the task has no executionRoleArn. "
                "ECS fetches Secrets Manager and SSM values with the task execution "
                "role, on EC2 as well as Fargate; add executionRoleArn.",
            )
        if as_mapping(c.get("repositoryCredentials")):
            yield Violation(
                join("containerDefinitions", i, "repositoryCredentials"),
                f"Container {i} pulls from a private registry with repositoryCredentials, "
                "but the task has no executionRoleArn to read them with. Add one.",
            )


@td_rule("TD021", summary="Fargate supports only the awslogs, splunk and awsfirelens log drivers")
def fargate_log_driver(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td):
        return
    for i, c in containers(td):
        driver = _log_driver(c)
        if driver is not None and driver not in _FARGATE_LOG_DRIVERS:
            yield Violation(
                join("containerDefinitions", i, "logConfiguration", "logDriver"),
                f"Log driver {driver!r} is not available on Fargate. Use awslogs "
                "(CloudWatch Logs), splunk or awsfirelens.",
            )


@td_rule(
    "TD022",
    summary="the awslogs driver needs the awslogs-group and awslogs-region options",
    source=sources.REAL_ERRORS,
)
def awslogs_options(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, c in containers(td):
        if _log_driver(c) != "awslogs":
            continue
        log = as_mapping(c.get("logConfiguration")) or {}
        options = as_mapping(log.get("options"))
        missing = [
            key
            for key in ("awslogs-group", "awslogs-region")
            if not options or not nonempty_str(options.get(key))
        ]
        if missing:
            path = "options" if options is not None else ""
            yield Violation(
                join("containerDefinitions", i, "logConfiguration", path),
                f"Container {i} uses awslogs without {' and '.join(missing)}. Add "
                f"{'them' if len(missing) > 1 else 'it'} "
                "under logConfiguration.options (the log group and its Region).",
            )


@td_rule(
    "TD035",
    summary="awslogs on Fargate needs the awslogs-stream-prefix option",
    source=sources.ECS_API_LOG_CONFIGURATION,
)
def fargate_stream_prefix(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td):
        return
    for i, c in containers(td):
        if _log_driver(c) != "awslogs":
            continue
        log = as_mapping(c.get("logConfiguration")) or {}
        options = as_mapping(log.get("options"))
        if options is not None and nonempty_str(options.get("awslogs-stream-prefix")):
            continue
        yield Violation(
            join("containerDefinitions", i, "logConfiguration", "options" if options else ""),
            f"Container {i} logs with awslogs on Fargate without awslogs-stream-prefix. "
            "Fargate requires it (the streams are named prefix/container/task-id): add "
            '"awslogs-stream-prefix": "<a short name>" under logConfiguration.options.',
        )


RULES = (
    awslogs_needs_role,
    ecr_image_needs_role,
    secrets_need_role,
    fargate_log_driver,
    awslogs_options,
    fargate_stream_prefix,
)
