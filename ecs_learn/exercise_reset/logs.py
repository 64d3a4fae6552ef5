"""CloudWatch Logs: log groups."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ecs_learn.exercise_reset._common import Client

__all__ = ["remove_log_group"]


def remove_log_group(client: Client, name: str) -> str | None:
    try:
        client("logs").delete_log_group(logGroupName=name)
    except ClientError:
        return None
    return f"log group {name}"
