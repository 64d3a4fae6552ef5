"""Each kind of resource Owns can name has its remover, and they run dependencies first."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ecs_learn.checks.owns import Owns, Service
from ecs_learn.exercise_reset import REMOVERS, remove_owned


def test_every_kind_has_a_remover_in_the_order_of_owns() -> None:
    assert list(REMOVERS) == [f.name for f in fields(Owns)]


def test_removing_what_is_not_there_removes_nothing_and_keeps_nothing(sandbox: Any) -> None:
    done = remove_owned(
        Owns(
            services=(Service("nowhere", "web"),),
            security_groups=("no-such-group",),
            repositories=("no/such",),
            file_systems=("no-such-token",),
            eks_clusters=("no-such-cluster",),
            scalable_targets=("service/nowhere/web",),
            ssm_parameters=("/ecs-learn/none",),
            iam_roles=("no-such-role",),
        ),
        sandbox.client,
    )
    assert (done.removed, done.kept) == ((), ())


def test_a_reset_says_what_it_keeps_and_why(sandbox: Any) -> None:
    ecs = sandbox.client("ecs")
    ecs.create_cluster(clusterName="lab")
    ecs.create_capacity_provider(
        name="spare",
        autoScalingGroupProvider={"autoScalingGroupArn": "arn:aws:autoscaling:x"},
    )
    ecs.put_cluster_capacity_providers(
        cluster="lab", capacityProviders=["spare"], defaultCapacityProviderStrategy=[]
    )
    ecs.register_task_definition(
        family="web", containerDefinitions=[{"name": "web", "image": "x", "memory": 128}]
    )
    ecs.create_service(
        cluster="lab",
        serviceName="user",
        taskDefinition="web",
        desiredCount=0,
        capacityProviderStrategy=[{"capacityProvider": "spare", "weight": 1}],
    )
    done = remove_owned(
        Owns(services=(Service("lab", "other"),), capacity_providers=("spare",)), sandbox.client
    )
    assert done.removed == ()
    assert done.kept == (
        "capacity provider spare: service user of cluster lab still places tasks with it "
        "(AWS refuses to detach it; start that exercise over first)",
    )


def test_a_secret_is_deleted_at_once_so_the_exercise_can_create_it_again(sandbox: Any) -> None:
    """Without ForceDeleteWithoutRecovery the name would stay taken for the recovery window
    (also when the learner had scheduled the deletion already)."""
    secrets = sandbox.client("secretsmanager")
    secrets.create_secret(Name="shop/db-password", SecretString="first")
    secrets.create_secret(Name="shop/api-key", SecretString="key")
    secrets.create_secret(Name="shop/old", SecretString="old")
    secrets.delete_secret(SecretId="shop/old")  # scheduled, 30 days by default
    done = remove_owned(Owns(secrets=("shop/db-password", "shop/old", "shop/none")), sandbox.client)
    assert done.removed == (
        "Secrets Manager secret shop/db-password, at once and without a recovery window: "
        "its value cannot be restored",
        "Secrets Manager secret shop/old (it was scheduled for deletion), at once and without "
        "a recovery window: its value cannot be restored",
    )
    assert done.kept == ()
    names = [s["Name"] for s in secrets.list_secrets(IncludePlannedDeletion=True)["SecretList"]]
    assert names == ["shop/api-key"]
    secrets.create_secret(Name="shop/db-password", SecretString="second")
    secrets.create_secret(Name="shop/old", SecretString="again")
    value = secrets.get_secret_value(SecretId="shop/db-password")["SecretString"]
    assert value == "second"
