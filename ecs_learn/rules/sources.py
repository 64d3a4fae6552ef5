"""Citations for rules, named after the fact base's source key (aws-containers-facts.md)."""

from __future__ import annotations

__all__ = [
    "AAS_API",
    "AAS_SCHEDULE",
    "AAS_TARGET_TRACKING",
    "CFN_LINT",
    "ECR_API",
    "ECR_LIFECYCLE",
    "ECS_API_CLUSTER",
    "ECS_API_CONTAINER",
    "ECS_API_LOG_CONFIGURATION",
    "ECS_API_RUN_TASK",
    "ECS_API_SERVICE",
    "ECS_API_TASKDEF",
    "ECS_DEV_GUIDE",
    "ECS_EXECUTION_ROLE",
    "ECS_FARGATE_SIZE",
    "ECS_QUOTAS",
    "EFS_API",
    "EKS_API",
    "EKS_FARGATE",
    "ELBV2_API",
    "IAM_MANAGED_POLICIES",
    "IAM_ROLES",
    "REAL_ERRORS",
]

ECS_API_TASKDEF = (
    "AWS API reference: ECS RegisterTaskDefinition (botocore ecs/2014-11-13 service-2.json)"
)
ECS_API_LOG_CONFIGURATION = (
    'AWS API reference: ECS LogConfiguration.options (awslogs-stream-prefix: "Required: Yes, '
    'when using Fargate"; botocore ecs/2014-11-13 service-2.json); '
    "AmazonECS/latest/developerguide/using_awslogs.html"
)
ECS_API_CONTAINER = (
    "AWS API reference: ECS ContainerDefinition, HealthCheck, LinuxParameters, "
    "KernelCapabilities (botocore ecs/2014-11-13 service-2.json)"
)
ECS_API_SERVICE = "AWS API reference: ECS CreateService (botocore ecs/2014-11-13 service-2.json)"
ECS_API_RUN_TASK = "AWS API reference: ECS RunTask (botocore ecs/2014-11-13 service-2.json)"
ECS_API_CLUSTER = "AWS API reference: ECS CreateCluster (botocore ecs/2014-11-13 service-2.json)"
ECS_FARGATE_SIZE = (
    "AWS docs: AmazonECS/latest/developerguide/task-cpu-memory-error.html; "
    "ECS RegisterTaskDefinition memory (botocore ecs service-2.json)"
)
ECS_EXECUTION_ROLE = "AWS docs: AmazonECS/latest/developerguide/task_execution_IAM_role.html"
ECS_DEV_GUIDE = (
    "AWS docs: Amazon ECS Developer Guide (awsdocs/amazon-ecs-developer-guide, "
    "fargate-tasks-services.md, efs-volumes.md)"
)
ECS_QUOTAS = "AWS docs: AmazonECS/latest/developerguide/service-quotas.html"
REAL_ERRORS = "Real AWS error reports in public issue threads (e.g. klothoplatform/klotho#892)"
CFN_LINT = "aws-cloudformation/cfn-lint (AWS-maintained) ECS task definition schemas"
ECR_API = "AWS API reference: ECR CreateRepository (botocore ecr/2015-09-21 service-2.json)"
ECR_LIFECYCLE = "AWS docs: AmazonECR/latest/userguide/lifecycle_policy_parameters.html"
EFS_API = (
    "AWS API reference: EFS CreateFileSystem / CreateMountTarget "
    "(botocore efs/2015-02-01 service-2.json)"
)
ELBV2_API = (
    "AWS API reference: Elastic Load Balancing v2 (botocore elbv2/2015-12-01 service-2.json)"
)
AAS_API = (
    "AWS API reference: Application Auto Scaling "
    "(botocore application-autoscaling/2016-02-06 service-2.json)"
)
AAS_TARGET_TRACKING = (
    "AWS docs: autoscaling/application/userguide/target-tracking-scaling-policy-overview.html"
)
AAS_SCHEDULE = (
    "AWS API reference: Application Auto Scaling PutScheduledAction (botocore service-2.json)"
)
IAM_ROLES = (
    "AWS docs: AmazonECS/latest/developerguide/task-iam-roles.html, task_execution_IAM_role.html, "
    "instance_IAM_role.html"
)
IAM_MANAGED_POLICIES = (
    "AWS Managed Policy Reference: docs.aws.amazon.com/aws-managed-policy/latest/reference/"
)
EKS_API = "AWS API reference: EKS (botocore eks/2017-11-01 service-2.json)"
EKS_FARGATE = (
    "AWS docs: eks/latest/userguide/fargate.html; "
    "EKS CreateFargateProfile (botocore eks service-2.json)"
)
