"""Task-definition shape: family, containers, names, images, essential, enums."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import NAME_255, as_int, as_list, as_mapping, dicts, join, nonempty_str
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.task_definition._common import containers, td_rule

__all__ = ["RULES"]

_COMPATIBILITIES = ("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES")


@td_rule("TD001", summary="family is required: 1-255 letters, digits, hyphens or underscores")
def family_name(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if "family" not in td:
        yield Violation("", "The task definition has no 'family'. Add a name such as 'web-app'.")
    elif not isinstance(td["family"], str) or not NAME_255.fullmatch(td["family"]):
        yield Violation(
            "family",
            f"Family {td['family']!r} is not a valid name. Use 1 to 255 letters, digits, "
            "hyphens (-) or underscores (_); no spaces or other punctuation.",
        )


@td_rule("TD002", summary="containerDefinitions must be a non-empty list", moto_enforces=False)
def container_list(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if "containerDefinitions" not in td:
        yield Violation(
            "",
            "The task definition has no 'containerDefinitions'. "
            "Add a list with at least one container.",
        )
        return
    items = as_list(td["containerDefinitions"])
    if not items:
        yield Violation(
            "containerDefinitions",
            "The container list is empty. A task definition needs at least one container.",
        )


@td_rule("TD003", summary="every container needs a name of 1-255 letters, digits, - or _")
def container_name(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, c in containers(td):
        if "name" not in c:
            yield Violation(
                join("containerDefinitions", i),
                f"Container {i} has no 'name'. Give every container a name.",
            )
        elif not isinstance(c["name"], str) or not NAME_255.fullmatch(c["name"]):
            yield Violation(
                join("containerDefinitions", i, "name"),
                f"Container name {c['name']!r} is not valid. Use 1 to 255 letters, "
                "digits, hyphens or underscores.",
            )


@td_rule("TD004", summary="container names must be unique within the task definition")
def duplicate_container_names(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    seen: dict[str, int] = {}
    for i, c in containers(td):
        name = c.get("name")
        if not isinstance(name, str):
            continue
        if name in seen:
            yield Violation(
                join("containerDefinitions", i, "name"),
                f"Container {i} reuses the name {name!r} of container {seen[name]}. "
                "Each container in a task needs its own name.",
            )
        else:
            seen[name] = i


@td_rule("TD005", summary="every container needs a non-empty image")
def container_image(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, c in containers(td):
        if "image" not in c:
            yield Violation(
                join("containerDefinitions", i),
                f"Container {i} has no 'image'. Say which image to run, e.g. "
                "'public.ecr.aws/nginx/nginx:latest'.",
            )
        elif not nonempty_str(c["image"]):
            yield Violation(
                join("containerDefinitions", i, "image"),
                f"Container {i} has an empty image. Set 'image' to a repository "
                "URI with a tag or digest.",
            )
        elif len(c["image"]) > 255:
            yield Violation(
                join("containerDefinitions", i, "image"),
                f"Container {i}'s image reference is longer than 255 characters.",
            )


@td_rule("TD006", summary="at most 10 containers per task definition", source=sources.ECS_QUOTAS)
def container_count(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    items = as_list(td.get("containerDefinitions"))
    if items is not None and len(items) > 10:
        yield Violation(
            "containerDefinitions",
            f"This task definition has {len(items)} containers; ECS allows at most 10. "
            "Split the work across several task definitions or services.",
        )


@td_rule("TD007", summary="at least one container must be essential (essential defaults to true)")
def essential_container(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    listed = list(containers(td))
    if listed and all(c.get("essential", True) is False for _, c in listed):
        yield Violation(
            "containerDefinitions",
            "Every container has essential=false. ECS needs at least one essential "
            "container; remove 'essential': false from the main one.",
        )


@td_rule(
    "TD030",
    summary="requiresCompatibilities may only hold EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES",
)
def compatibilities(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    items = as_list(td.get("requiresCompatibilities"))
    if items is None:
        if "requiresCompatibilities" in td:
            yield Violation(
                "requiresCompatibilities",
                "'requiresCompatibilities' must be a list such as [\"FARGATE\"].",
            )
        return
    for i, value in enumerate(items):
        if value not in _COMPATIBILITIES:
            yield Violation(
                join("requiresCompatibilities", i),
                f"{value!r} is not a launch type ECS knows. Use one of "
                f"{', '.join(_COMPATIBILITIES)}.",
            )


@td_rule("TD031", summary="ephemeralStorage.sizeInGiB must be 21-200")
def ephemeral_storage(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    storage = as_mapping(td.get("ephemeralStorage"))
    if storage is None or "sizeInGiB" not in storage:
        return
    size = as_int(storage["sizeInGiB"])
    if size is None or not 21 <= size <= 200:
        yield Violation(
            "ephemeralStorage.sizeInGiB",
            f"Ephemeral storage of {storage['sizeInGiB']!r} GiB is out of range. Fargate "
            "gives 20 GiB by default; to ask for more, set 21 to 200.",
        )


@td_rule(
    "TD034",
    summary="dependsOn must name another container; SUCCESS/COMPLETE not on an "
    "essential container; HEALTHY needs a healthCheck",
)
def depends_on(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    by_name = {c["name"]: c for _, c in containers(td) if isinstance(c.get("name"), str)}
    for i, c in containers(td):
        for k, dep in dicts(c.get("dependsOn")):
            base = join("containerDefinitions", i, "dependsOn", k)
            target_name = dep.get("containerName")
            target = by_name.get(target_name) if isinstance(target_name, str) else None
            if target is None or target is c:
                if "containerName" in dep:
                    yield Violation(
                        join(base, "containerName"),
                        f"Container {i} depends on {target_name!r}, which is not "
                        "another container of this task definition.",
                    )
                continue
            condition = dep.get("condition")
            if condition in ("COMPLETE", "SUCCESS") and target.get("essential", True) is not False:
                yield Violation(
                    join(base, "condition"),
                    f"Container {i} waits for {target_name!r} to {condition}, but that "
                    "container is essential (its exit would stop the task). Mark it "
                    "'essential': false or use the START condition.",
                )
            if condition == "HEALTHY" and not as_mapping(target.get("healthCheck")):
                yield Violation(
                    join(base, "condition"),
                    f"Container {i} waits for {target_name!r} to be HEALTHY, but that "
                    "container has no healthCheck. Add one or use START.",
                )


RULES = (
    family_name,
    container_list,
    container_name,
    duplicate_container_names,
    container_image,
    container_count,
    essential_container,
    compatibilities,
    ephemeral_storage,
    depends_on,
)
