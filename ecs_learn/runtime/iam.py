"""A role and its policies, as the runtime's failure checks need them.

The evaluation itself is :mod:`ecs_learn.runtime.iam_eval` (identity-based policies,
explicit Deny wins, case-insensitive actions; see its docstring for what is modelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecs_learn.runtime.iam_eval import PolicySource, evaluate, policies_of

__all__ = ["RolePolicies", "load_role"]


@dataclass(frozen=True)
class RolePolicies:
    """One role's identity-based policies (``exists`` False: no such role)."""

    arn: str
    exists: bool
    policies: tuple[PolicySource, ...] = ()

    @property
    def name(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    def allows(self, action: str, resource: str) -> bool:
        """True when the role may call ``action`` on ``resource``."""
        return evaluate(self.policies, action, resource).allowed


def load_role(iam: Any, role_arn: str | None) -> RolePolicies:
    """Read a role's inline and attached managed policies through the IAM API."""
    if not role_arn:
        return RolePolicies("", exists=False)
    from botocore.exceptions import ClientError

    try:
        policies = policies_of(iam, role_arn.rsplit("/", 1)[-1])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchEntity":
            return RolePolicies(role_arn, exists=False)
        raise
    return RolePolicies(role_arn, exists=True, policies=tuple(policies))
