"""SSM Parameter Store: the parameters an exercise stored (a prediction, an answer)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ecs_learn.exercise_reset._common import Client

__all__ = ["remove_parameter"]


def remove_parameter(client: Client, name: str) -> str | None:
    try:
        client("ssm").delete_parameter(Name=name)
    except ClientError:  # ParameterNotFound
        return None
    return f"SSM parameter {name}"
