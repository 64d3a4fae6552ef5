"""Lab 07's starting account: a VPC laid out for EKS, and a colleague's broken cluster.

Everything is made through the AWS APIs (boto3 clients on the sandbox), so it works the
same in a learner's kernel and against the grader's moto server. :func:`seed` is
idempotent: run again (a re-run setup cell), it finds what it made by tags and names.

* ``eks-lab``: a VPC (10.20.0.0/16) with an internet gateway; three **public** subnets
  whose route table sends ``0.0.0.0/0`` to the internet gateway, and three **private**
  subnets whose route table sends it to a NAT gateway, one of each in us-east-1a/b/c.
  The subnets carry the tags the AWS Load Balancer Controller looks for
  (``kubernetes.io/role/elb`` on public, ``kubernetes.io/role/internal-elb`` on private).
* The repair scenario: a cluster ``reports-eks`` whose Fargate profile ``reports`` was
  built with three mistakes — a pod execution role trusted by ``ecs-tasks.amazonaws.com``
  with the ECS execution policy, a selector namespace that the pods do not use, and one
  public subnet.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["REPAIR_CLUSTER", "REPAIR_PROFILE", "REPAIR_ROLE", "VPC_NAME", "seed"]

VPC_NAME = "eks-lab"
REPAIR_CLUSTER = "reports-eks"
REPAIR_PROFILE = "reports"
REPAIR_ROLE = "reports-pod-role"
_REPAIR_CLUSTER_ROLE = "reports-cluster-role"
_ZONES = ("a", "b", "c")


def _trust(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def _tags(name: str, **extra: str) -> list[dict[str, Any]]:
    return [{"Key": "Name", "Value": name}, *({"Key": k, "Value": v} for k, v in extra.items())]


def _network(ec2: Any, region: str) -> dict[str, Any]:
    found = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [VPC_NAME]}])["Vpcs"]
    if found:
        vpc_id = found[0]["VpcId"]
    else:
        vpc_id = ec2.create_vpc(
            CidrBlock="10.20.0.0/16",
            TagSpecifications=[{"ResourceType": "vpc", "Tags": _tags(VPC_NAME)}],
        )["Vpc"]["VpcId"]
        _build(ec2, vpc_id, region)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_name = {
        t["Value"]: s["SubnetId"] for s in subnets for t in s.get("Tags", []) if t["Key"] == "Name"
    }
    return {
        "vpc_id": vpc_id,
        "public_subnets": [by_name[f"{VPC_NAME}-public-{z}"] for z in _ZONES],
        "private_subnets": [by_name[f"{VPC_NAME}-private-{z}"] for z in _ZONES],
    }


def _build(ec2: Any, vpc_id: str, region: str) -> None:
    igw = ec2.create_internet_gateway(
        TagSpecifications=[{"ResourceType": "internet-gateway", "Tags": _tags(VPC_NAME)}]
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    public_rt = ec2.create_route_table(
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "route-table", "Tags": _tags(f"{VPC_NAME}-public")}],
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    public: list[str] = []
    for i, zone in enumerate(_ZONES):
        subnet = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=f"10.20.{i}.0/24",
            AvailabilityZone=f"{region}{zone}",
            TagSpecifications=[
                {
                    "ResourceType": "subnet",
                    "Tags": _tags(f"{VPC_NAME}-public-{zone}", **{"kubernetes.io/role/elb": "1"}),
                }
            ],
        )["Subnet"]["SubnetId"]
        ec2.associate_route_table(RouteTableId=public_rt, SubnetId=subnet)
        public.append(subnet)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=allocation)["NatGateway"][
        "NatGatewayId"
    ]
    private_rt = ec2.create_route_table(
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "route-table", "Tags": _tags(f"{VPC_NAME}-private")}],
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    for i, zone in enumerate(_ZONES):
        subnet = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=f"10.20.{10 + i}.0/24",
            AvailabilityZone=f"{region}{zone}",
            TagSpecifications=[
                {
                    "ResourceType": "subnet",
                    "Tags": _tags(
                        f"{VPC_NAME}-private-{zone}", **{"kubernetes.io/role/internal-elb": "1"}
                    ),
                }
            ],
        )["Subnet"]["SubnetId"]
        ec2.associate_route_table(RouteTableId=private_rt, SubnetId=subnet)


def _role(iam: Any, name: str, service: str, policy_arn: str) -> str:
    try:
        arn: str = iam.get_role(RoleName=name)["Role"]["Arn"]
        return arn
    except iam.exceptions.NoSuchEntityException:
        pass
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(service))["Role"]["Arn"]
    iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    return arn


def _repair_scenario(iam: Any, eks: Any, network: dict[str, Any]) -> None:
    if REPAIR_CLUSTER in eks.list_clusters()["clusters"]:
        return
    cluster_role = _role(
        iam,
        _REPAIR_CLUSTER_ROLE,
        "eks.amazonaws.com",
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    )
    pod_role = _role(  # copied from an ECS set-up: the wrong principal and the wrong policy
        iam,
        REPAIR_ROLE,
        "ecs-tasks.amazonaws.com",
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    )
    private, public = network["private_subnets"], network["public_subnets"]
    eks.create_cluster(
        name=REPAIR_CLUSTER,
        roleArn=cluster_role,
        resourcesVpcConfig={"subnetIds": private[:2]},
    )
    eks.create_fargate_profile(
        clusterName=REPAIR_CLUSTER,
        fargateProfileName=REPAIR_PROFILE,
        podExecutionRoleArn=pod_role,
        subnets=[private[0], public[1]],
        selectors=[{"namespace": "report", "labels": {"team": "finance"}}],
    )


def seed(client: Callable[[str], Any], region: str = "us-east-1") -> dict[str, Any]:
    """Make (or find) the lab's network and repair scenario; return the network's ids."""
    network = _network(client("ec2"), region)
    _repair_scenario(client("iam"), client("eks"), network)
    return network
