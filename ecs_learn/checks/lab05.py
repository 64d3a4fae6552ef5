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
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import check, requirement
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


def _missing(label: str, expected: str) -> Requirement:
    return requirement(label, expected, None, ok=False)


def _uploads_volume(
    aws: AccountReader, td: dict[str, Any], fs: dict[str, Any] | None
) -> Iterator[Requirement]:
    """The EFS volume and mount point the brief asks for, in a task definition."""
    efs = _efs_volume(td, VOLUME)
    if efs is None:
        yield _missing(f"volume {VOLUME!r} with efsVolumeConfiguration", "declared")
        return
    fs_id = fs["FileSystemId"] if fs else None
    yield requirement(
        "fileSystemId",
        fs_id or f"the {FS_TOKEN} file system",
        efs.get("fileSystemId"),
        ok=fs_id is not None and efs.get("fileSystemId") == fs_id,
    )
    auth = efs.get("authorizationConfig") or {}
    points = {a["AccessPointId"] for a in _access_points(aws, fs_id)} if fs_id else set()
    yield requirement(
        "authorizationConfig.accessPointId",
        f"the {AP_PATH} access point",
        auth.get("accessPointId"),
        ok=auth.get("accessPointId") in points,
    )
    yield requirement("authorizationConfig.iam", "ENABLED", auth.get("iam"))
    yield requirement("transitEncryption", "ENABLED", efs.get("transitEncryption"))
    yield requirement(
        "mountPoints",
        f"{VOLUME} at {CONTAINER_PATH}",
        _mounts(td, VOLUME) or None,
        ok=CONTAINER_PATH in _mounts(td, VOLUME),
    )


# -- checks -----------------------------------------------------------------------------
@check(
    "nfs-security-groups",
    title="Security groups: the mount targets accept NFS (TCP 2049) from the tasks",
    points=2,
    hint=(
        f"Create {TASK_SG!r} (for the tasks) and {MOUNT_SG!r} (for the mount targets) in the "
        f"default VPC, then authorize_security_group_ingress on {MOUNT_SG!r}: IpProtocol 'tcp', "
        f"FromPort/ToPort {NFS}, UserIdGroupPairs=[{{'GroupId': <the {TASK_SG} id>}}]."
    ),
)
def nfs_security_groups(aws: AccountReader) -> Iterator[Requirement]:
    tasks = _security_group(aws, TASK_SG)
    mount = _security_group(aws, MOUNT_SG)
    yield requirement(f"security group {TASK_SG}", "exists", "exists" if tasks else None)
    yield requirement(f"security group {MOUNT_SG}", "exists", "exists" if mount else None)
    if tasks is None or mount is None:
        return
    yield _nfs_requirement(aws, [mount["GroupId"]], tasks["GroupId"], TASK_SG)


@check(
    "file-system",
    title="An encrypted EFS file system with a mount target in each AZ the service uses",
    points=3,
    hint=(
        f"create_file_system(CreationToken={FS_TOKEN!r}, Encrypted=True, "
        "PerformanceMode='generalPurpose', ThroughputMode='elastic'), then one "
        f"create_mount_target per AZ ({', '.join(SERVICE_AZS)}) with a subnet of that AZ and "
        f"SecurityGroups=[<the {MOUNT_SG} id>]."
    ),
)
def file_system(aws: AccountReader) -> Iterator[Requirement]:
    from ecs_learn.rules import check as run_rules

    fs = _file_system(aws, FS_TOKEN)
    if fs is None:
        yield _missing(f"file system with CreationToken {FS_TOKEN}", "created")
        return
    yield requirement(f"file system {FS_TOKEN}", "exists", fs["FileSystemId"], ok=True)
    yield requirement("Encrypted", True, fs.get("Encrypted"))
    yield requirement("PerformanceMode", "generalPurpose", fs.get("PerformanceMode"))
    yield requirement("ThroughputMode", "elastic", fs.get("ThroughputMode"))
    for finding in run_rules("efs-file-system", fs):
        yield requirement(
            f"AWS rule {finding.rule_id}", "accepted by AWS", finding.message, ok=False
        )
    targets = _mount_targets(aws, fs["FileSystemId"])
    zones = sorted({str(t.get("AvailabilityZoneName")) for t in targets})
    for az in SERVICE_AZS:
        yield requirement(f"mount target in {az}", "exists", zones or None, ok=az in zones)
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
        )


