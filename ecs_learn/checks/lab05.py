"""Lab 05 — EFS volumes: NFS security groups, a file system with mount targets, an access
point, EFS task definitions (Fargate and EC2), tasks sharing it across AZs on Fargate and on
EC2 container instances, two repairs.

Each check reads the account through describe/list/get calls only. Where the runtime acts
(tasks start, or stop because they cannot mount), the checks judge what ECS then reports:
running counts, Availability Zones, platform versions and stop reasons.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks import lookup
from ecs_learn.checks.owns import AccessPoint, Owns, Service, Tasks
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.realism import AWS_ACCEPTS, aws_accepts, rejections
from ecs_learn.checks.registry import Judged, check, judged, requirement
from ecs_learn.checks.result import Requirement

__all__ = ["CHECKS"]

CLUSTER = "storage-lab"
TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"
TASK_SG = "uploads-tasks"
MOUNT_SG = "uploads-efs"
FS_TOKEN = "uploads-data"
SERVICE_AZS = ("us-east-1a", "us-east-1b")
AP_PATH = "/uploads"
POSIX_ID = 1000
TASK_ROLE = "uploads-task-role"
VOLUME = "uploads"
CONTAINER_PATH = "/mnt/uploads"
NFS = 2049
INSTANCE_SG = "uploads-instances"
EC2_FAMILY = "uploads-ec2"
REPORTS_FS_TOKEN = "reports-data"
REPORTS_SG = "reports-tasks"
BUSYBOX = "public.ecr.aws/docker/library/busybox:stable"


# -- reads ------------------------------------------------------------------------------
def _default_vpc(aws: AccountReader) -> str | None:
    vpcs = aws.ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return str(vpcs[0]["VpcId"]) if vpcs else None


def _security_group(aws: AccountReader, name: str) -> dict[str, Any] | None:
    filters = [{"Name": "group-name", "Values": [name]}]
    vpc = _default_vpc(aws)
    if vpc:
        filters.append({"Name": "vpc-id", "Values": [vpc]})
    groups = aws.ec2.describe_security_groups(Filters=filters)["SecurityGroups"]
    return dict(groups[0]) if groups else None


def _file_system(aws: AccountReader, token: str) -> dict[str, Any] | None:
    try:
        found = aws.efs.describe_file_systems(CreationToken=token)["FileSystems"]
    except ClientError:
        return None
    return dict(found[0]) if found else None


def _mount_targets(aws: AccountReader, fs_id: str) -> list[dict[str, Any]]:
    found = aws.efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]
    return [dict(t) for t in found]


def _mount_target_groups(aws: AccountReader, target: dict[str, Any]) -> list[str]:
    found = aws.efs.describe_mount_target_security_groups(MountTargetId=target["MountTargetId"])
    return list(found["SecurityGroups"])


def _access_points(aws: AccountReader, fs_id: str) -> list[dict[str, Any]]:
    found = aws.efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"]
    return [dict(a) for a in found]


def _service(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found = aws.ecs.describe_services(cluster=CLUSTER, services=[name])["services"]
    except ClientError:
        return None
    live = [s for s in found if s.get("status") == "ACTIVE"]
    return dict(live[0]) if live else None


def _tasks(aws: AccountReader, service: str, status: str) -> list[dict[str, Any]]:
    arns = aws.ecs.list_tasks(cluster=CLUSTER, serviceName=service, desiredStatus=status)[
        "taskArns"
    ]
    if not arns:
        return []
    found = aws.ecs.describe_tasks(cluster=CLUSTER, tasks=arns[:100])["tasks"]
    return [dict(t) for t in found if t.get("group") == f"service:{service}"]


def _group_names(aws: AccountReader, ids: list[str]) -> list[str]:
    if not ids:
        return []
    found = aws.ec2.describe_security_groups(GroupIds=ids)["SecurityGroups"]
    return sorted(g["GroupName"] for g in found)


def _subnet_zones(aws: AccountReader, subnet_ids: list[str]) -> list[str]:
    if not subnet_ids:
        return []
    found = aws.ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    return sorted({s["AvailabilityZone"] for s in found})


# -- judgements -------------------------------------------------------------------------
def _nfs_sources(group: dict[str, Any]) -> tuple[set[str], list[str]]:
    """Security group ids and CIDRs allowed to reach TCP 2049 by ``group``'s inbound rules."""
    groups: set[str] = set()
    cidrs: list[str] = []
    for rule in group.get("IpPermissions", []):
        proto = str(rule.get("IpProtocol"))
        low, high = rule.get("FromPort", 0), rule.get("ToPort", 65535)
        if proto == "-1" or (proto in ("tcp", "6") and low <= NFS <= high):
            groups.update(p["GroupId"] for p in rule.get("UserIdGroupPairs", []) if "GroupId" in p)
            cidrs.extend(r["CidrIp"] for r in rule.get("IpRanges", []))
    return groups, cidrs


