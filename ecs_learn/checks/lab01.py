"""Lab 01 — task definitions: the two task roles, EC2 and Fargate task definitions, a repair.

Each check reads the account through describe/list/get calls only and judges the
configuration the learner registered (never moto's simulated runtime state).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecs_learn.checks import lookup
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Judged, Owns, check, judged, requirement
from ecs_learn.checks.result import Requirement

__all__ = ["CHECKS"]

TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"
EXECUTION_ROLE = "ecsTaskExecutionRole"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TASK_ROLE = "web-app-task-role"
ASSETS_OBJECTS = "arn:aws:s3:::ecs-learn-assets/*"
NGINX = "public.ecr.aws/nginx/nginx:stable"
FLUENT_BIT = "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"
ORDERS_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api:1.4"
AWS_ACCEPTS = "AWS accepts it"


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


def _aws_rejections(td: dict[str, Any]) -> Requirement:
    """One requirement: the realism rules find nothing AWS would reject (what moto let in
    under ``strict.lenient()`` can still be registered, and is judged here)."""
    from ecs_learn.rules import check as run_rules

    errors = [f for f in run_rules("task-definition", td) if f.severity.value == "error"]
    found = [f"{f.rule_id} at {f.path or 'the task definition'}: {f.message}" for f in errors]
    return requirement(
        AWS_ACCEPTS,
        "no error AWS would raise",
        found or "no error AWS would raise",
        ok=not errors,
        hint="register a revision without these problems (strict mode rejects them)",
    )


def _revision(td: dict[str, Any]) -> Judged:
    return judged(f"{td.get('family')}:{td.get('revision')}")


def _task_size(td: dict[str, Any], cpu: int, memory: int) -> Requirement:
    """Task-level cpu and memory, however they were written ("256", ".25 vCPU", "0.5 GB")."""
    found_cpu, found_memory = _cpu(td.get("cpu")), _memory(td.get("memory"))
    return requirement(
        "task size",
        f"cpu {cpu}, memory {memory} MiB",
        f"cpu {found_cpu}, memory {found_memory} MiB",
        ok=(found_cpu, found_memory) == (cpu, memory),
        hint=f"register a new revision with cpu='{cpu}' and memory='{memory}'",
    )


def _grants_get_object(action: str) -> bool:
    """Whether an IAM action allows s3:GetObject; AWS compares actions case-insensitively."""
    return action.lower() in ("s3:getobject", "s3:get*", "s3:*", "*")


def _missing(label: str, expected: str, hint: str = "") -> Requirement:
    return requirement(label, expected, None, ok=False, hint=hint)


def _log_options(container: dict[str, Any]) -> dict[str, Any]:
    options = (container.get("logConfiguration") or {}).get("options") or {}
    return dict(options)


@check(
    "execution-role",
    title="A task execution role for the ECS agent",
    points={f"role {EXECUTION_ROLE}": 0.5, "trusted by": 0.5, "managed policy attached": 1},
    hint=(
        f"Create the role {EXECUTION_ROLE!r} with a trust policy whose Principal is "
        f"{{'Service': '{TASKS_PRINCIPAL}'}}, then attach_role_policy with the managed policy "
        "ARN — note the service-role/ in its path."
    ),
    owns=Owns(iam_roles=(EXECUTION_ROLE,)),
    tags=("execution-role",),
)
def execution_role(aws: AccountReader) -> Iterator[Requirement | Judged]:
    found = lookup.role(aws, EXECUTION_ROLE)
    if found is None:
        yield _missing(f"role {EXECUTION_ROLE}", "exists", "iam.create_role(RoleName=...) first")
        return
    yield judged(f"role {EXECUTION_ROLE}")
    yield requirement(f"role {EXECUTION_ROLE}", "exists", "exists")
    trusted = lookup.trusted_services(found)
    yield requirement(
        "trusted by",
        TASKS_PRINCIPAL,
        trusted,
        ok=TASKS_PRINCIPAL in trusted,
        hint=(
            f"{', '.join(trusted) or 'nobody'} may assume it; the trust policy's Principal "
            f"must be {TASKS_PRINCIPAL} (update_assume_role_policy, or reset and redo)"
        ),
    )
    attached = lookup.attached_policy_arns(aws, EXECUTION_ROLE)
    near = [a for a in attached if a.endswith("/AmazonECSTaskExecutionRolePolicy")]
    yield requirement(
        "managed policy attached",
        EXECUTION_POLICY,
        attached,
        ok=EXECUTION_POLICY in attached,
        hint=(
            "the ARN needs the service-role/ path"
            if near and EXECUTION_POLICY not in attached
            else "iam.attach_role_policy(RoleName=..., PolicyArn=...)"
        ),
    )


@check(
    "task-role",
    title="A task role for the application's own AWS calls",
    points={f"role {TASK_ROLE}": 0.5, "trusted by": 0.5, "inline policy": 1},
    hint=(
        f"The task role is assumed by {TASKS_PRINCIPAL} (not ec2.amazonaws.com). Give "
        f"{TASK_ROLE!r} an inline policy (put_role_policy) that allows s3:GetObject on "
        f"{ASSETS_OBJECTS}."
    ),
    owns=Owns(iam_roles=(TASK_ROLE,)),
    tags=("task-role", "trust-policy"),
)
def task_role(aws: AccountReader) -> Iterator[Requirement | Judged]:
    found = lookup.role(aws, TASK_ROLE)
    if found is None:
        yield _missing(f"role {TASK_ROLE}", "exists", "iam.create_role(RoleName=...) first")
        return
    yield judged(f"role {TASK_ROLE}")
    yield requirement(f"role {TASK_ROLE}", "exists", "exists")
    trusted = lookup.trusted_services(found)
    yield requirement(
        "trusted by",
        TASKS_PRINCIPAL,
        trusted,
        ok=TASKS_PRINCIPAL in trusted,
        hint=(
            f"{', '.join(trusted) or 'nobody'} may assume it; tasks assume their role through "
            f"{TASKS_PRINCIPAL} on every launch type"
        ),
    )
    allowed = lookup.allowed_actions(lookup.inline_policy_documents(aws, TASK_ROLE))
    grants = any(
        _grants_get_object(action) and resource == ASSETS_OBJECTS for action, resource in allowed
    )
    shown = [f"{a} on {r}" for a, r in allowed] or None
    wrong_resource = any(a == "s3:GetObject" for a, _ in allowed)
    yield requirement(
        "inline policy",
        f"allows s3:GetObject on {ASSETS_OBJECTS}",
        shown,
        ok=grants,
        hint=(
            f"the Resource must be the objects, {ASSETS_OBJECTS} (note the /*)"
            if wrong_resource
            else "iam.put_role_policy(RoleName=..., PolicyName=..., PolicyDocument=...)"
        ),
    )


@check(
    "ec2-task",
    gates=(AWS_ACCEPTS,),
    title="An EC2 task definition with bridge networking and a dynamic host port",
    points={
        "requiresCompatibilities": 0.25,
        "networkMode": 0.25,
        "image": 0.25,
        "container memory": 0.25,
        "container port": 0.25,
        "host port": 0.5,
        AWS_ACCEPTS: 0.25,
    },
    hint=(
        "requiresCompatibilities=['EC2'], networkMode='bridge', one container 'web' with a "
        "memory limit, and a port mapping containerPort=80 with hostPort 0 (or no hostPort) "
        "so that ECS picks a free host port."
    ),
    owns=Owns(task_families=("web-ec2",)),
    tags=("bridge", "dynamic-ports", "memory"),
)
def ec2_task(aws: AccountReader) -> Iterator[Requirement | Judged]:
    td = lookup.task_definition(aws, "web-ec2")
    if td is None:
        yield _missing("task definition family web-ec2", "registered")
        return
    yield _revision(td)
    yield requirement("requiresCompatibilities", ["EC2"], td.get("requiresCompatibilities"))
    yield requirement(
        "networkMode", "bridge", td.get("networkMode"), hint="networkMode='bridge' on EC2 here"
    )
    web = _container(td, "web") or {}
    yield requirement("image", NGINX, web.get("image"))
    limit = web.get("memory")
    yield requirement(
        "container memory",
        256,
        limit if limit is not None else web.get("memoryReservation"),
        ok=limit == 256,
        hint="the container 'web' needs 'memory': 256 (a hard limit, MiB)",
    )
    ports = [(p.get("containerPort"), p.get("hostPort", 0)) for p in web.get("portMappings", [])]
    yield requirement(
        "container port", 80, [c for c, _ in ports] or None, ok=any(c == 80 for c, _ in ports)
    )
    host = [h for c, h in ports if c == 80]
    yield requirement(
        "host port",
        "dynamic (0 or left out)",
        [h or "dynamic" for h in host] or None,
        ok=any((h or 0) == 0 for h in host),
        hint=(
            f"hostPort {host[0]} pins one task per instance; use 0 or leave it out"
            if host
            else "map containerPort 80"
        ),
    )
    yield _aws_rejections(td)


@check(
    "fargate-task",
    gates=(AWS_ACCEPTS,),
    title="A Fargate task definition with awsvpc, a valid size, logs and both roles",
    points={
        "requiresCompatibilities": 0.25,
        "networkMode": 0.25,
        "task size": 0.25,
        "executionRoleArn": 0.25,
        "taskRoleArn": 0.25,
        "image": 0.25,
        "container port": 0.25,
        "log driver": 0.25,
        "awslogs-group": 0.25,
        "awslogs-region": 0.25,
        "awslogs-stream-prefix": 0.25,
        AWS_ACCEPTS: 0.25,
    },
    hint=(
        "Fargate needs networkMode='awsvpc' and task-level cpu/memory from the size table "
        "(256 CPU units with 512 MiB is the smallest). awslogs on Fargate needs "
        "executionRoleArn; your code's permissions come from taskRoleArn."
    ),
    owns=Owns(task_families=("web-fargate",), log_groups=("/ecs/web-fargate",)),
    tags=("sizing", "awsvpc", "logging"),
)
def fargate_task(aws: AccountReader) -> Iterator[Requirement | Judged]:
    td = lookup.task_definition(aws, "web-fargate")
    if td is None:
        yield _missing("task definition family web-fargate", "registered")
        return
    yield _revision(td)
    compat = td.get("requiresCompatibilities") or []
    yield requirement("requiresCompatibilities", "includes FARGATE", compat, ok="FARGATE" in compat)
    yield requirement(
        "networkMode", "awsvpc", td.get("networkMode"), hint="Fargate supports only awsvpc"
    )
    yield _task_size(td, 256, 512)
    yield requirement(
        "executionRoleArn",
        EXECUTION_ROLE,
        _role_arn_name(td.get("executionRoleArn")),
        hint="executionRoleArn = the ARN of the role from exercise 1",
    )
    yield requirement(
        "taskRoleArn",
        TASK_ROLE,
        _role_arn_name(td.get("taskRoleArn")),
        hint="taskRoleArn = the ARN of the role from exercise 2",
    )
    web = _container(td, "web") or {}
    yield requirement("image", NGINX, web.get("image"), hint=f"the container 'web' runs {NGINX}")
    ports = [p.get("containerPort") for p in web.get("portMappings", [])]
    yield requirement("container port", 80, ports or None, ok=80 in ports)
    driver = (web.get("logConfiguration") or {}).get("logDriver")
    yield requirement("log driver", "awslogs", driver)
    options = _log_options(web)
    for option, wanted in (
        ("awslogs-group", "/ecs/web-fargate"),
        ("awslogs-region", "us-east-1"),
        ("awslogs-stream-prefix", "web"),
    ):
        yield requirement(
            option,
            wanted,
            options.get(option),
            hint=f"logConfiguration.options['{option}'] = '{wanted}', as the brief says",
        )
    yield _aws_rejections(td)


@check(
    "sidecar-task",
    gates=(AWS_ACCEPTS,),
    title="Two containers in one task: an essential app and a non-essential sidecar",
    points={
        "containers": 0.2,
        "requiresCompatibilities": 0.2,
        "networkMode": 0.2,
        "task size": 0.2,
        "images": 0.2,
        "web essential": 0.2,
        "web port": 0.2,
        "log-shipper essential": 0.2,
        "log-shipper memoryReservation": 0.2,
        AWS_ACCEPTS: 0.2,
    },
    hint=(
        "Register 'web-with-sidecar' for Fargate (512 CPU units, 1024 MiB) with containers "
        "'web' (essential) and 'log-shipper' (essential=False): if the sidecar stops, the "
        "task keeps running; if 'web' stops, the task stops."
    ),
    owns=Owns(task_families=("web-with-sidecar",)),
    tags=("container-definition",),
)
def sidecar_task(aws: AccountReader) -> Iterator[Requirement | Judged]:
    td = lookup.task_definition(aws, "web-with-sidecar")
    if td is None:
        yield _missing("task definition family web-with-sidecar", "registered")
        return
    yield _revision(td)
    names = sorted(c.get("name", "") for c in td.get("containerDefinitions", []))
    yield requirement("containers", ["log-shipper", "web"], names)
    compat = td.get("requiresCompatibilities") or []
    yield requirement("requiresCompatibilities", "includes FARGATE", compat, ok="FARGATE" in compat)
    yield requirement("networkMode", "awsvpc", td.get("networkMode"))
    yield _task_size(td, 512, 1024)
    web = _container(td, "web") or {}
    shipper = _container(td, "log-shipper") or {}
    yield requirement(
        "images",
        [f"web: {NGINX}", f"log-shipper: {FLUENT_BIT}"],
        [f"web: {web.get('image')}", f"log-shipper: {shipper.get('image')}"],
    )
    yield requirement("web essential", True, web.get("essential", True) if web else None)
    ports = [p.get("containerPort") for p in web.get("portMappings", [])]
    yield requirement("web port", 80, ports or None, ok=80 in ports)
    yield requirement(
        "log-shipper essential",
        False,
        shipper.get("essential", True) if shipper else None,
        hint="'essential': False, or the sidecar's exit stops the whole task",
    )
    yield requirement(
        "log-shipper memoryReservation", 64, shipper.get("memoryReservation") if shipper else None
    )
    yield _aws_rejections(td)


@check(
    "repair-task",
    gates=(AWS_ACCEPTS,),
    title="Repair a task definition that AWS would reject",
    points={
        "requiresCompatibilities": 0.3,
        "networkMode": 0.3,
        "task size": 0.3,
        "host port": 0.3,
        "executionRoleArn": 0.3,
        "container api": 0.3,
        "image": 0.3,
        "container port": 0.3,
        "log configuration": 0.3,
        AWS_ACCEPTS: 0.3,
    },
    hint=(
        "Register a fixed 'orders-api': Fargate only supports awsvpc; 256 CPU units cannot "
        "have 4096 MiB (pick a valid pair); in awsvpc the hostPort must equal the "
        "containerPort (or be left out); a private ECR image and awslogs need an "
        "executionRoleArn. Keep the container 'api', its image and port 8080."
    ),
    owns=Owns(task_families=("orders-api", "orders-api-moto-demo")),
    tags=("sizing", "awsvpc", "execution-role"),
)
def repair_task(aws: AccountReader) -> Iterator[Requirement | Judged]:
    from ecs_learn.rules.fargate import fargate_memory_options

    td = lookup.task_definition(aws, "orders-api")
    if td is None:
        yield _missing("task definition family orders-api", "registered")
        return
    yield _revision(td)
    compat = td.get("requiresCompatibilities") or []
    yield requirement("requiresCompatibilities", "FARGATE (kept)", compat, ok="FARGATE" in compat)
    yield requirement("networkMode", "awsvpc", td.get("networkMode"))
    cpu, memory = _cpu(td.get("cpu")), _memory(td.get("memory"))
    valid = cpu is not None and memory in fargate_memory_options(cpu)
    yield requirement(
        "task size",
        "a Fargate cpu/memory pair (256 takes 512, 1024 or 2048)",
        f"cpu {cpu}, memory {memory} MiB",
        ok=valid,
        hint="keep cpu 256 and pick 512, 1024 or 2048 MiB, or raise the cpu",
    )
    api = _container(td, "api")
    yield requirement("container api", "kept", "kept" if api else None)
    api = api or {}
    mappings = api.get("portMappings", [])
    mismatched = [
        f"{p.get('containerPort')}->{p.get('hostPort')}"
        for p in mappings
        if p.get("hostPort") not in (None, p.get("containerPort"))
    ]
    yield requirement(
        "host port",
        "left out or equal to the container port",
        mismatched or "as expected",
        ok=not mismatched,
        hint="in awsvpc there is no host port mapping: drop hostPort or set it to 8080",
    )
    yield requirement(
        "executionRoleArn",
        EXECUTION_ROLE,
        _role_arn_name(td.get("executionRoleArn")),
        hint="a private ECR image and awslogs on Fargate need the execution role of exercise 1",
    )
    yield requirement(
        "image", f"{ORDERS_IMAGE} (kept)", api.get("image"), ok=api.get("image") == ORDERS_IMAGE
    )
    ports = [p.get("containerPort") for p in mappings]
    yield requirement("container port", 8080, ports or None, ok=8080 in ports)
    driver = (api.get("logConfiguration") or {}).get("logDriver")
    options = _log_options(api)
    kept = driver == "awslogs" and options.get("awslogs-group") == "/ecs/orders-api"
    yield requirement(
        "log configuration",
        "awslogs to /ecs/orders-api (kept)",
        f"{driver} to {options.get('awslogs-group')}" if driver else None,
        ok=kept,
    )
    yield _aws_rejections(td)


CHECKS = (execution_role, task_role, ec2_task, fargate_task, sidecar_task, repair_task)
