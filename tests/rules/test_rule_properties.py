"""Property tests: thousands of generated payloads, no crash, every path names a real field."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_learn.rules import KINDS, RuleContext, check
from ecs_learn.rules.paths import path_exists

JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly realistic values, sometimes junk of any JSON type."""
    return st.one_of(strategy, strategy, strategy, JUNK)


def obj(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object where every field is optional."""
    return st.fixed_dictionaries({}, optional={k: maybe(v) for k, v in fields.items()})


def listof(strategy: st.SearchStrategy[Any], n: int = 4) -> st.SearchStrategy[Any]:
    return st.lists(strategy, max_size=n)


NAMES = st.sampled_from(["web", "db", "init", "my app", "", "x" * 256, "side_car-1"])
PORTS = st.sampled_from([0, 80, 443, 8080, 65536, -1])
SUBNETS = st.sampled_from(["subnet-a", "subnet-b", "subnet-c"])
TG = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/t/1"
ONOFF = st.sampled_from(["ENABLED", "DISABLED", "MAYBE"])

PORT_MAPPING = obj(containerPort=PORTS, hostPort=PORTS, protocol=st.sampled_from(["tcp", "udp"]))
CONTAINER = obj(
    name=NAMES,
    image=st.sampled_from(["nginx", "", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1"]),
    essential=st.booleans(),
    cpu=st.integers(0, 4096),
    memory=st.integers(0, 8192),
    memoryReservation=st.integers(0, 8192),
    portMappings=listof(PORT_MAPPING),
    links=listof(NAMES, 2),
    privileged=st.booleans(),
    secrets=listof(obj(name=NAMES, valueFrom=NAMES), 2),
    repositoryCredentials=obj(credentialsParameter=NAMES),
    logConfiguration=obj(
        logDriver=st.sampled_from(["awslogs", "json-file", "splunk", "journald"]),
        options=obj(**{"awslogs-group": NAMES, "awslogs-region": st.just("us-east-1")}),
    ),
    mountPoints=listof(obj(sourceVolume=NAMES, containerPath=st.just("/d"))),
    dependsOn=listof(
        obj(
            containerName=NAMES,
            condition=st.sampled_from(["START", "COMPLETE", "SUCCESS", "HEALTHY"]),
        )
    ),
    healthCheck=obj(command=listof(NAMES)),
    resourceRequirements=listof(
        obj(type=st.sampled_from(["GPU", "InferenceAccelerator"]), value=st.just("1"))
    ),
    linuxParameters=obj(maxSwap=st.integers(0, 10), devices=listof(obj(hostPath=NAMES), 1)),
)
VOLUME = obj(
    name=NAMES,
    host=obj(sourcePath=st.sampled_from(["/data", ""])),
    dockerVolumeConfiguration=obj(scope=st.just("task")),
    efsVolumeConfiguration=obj(
        fileSystemId=st.just("fs-1"),
        rootDirectory=st.sampled_from(["/", "/data", ""]),
        transitEncryption=ONOFF,
        transitEncryptionPort=PORTS,
        authorizationConfig=obj(accessPointId=st.sampled_from(["fsap-1", ""]), iam=ONOFF),
    ),
)
SIZES = st.sampled_from(
    [
        "256",
        "512",
        "1024",
        "1 vCPU",
        ".25 vcpu",
        "1GB",
        "0.5 GB",
        "abc",
        "2048",
        "4096",
        "8192",
        "32 vCPU",
        512,
        1024,
        0,
    ]
)
TASK_DEFINITION = obj(
    family=NAMES,
    requiresCompatibilities=listof(st.sampled_from(["EC2", "FARGATE", "LAMBDA"]), 2),
    networkMode=st.sampled_from(["awsvpc", "bridge", "host", "none", "foo"]),
    cpu=SIZES,
    memory=SIZES,
    executionRoleArn=st.sampled_from(["arn:aws:iam::1:role/x", ""]),
    containerDefinitions=st.one_of(
        listof(CONTAINER, 2),
        st.lists(
            st.fixed_dictionaries({"name": NAMES, "image": st.just("busybox")}),
            min_size=10,
            max_size=11,
        ),
    ),
    volumes=listof(VOLUME, 3),
    ipcMode=st.just("host"),
    pidMode=st.sampled_from(["host", "task"]),
    placementConstraints=listof(obj(type=st.just("memberOf")), 1),
    ephemeralStorage=obj(sizeInGiB=st.integers(0, 300)),
    runtimePlatform=obj(
        operatingSystemFamily=st.sampled_from(["LINUX", "WINDOWS_SERVER_2019_CORE"])
    ),
)
AWSVPC = obj(
    awsvpcConfiguration=obj(
        subnets=listof(SUBNETS, 17), securityGroups=listof(NAMES, 6), assignPublicIp=ONOFF
    )
)
STRATEGY = listof(
    obj(
        capacityProvider=st.sampled_from(["FARGATE", "FARGATE_SPOT"]),
        weight=st.integers(-1, 1001),
        base=st.integers(-1, 100001),
    ),
    3,
)
SERVICE = obj(
    serviceName=NAMES,
    service=NAMES,
    cluster=NAMES,
    taskDefinition=NAMES,
    count=st.integers(-1, 11),
    desiredCount=st.integers(-3, 5),
    launchType=st.sampled_from(["FARGATE", "EC2", "EXTERNAL"]),
    capacityProviderStrategy=STRATEGY,
    networkConfiguration=AWSVPC,
    loadBalancers=listof(
        obj(targetGroupArn=st.just(TG), containerName=NAMES, containerPort=PORTS), 6
    ),
)
CONTEXT_TDS = [
    {
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "containerDefinitions": [{"name": "web", "portMappings": [{"containerPort": 80}]}],
    },
    {"networkMode": "bridge", "containerDefinitions": [{"name": "web"}, "junk", {"name": []}]},
    {"networkMode": [], "requiresCompatibilities": "FARGATE", "containerDefinitions": {}},
    {},
]
CONTEXT = st.builds(
    RuleContext,
    task_definition=st.none() | st.sampled_from(CONTEXT_TDS),
    target_groups=st.none() | st.just({TG: {"TargetType": "instance", "LoadBalancerArns": []}}),
    subnet_azs=st.none() | st.just({"subnet-a": "us-east-1a", "subnet-b": "us-east-1a"}),
    load_balancer_types=st.none() | st.just({"arn": "network"}),
    scalable_targets=st.none() | st.just(frozenset()),
    mount_target_azs=st.none() | st.just(frozenset({"us-east-1a"})),
    role_trust_principals=st.none() | st.just({"web": frozenset({"ec2.amazonaws.com"})}),
    allow_32_vcpu=st.booleans(),
)
BOUND = st.none() | st.integers(-20, 20) | st.floats(allow_nan=True)
STEP = obj(
    MetricIntervalLowerBound=BOUND,
    MetricIntervalUpperBound=BOUND,
    ScalingAdjustment=st.integers(-3, 3),
)
AAS_COMMON = {
    "ServiceNamespace": st.sampled_from(["ecs", "dynamodb"]),
    "ResourceId": st.sampled_from(["service/lab/web", "web", "service/lab"]),
    "ScalableDimension": st.sampled_from(["ecs:service:DesiredCount", "x"]),
}
POLICIES = st.one_of(
    st.tuples(
        st.just("scaling-policy"),
        obj(
            PolicyName=NAMES,
            PolicyType=st.sampled_from(["StepScaling", "TargetTrackingScaling", "X"]),
            StepScalingPolicyConfiguration=obj(
                AdjustmentType=st.sampled_from(["ChangeInCapacity", "ExactCapacity", "X"]),
                StepAdjustments=listof(STEP, 4),
            ),
            TargetTrackingScalingPolicyConfiguration=obj(
                TargetValue=st.floats(),
                PredefinedMetricSpecification=obj(
                    PredefinedMetricType=st.sampled_from(
                        ["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization", "X"]
                    ),
                    ResourceLabel=st.sampled_from(["app/a/1/targetgroup/b/2", "garbage"]),
                ),
            ),
            **AAS_COMMON,
        ),
    ),
    st.tuples(
        st.just("scheduled-action"),
        obj(
            ScheduledActionName=NAMES,
            Schedule=st.sampled_from(
                [
                    "rate(1 day)",
                    "rate(2 day)",
                    "cron(0 8 ? * MON *)",
                    "cron(0 8 * * *)",
                    "at(2030-01-01T00:00:00)",
                    "every day",
                ]
            )
            | st.text(max_size=20),
            ScalableTargetAction=obj(
                MinCapacity=st.integers(-1, 5), MaxCapacity=st.integers(-1, 5)
            ),
            **AAS_COMMON,
        ),
    ),
    st.tuples(
        st.just("scalable-target"),
        obj(MinCapacity=st.integers(-1, 5), MaxCapacity=st.integers(-1, 5), **AAS_COMMON),
    ),
    st.tuples(
        st.just("ecr-lifecycle-policy"),
        obj(
            rules=listof(
                obj(
                    rulePriority=st.integers(-1, 3),
                    selection=obj(
                        tagStatus=st.sampled_from(["tagged", "untagged", "any", "x"]),
                        tagPrefixList=listof(NAMES, 2),
                        tagPatternList=listof(st.sampled_from(["a*", "*a*b*c*d*e"]), 2),
                        countType=st.sampled_from(["imageCountMoreThan", "sinceImagePushed", "x"]),
                        countUnit=st.sampled_from(["days", "hours"]),
                        countNumber=st.integers(-1, 5),
                    ),
                    action=obj(
                        type=st.sampled_from(["expire", "transition", "x"]),
                        targetStorageClass=st.just("archive"),
                    ),
                ),
                4,
            )
        ),
    ),
    st.tuples(
        st.just("iam-role"),
        obj(
            AssumeRolePolicyDocument=st.sampled_from(
                [
                    "{not json",
                    '{"Statement": []}',
                    '{"Statement": {"Effect": "Allow", "Action": '
                    '"sts:AssumeRole", "Principal": {"Service": "ecs.amazonaws.com"}}}',
                ]
            )
        ),
    ),
    st.tuples(
        st.sampled_from([k for k in KINDS if k not in ("task-definition", "service", "run-task")]),
        st.dictionaries(
            st.sampled_from(
                [
                    "Name",
                    "Subnets",
                    "Type",
                    "Protocol",
                    "selectors",
                    "scalingConfig",
                    "PolicyArn",
                    "RoleName",
                    "repositoryName",
                    "ThroughputMode",
                    "SubnetId",
                ]
            ),
            JUNK,
            max_size=4,
        ),
    ),
)


def _assert_paths_resolve(kind: str, payload: dict[str, Any], ctx: RuleContext | None) -> None:
    findings = check(kind, payload, ctx)
    for finding in findings:
        assert finding.path == "" or path_exists(payload, finding.path), (finding, payload)
    assert findings == sorted(findings, key=lambda f: (f.rule_id, f.path, f.message))


@settings(max_examples=4000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(td=TASK_DEFINITION, ctx=st.none() | CONTEXT)
def test_generated_task_definitions(td: dict[str, Any], ctx: RuleContext | None) -> None:
    _assert_paths_resolve("task-definition", td, ctx)


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(payload=SERVICE, ctx=st.none() | CONTEXT, kind=st.sampled_from(["service", "run-task"]))
def test_generated_services_and_tasks(
    payload: dict[str, Any], ctx: RuleContext | None, kind: str
) -> None:
    _assert_paths_resolve(kind, payload, ctx)


@settings(max_examples=4000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=POLICIES, ctx=st.none() | CONTEXT)
def test_generated_policies_and_other_kinds(
    case: tuple[str, dict[str, Any]], ctx: RuleContext | None
) -> None:
    kind, payload = case
    _assert_paths_resolve(kind, payload, ctx)
