"""Lab 01 — task definitions: the two task roles, EC2 and Fargate task definitions, a repair.

Each check reads the account through describe/list/get calls only and judges the
configuration the learner registered (never moto's simulated runtime state).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecs_learn.checks import lookup
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import check, requirement
from ecs_learn.checks.result import Requirement

__all__ = ["CHECKS"]

TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"
EXECUTION_ROLE = "ecsTaskExecutionRole"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TASK_ROLE = "web-app-task-role"
ASSETS_OBJECTS = "arn:aws:s3:::ecs-learn-assets/*"


def _units(value: Any, parse: Any) -> int | None:
    try:
        return int(parse(value))
    except (TypeError, ValueError):
        return None


def _cpu(value: Any) -> int | None:
    from ecs_learn.rules.units import parse_cpu

    return None if value is None else _units(value, parse_cpu)


def _memory(value: Any) -> int | None:
    from ecs_learn.rules.units import parse_memory

    return None if value is None else _units(value, parse_memory)


def _role_arn_name(arn: Any) -> str | None:
    return str(arn).rsplit("/", 1)[-1] if arn else None


def _container(td: dict[str, Any], name: str) -> dict[str, Any] | None:
    for container in td.get("containerDefinitions", []):
        if container.get("name") == name:
            found: dict[str, Any] = container
            return found
    return None


def _aws_rejections(td: dict[str, Any]) -> Iterator[Requirement]:
    """One failing requirement per error the realism rules find (what AWS would reject)."""
    from ecs_learn.rules import check as run_rules

    errors = [f for f in run_rules("task-definition", td) if f.severity.value == "error"]
    if not errors:
        yield requirement("AWS would accept it", "no realism errors", "none", ok=True)
    for finding in errors:
        yield requirement(
            f"AWS rule {finding.rule_id} at {finding.path or 'the task definition'}",
            "accepted by AWS",
            finding.message,
            ok=False,
        )


def _task_size(td: dict[str, Any], cpu: int, memory: int) -> Iterator[Requirement]:
    """Task-level cpu and memory, however they were written ("256", ".25 vCPU", "0.5 GB")."""
    yield requirement("task cpu (units)", cpu, _cpu(td.get("cpu")))
    yield requirement("task memory (MiB)", memory, _memory(td.get("memory")))


def _grants_get_object(action: str) -> bool:
    """Whether an IAM action allows s3:GetObject; AWS compares actions case-insensitively."""
    return action.lower() in ("s3:getobject", "s3:get*", "s3:*", "*")


def _missing(label: str, expected: str) -> Requirement:
    return requirement(label, expected, None, ok=False)


@check(
    "execution-role",
    title="A task execution role for the ECS agent",
    points=2,
    hint=(
        f"Create the role {EXECUTION_ROLE!r} with a trust policy whose Principal is "
        f"{{'Service': '{TASKS_PRINCIPAL}'}}, then attach_role_policy with the managed policy "
        "ARN — note the service-role/ in its path."
    ),
)
def execution_role(aws: AccountReader) -> Iterator[Requirement]:
    found = lookup.role(aws, EXECUTION_ROLE)
    if found is None:
        yield _missing(f"role {EXECUTION_ROLE}", "exists")
        return
    yield requirement(f"role {EXECUTION_ROLE}", "exists", "exists")
    trusted = lookup.trusted_services(found)
    yield requirement("trusted by", TASKS_PRINCIPAL, trusted, ok=TASKS_PRINCIPAL in trusted)
    attached = lookup.attached_policy_arns(aws, EXECUTION_ROLE)
    yield requirement(
        "managed policy attached", EXECUTION_POLICY, attached, ok=EXECUTION_POLICY in attached
    )


@check(
    "task-role",
    title="A task role for the application's own AWS calls",
    points=2,
    hint=(
        f"The task role is assumed by {TASKS_PRINCIPAL} (not ec2.amazonaws.com). Give "
        f"{TASK_ROLE!r} an inline policy (put_role_policy) that allows s3:GetObject on "
        f"{ASSETS_OBJECTS}."
    ),
)
def task_role(aws: AccountReader) -> Iterator[Requirement]:
    found = lookup.role(aws, TASK_ROLE)
    if found is None:
        yield _missing(f"role {TASK_ROLE}", "exists")
        return
    yield requirement(f"role {TASK_ROLE}", "exists", "exists")
    trusted = lookup.trusted_services(found)
    yield requirement("trusted by", TASKS_PRINCIPAL, trusted, ok=TASKS_PRINCIPAL in trusted)
    allowed = lookup.allowed_actions(lookup.inline_policy_documents(aws, TASK_ROLE))
    grants = any(
        _grants_get_object(action) and resource == ASSETS_OBJECTS for action, resource in allowed
    )
    shown = [f"{a} on {r}" for a, r in allowed] or None
    yield requirement("inline policy", f"allows s3:GetObject on {ASSETS_OBJECTS}", shown, ok=grants)


@check(
    "ec2-task",
    title="An EC2 task definition with bridge networking and a dynamic host port",
    points=2,
    hint=(
        "requiresCompatibilities=['EC2'], networkMode='bridge', one container 'web' with a "
        "memory limit, and a port mapping containerPort=80 with hostPort 0 (or no hostPort) "
        "so that ECS picks a free host port."
    ),
)
def ec2_task(aws: AccountReader) -> Iterator[Requirement]:
    td = lookup.task_definition(aws, "web-ec2")
    if td is None:
        yield _missing("task definition family web-ec2", "registered")
        return
    yield requirement("requiresCompatibilities", ["EC2"], td.get("requiresCompatibilities"))
    yield requirement("networkMode", "bridge", td.get("networkMode"))
    web = _container(td, "web")
    if web is None:
        yield _missing("container 'web'", "defined")
        return
    limit = web.get("memory") or web.get("memoryReservation")
    yield requirement("container memory", "memory or memoryReservation set", limit, ok=bool(limit))
    ports = [(p.get("containerPort"), p.get("hostPort", 0)) for p in web.get("portMappings", [])]
    dynamic = any(c == 80 and (h or 0) == 0 for c, h in ports)
    shown = [f"{c}->{h or 'dynamic'}" for c, h in ports] or None
    yield requirement("port mapping", "80->dynamic", shown, ok=dynamic)
    yield from _aws_rejections(td)


@check(
    "fargate-task",
    title="A Fargate task definition with awsvpc, a valid size, logs and both roles",
    points=3,
    hint=(
        "Fargate needs networkMode='awsvpc' and task-level cpu/memory from the size table "
        "(256 CPU units with 512 MiB is the smallest). awslogs on Fargate needs "
        "executionRoleArn; your code's permissions come from taskRoleArn."
    ),
)
def fargate_task(aws: AccountReader) -> Iterator[Requirement]:
    td = lookup.task_definition(aws, "web-fargate")
    if td is None:
        yield _missing("task definition family web-fargate", "registered")
        return
    compat = td.get("requiresCompatibilities") or []
    yield requirement("requiresCompatibilities", "includes FARGATE", compat, ok="FARGATE" in compat)
    yield requirement("networkMode", "awsvpc", td.get("networkMode"))
    yield from _task_size(td, 256, 512)
    yield requirement(
        "executionRoleArn", EXECUTION_ROLE, _role_arn_name(td.get("executionRoleArn"))
    )
    yield requirement("taskRoleArn", TASK_ROLE, _role_arn_name(td.get("taskRoleArn")))
    web = _container(td, "web")
    if web is None:
        yield _missing("container 'web'", "defined")
        return
    ports = [p.get("containerPort") for p in web.get("portMappings", [])]
    yield requirement("container port", 80, ports or None, ok=80 in ports)
    driver = (web.get("logConfiguration") or {}).get("logDriver")
    yield requirement("log driver", "awslogs", driver)
    yield from _aws_rejections(td)


@check(
    "sidecar-task",
    title="Two containers in one task: an essential app and a non-essential sidecar",
    points=2,
    hint=(
        "Register 'web-with-sidecar' for Fargate (512 CPU units, 1024 MiB) with containers "
        "'web' (essential) and 'log-shipper' (essential=False): if the sidecar stops, the "
        "task keeps running; if 'web' stops, the task stops."
    ),
)
def sidecar_task(aws: AccountReader) -> Iterator[Requirement]:
    td = lookup.task_definition(aws, "web-with-sidecar")
    if td is None:
        yield _missing("task definition family web-with-sidecar", "registered")
        return
    names = sorted(c.get("name", "") for c in td.get("containerDefinitions", []))
    yield requirement("containers", ["log-shipper", "web"], names)
    web = _container(td, "web")
    shipper = _container(td, "log-shipper")
    yield requirement("web essential", True, None if web is None else web.get("essential", True))
    yield requirement(
        "log-shipper essential",
        False,
        None if shipper is None else shipper.get("essential", True),
    )
    yield from _task_size(td, 512, 1024)
    yield from _aws_rejections(td)


@check(
    "repair-task",
    title="Repair a task definition that AWS would reject",
    points=3,
    hint=(
        "Register a fixed 'orders-api': Fargate only supports awsvpc; 256 CPU units cannot "
        "have 4096 MiB (pick a valid pair); in awsvpc the hostPort must equal the "
        "containerPort (or be left out); a private ECR image and awslogs need an "
        "executionRoleArn. Keep the container 'api', its image and port 8080."
    ),
)
def repair_task(aws: AccountReader) -> Iterator[Requirement]:
    td = lookup.task_definition(aws, "orders-api")
    if td is None:
        yield _missing("task definition family orders-api", "registered")
        return
    compat = td.get("requiresCompatibilities") or []
    yield requirement("requiresCompatibilities", "includes FARGATE", compat, ok="FARGATE" in compat)
    api = _container(td, "api")
    if api is None:
        yield _missing("container 'api'", "kept")
        return
    image = str(api.get("image", ""))
    yield requirement("image", "orders-api from the account's ECR", image, ok=".dkr.ecr." in image)
    ports = [p.get("containerPort") for p in api.get("portMappings", [])]
    yield requirement("container port", 8080, ports or None, ok=8080 in ports)
    driver = (api.get("logConfiguration") or {}).get("logDriver")
    yield requirement("log driver", "awslogs (kept)", driver, ok=driver == "awslogs")
    yield from _aws_rejections(td)


CHECKS = (execution_role, task_role, ec2_task, fargate_task, sidecar_task, repair_task)
