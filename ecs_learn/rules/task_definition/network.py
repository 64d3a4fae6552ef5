"""Network mode and port mappings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_int, as_list, dicts, join
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.task_definition._common import (
    containers,
    effective_network_mode,
    is_fargate,
    td_rule,
)

__all__ = ["RULES"]

_MODES = ("bridge", "host", "awsvpc", "none")


@td_rule("TD008", summary="Fargate only supports the awsvpc network mode")
def fargate_awsvpc(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td):
        return
    mode = td.get("networkMode")
    if mode is None:
        yield Violation(
            "",
            'Fargate tasks must set "networkMode": "awsvpc" (each task gets its '
            "own network interface). Add it.",
        )
    elif mode != "awsvpc":
        yield Violation("networkMode", f"Fargate only supports networkMode 'awsvpc', not {mode!r}.")


@td_rule("TD012", summary="networkMode must be bridge, host, awsvpc or none")
def network_mode_value(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    mode = td.get("networkMode")
    if "networkMode" in td and mode not in _MODES:
        yield Violation(
            "networkMode", f"{mode!r} is not a network mode. Use one of {', '.join(_MODES)}."
        )


@td_rule(
    "TD013",
    summary="in awsvpc and host mode (and on Fargate, which is always awsvpc), hostPort "
    "must be omitted or equal containerPort",
)
def host_port_matches(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    mode = effective_network_mode(td)
    if mode not in ("awsvpc", "host"):
        return
    for i, c in containers(td):
        for k, pm in dicts(c.get("portMappings")):
            if "hostPort" not in pm or "containerPort" not in pm:
                continue
            if pm["hostPort"] != pm["containerPort"]:
                on = (
                    "On Fargate (always awsvpc)"
                    if mode != td.get("networkMode")
                    else (f"With networkMode {mode!r}")
                )
                yield Violation(
                    join("containerDefinitions", i, "portMappings", k, "hostPort"),
                    f"{on}, hostPort ({pm['hostPort']!r}) must equal "
                    f"containerPort ({pm['containerPort']!r}). Leave hostPort out or make them "
                    "equal.",
                )


@td_rule("TD029", summary="links only work with the bridge network mode")
def links_need_bridge(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    mode = td.get("networkMode")
    if mode not in ("awsvpc", "host", "none"):
        return
    for i, c in containers(td):
        if as_list(c.get("links")):
            yield Violation(
                join("containerDefinitions", i, "links"),
                f"Links are not supported with networkMode {mode!r}. Containers of an "
                "awsvpc or host task reach each other on localhost; remove 'links'.",
            )


@td_rule("TD032", summary="networkMode none allows no port mappings")
def none_mode_ports(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if td.get("networkMode") != "none":
        return
    for i, c in containers(td):
        if as_list(c.get("portMappings")):
            yield Violation(
                join("containerDefinitions", i, "portMappings"),
                f"Container {i} maps ports, but networkMode 'none' gives the task no "
                "network. Remove the port mappings or choose another mode.",
            )


@td_rule("TD033", summary="port numbers must be 0-65535 (containerPort 1-65535)")
def port_ranges(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, c in containers(td):
        for k, pm in dicts(c.get("portMappings")):
            for key, low in (("containerPort", 1), ("hostPort", 0)):
                if key not in pm:
                    continue
                port = as_int(pm[key])
                if port is None or not low <= port <= 65535:
                    yield Violation(
                        join("containerDefinitions", i, "portMappings", k, key),
                        f"{key} {pm[key]!r} is not a port number ({low}-65535).",
                    )


@td_rule(
    "TD040",
    summary="hostname (and extraHosts) are not supported in the awsvpc network mode",
    source=sources.ECS_API_CONTAINER,
)
def awsvpc_hostname(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if effective_network_mode(td) != "awsvpc":
        return
    for i, c in containers(td):
        if "hostname" in c:
            yield Violation(
                join("containerDefinitions", i, "hostname"),
                "hostname is not supported in the awsvpc network mode (nor on Fargate): "
                "the task's network interface has its own DNS name. Remove it.",
            )
        if not is_fargate(td) and as_list(c.get("extraHosts")):  # TD023 says it for Fargate
            yield Violation(
                join("containerDefinitions", i, "extraHosts"),
                "extraHosts is not supported in the awsvpc network mode. Remove it.",
            )


RULES = (
    fargate_awsvpc,
    network_mode_value,
    host_port_matches,
    links_need_bridge,
    none_mode_ports,
    port_ranges,
    awsvpc_hostname,
)
