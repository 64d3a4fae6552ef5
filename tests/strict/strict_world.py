"""A moto account with the resources the strict scenarios refer to."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class World:
    """Ids and ARNs of what :func:`build_world` created; ``swap`` maps placeholders to them."""

    clients: dict[str, Any]
    swap: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def client(self, name: str) -> Any:
        return self.clients[name]


def build_world(make_client: Any) -> World:
    """Create the account every strict scenario runs in (call with strict off or lenient)."""
    import copy

    import rule_payloads as P
    from moto.ec2.utils import generate_instance_identity_document

    names = ("ecs", "ec2", "elbv2", "efs", "ecr", "iam", "eks", "application-autoscaling")
    world = World({n: make_client(n) for n in names})
    ec2, ecs, elbv2 = world.client("ec2"), world.client("ecs"), world.client("elbv2")
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
    vpc = subnets[0]["VpcId"]
    sg = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
    extra_sgs = [
        ec2.create_security_group(GroupName=f"sg{i}", Description="x", VpcId=vpc)["GroupId"]
        for i in range(6)
    ]
    extra_subnets = [
        ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"172.31.{100 + i}.0/24", AvailabilityZone="us-east-1a"
        )["Subnet"]["SubnetId"]
        for i in range(17)
    ]
    ecs.create_cluster(clusterName="lab")
    web = copy.deepcopy(P.FARGATE_TD)
    web["containerDefinitions"][0]["memory"] = 512  # moto's RunTask needs container memory
    ecs.register_task_definition(**web)
    ecs.register_task_definition(
        **{**P.EC2_TD, "family": "web-ec2", "requiresCompatibilities": ["EC2"]}
    )
    ecs_vpc = copy.deepcopy(P.EC2_TD)
    ecs_vpc["containerDefinitions"][0]["portMappings"] = [{"containerPort": 80}]
    ecs.register_task_definition(
        **{
            **ecs_vpc,
            "family": "web-ec2vpc",
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["EC2"],
        }
    )
    instance = world_instance(ec2, subnets[0]["SubnetId"])
    ecs.register_container_instance(
        cluster="lab",
        instanceIdentityDocument=json.dumps(generate_instance_identity_document(instance)),
    )
    net = {"awsvpcConfiguration": {"subnets": [subnets[0]["SubnetId"]], "securityGroups": [sg]}}
    for name in ("web", "web2", "web3"):
        ecs.create_service(
            cluster="lab",
            serviceName=name,
            taskDefinition="web:1",
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=net,
        )
    alb = elbv2.create_load_balancer(
        Name="web-lb", Subnets=[subnets[0]["SubnetId"], subnets[1]["SubnetId"]], SecurityGroups=[sg]
    )["LoadBalancers"][0]["LoadBalancerArn"]
    nlb = elbv2.create_load_balancer(
        Name="net-lb", Type="network", Subnets=[subnets[0]["SubnetId"]]
    )["LoadBalancers"][0]["LoadBalancerArn"]
    groups = {}
    for name, kind in (("web-tg", "ip"), ("inst-tg", "instance"), ("lonely-tg", "ip")):
        groups[name] = elbv2.create_target_group(
            Name=name, Protocol="HTTP", Port=80, VpcId=vpc, TargetType=kind
        )["TargetGroups"][0]["TargetGroupArn"]
    for port, name in ((80, "web-tg"), (8080, "inst-tg")):
        elbv2.create_listener(
            LoadBalancerArn=alb,
            Protocol="HTTP",
            Port=port,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": groups[name]}],
        )
    world.client("application-autoscaling").register_scalable_target(**P.SCALABLE_TARGET)
    world.client("ecr").create_repository(repositoryName="lab-repo")
    world.client("iam").create_role(
        RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=json.dumps(P.TRUST_ECS_TASKS)
    )
    world.client("eks").create_cluster(
        name="lab",
        roleArn=f"arn:aws:iam::{P.ACCOUNT}:role/eks",
        resourcesVpcConfig={"subnetIds": [subnets[0]["SubnetId"], subnets[1]["SubnetId"]]},
    )
    efs = world.client("efs")
    fs = efs.create_file_system(CreationToken="world-fs")["FileSystemId"]
    efs.create_mount_target(FileSystemId=fs, SubnetId=subnets[0]["SubnetId"])
    world.ids.update(
        alb=alb,
        nlb=nlb,
        vpc=vpc,
        sg=sg,
        fs=fs,
        **groups,
        subnet_a=subnets[0]["SubnetId"],
        subnet_b=subnets[1]["SubnetId"],
    )
    world.swap = {
        "subnet-1": subnets[0]["SubnetId"],
        "subnet-a": subnets[0]["SubnetId"],
        "subnet-b": subnets[1]["SubnetId"],
        "subnet-private-1": subnets[0]["SubnetId"],
        "sg-1": sg,
        "vpc-1": vpc,
        "fs-12345678": fs,
        P.TG_ARN: groups["web-tg"],
        P.LB_ARN: alb,
        **{f"subnet-{i}": s for i, s in enumerate(extra_subnets)},
        **{f"sg-{i}": s for i, s in enumerate(extra_sgs)},
    }
    return world


def world_instance(ec2_client: Any, subnet: str) -> Any:
    import boto3

    ami = ec2_client.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance_id = ec2_client.run_instances(ImageId=ami, MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"
    ][0]["InstanceId"]
    return boto3.resource("ec2", region_name="us-east-1").Instance(instance_id)


def swap(value: Any, table: dict[str, Any]) -> Any:
    """Replace placeholder ids anywhere in ``value`` with the world's real ones."""
    if isinstance(value, dict):
        return {k: swap(v, table) for k, v in value.items()}
    if isinstance(value, list):
        return [swap(v, table) for v in value]
    if isinstance(value, str):
        return table.get(value, value)
    return value
