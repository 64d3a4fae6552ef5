"""Volumes, mount points and EFS volume configuration."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_mapping, dicts, join, nonempty_str
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.task_definition._common import containers, td_rule

__all__ = ["RULES"]

_SWITCH = ("ENABLED", "DISABLED")


def _efs_volumes(td: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for v, volume in dicts(td.get("volumes")):
        efs = as_mapping(volume.get("efsVolumeConfiguration"))
        if efs is not None:
            yield join("volumes", v, "efsVolumeConfiguration"), efs


@td_rule("TD025", summary="mountPoints must name a volume declared in volumes")
def mount_points_declared(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    declared = [vol.get("name") for _, vol in dicts(td.get("volumes"))]
    for i, c in containers(td):
        for k, mp in dicts(c.get("mountPoints")):
            if "sourceVolume" in mp and mp["sourceVolume"] not in declared:
                yield Violation(
                    join("containerDefinitions", i, "mountPoints", k, "sourceVolume"),
                    f"Container {i} mounts volume {mp['sourceVolume']!r}, which the task "
                    "definition does not declare. Add it under 'volumes' or fix the name.",
                )


@td_rule(
    "TD026",
    summary="EFS volumes need transitEncryption ENABLED with IAM authorization or an access point",
    source=sources.ECS_DEV_GUIDE,
)
def efs_transit_encryption(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for base, efs in _efs_volumes(td):
        auth = as_mapping(efs.get("authorizationConfig")) or {}
        reasons = []
        if auth.get("iam") == "ENABLED":
            reasons.append("IAM authorization")
        if nonempty_str(auth.get("accessPointId")):
            reasons.append("an access point")
        if reasons and efs.get("transitEncryption") != "ENABLED":
            path = join(base, "transitEncryption") if "transitEncryption" in efs else base
            yield Violation(
                path,
                f"This EFS volume uses {' and '.join(reasons)}, which only work "
                'over TLS. Set "transitEncryption": "ENABLED".',
            )


@td_rule(
    "TD027",
    summary="with an EFS access point, rootDirectory must be omitted or '/'",
    source=sources.ECS_DEV_GUIDE,
)
def efs_root_directory(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for base, efs in _efs_volumes(td):
        auth = as_mapping(efs.get("authorizationConfig")) or {}
        root = efs.get("rootDirectory")
        if nonempty_str(auth.get("accessPointId")) and root not in (None, "", "/"):
            yield Violation(
                join(base, "rootDirectory"),
                f"rootDirectory {root!r} cannot be used with an access point: the access "
                "point sets the directory. Remove rootDirectory (or set it to '/').",
            )


@td_rule(
    "TD028",
    summary="EFS transitEncryption and authorizationConfig.iam are ENABLED or DISABLED; "
    "transitEncryptionPort is a port number",
)
def efs_enums(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for base, efs in _efs_volumes(td):
        if "transitEncryption" in efs and efs["transitEncryption"] not in _SWITCH:
            yield Violation(
                join(base, "transitEncryption"),
                f"transitEncryption must be ENABLED or DISABLED, not {efs['transitEncryption']!r}.",
            )
        auth = as_mapping(efs.get("authorizationConfig"))
        if auth is not None and "iam" in auth and auth["iam"] not in _SWITCH:
            yield Violation(
                join(base, "authorizationConfig", "iam"),
                f"authorizationConfig.iam must be ENABLED or DISABLED, not {auth['iam']!r}.",
            )
        port = efs.get("transitEncryptionPort")
        if "transitEncryptionPort" in efs and (
            isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535
        ):
            yield Violation(
                join(base, "transitEncryptionPort"),
                f"transitEncryptionPort {port!r} is not a port number (1-65535).",
            )


RULES = (mount_points_declared, efs_transit_encryption, efs_root_directory, efs_enums)
