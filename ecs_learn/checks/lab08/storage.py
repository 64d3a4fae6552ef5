"""Exercise 3 — storage: an encrypted EFS file system, a mount target per AZ, an access point."""

from __future__ import annotations

from collections.abc import Iterator

from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import (
    ACCESS_POINT,
    AWS_ACCEPTS,
    EFS_SG,
    FS_TOKEN,
    POSIX_ID,
    ZONES,
)
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Judged, Owns, check, judged, requirement
from ecs_learn.checks.result import Requirement


@check(
    "storage",
    title="Storage: an encrypted EFS file system in both AZs with an access point for covers",
    points={
        f"file system {FS_TOKEN}": 0.5,
        "encrypted at rest": 0.5,
        f"file system: {AWS_ACCEPTS}": 0.25,
        f"mount target in {ZONES[0]}": 0.5,
        f"mount target in {ZONES[1]}": 0.5,
        f"mount targets behind {EFS_SG}": 0.25,
        f"access point {ACCESS_POINT}": 0.5,
    },
    gates=(f"file system: {AWS_ACCEPTS}",),
    hint=(
        f"create_file_system(CreationToken={FS_TOKEN!r}, Encrypted=True), one "
        f"create_mount_target per AZ ({', '.join(ZONES)}) with SecurityGroups=[{EFS_SG}], and "
        f"create_access_point with PosixUser {POSIX_ID}:{POSIX_ID} and RootDirectory "
        f"{ACCESS_POINT!r} (CreationInfo {POSIX_ID}:{POSIX_ID}, '755')."
    ),
    tags=("efs", "storage"),
    owns=Owns(file_systems=(FS_TOKEN,)),  # its mount targets and access point go with it
)
def storage(aws: AccountReader) -> Iterator[Requirement | Judged]:
    fs = acct.file_system(aws, FS_TOKEN)
    if fs is not None:
        yield judged(str(fs["FileSystemId"]))
    yield requirement(
        f"file system {FS_TOKEN}",
        "created",
        fs["FileSystemId"] if fs else None,
        ok=fs is not None,
        hint=f"efs.create_file_system(CreationToken={FS_TOKEN!r}, Encrypted=True, ...)",
    )
    yield requirement(
        "encrypted at rest",
        True,
        fs.get("Encrypted") if fs else None,
        ok=bool(fs and fs.get("Encrypted")),
        hint=(
            "encryption at rest is chosen at creation: delete the file system and create it "
            "again with Encrypted=True"
            if fs
            else "create_file_system(..., Encrypted=True)"
        ),
    )
    if fs is not None:
        errors = acct.aws_errors("efs-file-system", fs)
        yield requirement(
            f"file system: {AWS_ACCEPTS}",
            "no error AWS would raise",
            errors or "no error AWS would raise",
            ok=not errors,
        )
    targets = (
        acct.pages(
            aws.efs, "describe_mount_targets", "MountTargets", FileSystemId=fs["FileSystemId"]
        )
        if fs
        else []
    )
    zones = sorted({str(t.get("AvailabilityZoneName")) for t in targets})
    for zone in ZONES:
        yield requirement(
            f"mount target in {zone}",
            "exists",
            zones or None,
            ok=zone in zones,
            hint=f"a task in {zone} mounts through the mount target in {zone}: create one in "
            "that AZ's subnet",
        )
    groups = sorted(
        {
            name
            for t in targets
            for name in acct.group_names(
                aws,
                aws.efs.describe_mount_target_security_groups(MountTargetId=t["MountTargetId"])[
                    "SecurityGroups"
                ],
            )
        }
    )
    yield requirement(
        f"mount targets behind {EFS_SG}",
        EFS_SG,
        groups or None,
        ok=bool(targets) and groups == [EFS_SG],
        hint=(
            f"modify_mount_target_security_groups(..., SecurityGroups=[<{EFS_SG} id>])"
            if targets
            else f"create the mount targets with SecurityGroups=[<{EFS_SG} id>]"
        ),
    )
    points = (
        acct.pages(
            aws.efs, "describe_access_points", "AccessPoints", FileSystemId=fs["FileSystemId"]
        )
        if fs
        else []
    )
    shown = [
        f"{(a.get('RootDirectory') or {}).get('Path')} as "
        f"{(a.get('PosixUser') or {}).get('Uid')}:{(a.get('PosixUser') or {}).get('Gid')}"
        for a in points
    ]
    ok = any(
        (a.get("RootDirectory") or {}).get("Path") == ACCESS_POINT
        and (a.get("PosixUser") or {}).get("Uid") == POSIX_ID
        and (a.get("PosixUser") or {}).get("Gid") == POSIX_ID
        and (a.get("RootDirectory") or {}).get("CreationInfo")
        for a in points
    )
    yield requirement(
        f"access point {ACCESS_POINT}",
        f"{ACCESS_POINT} as {POSIX_ID}:{POSIX_ID}, created on first use",
        shown or None,
        ok=ok,
        hint=f"create_access_point(PosixUser={{'Uid': {POSIX_ID}, 'Gid': {POSIX_ID}}}, "
        f"RootDirectory={{'Path': {ACCESS_POINT!r}, 'CreationInfo': {{...}}}})",
    )