@check(
    "access-point",
    title="An access point: a POSIX user and a root directory created on first use",
    points=2,
    hint=(
        f"create_access_point on the {FS_TOKEN} file system with PosixUser={{'Uid': {POSIX_ID}, "
        f"'Gid': {POSIX_ID}}} and RootDirectory={{'Path': {AP_PATH!r}, 'CreationInfo': "
        f"{{'OwnerUid': {POSIX_ID}, 'OwnerGid': {POSIX_ID}, 'Permissions': '755'}}}}."
    ),
)
def access_point(aws: AccountReader) -> Iterator[Requirement]:
    fs = _file_system(aws, FS_TOKEN)
    if fs is None:
        yield _missing(f"file system {FS_TOKEN}", "created (exercise 2)")
        return
    points = _access_points(aws, fs["FileSystemId"])
    paths = [str((a.get("RootDirectory") or {}).get("Path")) for a in points]
    chosen = next(
        (a for a in points if (a.get("RootDirectory") or {}).get("Path") == AP_PATH), None
    )
    yield requirement("access point root directory", AP_PATH, paths or None, ok=chosen is not None)
    if chosen is None:
        return
    user = chosen.get("PosixUser") or {}
    yield requirement(
        "PosixUser Uid:Gid",
        f"{POSIX_ID}:{POSIX_ID}",
        f"{user.get('Uid')}:{user.get('Gid')}" if user else None,
    )
    info = (chosen.get("RootDirectory") or {}).get("CreationInfo") or {}
    yield requirement(
        "RootDirectory.CreationInfo owner",
        f"{POSIX_ID}:{POSIX_ID}",
        f"{info.get('OwnerUid')}:{info.get('OwnerGid')}" if info else None,
    )
    yield requirement(
        "RootDirectory.CreationInfo permissions",
        "set (e.g. 755)",
        info.get("Permissions"),
        ok=bool(info.get("Permissions")),
    )


def _allows_client_mount(aws: AccountReader, fs_arn: str | None) -> tuple[bool, list[str]]:
    allowed = lookup.allowed_actions(lookup.inline_policy_documents(aws, TASK_ROLE))
    shown = [f"{a} on {r}" for a, r in allowed]

    def covers(action: str, resource: str) -> bool:
        act = action.lower()
        res_ok = resource == "*" or (fs_arn is not None and resource in (fs_arn, fs_arn + "*"))
        res_ok = res_ok or resource.endswith(":file-system/*")
        return res_ok and act in (
            "elasticfilesystem:clientmount",
            "elasticfilesystem:client*",
            "elasticfilesystem:*",
            "*",
        )

    return any(covers(a, r) for a, r in allowed), shown


@check(
    "efs-task-definition",
    title="A Fargate task definition that mounts EFS through the access point, over TLS, with IAM",
    points=3,
    hint=(
        f"Volume {VOLUME!r}: efsVolumeConfiguration with the fileSystemId, "
        "transitEncryption 'ENABLED' and authorizationConfig {'accessPointId': ..., 'iam': "
        f"'ENABLED'}}; the container mounts it (mountPoints sourceVolume {VOLUME!r}, "
        f"containerPath {CONTAINER_PATH!r}); taskRoleArn is {TASK_ROLE!r}, whose inline policy "
        "allows elasticfilesystem:ClientMount (and ClientWrite) on the file system."
    ),
)
def efs_task_definition(aws: AccountReader) -> Iterator[Requirement]:
    role = lookup.role(aws, TASK_ROLE)
    yield requirement(f"role {TASK_ROLE}", "exists", "exists" if role else None)
    fs = _file_system(aws, FS_TOKEN)
    if role is not None:
        trusted = lookup.trusted_services(role)
        yield requirement("trusted by", TASKS_PRINCIPAL, trusted, ok=TASKS_PRINCIPAL in trusted)
        ok, shown = _allows_client_mount(aws, fs.get("FileSystemArn") if fs else None)
        yield requirement(
            "task role policy",
            "allows elasticfilesystem:ClientMount on the file system",
            shown or None,
            ok=ok,
        )
    td = lookup.task_definition(aws, "uploads")
    if td is None:
        yield _missing("task definition family uploads", "registered")
        return
    compat = td.get("requiresCompatibilities") or []
    yield requirement("requiresCompatibilities", "includes FARGATE", compat, ok="FARGATE" in compat)
    yield requirement(
        "taskRoleArn", TASK_ROLE, str(td.get("taskRoleArn") or "").rsplit("/", 1)[-1] or None
    )
    yield from _uploads_volume(aws, td, fs)
    yield from _aws_rejections(td)


