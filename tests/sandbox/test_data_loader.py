"""The sandbox's botocore sessions share one data loader: a data file is parsed once per
process, however many sessions make clients (real botocore, no call made)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import botocore.session
import pytest
from botocore.loaders import JSONFileLoader

from ecs_learn.sandbox.data_loader import boto3_session, share, shared_loader


def _client(session: Any) -> Any:
    return session.client(
        "iam",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def test_sessions_made_here_parse_each_data_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    shared_loader.cache_clear()
    parsed: Counter[str] = Counter()
    original = JSONFileLoader.load_file

    def counting(self: JSONFileLoader, file_path: str) -> Any:
        found = original(self, file_path)
        if found is not None:
            parsed[file_path.rsplit("/data/", 1)[-1]] += 1
        return found

    monkeypatch.setattr(JSONFileLoader, "load_file", counting)
    first, second = boto3_session(), boto3_session(region_name="eu-west-1")
    internal = share(botocore.session.Session())
    _client(first), _client(second)
    internal.create_client(
        "iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    assert parsed["iam/2010-05-08/service-2"] == 1
    assert parsed["endpoints"] == 1
    loader = internal.get_component("data_loader")
    assert len(loader.search_paths) == len(set(loader.search_paths))  # boto3's folder once
    assert any(path.endswith("boto3/data") for path in loader.search_paths)
    shared_loader.cache_clear()
