"""Server mode: a kernel-side sandbox talking to a moto server that someone else owns."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import boto3
import pytest

from ecs_learn.checks import AccountReader
from ecs_learn.sandbox import EndpointRefusedError, Sandbox
from ecs_learn.sandbox.server import MotoServer


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    with MotoServer() as running:
        yield running


def test_clients_talk_to_the_server_and_the_owner_sees_the_state(server: MotoServer) -> None:
    server.reset()
    with Sandbox(server.endpoint).start(background=False) as box:
        assert box.mode == "server"
        boto3.client("ecs").create_cluster(clusterName="from-plain-client")
        box.client("ecs").create_cluster(clusterName="from-sandbox-client")
    owner = AccountReader.for_endpoint(server.endpoint)
    arns = owner.ecs.list_clusters()["clusterArns"]
    assert sorted(a.rsplit("/", 1)[1] for a in arns) == ["from-plain-client", "from-sandbox-client"]


def test_server_quirks_are_fixed_too(server: MotoServer) -> None:
    server.reset()
    with Sandbox(server.endpoint).start(background=False) as box:
        iam = box.client("iam")
        iam.create_role(RoleName="exec", AssumeRolePolicyDocument="{}")
        iam.attach_role_policy(
            RoleName="exec",
            PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        )
        box.reset()
        assert box.client("iam").list_roles()["Roles"] == []


def test_clients_wait_for_a_server_that_is_still_starting() -> None:
    server = MotoServer().start()  # returns before the process listens
    try:
        with Sandbox(server.endpoint).start(background=False) as box:
            assert box.client("ecs").list_clusters()["clusterArns"] == []
        server.wait()
    finally:
        server.stop()
    with pytest.raises(OSError):  # the process is gone: nothing listens any more
        urllib.request.urlopen(f"{server.endpoint}/ecs-learn/ready", timeout=2)


def test_a_non_loopback_endpoint_is_refused_before_anything_starts() -> None:
    with pytest.raises(EndpointRefusedError, match="not on this machine"):
        Sandbox("https://ecs.us-east-1.amazonaws.com")
