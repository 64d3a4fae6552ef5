"""The one botocore layer: hooks see the calls they ask for, scopes switch them off."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from ecs_learn.sandbox import botocore_layer
from ecs_learn.sandbox.botocore_layer import Call, Hook

PACKAGE = Path(__file__).resolve().parents[2] / "ecs_learn"


@pytest.fixture
def seen() -> Iterator[list[tuple[str, str, str]]]:
    """A recording hook on ECS CreateCluster, removed afterwards."""
    log: list[tuple[str, str, str]] = []

    def before_params(call: Call) -> None:
        log.append(("before_params", call.operation, call.params.get("clusterName", "")))

    def before_call(call: Call) -> None:
        log.append(("before_call", call.operation, call.url.split("/")[2]))

    def after_call(call: Call, parsed: Mapping[str, Any]) -> None:
        log.append(("after_call", call.operation, parsed["cluster"]["clusterName"]))

    botocore_layer.install()
    botocore_layer.add_hook(
        Hook(
            "test-recorder",
            operations=frozenset({("ecs", "CreateCluster")}),
            before_params=before_params,
            before_call=before_call,
            after_call=after_call,
        )
    )
    try:
        yield log
    finally:
        botocore_layer.remove_hook("test-recorder")


def _ecs() -> Any:
    return boto3.client(
        "ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )


def test_a_hook_sees_its_operation_in_order_and_nothing_else(seen: list[Any]) -> None:
    with mock_aws():
        ecs = _ecs()
        ecs.create_cluster(clusterName="lab")
        ecs.list_clusters()
    assert seen == [
        ("before_params", "CreateCluster", "lab"),
        ("before_call", "CreateCluster", "ecs.us-east-1.amazonaws.com"),
        ("after_call", "CreateCluster", "lab"),
    ]


def test_internal_calls_are_seen_by_no_hook(seen: list[Any]) -> None:
    with mock_aws():
        client = botocore_layer.internal_client("ecs")
        with botocore_layer.internal():
            client.create_cluster(clusterName="mine")
        assert [c["clusterName"] for c in _describe_all(client)] == ["mine"]
    assert seen == []


def _describe_all(client: Any) -> list[dict[str, Any]]:
    with botocore_layer.internal():
        arns = client.list_clusters()["clusterArns"]
        return list(client.describe_clusters(clusters=arns)["clusters"])


def test_lenient_skips_only_hooks_that_check_calls() -> None:
    judged: list[str] = []
    acted: list[str] = []
    botocore_layer.install()
    botocore_layer.add_hook(
        Hook("test-judge", before_call=lambda c: judged.append(c.operation), checks=True)
    )
    botocore_layer.add_hook(Hook("test-actor", after_call=lambda c, _: acted.append(c.operation)))
    try:
        with mock_aws():
            ecs = _ecs()
            with botocore_layer.lenient():
                ecs.list_clusters()
            ecs.list_clusters()
    finally:
        botocore_layer.remove_hook("test-judge")
        botocore_layer.remove_hook("test-actor")
    assert judged == ["ListClusters"]
    assert acted == ["ListClusters", "ListClusters"]


def test_a_hook_can_answer_a_call_with_an_error_botocore_raises() -> None:
    def refuse(call: Call) -> Any:
        http = botocore_layer.empty_response(call.url, 400, {"x-amzn-requestid": "r"})
        return http, {"Error": {"Code": "ClientException", "Message": "no"}}

    botocore_layer.install()
    botocore_layer.add_hook(
        Hook("test-refuse", operations=frozenset({("ecs", "CreateCluster")}), before_call=refuse)
    )
    try:
        with mock_aws():
            ecs = _ecs()
            with pytest.raises(ecs.exceptions.ClientException, match="no"):
                ecs.create_cluster(clusterName="lab")
            assert ecs.list_clusters()["clusterArns"] == []
    finally:
        botocore_layer.remove_hook("test-refuse")


def test_failed_calls_reach_no_after_call_hook(seen: list[Any]) -> None:
    botocore_layer.add_hook(
        Hook(
            "test-refuse",
            operations=frozenset({("ecs", "CreateCluster")}),
            before_call=lambda c: (
                botocore_layer.empty_response(c.url, 400),
                {"Error": {"Code": "ClientException", "Message": "no"}},
            ),
            order=0,
        )
    )
    try:
        with mock_aws(), pytest.raises(Exception, match="no"):
            _ecs().create_cluster(clusterName="lab")
    finally:
        botocore_layer.remove_hook("test-refuse")
    assert [s[0] for s in seen] == ["before_params"]


def test_only_the_layer_registers_botocore_handlers() -> None:
    registration = re.compile(
        r"BUILTIN_HANDLERS\.(append|extend|insert)|events\.register|gc\.get_objects"
    )
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if registration.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == ["sandbox/botocore_layer.py"]