def _nfs_requirement(
    aws: AccountReader, mount_groups: list[str], source_id: str, source_name: str
) -> Requirement:
    allowed: set[str] = set()
    shown: list[str] = []
    if mount_groups:
        for group in aws.ec2.describe_security_groups(GroupIds=mount_groups)["SecurityGroups"]:
            ids, cidrs = _nfs_sources(group)
            allowed |= ids
            shown.extend(cidrs)
        shown.extend(_group_names(aws, sorted(allowed)))
    return requirement(
        "mount target security group",
        f"allows TCP {NFS} from {source_name}",
        sorted(set(shown)) or None,
        ok=source_id in allowed,
    )


def _platform_ok(version: Any) -> bool:
    if version in (None, "", "LATEST"):
        return True
    try:
        parts = tuple(int(p) for p in str(version).split("."))
    except ValueError:
        return False
    return parts >= (1, 4, 0)


def _efs_volume(td: dict[str, Any], name: str) -> dict[str, Any] | None:
    for volume in td.get("volumes") or []:
        if volume.get("name") == name:
            found: dict[str, Any] = volume.get("efsVolumeConfiguration") or {}
            return found
    return None


def _container(td: dict[str, Any], name: str) -> dict[str, Any] | None:
    for container in td.get("containerDefinitions", []):
        if container.get("name") == name:
            found: dict[str, Any] = container
            return found
    return None


def _mounts(td: dict[str, Any], volume: str) -> list[str]:
    return [
        str(mp.get("containerPath"))
        for c in td.get("containerDefinitions", [])
        for mp in c.get("mountPoints") or []
        if mp.get("sourceVolume") == volume
    ]


def _missing(label: str, expected: str) -> Requirement:
    return requirement(label, expected, None, ok=False)


def _role_name(arn: Any) -> str | None:
    return str(arn).rsplit("/", 1)[-1] if arn else None


def _revision(td: dict[str, Any]) -> str:
    return f"{td.get('family')}:{td.get('revision')}"


def _uploads_volume(
    aws: AccountReader, td: dict[str, Any], fs: dict[str, Any] | None
) -> Iterator[Requirement]:
    """The EFS volume and mount point the brief asks for, in a task definition."""
    efs = _efs_volume(td, VOLUME)
    if efs is None:
        names = [str(v.get("name")) for v in td.get("volumes") or []]
        yield requirement(
            f"volume {VOLUME!r} with efsVolumeConfiguration",
            "declared",
            names or None,
            ok=False,
            hint=f"volumes=[{{'name': {VOLUME!r}, 'efsVolumeConfiguration': {{...}}}}]",
        )
        return
    fs_id = fs["FileSystemId"] if fs else None
    yield requirement(
        "fileSystemId",
        fs_id or f"the {FS_TOKEN} file system",
        efs.get("fileSystemId"),
        ok=fs_id is not None and efs.get("fileSystemId") == fs_id,
        hint=f"the id of the {FS_TOKEN} file system (fs_id)",
    )
    auth = efs.get("authorizationConfig") or {}
    points = {a["AccessPointId"] for a in _access_points(aws, fs_id)} if fs_id else set()
    yield requirement(
        "authorizationConfig.accessPointId",
        f"the {AP_PATH} access point",
        auth.get("accessPointId"),
        ok=auth.get("accessPointId") in points,
        hint="authorizationConfig={'accessPointId': access_point_id, 'iam': 'ENABLED'}",
    )
    yield requirement(
        "authorizationConfig.iam",
        "ENABLED",
        auth.get("iam"),
        hint="'iam': 'ENABLED': EFS then authorizes the mount with the task role",
    )
    yield requirement(
        "transitEncryption",
        "ENABLED",
        efs.get("transitEncryption"),
        hint="an access point and IAM authorization need TLS: transitEncryption 'ENABLED'",
    )
    yield requirement(
        "mountPoints",
        f"{VOLUME} at {CONTAINER_PATH} (container app)",
        _mounts(td, VOLUME) or None,
        ok=CONTAINER_PATH in _mounts(td, VOLUME),
        hint=f"mountPoints=[{{'sourceVolume': {VOLUME!r}, 'containerPath': {CONTAINER_PATH!r}}}]",
    )


def _app_image(td: dict[str, Any]) -> Requirement:
    app = _container(td, "app")
    return requirement(
        "container app",
        f"image {BUSYBOX}",
        f"image {app.get('image')}" if app else None,
        ok=app is not None and app.get("image") == BUSYBOX,
        hint=f"one container named 'app' running {BUSYBOX}",
    )


def _task_role(td: dict[str, Any]) -> Requirement:
    role = _role_name(td.get("taskRoleArn"))
    return requirement(
        "taskRoleArn",
        TASK_ROLE,
        role,
        hint=f"taskRoleArn = the ARN of {TASK_ROLE}: EFS authorizes the mount with it",
    )


