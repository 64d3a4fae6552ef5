"""Strict mode against a moto server on 127.0.0.1 (clients with ``endpoint_url``)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
import rule_payloads as P
from moto.server import ThreadedMotoServer

import ecs_learn.strict as strict
from ecs_learn.sandbox.server import free_port


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_strict_through_a_moto_server(endpoint: str, strict_on: None) -> None:
    def client(name: str) -> object:
        return boto3.client(
            name,
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    ecs, ec2 = client("ecs"), client("ec2")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]  # type: ignore[attr-defined]
    ecs.create_cluster(clusterName="lab")  # type: ignore[attr-defined]

    bad_size = P.FARGATE_TD | {"memory": "4096"}
    with pytest.raises(ecs.exceptions.ClientException) as caught:  # type: ignore[attr-defined]
        ecs.register_task_definition(**bad_size)  # type: ignore[attr-defined]
    assert caught.value.response["Error"]["Code"] == "ClientException"
    assert [f["rule_id"] for f in caught.value.response["EcsLearn"]["findings"]] == ["TD011"]

    ecs.register_task_definition(**P.FARGATE_TD)  # type: ignore[attr-defined]
    # The rule needs the task definition: strict fetches it from the same server.
    no_network = {
        "cluster": "lab",
        "serviceName": "web",
        "taskDefinition": "web:1",
        "desiredCount": 1,
        "launchType": "FARGATE",
    }
    with pytest.raises(ecs.exceptions.InvalidParameterException) as caught:  # type: ignore[attr-defined]
        ecs.create_service(**no_network)  # type: ignore[attr-defined]
    assert "SVC004" in {f["rule_id"] for f in caught.value.response["EcsLearn"]["findings"]}

    with strict.lenient():
        service = ecs.create_service(**no_network)["service"]  # type: ignore[attr-defined]
    assert service["status"] == "ACTIVE"  # moto alone accepts it

    ok = no_network | {
        "serviceName": "web-ok",
        "networkConfiguration": {
            "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": []}
        },
    }
    ecs.create_service(**ok)  # type: ignore[attr-defined]
