"""The ECS agent on the learner's instances (real moto), and the IAM evaluator it relies on."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

import ecs_learn.runtime as rt
from ecs_learn.runtime import capacity
from ecs_learn.runtime.agent import AgentConfig, InternalClients, decode_user_data, sync
from ecs_learn.runtime.iam_eval import PolicySource, allowed, evaluate
from ecs_learn.runtime.placement import Demand, hosts_from_api, place_many
from ecs_learn.sandbox import Sandbox
from ecs_learn.sandbox.server import MotoServer
from tests.runtime.test_seed_ec2 import check_ecs_ami

EC2_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
AL2023 = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
TRUST_EC2 = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
USER_DATA = "#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"


def profile(box: Any, name: str = "ecsInstance", *, managed: bool = True) -> str:
    iam = box.client("iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_EC2)
    if managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=EC2_ROLE_POLICY)
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    return name


def launch(
    box: Any, profile_name: str | None, user_data: str, count: int = 1, **kw: Any
) -> list[str]:
    ec2, ssm = box.client("ec2"), box.client("ssm")
    image = kw.pop("ImageId", None) or ssm.get_parameter(Name=AL2023)["Parameter"]["Value"]
    extra = {"IamInstanceProfile": {"Name": profile_name}} if profile_name else {}
    answer = ec2.run_instances(
        ImageId=image,
        MinCount=count,
        MaxCount=count,
        InstanceType=kw.pop("InstanceType", "t3.medium"),
        UserData=user_data,
        **extra,
        **kw,
    )
    return [i["InstanceId"] for i in answer["Instances"]]


def container_instances(box: Any, cluster: str) -> list[dict[str, Any]]:
    ecs = box.client("ecs")
    arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    if not arns:
        return []
    return ecs.describe_container_instances(cluster=cluster, containerInstances=arns)[
        "containerInstances"
    ]


@pytest.fixture(scope="module")
def embedded() -> Iterator[Sandbox]:
    with Sandbox().start(background=False) as running:
        yield running


@pytest.fixture
def sandbox(embedded: Sandbox) -> Sandbox:
    """The module's embedded sandbox, emptied (a reset costs milliseconds)."""
    embedded.reset()
    return embedded


@pytest.fixture
def box(sandbox: Sandbox) -> Sandbox:
    sandbox.client("ecs").create_cluster(clusterName="lab")
    return sandbox


def test_an_instance_with_profile_and_user_data_registers_with_what_its_type_has(box: Any) -> None:
    [instance_id] = launch(box, profile(box), USER_DATA.format(cluster="lab"))
    outcome = rt.agent_outcomes()[instance_id]  # the runtime synced after run_instances
    assert outcome["registered"] and "registered with lab" in outcome["reason"], outcome
    [ci] = container_instances(box, "lab")
    assert ci["ec2InstanceId"] == instance_id and ci["status"] == "ACTIVE"
    registered = {r["name"]: r for r in ci["registeredResources"]}
    assert registered["CPU"]["integerValue"] == 2048  # t3.medium: 2 vCPUs
    assert registered["MEMORY"]["integerValue"] == 3992  # 4096 MiB as the OS reports it
    assert {r["name"]: r["integerValue"] for r in ci["remainingResources"][:2]} == {
        "CPU": 2048,
        "MEMORY": 3992,
    }
    attributes = {a["name"]: a.get("value") for a in ci["attributes"]}
    assert attributes["ecs.instance-type"] == "t3.medium"
    assert attributes["ecs.availability-zone"].startswith("us-east-1")
    assert attributes["ecs.os-type"] == "linux" and attributes["ecs.cpu-architecture"] == "x86_64"
    assert sync(InternalClients()).changed is False  # idempotent


def test_no_ecs_cluster_in_user_data_means_the_default_cluster(box: Any) -> None:
    [instance_id] = launch(box, profile(box), "#!/bin/bash\nyum update -y\n")
    assert rt.agent_outcomes()[instance_id]["registered"]
    assert [c["ec2InstanceId"] for c in container_instances(box, "default")] == [instance_id]