@check(
    "shared-service",
    title="Two Fargate tasks in two AZs, running with the same file system mounted",
    points=3,
    hint=(
        "create_service 'uploads' in cluster 'storage-lab': FARGATE, platformVersion '1.4.0' "
        "or 'LATEST', desiredCount 2, subnets in us-east-1a and us-east-1b, securityGroups "
        f"[{TASK_SG}]. If tasks stop, read their stoppedReason (describe_tasks)."
    ),
)
def shared_service(aws: AccountReader) -> Iterator[Requirement]:
    service = _service(aws, "uploads")
    if service is None:
        yield _missing("service uploads in storage-lab", "created")
        return
    yield requirement("launchType", "FARGATE", service.get("launchType"))
    yield requirement(
        "platformVersion",
        "1.4.0 or later (or LATEST)",
        service.get("platformVersion"),
        ok=_platform_ok(service.get("platformVersion")),
    )
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    zones = _subnet_zones(aws, list(vpc.get("subnets") or []))
    yield requirement(
        "subnets' AZs", ", ".join(SERVICE_AZS), zones or None, ok=set(SERVICE_AZS) <= set(zones)
    )
    yield requirement(
        "security groups", [TASK_SG], _group_names(aws, list(vpc.get("securityGroups") or []))
    )
    yield requirement("desiredCount", 2, service.get("desiredCount"))
    running = _tasks(aws, "uploads", "RUNNING")
    running = [t for t in running if t.get("lastStatus") == "RUNNING"]
    yield requirement("running tasks", 2, len(running), ok=len(running) >= 2)
    task_zones = sorted({str(t.get("availabilityZone")) for t in running})
    yield requirement(
        "AZs of the running tasks", "two different AZs", task_zones or None, ok=len(task_zones) >= 2
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
    stopped = [
        t for t in _tasks(aws, "uploads", "STOPPED") if t.get("stopCode") == "TaskFailedToStart"
    ]
    if stopped and len(running) < 2:
        yield requirement(
            "stoppedReason", "no failed starts", stopped[-1].get("stoppedReason"), ok=False
        )


@check(
    "ec2-task-definition",
    title="The same EFS volume in a task definition for the EC2 launch type",
    points=2,
    hint=(
        "Register 'uploads-ec2' with requiresCompatibilities ['EC2'], networkMode 'bridge', "
        "a container memory limit and the same volume block and mount point as 'uploads' "
        f"(access point, transitEncryption ENABLED, iam ENABLED) and taskRoleArn {TASK_ROLE!r}."
    ),
)
def ec2_task_definition(aws: AccountReader) -> Iterator[Requirement]:
    td = lookup.task_definition(aws, "uploads-ec2")
    if td is None:
        yield _missing("task definition family uploads-ec2", "registered")
        return
    yield requirement("requiresCompatibilities", ["EC2"], td.get("requiresCompatibilities"))
    yield requirement("networkMode", "bridge", td.get("networkMode"))
    yield requirement(
        "taskRoleArn", TASK_ROLE, str(td.get("taskRoleArn") or "").rsplit("/", 1)[-1] or None
    )
    app = _container(td, "app")
    limit = (app or {}).get("memory") or (app or {}).get("memoryReservation")
    yield requirement(
        "container 'app' memory", "memory or memoryReservation set", limit, ok=bool(limit)
    )
    yield from _uploads_volume(aws, td, _file_system(aws, FS_TOKEN))
    yield from _aws_rejections(td)


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
    points=3,
    hint=(
        f"With bridge networking the NFS connection comes from the instance: let the mount "
        f"targets' group {MOUNT_SG!r} allow TCP {NFS} from {INSTANCE_SG!r}. Then run_task "
        f"'{EC2_FAMILY}' on cluster '{CLUSTER}' with launchType 'EC2', count 2 and the "
        "placementStrategy spread over attribute:ecs.availability-zone. If tasks stop, read "
        "their stoppedReason."
    ),
)
def ec2_efs_tasks(aws: AccountReader) -> Iterator[Requirement]:
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
    targets = sorted(
        _mount_targets(aws, fs["FileSystemId"]), key=lambda t: str(t.get("AvailabilityZoneName"))
    )
    for target in targets:
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
    title="Repair: the reports service's tasks can mount their file system and run",
    points=3,
    hint=(
        "Read the stopped tasks' stoppedReason. 'Failed to resolve ... mount target' means no "
        "mount target in that task's AZ: create one there (or keep the service out of that AZ). "
        "'mount.nfs4: Connection timed out' means the mount target's security group does not "
        f"allow TCP {NFS} from the tasks' group {REPORTS_SG!r}. Then advance the clock so ECS "
        "retries."
    ),
)
def repair_mount(aws: AccountReader) -> Iterator[Requirement]:
    service = _service(aws, "reports")
    fs = _file_system(aws, REPORTS_FS_TOKEN)
    if service is None or fs is None:
        yield _missing("service reports and file system reports-data", "created by the given cell")
        return
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
    )
    groups = list(vpc.get("securityGroups") or [])
    reports_sg = _security_group(aws, REPORTS_SG)
    if reports_sg is not None and targets:
        for target in sorted(targets, key=lambda t: str(t.get("AvailabilityZoneName"))):
            if target.get("AvailabilityZoneName") not in zones:
                continue
            req = _nfs_requirement(
                aws, _mount_target_groups(aws, target), reports_sg["GroupId"], REPORTS_SG
            )
            yield requirement(
                f"{req.label} in {target.get('AvailabilityZoneName')}",
                req.expected,
                req.found,
                ok=req.ok and reports_sg["GroupId"] in groups,
            )
    running = [t for t in _tasks(aws, "reports", "RUNNING") if t.get("lastStatus") == "RUNNING"]
    desired = int(service.get("desiredCount") or 0)
    yield requirement(
        "running tasks", desired or 2, len(running), ok=desired >= 2 and len(running) >= desired
    )
    if len(running) < max(desired, 1):
        stopped = _tasks(aws, "reports", "STOPPED")
        last = stopped[-1].get("stoppedReason") if stopped else None
        yield requirement("latest stoppedReason", "no failed mount", last, ok=False)


@check(
    "repair-definition",
    title="Repair: an EFS task definition AWS rejects at registration",
    points=2,
    hint=(
        "An access point and IAM authorization only work over TLS: set transitEncryption to "
        "'ENABLED'. With an access point the access point sets the directory: remove "
        "rootDirectory (or set it to '/'). Keep the access point and iam ENABLED."
    ),
)
def repair_definition(aws: AccountReader) -> Iterator[Requirement]:
    td = lookup.task_definition(aws, "reports-archive")
    if td is None:
        yield _missing("task definition family reports-archive", "registered")
        return
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
    )
    yield requirement(
        "authorizationConfig.iam",
        "ENABLED (kept)",
        auth.get("iam"),
        ok=auth.get("iam") == "ENABLED",
    )
    yield requirement("transitEncryption", "ENABLED", efs.get("transitEncryption"))
    yield requirement(
        "rootDirectory",
        "omitted or /",
        efs.get("rootDirectory") or "/",
        ok=efs.get("rootDirectory") in (None, "", "/"),
    )
    yield from _aws_rejections(td)


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
