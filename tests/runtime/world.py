"""Builders for the runtime tests: a VPC in two AZs, an ALB, a cluster, task definitions."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from ecs_learn.sandbox import Sandbox

ACCOUNT = "123456789012"
REPO_HOST = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
EXEC_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@dataclass
class World:
    box: Sandbox
    vpc: str
    subnets: list[str]
    alb_sg: str
    task_sg: str
    lb_arn: str = ""
    tg_arn: str = ""

    def client(self, service: str) -> Any:
        return self.box.client(service)

    def service(self, name: str = "web") -> dict[str, Any]:
        found: dict[str, Any] = self.client("ecs").describe_services(
            cluster="lab", services=[name]
        )["services"][0]
        return found

    def messages(self, name: str = "web") -> list[str]:
        return [e["message"] for e in self.service(name)["events"]]

    def tasks(self, name: str = "web", status: str = "RUNNING") -> list[dict[str, Any]]:
        ecs = self.client("ecs")
        arns = ecs.list_tasks(cluster="lab", serviceName=name, desiredStatus=status)["taskArns"]
        found: list[dict[str, Any]] = (
            ecs.describe_tasks(cluster="lab", tasks=arns)["tasks"] if arns else []
        )
        return found

    def health(self, tg_arn: str | None = None) -> list[tuple[str, str, str | None]]:
        found = self.client("elbv2").describe_target_health(TargetGroupArn=tg_arn or self.tg_arn)
        return sorted(
            (h["Target"]["Id"], h["TargetHealth"]["State"], h["TargetHealth"].get("Reason"))
            for h in found["TargetHealthDescriptions"]
        )

    def network(self, sg: str | None = None) -> dict[str, Any]:
        return {
            "awsvpcConfiguration": {"subnets": self.subnets, "securityGroups": [sg or self.task_sg]}
        }

    def task_definition(self, image: str = "nginx:1.27", port: int = 80, **extra: Any) -> str:
        container: dict[str, Any] = {
            "name": "web",
            "image": image,
            "portMappings": [{"containerPort": port}],
        }
        container.update(extra.pop("container", {}))
        arn: str = self.client("ecs").register_task_definition(
            family="web",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[container],
            **extra,
        )["taskDefinition"]["taskDefinitionArn"]
        return arn

    def create_service(
        self, task_definition: str, count: int = 2, lb: bool = False, **extra: Any
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "cluster": "lab",
            "serviceName": "web",
            "taskDefinition": task_definition,
            "desiredCount": count,
            "launchType": "FARGATE",
            "networkConfiguration": self.network(),
        }
        if lb:
            params["loadBalancers"] = [
                {"targetGroupArn": self.tg_arn, "containerName": "web", "containerPort": 80}
            ]
        params.update(extra)
        created: dict[str, Any] = self.client("ecs").create_service(**params)["service"]
        return created

    def execution_role(self, name: str = "exec", managed: bool = True) -> str:
        iam = self.client("iam")
        arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        if managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=EXEC_POLICY)
        return arn

    def push(self, repo: str = "web", tag: str = "v1") -> str:
        ecr = self.client("ecr")
        with contextlib.suppress(ecr.exceptions.RepositoryAlreadyExistsException):
            ecr.create_repository(repositoryName=repo)
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {
                    "mediaType": "application/vnd.docker.container.image.v1+json",
                    "size": 1,
                    "digest": "sha256:" + "a" * 64,
                },
                "layers": [],
            }
        )
        ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag=tag)
        return f"{REPO_HOST}/{repo}:{tag}"


def build(box: Sandbox, *, alb: bool = True, open_task_sg: bool = True) -> World:
    ec2 = box.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    alb_sg = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    task_sg = ec2.create_security_group(GroupName="task", Description="task", VpcId=vpc)["GroupId"]
    if open_task_sg:
        ec2.authorize_security_group_ingress(
            GroupId=task_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 80,
                    "ToPort": 80,
                    "UserIdGroupPairs": [{"GroupId": alb_sg}],
                }
            ],
        )
    box.client("ecs").create_cluster(clusterName="lab")
    world = World(box, vpc, subnets, alb_sg, task_sg)
    if alb:
        elbv2 = box.client("elbv2")
        world.lb_arn = elbv2.create_load_balancer(
            Name="web", Subnets=subnets, SecurityGroups=[alb_sg]
        )["LoadBalancers"][0]["LoadBalancerArn"]
        world.tg_arn = elbv2.create_target_group(
            Name="web",
            Protocol="HTTP",
            Port=80,
            VpcId=vpc,
            TargetType="ip",
            HealthCheckIntervalSeconds=10,
            HealthyThresholdCount=3,
            UnhealthyThresholdCount=2,
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.modify_target_group_attributes(
            TargetGroupArn=world.tg_arn,
            Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "60"}],
        )
        elbv2.create_listener(
            LoadBalancerArn=world.lb_arn,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": world.tg_arn}],
        )
    return world
