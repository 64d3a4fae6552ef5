"""Exercise 4 — roles and secrets: the execution role reads exactly the two secrets; task roles.

Permissions are judged with the IAM evaluator the runtime uses when a task starts
(:mod:`ecs_learn.runtime.iam_eval`), so "reads the secret" here means the task will start.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks import lookup
from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import (
    API,
    ASSETS,
    EXECUTION_POLICY,
    EXECUTION_ROLE,
    FS_TOKEN,
    TASKS_PRINCIPAL,
    WEB,
    Tier,
    secret_arn,
)
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Owns, check, requirement
from ecs_learn.checks.result import Requirement
from ecs_learn.sandbox.env import ACCOUNT_ID, REGION


def _trusted(role: str, found: dict[str, Any] | None) -> Requirement:
    trusted = lookup.trusted_services(found) if found else []
    return requirement(
        f"{role} trusted by",
        TASKS_PRINCIPAL,
        trusted or ("nobody" if found else None),
        ok=TASKS_PRINCIPAL in trusted,
        hint=(
            f"iam.create_role(RoleName={role!r}, AssumeRolePolicyDocument=<{TASKS_PRINCIPAL}>)"
            if found is None
            else f"update_assume_role_policy: the Principal must be {TASKS_PRINCIPAL}"
        ),
    )


def _reads(policies: list[Any] | None, tier: Tier, arn: str | None) -> Requirement:
    action = "ssm:GetParameters" if tier.in_ssm else "secretsmanager:GetSecretValue"
    ok = arn is not None and acct.permits(policies, action, arn)
    return requirement(
        f"{EXECUTION_ROLE} reads {tier.secret_name}",
        f"{action} allowed",
        "allowed" if ok else ("no such secret yet" if arn is None else "not allowed"),
        ok=ok,
        hint=(
            f"an inline policy on {EXECUTION_ROLE} allowing {action} on the ARN of "
            f"{tier.secret_name} (the managed policy has no secrets permissions)"
        ),
    )


@check(
    "roles-and-secrets",
    title="Roles and secrets: an execution role that reads exactly two secrets, a task role each",
    points={
        f"secret {API.secret_name}": 0.25,
        f"parameter {WEB.secret_name}": 0.25,
        f"{EXECUTION_ROLE} trusted by": 0.25,
        f"{EXECUTION_ROLE} managed policy": 0.25,
        f"{EXECUTION_ROLE} reads {API.secret_name}": 0.5,
        f"{EXECUTION_ROLE} reads {WEB.secret_name}": 0.5,
        f"{EXECUTION_ROLE} reads nothing else": 0.5,
        f"{WEB.task_role} trusted by": 0.25,
        f"{WEB.task_role} policy": 0.25,
        f"{API.task_role} trusted by": 0.25,
        f"{API.task_role} policy": 0.75,
    },
    hint=(
        f"Secrets Manager secret {API.secret_name!r}, SSM SecureString {WEB.secret_name!r}; "
        f"{EXECUTION_ROLE} (trusted by {TASKS_PRINCIPAL}) with AmazonECSTaskExecutionRolePolicy "
        "and an inline policy allowing secretsmanager:GetSecretValue and ssm:GetParameters on "
        f"those two ARNs only; {WEB.task_role} may s3:GetObject on {ASSETS}; {API.task_role} may "
        "elasticfilesystem:ClientMount and ClientWrite on the file system."
    ),
    tags=("execution-role", "secrets", "task-role"),
    owns=Owns(
        ssm_parameters=(WEB.secret_name,),
        secrets=(API.secret_name,),
        iam_roles=(EXECUTION_ROLE, WEB.task_role, API.task_role),
    ),
)
def roles_and_secrets(aws: AccountReader) -> Iterator[Requirement]:
    roles = {n: lookup.role(aws, n) for n in (EXECUTION_ROLE, WEB.task_role, API.task_role)}
    api_secret = secret_arn(aws, API)
    yield requirement(
        f"secret {API.secret_name}",
        "in Secrets Manager",
        "in Secrets Manager" if api_secret else None,
        hint=f"secretsmanager.create_secret(Name={API.secret_name!r}, SecretString=...)",
    )
    kind = None
    try:
        kind = aws.ssm.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": [WEB.secret_name]}]
        )["Parameters"][0]["Type"]
    except (ClientError, IndexError, KeyError):
        kind = None
    yield requirement(
        f"parameter {WEB.secret_name}",
        "SecureString",
        kind,
        hint=(
            "a String parameter is stored in clear text: put it again with Type='SecureString' "
            "and Overwrite=True"
            if kind
            else f"ssm.put_parameter(Name={WEB.secret_name!r}, Type='SecureString', ...)"
        ),
    )
    yield _trusted(EXECUTION_ROLE, roles[EXECUTION_ROLE])
    attached = lookup.attached_policy_arns(aws, EXECUTION_ROLE) if roles[EXECUTION_ROLE] else []
    yield requirement(
        f"{EXECUTION_ROLE} managed policy",
        "AmazonECSTaskExecutionRolePolicy",
        [a.rsplit("/", 1)[-1] for a in attached] or None,
        ok=EXECUTION_POLICY in attached,
        hint=f"attach_role_policy with {EXECUTION_POLICY} (note service-role/ in the path)",
    )
    param_arn = secret_arn(aws, WEB)
    execution = acct.role_policies(aws, EXECUTION_ROLE)
    yield _reads(execution, API, api_secret)
    yield _reads(execution, WEB, param_arn)
    other_secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:payroll/key-AbCdEf"
    other_param = f"arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter/payroll/key"
    broad = [
        what
        for what, action, arn in (
            ("every secret", "secretsmanager:GetSecretValue", other_secret),
            ("every parameter", "ssm:GetParameters", other_param),
        )
        if acct.permits(execution, action, arn)
    ]
    exists = roles[EXECUTION_ROLE] is not None
    yield requirement(
        f"{EXECUTION_ROLE} reads nothing else",
        "only the two ARNs the tasks name",
        (f"reads {' and '.join(broad)}" if broad else "only those") if exists else None,
        ok=exists and not broad,
        hint="scope the Resource to the secret's and the parameter's ARNs instead of '*'",
    )
    for tier, action, resource, label in (
        (WEB, "s3:GetObject", ASSETS, "s3:GetObject on bookshelf-assets/*"),
        (API, "elasticfilesystem:ClientMount", None, "ClientMount and ClientWrite on the covers"),
    ):
        yield _trusted(tier.task_role, roles[tier.task_role])
        if resource is None:
            fs = acct.file_system(aws, FS_TOKEN)
            resource = str(fs["FileSystemArn"]) if fs else None
        actions = [action] + (["elasticfilesystem:ClientWrite"] if tier is API else [])
        policies = acct.role_policies(aws, tier.task_role)
        ok = resource is not None and all(
            acct.permits(policies, a, resource, conditions_hold=True) for a in actions
        )
        exists = roles[tier.task_role] is not None
        yield requirement(
            f"{tier.task_role} policy",
            label,
            ("allowed" if ok else "not allowed") if exists else None,
            ok=ok,
            hint=(
                "create the file system first (exercise 3): the policy names its ARN"
                if resource is None
                else f"put_role_policy on {tier.task_role}: Allow {', '.join(actions)} on "
                f"{resource}"
            ),
        )
