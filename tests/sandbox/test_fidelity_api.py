"""API calls moto answers unlike AWS (sandbox/fidelity_api.py), answered as AWS does, in
both sandbox modes: embedded moto and a loopback moto server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_learn.sandbox import Sandbox
from ecs_learn.sandbox.server import MotoServer


@pytest.fixture(scope="module", params=["embedded", "server"])
def running(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    if request.param == "embedded":
        box = Sandbox().start(background=False)
        try:
            yield box
        finally:
            box.stop()
        return
    with MotoServer() as server:
        box = Sandbox(server.endpoint).start(background=False)
        try:
            yield box
        finally:
            box.stop()


@pytest.fixture
def box(running: Sandbox) -> Sandbox:
    running.reset()
    return running


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def _network(box: Sandbox) -> tuple[list[str], str]:
    ec2 = box.client("ec2")
    found = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    subnets = sorted(s["SubnetId"] for s in found["Subnets"])[:2]
    group = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
    return subnets, group


def _fargate(box: Sandbox) -> dict[str, Any]:
    ecs = box.client("ecs")
    ecs.create_cluster(clusterName="lab")
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx:1.27", "essential": True}],
    )
    subnets, group = _network(box)
    return {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group]}}


def test_eks_lists_of_an_unknown_cluster_say_no_cluster_found(box: Sandbox) -> None:
    eks = box.client("eks")
    for call in (eks.list_fargate_profiles, eks.list_nodegroups):
        with pytest.raises(ClientError) as caught:
            call(clusterName="nope")
        assert _error(caught) == ("ResourceNotFoundException", "No cluster found for name: nope.")
    subnets, _ = _network(box)
    eks.create_cluster(
        name="empty",
        roleArn="arn:aws:iam::123456789012:role/eks-cluster",
        resourcesVpcConfig={"subnetIds": subnets},
    )
    assert eks.list_fargate_profiles(clusterName="empty")["fargateProfileNames"] == []
    assert eks.list_nodegroups(clusterName="empty")["nodegroups"] == []


def test_a_load_balancer_created_twice_with_the_same_settings_is_one(box: Sandbox) -> None:
    elbv2 = box.client("elbv2")
    subnets, group = _network(box)
    first = elbv2.create_load_balancer(Name="web", Subnets=subnets, SecurityGroups=[group])
    again = elbv2.create_load_balancer(
        Name="web", Subnets=list(reversed(subnets)), SecurityGroups=[group], Type="application"
    )
    arn = first["LoadBalancers"][0]["LoadBalancerArn"]
    assert again["LoadBalancers"][0]["LoadBalancerArn"] == arn
    assert [lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]] == [
        arn
    ]
    for different in ({"Type": "network"}, {"Scheme": "internal"}, {"Subnets": subnets[:1]}):
        params = {"Name": "web", "Subnets": subnets, "SecurityGroups": [group], **different}
        with pytest.raises(ClientError) as caught:
            elbv2.create_load_balancer(**params)
        assert _error(caught) == (
            "DuplicateLoadBalancerName",
            "A load balancer with the same name 'web' exists, but with different settings",
        )
    assert len(elbv2.describe_load_balancers()["LoadBalancers"]) == 1


def test_a_service_name_in_use_is_not_created_again(box: Sandbox) -> None:
    ecs = box.client("ecs")
    network = _fargate(box)
    params: dict[str, Any] = {
        "cluster": "lab",
        "serviceName": "web",
        "taskDefinition": "web",
        "desiredCount": 1,
        "launchType": "FARGATE",
        "networkConfiguration": network,
    }
    ecs.create_service(**params)
    for again in (params, {**params, "desiredCount": 3}):
        with pytest.raises(ClientError) as caught:
            ecs.create_service(**again)
        assert _error(caught) == (
            "InvalidParameterException",
            "Creation of service was not idempotent.",
        )
    kept = ecs.describe_services(cluster="lab", services=["web"])["services"][0]
    assert kept["desiredCount"] == 1  # not replaced
    ecs.delete_service(cluster="lab", service="web", force=True)  # INACTIVE frees the name
    assert ecs.create_service(**{**params, "desiredCount": 2})["service"]["desiredCount"] == 2


def test_a_retry_with_the_same_client_token_and_parameters_succeeds(box: Sandbox) -> None:
    ecs = box.client("ecs")
    params: dict[str, Any] = {
        "cluster": "lab",
        "serviceName": "api",
        "taskDefinition": "web",
        "desiredCount": 1,
        "launchType": "FARGATE",
        "networkConfiguration": _fargate(box),
        "clientToken": "retry-1",
    }
    first = ecs.create_service(**params)["service"]
    retried = ecs.create_service(**params)["service"]
    assert retried["serviceArn"] == first["serviceArn"]
    ids = [d["id"] for d in first["deployments"]]
    assert [d["id"] for d in retried["deployments"]] == ids  # the same service, not a new one
    with pytest.raises(ClientError) as caught:
        ecs.create_service(**{**params, "desiredCount": 2})
    assert _error(caught)[1] == "Creation of service was not idempotent."


def test_list_tasks_lists_running_tasks_unless_told_otherwise(box: Sandbox) -> None:
    ecs = box.client("ecs")
    network = _fargate(box)
    started = ecs.run_task(
        cluster="lab",
        taskDefinition="web",
        launchType="FARGATE",
        count=2,
        networkConfiguration=network,
    )["tasks"]
    arns = sorted(t["taskArn"] for t in started)
    assert len(arns) == 2
    ecs.stop_task(cluster="lab", task=arns[0], reason="done with it")
    assert ecs.list_tasks(cluster="lab")["taskArns"] == [arns[1]]
    assert ecs.list_tasks(cluster="lab", desiredStatus="RUNNING")["taskArns"] == [arns[1]]
    assert ecs.list_tasks(cluster="lab", desiredStatus="STOPPED")["taskArns"] == [arns[0]]


def test_a_new_alarm_has_insufficient_data_and_an_update_keeps_its_state(box: Sandbox) -> None:
    cloudwatch = box.client("cloudwatch")
    alarm: dict[str, Any] = {
        "AlarmName": "web-cpu-high",
        "Namespace": "AWS/ECS",
        "MetricName": "CPUUtilization",
        "Dimensions": [
            {"Name": "ClusterName", "Value": "lab"},
            {"Name": "ServiceName", "Value": "web"},
        ],
        "Statistic": "Average",
        "Period": 60,
        "EvaluationPeriods": 3,
        "Threshold": 75.0,
        "ComparisonOperator": "GreaterThanThreshold",
    }

    def described() -> dict[str, Any]:
        found: dict[str, Any] = cloudwatch.describe_alarms(AlarmNames=["web-cpu-high"])[
            "MetricAlarms"
        ][0]
        return found

    cloudwatch.put_metric_alarm(**alarm)
    assert described()["StateValue"] == "INSUFFICIENT_DATA"
    assert described()["StateReason"] == "Unchecked: Initial alarm creation"
    cloudwatch.set_alarm_state(AlarmName="web-cpu-high", StateValue="ALARM", StateReason="hot")
    cloudwatch.put_metric_alarm(**{**alarm, "Threshold": 80.0})
    now = described()
    assert (now["StateValue"], now["StateReason"], now["Threshold"]) == ("ALARM", "hot", 80.0)


def test_describe_capacity_providers_without_names_describes_them_all(box: Sandbox) -> None:
    ecs = box.client("ecs")
    asg = box.client("autoscaling")
    subnets, _ = _network(box)
    asg.create_launch_configuration(
        LaunchConfigurationName="workers", ImageId="ami-12c6146b", InstanceType="t3.small"
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName="workers",
        LaunchConfigurationName="workers",
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=",".join(subnets),
    )
    group = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    assert ecs.describe_capacity_providers()["capacityProviders"] == []
    ecs.create_capacity_provider(
        name="workers", autoScalingGroupProvider={"autoScalingGroupArn": group}
    )
    assert [p["name"] for p in ecs.describe_capacity_providers()["capacityProviders"]] == [
        "workers"
    ]


def test_a_family_alone_names_its_latest_active_revision(box: Sandbox) -> None:
    ecs = box.client("ecs")
    network = _fargate(box)
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx:1.28", "essential": True}],
    )
    ecs.deregister_task_definition(taskDefinition="web:2")
    td = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert (td["revision"], td["status"]) == (1, "ACTIVE")
    service = ecs.create_service(
        cluster="lab",
        serviceName="web",
        taskDefinition="web",
        desiredCount=0,
        launchType="FARGATE",
        networkConfiguration=network,
    )["service"]
    assert service["taskDefinition"].endswith(":task-definition/web:1")
    ecs.deregister_task_definition(taskDefinition="web:1")  # none ACTIVE: moto's answer stays
    td = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert (td["revision"], td["status"]) == (2, "INACTIVE")