def test_a_profile_without_the_agent_permissions_does_not_register_until_fixed(box: Any) -> None:
    name = profile(box, "weak", managed=False)
    box.client("iam").put_role_policy(
        RoleName=name,
        PolicyName="s3-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
            }
        ),
    )
    [instance_id] = launch(box, name, USER_DATA.format(cluster="lab"))
    outcome = rt.agent_outcomes()[instance_id]
    assert not outcome["registered"]
    assert "ecs:RegisterContainerInstance" in outcome["reason"] and "ecs:Poll" in outcome["reason"]
    assert container_instances(box, "lab") == []
    # lower-case action names are the same actions to IAM
    box.client("iam").put_role_policy(
        RoleName=name,
        PolicyName="agent",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": [
                            "ecs:registercontainerinstance",
                            "ecs:discoverpollendpoint",
                            "ecs:poll",
                            "ecs:starttelemetrysession",
                            "ecs:submit*",
                        ],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    assert rt.agent_outcomes()[instance_id]["registered"]  # put_role_policy: the agent retried


def test_no_profile_and_no_ecs_ami_are_reported(box: Any) -> None:
    [bare] = launch(box, None, USER_DATA.format(cluster="lab"))
    [other] = launch(box, profile(box), USER_DATA.format(cluster="lab"), ImageId="ami-12345678")
    outcomes = rt.agent_outcomes()
    assert "no IAM instance profile" in outcomes[bare]["reason"]
    assert "not an ECS-optimized AMI" in outcomes[other]["reason"]
    assert container_instances(box, "lab") == []


def test_a_terminated_instance_leaves_the_cluster_and_its_tasks_stop(box: Any) -> None:
    ids = launch(box, profile(box), USER_DATA.format(cluster="lab"), count=2)
    sync(InternalClients())
    ecs = box.client("ecs")
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["EC2"],
        networkMode="bridge",
        containerDefinitions=[
            {
                "name": "web",
                "image": "nginx",
                "memory": 256,
                "portMappings": [{"containerPort": 80, "hostPort": 80}],
            }
        ],
    )
    victim = next(c for c in container_instances(box, "lab") if c["ec2InstanceId"] == ids[0])
    [task] = ecs.start_task(
        cluster="lab", taskDefinition="web", containerInstances=[victim["containerInstanceArn"]]
    )["tasks"]
    box.client("ec2").terminate_instances(InstanceIds=[ids[0]])
    outcome = rt.agent_outcomes()[ids[0]]
    assert not outcome["registered"] and "terminated" in outcome["reason"]
    [stopped] = ecs.describe_tasks(cluster="lab", tasks=[task["taskArn"]])["tasks"]
    assert stopped["lastStatus"] == "STOPPED"
    assert stopped["stoppedReason"] == f"Host EC2 (instance {ids[0]}) stopped/terminated."
    assert [c["ec2InstanceId"] for c in container_instances(box, "lab")] == [ids[1]]


def test_static_host_port_on_two_registered_instances_places_two_of_three(box: Any) -> None:
    launch(box, profile(box), USER_DATA.format(cluster="lab"), count=2)
    sync(InternalClients())
    definition = {
        "family": "web",
        "networkMode": "bridge",
        "containerDefinitions": [
            {
                "name": "web",
                "image": "nginx",
                "memory": 256,
                "portMappings": [{"containerPort": 80, "hostPort": 80}],
            }
        ],
    }
    hosts = hosts_from_api(container_instances(box, "lab"))
    placed = place_many(Demand.from_task_definition(definition, "service:web"), hosts, 3)
    assert [p.placed for p in placed] == [True, True, False]
    assert "is already using a port required by your task" in (placed[2].event("web") or "")