# -- checks -----------------------------------------------------------------------------
@check(
    "nfs-security-groups",
    title="Security groups: the mount targets accept NFS (TCP 2049) from the tasks",
    points={f"security group {MOUNT_SG}": 0.5, "mount target security group": 1.5},
    hint=(
        f"Create {TASK_SG!r} (for the tasks) and {MOUNT_SG!r} (for the mount targets) in the "
        f"default VPC, then authorize_security_group_ingress on {MOUNT_SG!r}: IpProtocol 'tcp', "
        f"FromPort/ToPort {NFS}, UserIdGroupPairs=[{{'GroupId': <the {TASK_SG} id>}}]."
    ),
    owns=Owns(security_groups=(TASK_SG, MOUNT_SG)),
)
def nfs_security_groups(aws: AccountReader) -> Iterator[Requirement | Judged]:
    tasks = _security_group(aws, TASK_SG)
    mount = _security_group(aws, MOUNT_SG)
    if tasks is None:  # exercise 5's given lines create it too: it earns nothing itself
        yield _missing(f"security group {TASK_SG}", "exists (group_id(...))")
    yield requirement(
        f"security group {MOUNT_SG}",
        "exists",
        "exists" if mount else None,
        hint=f"efs_sg = group_id({MOUNT_SG!r}, ...) in the default VPC",
    )
    if tasks is None or mount is None:
        return
    yield judged(f"security groups {TASK_SG} and {MOUNT_SG} ({mount['GroupId']})")
    req = _nfs_requirement(aws, [mount["GroupId"]], tasks["GroupId"], TASK_SG)
    yield requirement(
        req.label,
        req.expected,
        req.found,
        ok=req.ok,
        hint=(
            f"an address range is not the tasks: the source is the group {TASK_SG} "
            "(UserIdGroupPairs)"
            if req.found != "nothing"
            else f"authorize TCP {NFS} on {MOUNT_SG} from UserIdGroupPairs "
            "[{'GroupId': tasks_sg}]"
        ),
    )


@check(
    "file-system",
    gates=(AWS_ACCEPTS,),
    title="An encrypted EFS file system with a mount target in each AZ the service uses",
    points={
        "Name tag": 0.2,
        "Encrypted": 0.4,
        "PerformanceMode": 0.2,
        "ThroughputMode": 0.2,
        AWS_ACCEPTS: 0.2,
        "mount target in us-east-1a": 0.5,
        "mount target in us-east-1b": 0.5,
        "security groups of the us-east-1a mount target": 0.4,
        "security groups of the us-east-1b mount target": 0.4,
    },
    hint=(
        f"create_file_system(CreationToken={FS_TOKEN!r}, Encrypted=True, "
        "PerformanceMode='generalPurpose', ThroughputMode='elastic'), then one "
        f"create_mount_target per AZ ({', '.join(SERVICE_AZS)}) with a subnet of that AZ and "
        f"SecurityGroups=[<the {MOUNT_SG} id>]."
    ),
    owns=Owns(file_systems=(FS_TOKEN,)),
)
def file_system(aws: AccountReader) -> Iterator[Requirement | Judged]:
    fs = _file_system(aws, FS_TOKEN)
    if fs is None:
        yield _missing(f"file system with CreationToken {FS_TOKEN}", "created")
        return
    yield judged(f"file system {fs['FileSystemId']} ({FS_TOKEN})")
    redo = f"set at creation: delete_file_system({FS_TOKEN!r}) and create it again"
    tags = {t["Key"]: t["Value"] for t in fs.get("Tags", [])}
    yield requirement(
        "Name tag",
        "set",
        tags.get("Name"),
        ok=bool(tags.get("Name")),
        hint="Tags=[{'Key': 'Name', 'Value': ...}] (efs.tag_resource adds it later)",
    )
    yield requirement("Encrypted", True, fs.get("Encrypted"), hint=redo)
    yield requirement("PerformanceMode", "generalPurpose", fs.get("PerformanceMode"), hint=redo)
    yield requirement(
        "ThroughputMode",
        "elastic",
        fs.get("ThroughputMode"),
        hint="efs.update_file_system(FileSystemId=fs_id, ThroughputMode='elastic')",
    )
    yield aws_accepts(rejections("efs-file-system", fs))
    targets = _mount_targets(aws, fs["FileSystemId"])
    zones = sorted({str(t.get("AvailabilityZoneName")) for t in targets})
    for az in SERVICE_AZS:
        yield requirement(
            f"mount target in {az}",
            "exists",
            zones or None,
            ok=az in zones,
            hint=f"create_mount_target(FileSystemId=fs_id, SubnetId=subnet_in['{az}'], "
            "SecurityGroups=[efs_sg])",
        )
    mount = _security_group(aws, MOUNT_SG)
    for target in sorted(targets, key=lambda t: str(t.get("AvailabilityZoneName"))):
        if target.get("AvailabilityZoneName") not in SERVICE_AZS:
            continue
        names = _group_names(aws, _mount_target_groups(aws, target))
        yield requirement(
            f"security groups of the {target.get('AvailabilityZoneName')} mount target",
            f"include {MOUNT_SG}",
            names or None,
            ok=mount is not None and MOUNT_SG in names,
            hint="efs.modify_mount_target_security_groups(MountTargetId=..., "
            "SecurityGroups=[efs_sg])",
        )


