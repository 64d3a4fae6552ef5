from __future__ import annotations

import pytest

from ecs_learn.sandbox import EndpointRefusedError, validate_endpoint
from ecs_learn.sandbox.endpoint import is_loopback_host


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:5000", "http://localhost:5000/", "http://127.8.9.10:1", "http://[::1]:5000"],
)
def test_loopback_endpoints_are_accepted(url: str) -> None:
    assert validate_endpoint(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "https://ecs.us-east-1.amazonaws.com",
        "http://10.0.0.5:5000",
        "http://192.168.1.2:5000",
        "http://example.com",
        "http://localhost.evil.com:5000",
    ],
)
def test_other_endpoints_are_refused_with_the_reason(url: str) -> None:
    with pytest.raises(EndpointRefusedError, match="loopback"):
        validate_endpoint(url)


@pytest.mark.parametrize("url", ["127.0.0.1:5000", "ftp://127.0.0.1", ""])
def test_non_urls_are_refused(url: str) -> None:
    with pytest.raises(EndpointRefusedError, match="not a URL"):
        validate_endpoint(url)


def test_loopback_host_detection() -> None:
    assert is_loopback_host("LOCALHOST")
    assert is_loopback_host("::1")
    assert not is_loopback_host(None)
    assert not is_loopback_host("0.0.0.0")