def test_asg_instances_register_and_managed_scaling_grows_the_group(box: Any) -> None:
    name = profile(box)
    image = box.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    box.client("ec2").create_launch_template(
        LaunchTemplateName="ecs-lt",
        LaunchTemplateData={
            "ImageId": image,
            "InstanceType": "t3.small",
            "IamInstanceProfile": {"Name": name},
            "UserData": base64.b64encode(USER_DATA.format(cluster="lab").encode()).decode(),
        },
    )
    asg = box.client("autoscaling")
    asg.create_auto_scaling_group(
        AutoScalingGroupName="ecs-asg",
        LaunchTemplate={"LaunchTemplateName": "ecs-lt", "Version": "$Latest"},
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=1,
        AvailabilityZones=["us-east-1a"],
    )
    assert len(container_instances(box, "lab")) == 1  # registered after create_auto_scaling_group
    decision = capacity.desired_capacity(3, 1, capacity.ManagedScaling(), 0, 4)
    assert capacity.apply(InternalClients(), "ecs-asg", decision)
    assert len(sync(InternalClients()).registered) == 2
    assert len(container_instances(box, "lab")) == 3


def test_user_data_forms() -> None:
    text = 'ECS_CLUSTER=lab\nECS_RESERVED_MEMORY=256\nECS_INSTANCE_ATTRIBUTES={"stack": "prod"}\n'
    encoded = base64.b64encode(text.encode()).decode()
    assert decode_user_data(encoded) == text
    config = AgentConfig.from_user_data(decode_user_data(encoded))
    assert (config.cluster, config.reserved_memory, dict(config.attributes)) == (
        "lab",
        256,
        {"stack": "prod"},
    )
    heredoc = "#!/bin/bash\ncat <<'EOF' >> /etc/ecs/ecs.config\nECS_CLUSTER=\"prod-1\"\nEOF\n"
    assert AgentConfig.from_user_data(heredoc).cluster == "prod-1"
    assert AgentConfig.from_user_data("").cluster == "default"


def test_iam_evaluation_rules() -> None:
    allow = PolicySource(
        "a", {"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
    )
    deny = PolicySource(
        "d",
        {
            "Statement": {
                "Effect": "Deny",
                "Action": "s3:getobject",
                "Resource": "arn:aws:s3:::secret/*",
            }
        },
    )
    not_action = PolicySource(
        "n", {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
    )
    assert evaluate([allow], "S3:GETOBJECT", "arn:aws:s3:::b/k").allowed
    assert not evaluate([allow], "s3:PutObject", "*").allowed
    decision = evaluate([allow, deny], "s3:GetObject", "arn:aws:s3:::secret/x")
    assert not decision.allowed and "explicitly denied by d" in decision.reason
    assert evaluate([allow, deny], "s3:GetObject", "arn:aws:s3:::public/x").allowed
    assert evaluate([not_action], "ecr:BatchGetImage", "*").allowed
    assert not evaluate([not_action], "iam:CreateRole", "*").allowed
    conditional = PolicySource(
        "c",
        {
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {}}}
            ]
        },
    )
    assert not evaluate([conditional], "s3:GetObject", "*").allowed


def test_allowed_reads_inline_and_managed_policies(sandbox: Any) -> None:
    profile(sandbox, "agent")
    clients = InternalClients()
    assert allowed("agent", "ecs:Poll", "*", clients).allowed
    assert allowed("arn:aws:iam::123456789012:role/agent", "ecr:BatchGetImage", "*", clients)
    assert not allowed("agent", "secretsmanager:GetSecretValue", "*", clients).allowed
    assert "does not exist" in allowed("nobody", "ecs:Poll", "*", clients).reason


def test_server_mode_seeds_and_registers(embedded: Sandbox, moto_server: MotoServer) -> None:
    embedded.stop()  # one sandbox per process: this test runs last in the module
    server = moto_server
    with Sandbox(server.endpoint).start(background=False) as remote:
        remote.reset()
        check_ecs_ami(remote)
        remote.client("ecs").create_cluster(clusterName="lab")
        [instance_id] = launch(remote, profile(remote), USER_DATA.format(cluster="lab"))
        assert rt.agent_outcomes(server.endpoint)[instance_id]["registered"]
        [ci] = container_instances(remote, "lab")
        assert {r["name"]: r.get("integerValue") for r in ci["registeredResources"]}[
            "MEMORY"
        ] == 3992
        remote.reset()
        check_ecs_ami(remote)  # the server re-seeds after a reset