@check(
    "access-point",
    title="An access point: a POSIX user and a root directory created on first use",
    points={
        "access point root directory": 0.5,
        "PosixUser Uid:Gid": 0.5,
        "RootDirectory.CreationInfo owner": 0.5,
        "RootDirectory.CreationInfo permissions": 0.5,
    },
    hint=(
        f"create_access_point on the {FS_TOKEN} file system with PosixUser={{'Uid': {POSIX_ID}, "
        f"'Gid': {POSIX_ID}}} and RootDirectory={{'Path': {AP_PATH!r}, 'CreationInfo': "
        f"{{'OwnerUid': {POSIX_ID}, 'OwnerGid': {POSIX_ID}, 'Permissions': '755'}}}}."
    ),
    owns=Owns(access_points=(AccessPoint(FS_TOKEN, AP_PATH),)),
)
def access_point(aws: AccountReader) -> Iterator[Requirement | Judged]:
    fs = _file_system(aws, FS_TOKEN)
    if fs is None:
        yield _missing(f"file system {FS_TOKEN}", "created (exercise 2)")
        return
    points = _access_points(aws, fs["FileSystemId"])
    paths = [str((a.get("RootDirectory") or {}).get("Path")) for a in points]
    chosen = next(
        (a for a in points if (a.get("RootDirectory") or {}).get("Path") == AP_PATH), None
    )
    yield requirement(
        "access point root directory",
        AP_PATH,
        paths or None,
        ok=chosen is not None,
        hint=f"RootDirectory={{'Path': {AP_PATH!r}, ...}} (an access point cannot be changed: "
        "delete it and create it again)",
    )
    if chosen is None:
        return
    yield judged(f"access point {chosen['AccessPointId']} of {fs['FileSystemId']}")
    again = "access points cannot change: delete_access_point and create it again"
    user = chosen.get("PosixUser") or {}
    yield requirement(
        "PosixUser Uid:Gid",
        f"{POSIX_ID}:{POSIX_ID}",
        f"{user.get('Uid')}:{user.get('Gid')}" if user else None,
        hint=again,
    )
    info = (chosen.get("RootDirectory") or {}).get("CreationInfo") or {}
    yield requirement(
        "RootDirectory.CreationInfo owner",
        f"{POSIX_ID}:{POSIX_ID}",
        f"{info.get('OwnerUid')}:{info.get('OwnerGid')}" if info else None,
        hint=again,
    )
    yield requirement(
        "RootDirectory.CreationInfo permissions",
        "755",
        info.get("Permissions"),
        hint=again,
    )


def _allows(aws: AccountReader, fs_arn: str | None) -> tuple[list[str], list[str]]:
    """Which of ClientMount and ClientWrite the task role's inline policies allow on the
    file system; and every (action on resource) they allow, to show."""
    allowed = lookup.allowed_actions(lookup.inline_policy_documents(aws, TASK_ROLE))
    shown = [f"{a} on {r}" for a, r in allowed]

    def covers(action: str, resource: str, wanted: str) -> bool:
        act = action.lower()
        res_ok = resource == "*" or (fs_arn is not None and resource in (fs_arn, fs_arn + "*"))
        res_ok = res_ok or resource.endswith(":file-system/*")
        return res_ok and act in (
            f"elasticfilesystem:{wanted}",
            "elasticfilesystem:client*",
            "elasticfilesystem:*",
            "*",
        )

    granted = [
        w for w in ("clientmount", "clientwrite") if any(covers(a, r, w) for a, r in allowed)
    ]
    return granted, shown


