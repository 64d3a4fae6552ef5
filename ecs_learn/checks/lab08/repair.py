"""Exercise 9 — the repair: a colleague's release adds a secret the execution role cannot read."""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import ClientError

from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import (
    API,
    CLUSTER,
    EXECUTION_ROLE,
    PARTNER_ENV,
    PARTNER_SECRET,
    container,
)
from ecs_learn.checks.lab08.services import running
from ecs_learn.checks.owns import Image, Revisions
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Owns, check, requirement
from ecs_learn.checks.result import Requirement


def _partner_arn(aws: AccountReader) -> str | None:
    try:
        return str(aws.secretsmanager.describe_secret(SecretId=PARTNER_SECRET)["ARN"])
    except ClientError:
        return None


@check(
    "repair-secret",
    title="Repair: the api's 1.1 release reads its new secret and completes",
    points={
        f"api runs a revision with {PARTNER_ENV}": 0.75,
        "api deployment": 0.5,
        f"{EXECUTION_ROLE} reads {PARTNER_SECRET}": 0.75,
        "api tasks running": 0.5,
        "the failure you repaired": 0.5,
    },
    hint=(
        "The stopped tasks say ResourceInitializationError ... unable to retrieve secret from "
        f"asm ... AccessDeniedException: the execution role {EXECUTION_ROLE} (not the task "
        f"role) must be allowed secretsmanager:GetSecretValue on {PARTNER_SECRET}'s ARN. Then "
        "update_service to the 1.1 revision again (the circuit breaker rolled it back) and "
        "advance the clock."
    ),
    tags=("secrets", "execution-role"),
    owns=Owns(  # what the colleague's release (the given cell) adds
        revisions=(Revisions(API.family, image=f"{API.repository}:v1.1.0"),),
        images=(Image(API.repository, "v1.1.0"),),
        secrets=(PARTNER_SECRET,),
    ),
)
def repair_secret(aws: AccountReader) -> Iterator[Requirement]:
    svc = acct.service(aws, CLUSTER, API.name)
    td = acct.task_definition(aws, str(svc["taskDefinition"])) if svc else None
    names = [s.get("name") for s in container(td or {}, API.name).get("secrets") or []]
    yield requirement(
        f"api runs a revision with {PARTNER_ENV}",
        f"a revision whose secrets include {PARTNER_ENV}",
        f"{str(svc['taskDefinition']).rsplit('/', 1)[-1]}: {', '.join(map(str, names))}"
        if svc
        else None,
        ok=PARTNER_ENV in names,
        hint="update_service(cluster='bookshelf', service='api', taskDefinition=<the 1.1 "
        "revision>): after the rollback the service runs the old one again",
    )
    deployments = (svc or {}).get("deployments") or []
    yield requirement(
        "api deployment",
        "one PRIMARY, COMPLETED",
        [f"{d.get('status')} {d.get('rolloutState')}" for d in deployments] or None,
        ok=len(deployments) == 1 and deployments[0].get("rolloutState") == "COMPLETED",
        hint="advance the clock (rt.advance(minutes=5)) so the new tasks start and the old ones "
        "drain",
    )
    arn = _partner_arn(aws)
    ok = arn is not None and acct.allows(aws, EXECUTION_ROLE, "secretsmanager:GetSecretValue", arn)
    task_role_reads = (
        not ok
        and arn is not None
        and acct.allows(aws, API.task_role, "secretsmanager:GetSecretValue", arn)
    )
    yield requirement(
        f"{EXECUTION_ROLE} reads {PARTNER_SECRET}",
        "secretsmanager:GetSecretValue allowed",
        "allowed"
        if ok
        else (
            "no such secret (run the release cell)"
            if arn is None
            else ("not allowed" if acct.role_policies(aws, EXECUTION_ROLE) is not None else None)
        ),
        ok=ok,
        hint=(
            f"you allowed it to {API.task_role}: the secret is injected before your code runs, "
            "by the agent, with the execution role"
            if task_role_reads and not ok
            else f"add the secret's ARN to the Resource of {EXECUTION_ROLE}'s inline policy"
        ),
    )
    stopped = acct.service_tasks(aws, CLUSTER, API.name, "STOPPED")
    yield running(aws, API, svc, stopped)
    failed = [r for r in acct.stopped_reasons(stopped) if "unable to retrieve secret" in r]
    yield requirement(
        "the failure you repaired",
        "stopped api tasks that could not read the secret",
        len(failed),
        ok=bool(failed),
        hint="run the release cell first: the colleague's rollout is what you repair",
    )
