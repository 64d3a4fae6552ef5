"""AWS Secrets Manager: the secrets an exercise created (by name).

``delete_secret`` on its own only schedules a secret for deletion, 7 to 30 days later, and
until then its name cannot be used again: the exercise could not create it afresh. A reset
deletes it with ``ForceDeleteWithoutRecovery`` (also when the learner had already
scheduled it), so nothing can bring its value back, and says so.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ecs_learn.exercise_reset._common import Client

__all__ = ["remove_secret"]


def remove_secret(client: Client, name: str) -> str | None:
    secretsmanager = client("secretsmanager")
    try:
        found = secretsmanager.describe_secret(SecretId=name)
    except ClientError:  # ResourceNotFoundException
        return None
    secretsmanager.delete_secret(SecretId=found["ARN"], ForceDeleteWithoutRecovery=True)
    scheduled = " (it was scheduled for deletion)" if found.get("DeletedDate") else ""
    return (
        f"Secrets Manager secret {name}{scheduled}, at once and without a recovery window: "
        "its value cannot be restored"
    )
