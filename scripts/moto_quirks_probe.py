"""Does moto still answer these calls unlike AWS? Run it after a moto upgrade.

``python scripts/moto_quirks_probe.py moto``     plain moto (``mock_aws``), no ecs-learn fixes
``python scripts/moto_quirks_probe.py sandbox``  the embedded sandbox (fidelity_api applied)

Each line prints what the call answered; docs/moto-behaviour.md says what AWS answers and
what the sandbox does about it. Nothing here contacts AWS (moto in this process only).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError


def _clients(mode: str) -> Callable[[str], Any]:
    if mode == "sandbox":
        from ecs_learn.sandbox import Sandbox

        return Sandbox().start(background=False).client
    import boto3
    from moto import mock_aws

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[key] = "testing"
    mock_aws().start()
    return lambda service: boto3.client(service, region_name="us-east-1")


def _show(label: str, call: Callable[[], Any]) -> None:
    try:
        answer = call()
    except ClientError as error:
        found = error.response["Error"]
        print(f"{label}: {found['Code']}: {found['Message']}")
    except Exception as error:  # moto's raw crashes are part of what is probed
        print(f"{label}: raw {type(error).__name__}: {error}")
    else:
        print(f"{label}: {json.dumps(answer, default=str)}")


def main(mode: str) -> None:
    client = _clients(mode)
    ec2, eks, elbv2, ecs, cloudwatch = (
        client(s) for s in ("ec2", "eks", "elbv2", "ecs", "cloudwatch")
    )
    subnets = sorted(
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
            "Subnets"
        ]
    )[:2]
    group = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]

    _show("(a) list_fargate_profiles, no such cluster", lambda: eks.list_fargate_profiles(
        clusterName="nope")["fargateProfileNames"])  # fmt: skip
    eks.create_cluster(
        name="k",
        roleArn="arn:aws:iam::123456789012:role/eks",
        resourcesVpcConfig={"subnetIds": subnets},
    )
    _show("(a) list_fargate_profiles, cluster without profiles", lambda: eks.list_fargate_profiles(
        clusterName="k")["fargateProfileNames"])  # fmt: skip

    def load_balancer(**extra: Any) -> str:
        params = {"Name": "web", "Subnets": subnets, "SecurityGroups": [group], **extra}
        return str(elbv2.create_load_balancer(**params)["LoadBalancers"][0]["LoadBalancerArn"])

    _show("(b) create_load_balancer", load_balancer)
    _show("(b) again, same settings", load_balancer)
    _show("(b) again, Type=network", lambda: load_balancer(Type="network"))
    _show("(b) load balancers named web", lambda: sum(
        lb["LoadBalancerName"] == "web"
        for lb in elbv2.describe_load_balancers()["LoadBalancers"]))  # fmt: skip

    ecs.create_cluster(clusterName="lab")
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        # container memory: plain moto's run_task crashes without it (moto-behaviour §0.3)
        containerDefinitions=[{"name": "web", "image": "nginx:1.27", "memory": 512}],
    )
    network = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group]}}

    def service(count: int) -> Any:
        return ecs.create_service(
            cluster="lab",
            serviceName="web",
            taskDefinition="web",
            desiredCount=count,
            launchType="FARGATE",
            networkConfiguration=network,
        )["service"]["desiredCount"]

    _show("(c) create_service desiredCount=1", lambda: service(1))
    _show("(c) again, desiredCount=1", lambda: service(1))
    _show("(c) again, desiredCount=3", lambda: service(3))

    ecs.create_cluster(clusterName="runs")  # a cluster of its own: no service's tasks in it
    started = ecs.run_task(
        cluster="runs", taskDefinition="web", launchType="FARGATE", count=2,
        networkConfiguration=network,
    )["tasks"]  # fmt: skip
    ecs.stop_task(cluster="runs", task=started[0]["taskArn"], reason="probe")
    for status in (None, "RUNNING", "STOPPED"):
        asked = {"desiredStatus": status} if status else {}
        _show(f"(d) list_tasks {asked or '(no desiredStatus)'}: how many", lambda asked=asked: len(
            ecs.list_tasks(cluster="runs", **asked)["taskArns"]))  # fmt: skip

    cloudwatch.put_metric_alarm(
        AlarmName="cpu-high", Namespace="AWS/ECS", MetricName="CPUUtilization",
        Statistic="Average", Period=60, EvaluationPeriods=3, Threshold=75.0,
        ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    _show("(e) a new alarm's state", lambda: cloudwatch.describe_alarms(
        AlarmNames=["cpu-high"])["MetricAlarms"][0]["StateValue"])  # fmt: skip
    _show("(f) describe_capacity_providers()", lambda: len(
        ecs.describe_capacity_providers()["capacityProviders"]))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "moto")
