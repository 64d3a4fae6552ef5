"""Exercise 5 — task definitions: Fargate, the pushed images, both roles, secrets, EFS for api."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecs_learn.checks import lookup
from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import (
    ACCESS_POINT,
    API,
    AWS_ACCEPTS,
    COVERS_PATH,
    EXECUTION_ROLE,
    FS_TOKEN,
    REGISTRY,
    RELEASE,
    TIERS,
    WEB,
    Tier,
    container,
    each,
    role_name,
    secret_arn,
)
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Judged, Owns, check, judged, requirement
from ecs_learn.checks.result import Requirement
from ecs_learn.sandbox.env import REGION


def _image_ok(aws: AccountReader, tier: Tier, image: str) -> bool:
    prefix = f"{REGISTRY}/{tier.repository}:"
    if not image.startswith(prefix):
        return False
    tag = image[len(prefix) :]
    found = aws.ecr.batch_get_image(repositoryName=tier.repository, imageIds=[{"imageTag": tag}])
    return bool(found.get("images"))


def _names_secret(value: str, tier: Tier, arn: str | None) -> bool:
    """``valueFrom`` names the tier's secret: its ARN (a Secrets Manager ARN may add a JSON key
    and version), or, for a parameter in this Region, its name."""
    if arn is None:
        return False
    if tier.in_ssm:
        return value in (arn, tier.secret_name)
    return value == arn or value.startswith(arn + ":")


def _td_requirements(
    aws: AccountReader, tier: Tier, found: dict[str, Any] | None
) -> Iterator[Requirement]:
    td = found or {}
    name = tier.name
    c = container(td, name)
    missing = None if td else "no such family"
    compat = td.get("requiresCompatibilities") or []
    yield requirement(
        f"{name} compatibility",
        "FARGATE, awsvpc",
        f"{', '.join(compat) or 'none'}, {td.get('networkMode')}" if td else missing,
        ok="FARGATE" in compat and td.get("networkMode") == "awsvpc",
        hint=f"register {tier.family!r} with requiresCompatibilities=['FARGATE'], awsvpc",
    )
    yield requirement(
        f"{name} task size",
        f"cpu {tier.cpu}, memory {tier.memory}",
        f"cpu {td.get('cpu')}, memory {td.get('memory')}" if td else missing,
        ok=str(td.get("cpu")) == str(tier.cpu) and str(td.get("memory")) == str(tier.memory),
        hint=f"cpu={str(tier.cpu)!r}, memory={str(tier.memory)!r} at the task level",
    )
    image = str(c.get("image") or "")
    yield requirement(
        f"{name} image",
        f"{REGISTRY}/{tier.repository}:<a pushed tag>",
        image or (missing or f"no container {name!r}"),
        ok=bool(image) and _image_ok(aws, tier, image),
        hint=(
            f"the container {name!r} runs the image you pushed: {REGISTRY}/{tier.repository}:"
            f"{RELEASE}"
        ),
    )
    ports = [p.get("containerPort") for p in c.get("portMappings") or []]
    yield requirement(
        f"{name} container port",
        tier.port,
        ports or missing,
        ok=tier.port in ports,
        hint=f"portMappings=[{{'containerPort': {tier.port}, 'protocol': 'tcp'}}] in {name!r}",
    )
    yield requirement(
        f"{name} execution role",
        EXECUTION_ROLE,
        role_name(td.get("executionRoleArn")) or missing,
        ok=role_name(td.get("executionRoleArn")) == EXECUTION_ROLE,
        hint="executionRoleArn: the agent pulls the image, writes logs and reads the secrets",
    )
    yield requirement(
        f"{name} task role",
        tier.task_role,
        role_name(td.get("taskRoleArn")) or missing,
        ok=role_name(td.get("taskRoleArn")) == tier.task_role,
        hint="taskRoleArn: your code's own permissions, one role per service",
    )
    arn = secret_arn(aws, tier)
    secrets = {s.get("name"): str(s.get("valueFrom")) for s in c.get("secrets") or []}
    where = "the parameter's ARN or name" if tier.in_ssm else "the secret's ARN"
    yield requirement(
        f"{name} secret",
        f"{tier.secret_env} from {tier.secret_name}",
        [f"{k} from {v}" for k, v in secrets.items()] or missing,
        ok=_names_secret(secrets.get(tier.secret_env, ""), tier, arn),
        hint=(
            f"secrets=[{{'name': {tier.secret_env!r}, 'valueFrom': <{where}>}}] in the container "
            "(environment would put the value in the task definition in clear text)"
            if tier.secret_env not in secrets
            else f"valueFrom must be {where} (describe it to get it)"
        ),
    )
    log = c.get("logConfiguration") or {}
    options = log.get("options") or {}
    groups = aws.logs.describe_log_groups(logGroupNamePrefix=tier.log_group)["logGroups"]
    exists = any(g["logGroupName"] == tier.log_group for g in groups)
    ok = (
        log.get("logDriver") == "awslogs"
        and options.get("awslogs-group") == tier.log_group
        and options.get("awslogs-region") == REGION
        and bool(options.get("awslogs-stream-prefix"))
    )
    yield requirement(
        f"{name} logs",
        f"awslogs to {tier.log_group} ({REGION}, a stream prefix), the group created",
        f"{log.get('logDriver')} to {options.get('awslogs-group')}"
        + ("" if exists else f" ({tier.log_group} not created)")
        if log
        else missing,
        ok=ok and exists,
        hint=(
            f"logs.create_log_group(logGroupName={tier.log_group!r}): the managed policy "
            "cannot create it"
            if ok
            else "logConfiguration: awslogs with awslogs-group, awslogs-region and "
            "awslogs-stream-prefix"
        ),
    )
    if tier is API:
        yield from _efs_requirements(aws, td, c)
    if td:
        errors = acct.aws_errors("task-definition", td)
        yield requirement(
            f"{name}: {AWS_ACCEPTS}",
            "no error AWS would raise",
            errors or "no error AWS would raise",
            ok=not errors,
            hint="register a revision without these problems (strict mode rejects them)",
        )


def _efs_requirements(
    aws: AccountReader, td: dict[str, Any], app: dict[str, Any]
) -> Iterator[Requirement]:
    fs = acct.file_system(aws, FS_TOKEN)
    volumes = [v for v in td.get("volumes") or [] if v.get("efsVolumeConfiguration")]
    config = dict(volumes[0]["efsVolumeConfiguration"]) if volumes else {}
    auth = config.get("authorizationConfig") or {}
    points = (
        {
            a["AccessPointId"]: a
            for a in acct.pages(
                aws.efs, "describe_access_points", "AccessPoints", FileSystemId=fs["FileSystemId"]
            )
        }
        if fs
        else {}
    )
    point = points.get(str(auth.get("accessPointId")))
    ok = (
        fs is not None
        and config.get("fileSystemId") == fs["FileSystemId"]
        and config.get("transitEncryption") == "ENABLED"
        and auth.get("iam") == "ENABLED"
        and point is not None
        and (point.get("RootDirectory") or {}).get("Path") == ACCESS_POINT
    )
    shown = (
        f"{config.get('fileSystemId')}, transit {config.get('transitEncryption', 'DISABLED')}, "
        f"access point {auth.get('accessPointId')}, iam {auth.get('iam', 'DISABLED')}"
        if config
        else None
    )
    yield requirement(
        "api EFS volume",
        f"{FS_TOKEN} through {ACCESS_POINT}, over TLS, with IAM",
        shown,
        ok=ok,
        hint=(
            "volumes=[{'name': 'covers', 'efsVolumeConfiguration': {'fileSystemId': ..., "
            "'transitEncryption': 'ENABLED', 'authorizationConfig': {'accessPointId': ..., "
            "'iam': 'ENABLED'}}}]"
        ),
    )
    names = {v.get("name") for v in volumes}
    mounts = [
        f"{m.get('sourceVolume')} at {m.get('containerPath')}" for m in app.get("mountPoints") or []
    ]
    yield requirement(
        "api mount point",
        f"the EFS volume at {COVERS_PATH}",
        mounts or None,
        ok=any(
            m.get("sourceVolume") in names and m.get("containerPath") == COVERS_PATH
            for m in app.get("mountPoints") or []
        ),
        hint=f"mountPoints=[{{'sourceVolume': 'covers', 'containerPath': {COVERS_PATH!r}}}]",
    )


_TD_POINTS = {
    "compatibility": 0.25,
    "task size": 0.25,
    "image": 0.25,
    "container port": 0.25,
    "execution role": 0.25,
    "task role": 0.25,
    "secret": 0.5,
    "logs": 0.25,
}


@check(
    "task-definitions",
    title="Task definitions: Fargate, the pushed images, both roles, a secret each, EFS for api",
    points={
        **each(_TD_POINTS, (WEB,)),
        f"web: {AWS_ACCEPTS}": 0.5,
        **each(_TD_POINTS, (API,)),
        "api EFS volume": 0.5,
        "api mount point": 0.25,
        f"api: {AWS_ACCEPTS}": 0.25,
    },
    gates=(f"web: {AWS_ACCEPTS}", f"api: {AWS_ACCEPTS}"),
    hint=(
        "Two families for Fargate: bookshelf-web (256/512, container web on 80, SESSION_KEY "
        "from the SSM parameter) and bookshelf-api (512/1024, container api on 8080, "
        "DB_PASSWORD from the secret, the covers volume at /data/covers); both with the "
        "account's ECR image, executionRoleArn, their own taskRoleArn and awslogs."
    ),
    tags=("task-definition", "secrets", "efs", "logging"),
    owns=Owns(
        task_families=(WEB.family, API.family),
        log_groups=(WEB.log_group, API.log_group),
    ),
)
def task_definitions(aws: AccountReader) -> Iterator[Requirement | Judged]:
    found = {t.name: lookup.task_definition(aws, t.family) for t in TIERS}
    names = [f"{td['family']}:{td['revision']}" for td in found.values() if td]
    if names:
        yield judged(", ".join(names))
    for tier in TIERS:
        yield from _td_requirements(aws, tier, found[tier.name])