@check(
    "efs-task-definition",
    gates=(AWS_ACCEPTS,),
    title="A Fargate task definition that mounts EFS through the access point, over TLS, with IAM",
    points={
        "trusted by": 0.3,
        "task role policy": 0.4,
        "Fargate, awsvpc, cpu 256, memory 512": 0.3,
        "taskRoleArn": 0.2,
        "container app": 0.1,
        "fileSystemId": 0.3,
        "authorizationConfig.accessPointId": 0.3,
        "authorizationConfig.iam": 0.3,
        "transitEncryption": 0.3,
        "mountPoints": 0.3,
        AWS_ACCEPTS: 0.2,
    },
    hint=(
        f"Volume {VOLUME!r}: efsVolumeConfiguration with the fileSystemId, "
        "transitEncryption 'ENABLED' and authorizationConfig {'accessPointId': ..., 'iam': "
        f"'ENABLED'}}; the container mounts it (mountPoints sourceVolume {VOLUME!r}, "
        f"containerPath {CONTAINER_PATH!r}); taskRoleArn is {TASK_ROLE!r}, whose inline policy "
        "allows elasticfilesystem:ClientMount (and ClientWrite) on the file system."
    ),
    owns=Owns(task_families=("uploads",), iam_roles=(TASK_ROLE,)),
)
def efs_task_definition(aws: AccountReader) -> Iterator[Requirement | Judged]:
    from ecs_learn.rules.units import parse_cpu, parse_memory

    role = lookup.role(aws, TASK_ROLE)
    fs = _file_system(aws, FS_TOKEN)
    if role is None:
        yield _missing(f"role {TASK_ROLE}", "exists")
    else:
        trusted = lookup.trusted_services(role)
        yield requirement(
            "trusted by",
            TASKS_PRINCIPAL,
            trusted,
            ok=TASKS_PRINCIPAL in trusted,
            hint=f"{', '.join(trusted) or 'nobody'} may assume it; a task role is assumed by "
            f"{TASKS_PRINCIPAL}",
        )
        granted, shown = _allows(aws, fs.get("FileSystemArn") if fs else None)
        yield requirement(
            "task role policy",
            "allows elasticfilesystem:ClientMount and ClientWrite on the file system",
            shown or None,
            ok=granted == ["clientmount", "clientwrite"],
            hint="put_role_policy with both actions and Resource the file system's ARN (fs_arn)",
        )
    td = lookup.task_definition(aws, "uploads")
    if td is None:
        yield _missing("task definition family uploads", "registered")
        return
    yield judged(_revision(td))
    compat = td.get("requiresCompatibilities") or []
    try:
        size = (int(parse_cpu(td.get("cpu"))), int(parse_memory(td.get("memory"))))
    except (TypeError, ValueError):
        size = None
    yield requirement(
        "Fargate, awsvpc, cpu 256, memory 512",
        "requiresCompatibilities FARGATE, networkMode awsvpc, cpu 256, memory 512",
        f"requiresCompatibilities {', '.join(compat) or 'none'}, networkMode "
        f"{td.get('networkMode')}, cpu {td.get('cpu')}, memory {td.get('memory')}",
        ok="FARGATE" in compat and td.get("networkMode") == "awsvpc" and size == (256, 512),
        hint="requiresCompatibilities=['FARGATE'], networkMode='awsvpc', cpu='256', memory='512'",
    )
    yield _task_role(td)
    yield _app_image(td)
    yield from _uploads_volume(aws, td, fs)
    yield aws_accepts(rejections("task-definition", td))


@check(
    "shared-service",
    title="Two Fargate tasks in two AZs, running with the same file system mounted",
    points={
        "launchType": 0.2,
        "platformVersion": 0.2,
        "subnets' AZs": 0.2,
        "security groups": 0.2,
        "desiredCount": 0.2,
        "task definition": 0.2,
        "running tasks": 0.6,
        "AZs of the running tasks": 0.5,
        "tasks' platform version": 0.2,
        "file system mounted by the running tasks": 0.5,
    },
    hint=(
        "create_service 'uploads' in cluster 'storage-lab': FARGATE, platformVersion '1.4.0' "
        "or 'LATEST', desiredCount 2, subnets in us-east-1a and us-east-1b, securityGroups "
        f"[{TASK_SG}]. If tasks stop, read their stoppedReason (describe_tasks)."
    ),
    owns=Owns(services=(Service(CLUSTER, "uploads"),)),
)
def shared_service(aws: AccountReader) -> Iterator[Requirement | Judged]:
    service = _service(aws, "uploads")
    if service is None:
        yield _missing("service uploads in storage-lab", "created")
        return
    revision = str(service.get("taskDefinition", "")).rsplit("/", 1)[-1]
    yield judged(f"service uploads running {revision}")
    yield requirement(
        "launchType",
        "FARGATE",
        service.get("launchType"),
        hint="set at create_service: delete the service to change it",
    )
    yield requirement(
        "platformVersion",
        "1.4.0 or later (or LATEST)",
        service.get("platformVersion"),
        ok=_platform_ok(service.get("platformVersion")),
        hint="EFS needs platform 1.4.0: update_service(..., platformVersion='1.4.0')",
    )
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    zones = _subnet_zones(aws, list(vpc.get("subnets") or []))
    yield requirement(
        "subnets' AZs",
        ", ".join(SERVICE_AZS),
        zones or None,
        ok=set(SERVICE_AZS) <= set(zones),
        hint="subnets=[subnet_in['us-east-1a'], subnet_in['us-east-1b']]",
    )
    yield requirement(
        "security groups",
        [TASK_SG],
        _group_names(aws, list(vpc.get("securityGroups") or [])),
        hint=f"securityGroups=[tasks_sg]: the group {MOUNT_SG} admits",
    )
    yield requirement("desiredCount", 2, service.get("desiredCount"))
    yield requirement(
        "task definition",
        "uploads",
        revision.rsplit(":", 1)[0] or None,
        hint="taskDefinition='uploads' (exercise 4's family)",
    )
    running = _tasks(aws, "uploads", "RUNNING")
    running = [t for t in running if t.get("lastStatus") == "RUNNING"]
    stopped = [
        t for t in _tasks(aws, "uploads", "STOPPED") if t.get("stopCode") == "TaskFailedToStart"
    ]
    reason = stopped[-1].get("stoppedReason") if stopped else None
    yield requirement(
        "running tasks",
        2,
        len(running),
        ok=len(running) >= 2,
        hint=f"tasks stop: {reason}" if reason else "advance the clock so the tasks start",
    )
    task_zones = sorted({str(t.get("availabilityZone")) for t in running})
    yield requirement(
        "AZs of the running tasks",
        "two different AZs",
        task_zones or None,
        ok=len(task_zones) >= 2,
        hint="a task mounts through the mount target of its own AZ: every AZ needs one",
    )
    versions = sorted({str(t.get("platformVersion")) for t in running})
    yield requirement(
        "tasks' platform version",
        "1.4.0 or later",
        versions or None,
        ok=bool(running) and all(_platform_ok(t.get("platformVersion")) for t in running),
    )
    fs = _file_system(aws, FS_TOKEN)
    mounted = set()
    for arn in sorted({str(t.get("taskDefinitionArn")) for t in running}):
        td = aws.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        efs = _efs_volume(td, VOLUME) or {}
        auth = efs.get("authorizationConfig") or {}
        mounted.add(f"{efs.get('fileSystemId')} via {auth.get('accessPointId')}")
    one = (
        len(mounted) == 1 and fs is not None and next(iter(mounted)).startswith(fs["FileSystemId"])
    )
    yield requirement(
        "file system mounted by the running tasks",
        f"one: the {FS_TOKEN} file system",
        sorted(mounted) or None,
        ok=one and "None" not in next(iter(mounted)),
    )
    if stopped and len(running) < 2:  # said, not priced: the reason behind "running tasks"
        yield requirement("stoppedReason", "no failed starts", reason, ok=False)


