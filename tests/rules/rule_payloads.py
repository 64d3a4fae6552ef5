"""Valid payloads of every kind, and a helper to break one field at a time."""

from __future__ import annotations

import copy
import re
from typing import Any

DELETE = object()
ACCOUNT = "123456789012"
TG_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/web-tg/0123456789abcdef"
LB_ARN = (
    f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/web-lb/0123456789abcdef"
)
EXEC_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"

FARGATE_TD: dict[str, Any] = {
    "family": "web",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    "executionRoleArn": EXEC_ROLE,
    "containerDefinitions": [
        {
            "name": "web",
            "image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web:1",
            "essential": True,
            "portMappings": [{"containerPort": 80, "hostPort": 80}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": "/ecs/web",
                    "awslogs-region": "us-east-1",
                    "awslogs-stream-prefix": "web",
                },
            },
            "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}],
        }
    ],
    "volumes": [
        {
            "name": "data",
            "efsVolumeConfiguration": {
                "fileSystemId": "fs-12345678",
                "transitEncryption": "ENABLED",
                "authorizationConfig": {"accessPointId": "fsap-12345678", "iam": "ENABLED"},
            },
        }
    ],
}

EC2_TD: dict[str, Any] = {
    "family": "web-ec2",
    "networkMode": "bridge",
    "containerDefinitions": [
        {
            "name": "web",
            "image": "public.ecr.aws/nginx/nginx:latest",
            "memory": 256,
            "portMappings": [{"containerPort": 80, "hostPort": 0}],
        }
    ],
}

SERVICE: dict[str, Any] = {
    "cluster": "lab",
    "serviceName": "web",
    "taskDefinition": "web:1",
    "desiredCount": 2,
    "launchType": "FARGATE",
    "networkConfiguration": {
        "awsvpcConfiguration": {
            "subnets": ["subnet-1"],
            "securityGroups": ["sg-1"],
            "assignPublicIp": "ENABLED",
        }
    },
    "loadBalancers": [{"targetGroupArn": TG_ARN, "containerName": "web", "containerPort": 80}],
}

RUN_TASK: dict[str, Any] = {
    "cluster": "lab",
    "taskDefinition": "web:1",
    "count": 1,
    "launchType": "FARGATE",
    "networkConfiguration": SERVICE["networkConfiguration"],
}

CLUSTER: dict[str, Any] = {
    "clusterName": "lab",
    "settings": [{"name": "containerInsights", "value": "enabled"}],
    "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
    "defaultCapacityProviderStrategy": [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3},
    ],
}

ECR_REPO: dict[str, Any] = {
    "repositoryName": "team/web-app",
    "imageTagMutability": "IMMUTABLE",
    "encryptionConfiguration": {"encryptionType": "AES256"},
}

LIFECYCLE: dict[str, Any] = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "keep 10 prod images",
            "selection": {
                "tagStatus": "tagged",
                "tagPrefixList": ["prod"],
                "countType": "imageCountMoreThan",
                "countNumber": 10,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["dev*"],
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 3,
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 50},
            "action": {"type": "expire"},
        },
    ]
}

EFS_FS: dict[str, Any] = {
    "CreationToken": "lab-fs",
    "PerformanceMode": "generalPurpose",
    "ThroughputMode": "provisioned",
    "ProvisionedThroughputInMibps": 10.0,
    "Encrypted": True,
}

MOUNT_TARGET: dict[str, Any] = {"FileSystemId": "fs-12345678", "SubnetId": "subnet-b"}

LOAD_BALANCER: dict[str, Any] = {
    "Name": "web-lb",
    "Subnets": ["subnet-a", "subnet-b"],
    "Type": "application",
    "Scheme": "internet-facing",
}

LISTENER: dict[str, Any] = {
    "LoadBalancerArn": LB_ARN,
    "Protocol": "HTTP",
    "Port": 80,
    "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_ARN}],
}

TARGET_GROUP: dict[str, Any] = {
    "Name": "web-tg",
    "Protocol": "HTTP",
    "Port": 80,
    "VpcId": "vpc-1",
    "TargetType": "ip",
    "HealthCheckIntervalSeconds": 30,
    "HealthCheckTimeoutSeconds": 5,
}

SCALABLE_TARGET: dict[str, Any] = {
    "ServiceNamespace": "ecs",
    "ResourceId": "service/lab/web",
    "ScalableDimension": "ecs:service:DesiredCount",
    "MinCapacity": 1,
    "MaxCapacity": 4,
}

TT_POLICY: dict[str, Any] = {
    "PolicyName": "cpu50",
    "ServiceNamespace": "ecs",
    "ResourceId": "service/lab/web",
    "ScalableDimension": "ecs:service:DesiredCount",
    "PolicyType": "TargetTrackingScaling",
    "TargetTrackingScalingPolicyConfiguration": {
        "TargetValue": 50.0,
        "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ALBRequestCountPerTarget",
            "ResourceLabel": "app/web-lb/0123456789abcdef/targetgroup/web-tg/0123456789abcdef",
        },
    },
}

STEP_POLICY: dict[str, Any] = {
    "PolicyName": "steps",
    "ServiceNamespace": "ecs",
    "ResourceId": "service/lab/web",
    "ScalableDimension": "ecs:service:DesiredCount",
    "PolicyType": "StepScaling",
    "StepScalingPolicyConfiguration": {
        "AdjustmentType": "ChangeInCapacity",
        "StepAdjustments": [
            {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 1},
            {"MetricIntervalLowerBound": 10, "ScalingAdjustment": 3},
        ],
    },
}

SCHEDULED: dict[str, Any] = {
    "ServiceNamespace": "ecs",
    "ResourceId": "service/lab/web",
    "ScalableDimension": "ecs:service:DesiredCount",
    "ScheduledActionName": "weekday-morning",
    "Schedule": "cron(0 8 ? * MON-FRI *)",
    "ScalableTargetAction": {"MinCapacity": 2, "MaxCapacity": 6},
}

TRUST_ECS_TASKS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
IAM_ROLE: dict[str, Any] = {
    "RoleName": "ecsTaskExecutionRole",
    "AssumeRolePolicyDocument": TRUST_ECS_TASKS,
}
ATTACH: dict[str, Any] = {
    "RoleName": "ecsTaskExecutionRole",
    "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
}

FARGATE_PROFILE: dict[str, Any] = {
    "fargateProfileName": "default",
    "clusterName": "lab",
    "podExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/pod-exec",
    "subnets": ["subnet-private-1"],
    "selectors": [{"namespace": "default"}, {"namespace": "web", "labels": {"app": "web"}}],
}

NODEGROUP: dict[str, Any] = {
    "clusterName": "lab",
    "nodegroupName": "ng",
    "subnets": ["subnet-1"],
    "nodeRole": f"arn:aws:iam::{ACCOUNT}:role/node",
    "scalingConfig": {"minSize": 1, "desiredSize": 2, "maxSize": 3},
}

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")


def changed(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``base`` with each ``path: value`` applied (``DELETE`` removes)."""
    doc = copy.deepcopy(base)
    for path, value in changes.items():
        steps: list[str | int] = []
        for key, subs in _SEGMENT.findall(path):
            steps.append(key)
            steps.extend(int(n) for n in re.findall(r"\d+", subs))
        node: Any = doc
        for step in steps[:-1]:
            node = node[step]
        if value is DELETE:
            del node[steps[-1]]
        else:
            node[steps[-1]] = copy.deepcopy(value)
    return doc
