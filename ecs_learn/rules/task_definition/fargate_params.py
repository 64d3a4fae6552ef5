"""Parameters Fargate does not support."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_list, as_mapping, dicts, join
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.task_definition._common import containers, is_fargate, td_rule

__all__ = ["RULES"]

_LIST_PARAMS = ("links", "dockerSecurityOptions", "extraHosts", "dnsServers", "dnsSearchDomains")
_TRUE_PARAMS = ("privileged", "disableNetworking")


@td_rule(
    "TD023",
    summary="container parameters Fargate does not support (links, privileged, "
    "extraHosts, dns*, dockerSecurityOptions, disableNetworking, GPUs, maxSwap, swappiness, "
    "devices)",
    source=sources.ECS_DEV_GUIDE,
)
def fargate_container_params(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td):
        return
    for i, c in containers(td):
        base = join("containerDefinitions", i)
        for key in _LIST_PARAMS:
            if as_list(c.get(key)):
                yield Violation(join(base, key), f"Fargate does not support '{key}'. Remove it.")
        for key in _TRUE_PARAMS:
            if c.get(key) is True:
                yield Violation(
                    join(base, key), f"Fargate does not support '{key}': true. Remove it."
                )
        for k, req in dicts(c.get("resourceRequirements")):
            if req.get("type") == "GPU":
                yield Violation(
                    join(base, "resourceRequirements", k, "type"),
                    "Fargate tasks cannot reserve GPUs. Run GPU work on EC2 instances.",
                )
        linux = as_mapping(c.get("linuxParameters"))
        if linux:
            for key in ("maxSwap", "swappiness"):
                if key in linux:
                    yield Violation(
                        join(base, "linuxParameters", key),
                        f"Fargate does not support linuxParameters.{key}. Remove it.",
                    )
            if as_list(linux.get("devices")):
                yield Violation(
                    join(base, "linuxParameters", "devices"),
                    "Fargate does not let containers use host devices. Remove 'devices'.",
                )


@td_rule(
    "TD024",
    summary="task parameters Fargate does not support (host/docker volumes, ipcMode, "
    "pidMode other than task, placementConstraints)",
    source=sources.ECS_DEV_GUIDE,
)
def fargate_task_params(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td):
        return
    if td.get("ipcMode") is not None:
        yield Violation("ipcMode", "Fargate does not support ipcMode. Remove it.")
    if td.get("pidMode") is not None and td.get("pidMode") != "task":
        yield Violation("pidMode", "On Fargate, pidMode can only be 'task'.")
    if as_list(td.get("placementConstraints")):
        yield Violation(
            "placementConstraints",
            "Fargate tasks cannot have placement constraints; AWS places them.",
        )
    for v, volume in dicts(td.get("volumes")):
        host = as_mapping(volume.get("host"))
        if host and host.get("sourcePath"):
            yield Violation(
                join("volumes", v, "host", "sourcePath"),
                "Fargate has no host to mount a path from. Use an EFS volume or "
                "ephemeral storage (a volume with no 'host').",
            )
        if as_mapping(volume.get("dockerVolumeConfiguration")):
            yield Violation(
                join("volumes", v, "dockerVolumeConfiguration"),
                "Fargate does not support Docker volumes. Use an EFS volume or a bind "
                "mount without a host path.",
            )


@td_rule(
    "TD039",
    summary="Fargate linuxParameters: no sharedMemorySize, and capabilities.add only SYS_PTRACE",
    source=sources.ECS_API_CONTAINER,
)
def fargate_linux_parameters(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td):
        return
    for i, c in containers(td):
        linux = as_mapping(c.get("linuxParameters"))
        if linux is None:
            continue
        base = join("containerDefinitions", i, "linuxParameters")
        if "sharedMemorySize" in linux:
            yield Violation(
                join(base, "sharedMemorySize"),
                "Fargate does not support linuxParameters.sharedMemorySize. Remove it.",
            )
        caps = as_mapping(linux.get("capabilities"))
        for k, cap in enumerate(as_list(caps.get("add")) or [] if caps else []):
            if cap != "SYS_PTRACE":
                yield Violation(
                    join(base, "capabilities", "add", k),
                    f"Fargate tasks can only add the SYS_PTRACE capability, not {cap!r}. "
                    "Remove it (or run the task on EC2).",
                )


RULES = (fargate_container_params, fargate_task_params, fargate_linux_parameters)