@check(
    "ec2-task-definition",
    gates=(AWS_ACCEPTS,),
    title="The same EFS volume in a task definition for the EC2 launch type",
    points={
        "requiresCompatibilities": 0.15,
        "networkMode": 0.15,
        "taskRoleArn": 0.15,
        "container app": 0.1,
        "container 'app' memory": 0.15,
        "fileSystemId": 0.2,
        "authorizationConfig.accessPointId": 0.2,
        "authorizationConfig.iam": 0.2,
        "transitEncryption": 0.2,
        "mountPoints": 0.2,
        AWS_ACCEPTS: 0.3,
    },
    hint=(
        "Register 'uploads-ec2' with requiresCompatibilities ['EC2'], networkMode 'bridge', "
        "a container memory limit and the same volume block and mount point as 'uploads' "
        f"(access point, transitEncryption ENABLED, iam ENABLED) and taskRoleArn {TASK_ROLE!r}."
    ),
    owns=Owns(task_families=("uploads-ec2",)),
)
def ec2_task_definition(aws: AccountReader) -> Iterator[Requirement | Judged]:
    td = lookup.task_definition(aws, "uploads-ec2")
    if td is None:
        yield _missing("task definition family uploads-ec2", "registered")
        return
    yield judged(_revision(td))
    yield requirement(
        "requiresCompatibilities",
        ["EC2"],
        td.get("requiresCompatibilities"),
        hint="requiresCompatibilities=['EC2']",
    )
    yield requirement("networkMode", "bridge", td.get("networkMode"), hint="networkMode='bridge'")
    yield _task_role(td)
    yield _app_image(td)
    app = _container(td, "app") or {}
    yield requirement(
        "container 'app' memory",
        "memory 128 (a hard limit)",
        f"memory {app.get('memory')}, memoryReservation {app.get('memoryReservation')}",
        ok=app.get("memory") == 128,
        hint="'memory': 128 on the container: there is no task-level size here",
    )
    yield from _uploads_volume(aws, td, _file_system(aws, FS_TOKEN))
    yield aws_accepts(rejections("task-definition", td))


def _mount_reach(
    aws: AccountReader,
    targets: list[dict[str, Any]],
    zones: list[str],
    source: dict[str, Any] | None,
    used: list[str],
) -> Requirement:
    """In every AZ the service uses, the mount target's groups admit NFS from ``source``
    (the tasks' own group, which the service must use)."""
    wrong = []
    for target in sorted(targets, key=lambda t: str(t.get("AvailabilityZoneName"))):
        zone = target.get("AvailabilityZoneName")
        if zone not in zones:
            continue
        if source is None:
            wrong.append(f"{zone}: no group {REPORTS_SG}")
            continue
        req = _nfs_requirement(aws, _mount_target_groups(aws, target), source["GroupId"], "")
        if not req.ok:
            wrong.append(f"{zone}: allows {req.found}")
    if source is not None and source["GroupId"] not in used:
        wrong.append(f"the service's tasks do not use {REPORTS_SG}")
    covered = [t for t in targets if t.get("AvailabilityZoneName") in zones]
    return requirement(
        "mount targets' security groups",
        f"allow TCP {NFS} from {REPORTS_SG} in every AZ of the service",
        wrong or (f"allow TCP {NFS} from {REPORTS_SG}" if covered else None),
        ok=bool(covered) and not wrong,
        hint=f"10.0.0.0/16 is not this VPC: authorize TCP {NFS} on reports_efs_sg from "
        "UserIdGroupPairs [{'GroupId': reports_sg}]",
    )


