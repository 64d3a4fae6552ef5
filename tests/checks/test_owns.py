"""Owns: what an exercise creates, said in words in the order a reset removes it."""

from __future__ import annotations

from dataclasses import fields

from ecs_learn.checks.owns import (
    AccessPoint,
    EksPart,
    Image,
    Ingress,
    Owns,
    Revisions,
    ScalingPart,
    Service,
    Tasks,
)


def test_an_empty_owns_is_false_and_says_nothing() -> None:
    assert not Owns() and Owns().describe() == []
    assert Owns(ssm_parameters=("/ecs-learn/lab06/predictions/peak",))


def test_every_kind_is_said_in_words_dependencies_first() -> None:
    owns = Owns(
        iam_roles=("eksNodeRole",),
        secrets=("shop/db-password",),
        instance_profiles=("ecsInstanceRole",),
        task_families=("web",),
        log_groups=("/ecs/web",),
        repositories=("shop/web",),
        images=(Image("shop/web", "v1.0.2"), Image("shop/web", "")),
        lifecycle_policies=("shop/web",),
        security_groups=("web-alb",),
        ingress=(Ingress("web-tasks", 8080),),
        file_systems=("uploads-data",),
        access_points=(AccessPoint("uploads-data", "/uploads"),),
        target_groups=("api",),
        load_balancers=("web-alb",),
        clusters=("temp",),
        instances_tagged=("lab=04",),
        launch_templates=("lab04-spot",),
        auto_scaling_groups=("lab04-spot",),
        capacity_providers=("lab04-spot",),
        eks_clusters=("learn-eks",),
        nodegroups=(EksPart("learn-eks", "spot-workers"),),
        fargate_profiles=(EksPart("learn-eks", "serverless"),),
        tasks=(Tasks("shop", "web-pinned"),),
        services=(Service("shop", "api"),),
        revisions=(Revisions("web-static", host_port=0), Revisions("web", image=":2.0")),
        scalable_targets=("service/lab/web",),
        scaling_policies=(ScalingPart("service/lab/web", "cpu-50"),),
        scheduled_actions=(ScalingPart("service/lab/web", "office-open"),),
        alarms=("web-cpu-high",),
        ssm_parameters=("/ecs-learn/lab07/storage",),
    )
    assert all(getattr(owns, f.name) for f in fields(Owns))  # every kind is in the example
    said = owns.describe()
    assert said[0] == "SSM parameter /ecs-learn/lab07/storage"
    assert said[-1] == "IAM role eksNodeRole"
    order = [
        "scaling policy cpu-50 of service/lab/web",
        "scalable target service/lab/web",
        "the revisions of task definition family web-static with a dynamic host port",
        "the revisions of task definition family web with the image …:2.0",
        "service api in cluster shop",
        "capacity provider lab04-spot",
        "Auto Scaling group lab04-spot",
        "launch template lab04-spot",
        "load balancer web-alb",
        "target group api",
        "access point /uploads of EFS file system uploads-data",
        "EFS file system uploads-data",
        "inbound TCP 8080 rules of security group web-tasks",
        "security group web-alb",
        "lifecycle policy of ECR repository shop/web",
        "image shop/web:v1.0.2",
        "the untagged images of ECR repository shop/web",
        "ECR repository shop/web",
        "task definition family web",
        "Secrets Manager secret shop/db-password",
        "instance profile ecsInstanceRole",
    ]
    assert [s for s in said if s in order] == order
