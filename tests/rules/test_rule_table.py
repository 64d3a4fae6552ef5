"""Every rule, once with a valid payload (no finding) and once with a broken one."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
import rule_payloads as P
from rule_payloads import DELETE, changed

from ecs_learn.rules import ALL_RULES, Fact, RuleContext, Severity, check, get_rule
from ecs_learn.rules.paths import path_exists


class Case(NamedTuple):
    rule_id: str
    valid: dict[str, Any]
    invalid: dict[str, Any]
    path: str
    context: RuleContext | None = None
    valid_context: RuleContext | None = None  # when the valid case differs only in its facts

    @property
    def context_for_valid(self) -> RuleContext | None:
        return self.valid_context if self.valid_context is not None else self.context


FTD, ETD = P.FARGATE_TD, P.EC2_TD
SVC_CTX = RuleContext(
    task_definition=FTD,
    target_groups={P.TG_ARN: {"TargetType": "ip", "LoadBalancerArns": [P.LB_ARN]}},
)
EC2_AWSVPC = changed(
    ETD, {"networkMode": "awsvpc", "containerDefinitions[0].portMappings[0]": {"containerPort": 80}}
)
EC2_SVC = changed(P.SERVICE, {"launchType": "EC2", "networkConfiguration": DELETE})
TWO = changed(
    ETD,
    {
        "containerDefinitions": [
            {"name": "app", "image": "app:1", "memory": 128},
            {"name": "init", "image": "init:1", "memory": 128, "essential": False},
        ]
    },
)
STRATEGY = [
    {"capacityProvider": "FARGATE", "base": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 1},
]
TT, STEP = "TargetTrackingScalingPolicyConfiguration", "StepScalingPolicyConfiguration"
SPEC = f"{TT}.PredefinedMetricSpecification"
HEALTHY = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 30}
PTRACE = {"capabilities": {"add": ["SYS_PTRACE"]}, "initProcessEnabled": True}
NO_TARGETS: frozenset[tuple[str, str, str]] = frozenset()
REGISTERED = frozenset({("ecs", "service/lab/web", "ecs:service:DesiredCount")})

CASES = [
    Case("TD001", FTD, changed(FTD, {"family": "web app"}), "family"),
    Case("TD002", FTD, changed(FTD, {"containerDefinitions": []}), "containerDefinitions"),
    Case(
        "TD003",
        FTD,
        changed(FTD, {"containerDefinitions[0].name": "my app"}),
        "containerDefinitions[0].name",
    ),
    Case(
        "TD004",
        TWO,
        changed(TWO, {"containerDefinitions[1].name": "app"}),
        "containerDefinitions[1].name",
    ),
    Case(
        "TD005",
        FTD,
        changed(FTD, {"containerDefinitions[0].image": ""}),
        "containerDefinitions[0].image",
    ),
    Case(
        "TD006",
        ETD,
        changed(
            ETD,
            {
                "containerDefinitions": [
                    {"name": f"c{i}", "image": "busybox", "memory": 16} for i in range(11)
                ]
            },
        ),
        "containerDefinitions",
    ),
    Case(
        "TD007",
        FTD,
        changed(FTD, {"containerDefinitions[0].essential": False}),
        "containerDefinitions",
    ),
    Case("TD008", FTD, changed(FTD, {"networkMode": "bridge"}), "networkMode"),
    Case("TD009", FTD, changed(FTD, {"cpu": DELETE}), ""),
    Case("TD010", ETD, changed(ETD, {"cpu": "abc"}), "cpu"),
    Case("TD011", FTD, changed(FTD, {"memory": "4096"}), "memory"),
    Case("TD012", ETD, changed(ETD, {"networkMode": "foo"}), "networkMode"),
    Case(
        "TD013",
        FTD,
        changed(FTD, {"containerDefinitions[0].portMappings[0].hostPort": 8080}),
        "containerDefinitions[0].portMappings[0].hostPort",
    ),
    Case(
        "TD014",
        ETD,
        changed(ETD, {"containerDefinitions[0].memory": DELETE}),
        "containerDefinitions[0]",
    ),
    Case(
        "TD015",
        ETD,
        changed(ETD, {"containerDefinitions[0].memoryReservation": 512}),
        "containerDefinitions[0].memoryReservation",
    ),
    Case(
        "TD016",
        FTD,
        changed(FTD, {"containerDefinitions[0].memory": 1024}),
        "containerDefinitions[0].memory",
    ),
    Case("TD017", FTD, changed(FTD, {"containerDefinitions[0].cpu": 512}), "containerDefinitions"),
    Case(
        "TD018",
        FTD,
        changed(FTD, {"executionRoleArn": DELETE}),
        "containerDefinitions[0].logConfiguration.logDriver",
    ),
    Case("TD019", FTD, changed(FTD, {"executionRoleArn": DELETE}), "containerDefinitions[0].image"),
    Case(
        "TD020",
        ETD,
        changed(
            ETD,
            {
                "containerDefinitions[0].secrets": [
                    {"name": "DB", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"}
                ]
            },
        ),
        "containerDefinitions[0].secrets",
    ),
    Case(
        "TD021",
        FTD,
        changed(FTD, {"containerDefinitions[0].logConfiguration.logDriver": "journald"}),
        "containerDefinitions[0].logConfiguration.logDriver",
    ),
    Case(
        "TD022",
        FTD,
        changed(FTD, {"containerDefinitions[0].logConfiguration.options.awslogs-region": DELETE}),
        "containerDefinitions[0].logConfiguration.options",
    ),
    Case(
        "TD023",
        FTD,
        changed(FTD, {"containerDefinitions[0].privileged": True}),
        "containerDefinitions[0].privileged",
    ),
    Case(
        "TD024",
        FTD,
        changed(FTD, {"volumes[0]": {"name": "data", "host": {"sourcePath": "/d"}}}),
        "volumes[0].host.sourcePath",
    ),
    Case(
        "TD025",
        FTD,
        changed(FTD, {"containerDefinitions[0].mountPoints[0].sourceVolume": "x"}),
        "containerDefinitions[0].mountPoints[0].sourceVolume",
    ),
    Case(
        "TD026",
        FTD,
        changed(FTD, {"volumes[0].efsVolumeConfiguration.transitEncryption": "DISABLED"}),
        "volumes[0].efsVolumeConfiguration.transitEncryption",
    ),
    Case(
        "TD027",
        FTD,
        changed(FTD, {"volumes[0].efsVolumeConfiguration.rootDirectory": "/data"}),
        "volumes[0].efsVolumeConfiguration.rootDirectory",
    ),
    Case(
        "TD028",
        FTD,
        changed(FTD, {"volumes[0].efsVolumeConfiguration.transitEncryption": "MAYBE"}),
        "volumes[0].efsVolumeConfiguration.transitEncryption",
    ),
    Case(
        "TD029",
        ETD,
        changed(EC2_AWSVPC, {"containerDefinitions[0].links": ["db"]}),
        "containerDefinitions[0].links",
    ),
    Case(
        "TD030",
        FTD,
        changed(FTD, {"requiresCompatibilities": ["LAMBDA"]}),
        "requiresCompatibilities[0]",
    ),
    Case(
        "TD031",
        changed(FTD, {"ephemeralStorage": {"sizeInGiB": 40}}),
        changed(FTD, {"ephemeralStorage": {"sizeInGiB": 10}}),
        "ephemeralStorage.sizeInGiB",
    ),
    Case(
        "TD032",
        changed(ETD, {"networkMode": "none", "containerDefinitions[0].portMappings": []}),
        changed(ETD, {"networkMode": "none"}),
        "containerDefinitions[0].portMappings",
    ),
    Case(
        "TD033",
        FTD,
        changed(FTD, {"containerDefinitions[0].portMappings[0]": {"containerPort": 70000}}),
        "containerDefinitions[0].portMappings[0].containerPort",
    ),
    Case(
        "TD034",
        changed(
            TWO,
            {
                "containerDefinitions[0].dependsOn": [
                    {"containerName": "init", "condition": "SUCCESS"}
                ]
            },
        ),
        changed(
            TWO,
            {
                "containerDefinitions[1].essential": True,
                "containerDefinitions[0].dependsOn": [
                    {"containerName": "init", "condition": "SUCCESS"}
                ],
            },
        ),
        "containerDefinitions[0].dependsOn[0].condition",
    ),
    Case(
        "TD013",
        changed(FTD, {"networkMode": "awsvpc"}),
        changed(
            FTD,
            {"networkMode": "bridge", "containerDefinitions[0].portMappings[0].hostPort": 8080},
        ),
        "containerDefinitions[0].portMappings[0].hostPort",
    ),
    Case(
        "TD035",
        FTD,
        changed(
            FTD, {"containerDefinitions[0].logConfiguration.options.awslogs-stream-prefix": DELETE}
        ),
        "containerDefinitions[0].logConfiguration.options",
    ),
    Case(
        "TD036",
        changed(FTD, {"containerDefinitions[0].healthCheck": HEALTHY}),
        changed(FTD, {"containerDefinitions[0].healthCheck": {**HEALTHY, "interval": 1}}),
        "containerDefinitions[0].healthCheck.interval",
    ),
    Case(
        "TD037",
        changed(FTD, {"containerDefinitions[0].healthCheck": HEALTHY}),
        changed(
            FTD,
            {"containerDefinitions[0].healthCheck": {**HEALTHY, "command": ["curl", "-f", "/"]}},
        ),
        "containerDefinitions[0].healthCheck.command",
    ),
    Case(
        "TD038",
        changed(FTD, {"containerDefinitions[0].stopTimeout": 120}),
        changed(FTD, {"containerDefinitions[0].stopTimeout": 300}),
        "containerDefinitions[0].stopTimeout",
    ),
    Case(
        "TD039",
        changed(FTD, {"containerDefinitions[0].linuxParameters": PTRACE}),
        changed(
            FTD,
            {"containerDefinitions[0].linuxParameters": {"capabilities": {"add": ["NET_ADMIN"]}}},
        ),
        "containerDefinitions[0].linuxParameters.capabilities.add[0]",
    ),
    Case(
        "TD040",
        FTD,
        changed(FTD, {"containerDefinitions[0].hostname": "web"}),
        "containerDefinitions[0].hostname",
    ),
    # services
    Case("SVC001", P.SERVICE, changed(P.SERVICE, {"serviceName": "web app"}), "serviceName"),
    Case("SVC002", P.SERVICE, changed(P.SERVICE, {"desiredCount": -3}), "desiredCount"),
    Case(
        "SVC003",
        P.SERVICE,
        changed(P.SERVICE, {"capacityProviderStrategy": STRATEGY}),
        "capacityProviderStrategy",
    ),
    Case("SVC004", P.SERVICE, changed(P.SERVICE, {"networkConfiguration": DELETE}), "", SVC_CTX),
    Case(
        "SVC005",
        EC2_SVC,
        changed(EC2_SVC, {"networkConfiguration": P.SERVICE["networkConfiguration"]}),
        "networkConfiguration",
        RuleContext(task_definition=ETD),
    ),
    Case(
        "SVC006",
        P.SERVICE,
        P.SERVICE,
        "launchType",
        RuleContext(task_definition=changed(FTD, {"requiresCompatibilities": ["EC2"]})),
        SVC_CTX,
    ),
    Case(
        "SVC007",
        P.SERVICE,
        P.SERVICE,
        "loadBalancers[0].targetGroupArn",
        RuleContext(task_definition=FTD, target_groups={P.TG_ARN: {"TargetType": "instance"}}),
        SVC_CTX,
    ),
    Case(
        "SVC008",
        P.SERVICE,
        changed(P.SERVICE, {"loadBalancers[0].containerName": "api"}),
        "loadBalancers[0].containerName",
        SVC_CTX,
    ),
    Case(
        "SVC009",
        P.SERVICE,
        changed(P.SERVICE, {"loadBalancers": P.SERVICE["loadBalancers"] * 6}),
        "loadBalancers",
    ),
    Case(
        "SVC010",
        P.SERVICE,
        changed(
            P.SERVICE,
            {
                "networkConfiguration.awsvpcConfiguration.subnets": [
                    f"subnet-{i}" for i in range(17)
                ]
            },
        ),
        "networkConfiguration.awsvpcConfiguration.subnets",
    ),
    Case(
        "SVC011",
        P.SERVICE,
        changed(P.SERVICE, {"launchType": "EC2"}),
        "networkConfiguration.awsvpcConfiguration.assignPublicIp",
    ),
    Case(
        "SVC012",
        P.SERVICE,
        P.SERVICE,
        "loadBalancers[0].targetGroupArn",
        RuleContext(target_groups={P.TG_ARN: {"TargetType": "ip", "LoadBalancerArns": []}}),
        SVC_CTX,
    ),
    Case(
        "SVC013",
        changed(P.SERVICE, {"launchType": DELETE, "capacityProviderStrategy": STRATEGY}),
        changed(
            P.SERVICE,
            {
                "launchType": DELETE,
                "capacityProviderStrategy": [
                    {"capacityProvider": "FARGATE", "base": 1},
                    {"capacityProvider": "FARGATE_SPOT", "base": 2},
                ],
            },
        ),
        "capacityProviderStrategy[1].base",
    ),
    Case(
        "SVC014",
        P.SERVICE,
        changed(P.SERVICE, {"schedulingStrategy": "DAEMON"}),
        "schedulingStrategy",
    ),
    # run-task
    Case("RUN001", P.RUN_TASK, changed(P.RUN_TASK, {"count": 11}), "count"),
    Case(
        "RUN002",
        P.RUN_TASK,
        changed(P.RUN_TASK, {"capacityProviderStrategy": STRATEGY}),
        "capacityProviderStrategy",
    ),
    Case(
        "RUN003",
        P.RUN_TASK,
        changed(P.RUN_TASK, {"networkConfiguration": DELETE}),
        "",
        RuleContext(task_definition=FTD),
    ),
    Case(
        "RUN004",
        changed(P.RUN_TASK, {"launchType": "EC2", "networkConfiguration": DELETE}),
        changed(P.RUN_TASK, {"launchType": "EC2"}),
        "networkConfiguration",
        RuleContext(task_definition=ETD),
    ),
    Case(
        "RUN005",
        P.RUN_TASK,
        P.RUN_TASK,
        "launchType",
        RuleContext(task_definition=ETD),
        RuleContext(task_definition=FTD),
    ),
    Case(
        "RUN006",
        P.RUN_TASK,
        changed(P.RUN_TASK, {"launchType": "EC2"}),
        "networkConfiguration.awsvpcConfiguration.assignPublicIp",
    ),
    Case(
        "RUN007",
        P.RUN_TASK,
        changed(
            P.RUN_TASK,
            {
                "networkConfiguration.awsvpcConfiguration.securityGroups": [
                    f"sg-{i}" for i in range(6)
                ]
            },
        ),
        "networkConfiguration.awsvpcConfiguration.securityGroups",
    ),
    # cluster
    Case("CLU001", P.CLUSTER, changed(P.CLUSTER, {"clusterName": "my cluster!"}), "clusterName"),
    Case(
        "CLU002", P.CLUSTER, changed(P.CLUSTER, {"settings[0].value": "bogus"}), "settings[0].value"
    ),
    Case(
        "CLU003",
        P.CLUSTER,
        changed(P.CLUSTER, {"defaultCapacityProviderStrategy[1].weight": 5000}),
        "defaultCapacityProviderStrategy[1].weight",
    ),
    # ECR
    Case("ECR001", P.ECR_REPO, changed(P.ECR_REPO, {"repositoryName": "Web"}), "repositoryName"),
    Case(
        "ECR002",
        P.ECR_REPO,
        changed(P.ECR_REPO, {"imageTagMutability": "SOMETIMES"}),
        "imageTagMutability",
    ),
    Case(
        "ECR003",
        changed(
            P.ECR_REPO,
            {
                "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
                "imageTagMutabilityExclusionFilters": [
                    {"filterType": "WILDCARD", "filter": "latest"}
                ],
            },
        ),
        changed(P.ECR_REPO, {"imageTagMutability": "IMMUTABLE_WITH_EXCLUSION"}),
        "imageTagMutability",
    ),
    Case(
        "ECR004",
        P.ECR_REPO,
        changed(P.ECR_REPO, {"encryptionConfiguration.kmsKey": "alias/x"}),
        "encryptionConfiguration.kmsKey",
    ),
    Case("ECR010", P.LIFECYCLE, {"rules": []}, "rules"),
    Case(
        "ECR011",
        P.LIFECYCLE,
        changed(P.LIFECYCLE, {"rules[1].rulePriority": 1}),
        "rules[1].rulePriority",
    ),
    Case(
        "ECR012",
        P.LIFECYCLE,
        changed(P.LIFECYCLE, {"rules[0].selection.tagPrefixList": DELETE}),
        "rules[0].selection.tagStatus",
    ),
    Case(
        "ECR013",
        P.LIFECYCLE,
        changed(P.LIFECYCLE, {"rules[1].selection.tagPatternList": ["*a*b*c*d*"]}),
        "rules[1].selection.tagPatternList[0]",
    ),
    Case(
        "ECR014",
        P.LIFECYCLE,
        changed(P.LIFECYCLE, {"rules[1].selection.countUnit": DELETE}),
        "rules[1].selection",
    ),
    Case(
        "ECR015",
        P.LIFECYCLE,
        changed(P.LIFECYCLE, {"rules[2].rulePriority": 0.5, "rules[0].rulePriority": 4})
        | {
            "rules": [
                P.LIFECYCLE["rules"][2] | {"rulePriority": 1},
                P.LIFECYCLE["rules"][0] | {"rulePriority": 2},
            ]
        },
        "rules[0].rulePriority",
    ),
    Case(
        "ECR016",
        P.LIFECYCLE,
        changed(P.LIFECYCLE, {"rules[0].action.type": "delete"}),
        "rules[0].action.type",
    ),
    # EFS
    Case(
        "EFS001",
        P.EFS_FS,
        changed(P.EFS_FS, {"ProvisionedThroughputInMibps": DELETE}),
        "ThroughputMode",
    ),
    Case("EFS002", P.EFS_FS, changed(P.EFS_FS, {"PerformanceMode": "turbo"}), "PerformanceMode"),
    Case(
        "EFS003",
        P.EFS_FS,
        changed(
            P.EFS_FS,
            {
                "PerformanceMode": "maxIO",
                "ThroughputMode": "elastic",
                "ProvisionedThroughputInMibps": DELETE,
            },
        ),
        "PerformanceMode",
    ),
    Case(
        "EFS010",
        P.MOUNT_TARGET,
        changed(P.MOUNT_TARGET, {"SubnetId": "subnet-a"}),
        "SubnetId",
        RuleContext(
            subnet_azs={"subnet-a": "us-east-1a", "subnet-b": "us-east-1b"},
            mount_target_azs=frozenset({"us-east-1a"}),
        ),
    ),
    # ELBv2
    Case("ELB001", P.LOAD_BALANCER, changed(P.LOAD_BALANCER, {"Subnets": ["subnet-a"]}), "Subnets"),
    Case("ELB002", P.LOAD_BALANCER, changed(P.LOAD_BALANCER, {"Name": "-web"}), "Name"),
    Case(
        "ELB010",
        P.LISTENER,
        changed(P.LISTENER, {"Protocol": "TCP"}),
        "Protocol",
        RuleContext(load_balancer_types={P.LB_ARN: "application"}),
    ),
    Case("ELB011", P.LISTENER, changed(P.LISTENER, {"Protocol": "HTTPS", "Port": 443}), "Protocol"),
    Case("ELB020", P.TARGET_GROUP, changed(P.TARGET_GROUP, {"Name": "web_tg"}), "Name"),
    Case(
        "ELB021", P.TARGET_GROUP, changed(P.TARGET_GROUP, {"TargetType": "container"}), "TargetType"
    ),
    Case(
        "ELB022",
        P.TARGET_GROUP,
        changed(P.TARGET_GROUP, {"HealthCheckTimeoutSeconds": 30}),
        "HealthCheckTimeoutSeconds",
    ),
    # Application Auto Scaling
    Case(
        "AAS001",
        P.SCALABLE_TARGET,
        changed(P.SCALABLE_TARGET, {"ResourceId": "lab/web"}),
        "ResourceId",
    ),
    Case(
        "AAS002",
        P.SCALABLE_TARGET,
        changed(P.SCALABLE_TARGET, {"MinCapacity": 5, "MaxCapacity": 2}),
        "MinCapacity",
    ),
    Case(
        "AAS003", P.SCALABLE_TARGET, changed(P.SCALABLE_TARGET, {"MinCapacity": 0}), "MinCapacity"
    ),
    Case(
        "AAS004",
        P.SCALABLE_TARGET,
        changed(P.SCALABLE_TARGET, {"MaxCapacity": DELETE}),
        "",
        RuleContext(scalable_targets=NO_TARGETS),
    ),
    Case(
        "AAS010",
        P.TT_POLICY,
        P.TT_POLICY,
        "ResourceId",
        RuleContext(scalable_targets=NO_TARGETS),
        RuleContext(scalable_targets=REGISTERED),
    ),
    Case(
        "AAS011",
        P.TT_POLICY,
        changed(P.TT_POLICY, {"ScalableDimension": "ecs:service:Count"}),
        "ScalableDimension",
    ),
    Case(
        "AAS012",
        P.TT_POLICY,
        changed(P.TT_POLICY, {f"{SPEC}.PredefinedMetricType": "DynamoDBReadCapacityUtilization"}),
        f"{SPEC}.PredefinedMetricType",
    ),
    Case("AAS013", P.TT_POLICY, changed(P.TT_POLICY, {f"{SPEC}.ResourceLabel": DELETE}), SPEC),
    Case(
        "AAS014", P.TT_POLICY, changed(P.TT_POLICY, {f"{TT}.TargetValue": -5}), f"{TT}.TargetValue"
    ),
    Case(
        "AAS015",
        P.STEP_POLICY,
        changed(P.STEP_POLICY, {f"{STEP}.StepAdjustments[1].MetricIntervalLowerBound": 5}),
        f"{STEP}.StepAdjustments[1]",
    ),
    Case("AAS020", P.SCHEDULED, changed(P.SCHEDULED, {"Schedule": "every tuesday"}), "Schedule"),
    Case(
        "AAS021",
        P.SCHEDULED,
        changed(P.SCHEDULED, {"ScheduledActionName": "a/b"}),
        "ScheduledActionName",
    ),
    Case(
        "AAS022",
        P.SCHEDULED,
        changed(P.SCHEDULED, {"ScalableTargetAction.MinCapacity": 9}),
        "ScalableTargetAction.MinCapacity",
    ),
    Case("AAS023", P.SCHEDULED, changed(P.SCHEDULED, {"ResourceId": "service/lab"}), "ResourceId"),
    # IAM
    Case(
        "IAM001",
        P.IAM_ROLE,
        changed(P.IAM_ROLE, {"AssumeRolePolicyDocument": "{not json"}),
        "AssumeRolePolicyDocument",
    ),
    Case(
        "IAM002",
        P.IAM_ROLE,
        changed(
            P.IAM_ROLE,
            {"AssumeRolePolicyDocument.Statement[0].Principal.Service": "ecs.amazonaws.com"},
        ),
        "AssumeRolePolicyDocument",
    ),
    Case(
        "IAM010",
        P.ATTACH,
        changed(
            P.ATTACH, {"PolicyArn": "arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy"}
        ),
        "PolicyArn",
    ),
    Case(
        "IAM011",
        P.ATTACH,
        changed(
            P.ATTACH, {"PolicyArn": "arn:aws:iam::aws:policy/AmazonEC2ContainerServiceFullAccess"}
        ),
        "PolicyArn",
    ),
    Case(
        "IAM012",
        P.ATTACH,
        changed(P.ATTACH, {"RoleName": "ecsInstanceRole"}),
        "RoleName",
        RuleContext(
            role_trust_principals={
                "ecsTaskExecutionRole": frozenset({"ecs-tasks.amazonaws.com"}),
                "ecsInstanceRole": frozenset({"ec2.amazonaws.com"}),
            }
        ),
    ),
    # EKS
    Case(
        "EKS001",
        P.FARGATE_PROFILE,
        changed(P.FARGATE_PROFILE, {"selectors": [{"namespace": f"ns{i}"} for i in range(6)]}),
        "selectors",
    ),
    Case(
        "EKS002",
        P.FARGATE_PROFILE,
        changed(P.FARGATE_PROFILE, {"selectors[1].namespace": DELETE}),
        "selectors[1]",
    ),
    Case("EKS003", P.FARGATE_PROFILE, changed(P.FARGATE_PROFILE, {"selectors": []}), "selectors"),
    Case(
        "EKS010",
        P.NODEGROUP,
        changed(P.NODEGROUP, {"scalingConfig.minSize": 5, "scalingConfig.desiredSize": DELETE}),
        "scalingConfig.minSize",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.rule_id for c in CASES])
def test_rule_accepts_valid_and_flags_invalid(case: Case) -> None:
    rule = get_rule(case.rule_id)
    assert rule(case.valid, case.context_for_valid) == []
    findings = rule(case.invalid, case.context)
    assert [f.path for f in findings] == [case.path], findings
    finding = findings[0]
    assert finding.rule_id == case.rule_id
    assert path_exists(case.invalid, finding.path)
    assert finding.message and finding.source == rule.source
    assert finding.error_code == rule.error_code


def test_every_rule_has_a_case() -> None:
    assert {c.rule_id for c in CASES} == {r.id for r in ALL_RULES}


@pytest.mark.parametrize("case", CASES, ids=[c.rule_id for c in CASES])
def test_valid_payloads_are_clean_for_their_whole_kind(case: Case) -> None:
    kind = get_rule(case.rule_id).kind
    findings = check(kind, case.valid, case.context_for_valid)
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def _only(context: RuleContext, facts: frozenset[Fact]) -> RuleContext:
    return RuleContext(**{f.value: getattr(context, f.value) for f in facts})


PARTLY_WITHOUT_FACTS = {"ELB001"}  # the subnet count is judged without AZs; the AZ part needs them


def test_rules_without_their_facts_stay_silent() -> None:
    # Rules that need account facts must not guess when the facts are absent.
    needing = [c for c in CASES if get_rule(c.rule_id).needs and c.context is not None]
    assert len(needing) >= 14
    for case in needing:
        if case.rule_id not in PARTLY_WITHOUT_FACTS:
            assert get_rule(case.rule_id)(case.invalid) == [], case.rule_id


def test_the_declared_facts_are_all_a_rule_reads() -> None:
    for case in CASES:
        rule = get_rule(case.rule_id)
        if case.context is None:
            continue
        full = rule(case.invalid, case.context)
        assert rule(case.invalid, _only(case.context, rule.needs)) == full, case.rule_id
        if not rule.needs:
            assert full == rule(case.invalid), f"{case.rule_id} reads facts it does not declare"


def test_error_rules_name_an_error_code_and_warnings_do_not() -> None:
    for rule in ALL_RULES:
        assert (rule.error_code is not None) == (rule.severity is Severity.ERROR), rule.id