def _instance_groups(aws: AccountReader) -> list[str]:
    """Security group ids of the EC2 instances behind the cluster's container instances."""
    arns = aws.ecs.list_container_instances(cluster=CLUSTER)["containerInstanceArns"]
    if not arns:
        return []
    found = aws.ecs.describe_container_instances(cluster=CLUSTER, containerInstances=arns)
    ids = [str(c["ec2InstanceId"]) for c in found["containerInstances"]]
    reservations = aws.ec2.describe_instances(InstanceIds=ids)["Reservations"]
    return sorted(
        {g["GroupId"] for r in reservations for i in r["Instances"] for g in i["SecurityGroups"]}
    )


def _run_tasks(aws: AccountReader, status: str) -> list[dict[str, Any]]:
    arns = aws.ecs.list_tasks(cluster=CLUSTER, family=EC2_FAMILY, desiredStatus=status)["taskArns"]
    if not arns:
        return []
    return [dict(t) for t in aws.ecs.describe_tasks(cluster=CLUSTER, tasks=arns[:100])["tasks"]]


@check(
    "ec2-efs-tasks",
    title="The EC2 task definition runs on container instances in two AZs, with EFS mounted",
    points={
        "container instances' security groups": 0,  # the given cell's: worth nothing itself
        "mount target security group in us-east-1a": 0.5,
        "mount target security group in us-east-1b": 0.5,
        f"running {EC2_FAMILY} tasks on container instances": 1.2,
        "AZs of those tasks": 0.4,
        "file system mounted by those tasks": 0.4,
    },
    hint=(
        f"With bridge networking the NFS connection comes from the instance: let the mount "
        f"targets' group {MOUNT_SG!r} allow TCP {NFS} from {INSTANCE_SG!r}. Then run_task "
        f"'{EC2_FAMILY}' on cluster '{CLUSTER}' with launchType 'EC2', count 2 and the "
        "placementStrategy spread over attribute:ecs.availability-zone. If tasks stop, read "
        "their stoppedReason."
    ),
    owns=Owns(tasks=(Tasks(CLUSTER, EC2_FAMILY),)),
)
def ec2_efs_tasks(aws: AccountReader) -> Iterator[Requirement | Judged]:
    fs = _file_system(aws, FS_TOKEN)
    instances = _security_group(aws, INSTANCE_SG)
    if fs is None or instances is None:
        yield _missing(
            f"file system {FS_TOKEN} and security group {INSTANCE_SG}", "created (exercises 2, 6)"
        )
        return
    yield requirement(
        "container instances' security groups",
        f"include {INSTANCE_SG}",
        _group_names(aws, _instance_groups(aws)) or None,
        ok=instances["GroupId"] in _instance_groups(aws),
    )
    yield judged(f"{EC2_FAMILY} tasks in {CLUSTER} on file system {fs['FileSystemId']}")
    targets = sorted(
        _mount_targets(aws, fs["FileSystemId"]), key=lambda t: str(t.get("AvailabilityZoneName"))
    )
    for target in targets:
        if target.get("AvailabilityZoneName") not in SERVICE_AZS:
            continue
        req = _nfs_requirement(
            aws, _mount_target_groups(aws, target), instances["GroupId"], INSTANCE_SG
        )
        yield requirement(
            f"{req.label} in {target.get('AvailabilityZoneName')}", req.expected, req.found, req.ok
        )
    running = [t for t in _run_tasks(aws, "RUNNING") if t.get("lastStatus") == "RUNNING"]
    on_ec2 = [t for t in running if t.get("launchType") == "EC2" and t.get("containerInstanceArn")]
    yield requirement(
        f"running {EC2_FAMILY} tasks on container instances", 2, len(on_ec2), ok=len(on_ec2) >= 2
    )
    zones = sorted({str(t.get("availabilityZone")) for t in on_ec2})
    yield requirement("AZs of those tasks", "two different AZs", zones or None, ok=len(zones) >= 2)
    mounted = set()
    for arn in sorted({str(t.get("taskDefinitionArn")) for t in on_ec2}):
        td = aws.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        efs = _efs_volume(td, VOLUME) or {}
        mounted.add(str(efs.get("fileSystemId")))
    yield requirement(
        "file system mounted by those tasks",
        fs["FileSystemId"],
        sorted(mounted) or None,
        ok=mounted == {fs["FileSystemId"]},
    )
    if len(on_ec2) < 2:
        stopped = [
            t for t in _run_tasks(aws, "STOPPED") if t.get("stopCode") == "TaskFailedToStart"
        ]
        if stopped:
            yield requirement(
                "stoppedReason", "no failed starts", stopped[-1].get("stoppedReason"), ok=False
            )


