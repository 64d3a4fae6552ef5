"""Amazon EFS: file systems (by creation token), with their access points and mount targets,
and single access points (by root directory)."""

from __future__ import annotations

from typing import Any

from ecs_learn.checks.owns import AccessPoint
from ecs_learn.exercise_reset._common import Client, plural

__all__ = ["remove_access_point", "remove_file_system"]


def _file_systems(efs: Any, token: str) -> list[dict[str, Any]]:
    return list(efs.describe_file_systems(CreationToken=token)["FileSystems"])


def remove_file_system(client: Client, token: str) -> str | None:
    efs = client("efs")
    found = _file_systems(efs, token)
    if not found:
        return None
    ids, points, targets = [], 0, 0
    for fs in found:
        fs_id = fs["FileSystemId"]
        for point in efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"]:
            efs.delete_access_point(AccessPointId=point["AccessPointId"])
            points += 1
        for target in efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]:
            efs.delete_mount_target(MountTargetId=target["MountTargetId"])
            targets += 1
        efs.delete_file_system(FileSystemId=fs_id)
        ids.append(fs_id)
    parts = [plural(n, w) for n, w in ((targets, "mount target"), (points, "access point")) if n]
    told = f", and its {', '.join(parts)}" if parts else ""
    return f"EFS file system {token} ({', '.join(ids)}{told})"


def remove_access_point(client: Client, ref: AccessPoint) -> str | None:
    efs = client("efs")
    removed = 0
    for fs in _file_systems(efs, ref.file_system):
        for point in efs.describe_access_points(FileSystemId=fs["FileSystemId"])["AccessPoints"]:
            if (point.get("RootDirectory") or {}).get("Path") == ref.path:
                efs.delete_access_point(AccessPointId=point["AccessPointId"])
                removed += 1
    if not removed:
        return None
    what = "access point" if removed == 1 else f"{removed} access points"
    return f"{what} {ref.path} of EFS file system {ref.file_system}"
