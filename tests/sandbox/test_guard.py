"""Nothing in ecs-learn can reach real AWS: a request that moto does not answer is refused."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from ecs_learn.sandbox import NetworkGuardError, install_network_guard


def test_a_client_outside_the_sandbox_is_refused_before_any_socket_opens() -> None:
    install_network_guard()
    client = boto3.client(
        "ecs",
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 0}),
    )
    with pytest.raises(NetworkGuardError, match=r"ecs\.us-east-1\.amazonaws\.com"):
        client.list_clusters()


def test_loopback_is_still_allowed_through_the_guard() -> None:
    install_network_guard()
    client = boto3.client(
        "ecs",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",  # discard port: nothing listens
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(retries={"max_attempts": 0}, connect_timeout=1),
    )
    from botocore.exceptions import EndpointConnectionError

    with pytest.raises(EndpointConnectionError):
        client.list_clusters()


def test_installing_twice_wraps_once() -> None:
    from botocore.httpsession import URLLib3Session

    install_network_guard()
    first = URLLib3Session.send
    install_network_guard()
    assert URLLib3Session.send is first