@check(
    "repair-mount",
    gates=("reports volume",),
    title="Repair: the reports service's tasks can mount their file system and run",
    points={
        "AZs of the service's subnets without a mount target": 1,
        "mount targets' security groups": 1,
        "running tasks": 1,
        "reports volume": 0,  # as given: keeping it earns nothing, changing it voids
    },
    hint=(
        "Read the stopped tasks' stoppedReason. 'Failed to resolve ... mount target' means no "
        "mount target in that task's AZ: create one there (or keep the service out of that AZ). "
        "'mount.nfs4: Connection timed out' means the mount target's security group does not "
        f"allow TCP {NFS} from the tasks' group {REPORTS_SG!r}. Then advance the clock so ECS "
        "retries."
    ),
    owns=Owns(
        services=(Service(CLUSTER, "reports"),),
        file_systems=(REPORTS_FS_TOKEN,),
        security_groups=(REPORTS_SG, "reports-efs"),
        task_families=("reports",),
    ),
)
def repair_mount(aws: AccountReader) -> Iterator[Requirement | Judged]:
    service = _service(aws, "reports")
    fs = _file_system(aws, REPORTS_FS_TOKEN)
    if service is None or fs is None:
        yield _missing("service reports and file system reports-data", "created by the given cell")
        return
    revision = str(service.get("taskDefinition", "")).rsplit("/", 1)[-1]
    yield judged(f"service reports running {revision}, file system {fs['FileSystemId']}")
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    zones = _subnet_zones(aws, list(vpc.get("subnets") or []))
    targets = _mount_targets(aws, fs["FileSystemId"])
    target_zones = sorted({str(t.get("AvailabilityZoneName")) for t in targets})
    uncovered = [z for z in zones if z not in target_zones]
    yield requirement(
        "AZs of the service's subnets without a mount target",
        "none",
        uncovered or "none",
        ok=bool(zones) and not uncovered,
        hint=f"create_mount_target in {', '.join(uncovered)} (a subnet there, reports_efs_sg)"
        if uncovered
        else "",
    )
    reports_sg = _security_group(aws, REPORTS_SG)
    yield _mount_reach(aws, targets, zones, reports_sg, list(vpc.get("securityGroups") or []))
    running = [t for t in _tasks(aws, "reports", "RUNNING") if t.get("lastStatus") == "RUNNING"]
    desired = int(service.get("desiredCount") or 0)
    stopped = _tasks(aws, "reports", "STOPPED")
    last = stopped[-1].get("stoppedReason") if stopped else None
    yield requirement(
        "running tasks",
        desired or 2,
        len(running),
        ok=desired >= 2 and len(running) >= desired,
        hint=f"the latest stop: {last}; after a fix, advance the clock (ECS retries with back-off)"
        if last
        else "keep 2 tasks and advance the clock",
    )
    td = lookup.task_definition(aws, service["taskDefinition"]) or {}
    volume = _efs_volume(td, "reports") or {}
    yield requirement(
        "reports volume",
        f"the {REPORTS_FS_TOKEN} file system (the task definition unchanged)",
        volume.get("fileSystemId"),
        ok=volume.get("fileSystemId") == fs["FileSystemId"],
        hint="the fault is in the network, not the task definition: keep its volume",
    )
    if len(running) < max(desired, 1):  # said, not priced: the reason behind "running tasks"
        yield requirement("latest stoppedReason", "no failed mount", last, ok=False)


@check(
    "repair-definition",
    gates=(AWS_ACCEPTS, "authorizationConfig.accessPointId", "authorizationConfig.iam"),
    title="Repair: an EFS task definition AWS rejects at registration",
    points={
        "transitEncryption": 0.6,
        "rootDirectory": 0.6,
        "authorizationConfig.accessPointId": 0.2,
        "authorizationConfig.iam": 0.2,
        AWS_ACCEPTS: 0.4,
    },
    hint=(
        "An access point and IAM authorization only work over TLS: set transitEncryption to "
        "'ENABLED'. With an access point the access point sets the directory: remove "
        "rootDirectory (or set it to '/'). Keep the access point and iam ENABLED."
    ),
    owns=Owns(task_families=("reports-archive",)),
)
def repair_definition(aws: AccountReader) -> Iterator[Requirement | Judged]:
    td = lookup.task_definition(aws, "reports-archive")
    if td is None:
        yield _missing("task definition family reports-archive", "registered")
        return
    yield judged(_revision(td))
    efs = _efs_volume(td, "archive")
    if efs is None:
        yield _missing("volume 'archive' with efsVolumeConfiguration", "kept")
        return
    auth = efs.get("authorizationConfig") or {}
    yield requirement(
        "authorizationConfig.accessPointId",
        "kept",
        auth.get("accessPointId"),
        ok=bool(auth.get("accessPointId")),
        hint="keep the access point: it confines the archiver to its directory",
    )
    yield requirement(
        "authorizationConfig.iam",
        "ENABLED (kept)",
        auth.get("iam"),
        ok=auth.get("iam") == "ENABLED",
        hint="keep IAM authorization: turning it off is not the repair",
    )
    yield requirement(
        "transitEncryption",
        "ENABLED",
        efs.get("transitEncryption"),
        hint="an access point and IAM authorization need TLS: transitEncryption 'ENABLED'",
    )
    yield requirement(
        "rootDirectory",
        "omitted or /",
        efs.get("rootDirectory") or "/",
        ok=efs.get("rootDirectory") in (None, "", "/"),
        hint="the access point sets the directory: volume.pop('rootDirectory')",
    )
    yield aws_accepts(rejections("task-definition", td))


CHECKS = (
    nfs_security_groups,
    file_system,
    access_point,
    efs_task_definition,
    shared_service,
    ec2_task_definition,
    ec2_efs_tasks,
    repair_mount,
    repair_definition,
)
