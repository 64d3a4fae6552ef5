"""The untrusted client's door to a grader's moto server: AWS APIs and the runtime's clock
pass; moto's management API and the rest of /ecs-learn/ are refused."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.test import Client
from werkzeug.wrappers import Response

from ecs_learn.sandbox.server import door_app


def _door() -> tuple[Client, list[str]]:
    seen: list[str] = []

    def behind(environ: dict[str, Any], start_response: Any) -> Any:
        seen.append(environ["PATH_INFO"])
        return Response("{}", 200)(environ, start_response)

    ready = threading.Event()
    ready.set()
    return Client(door_app(behind, ready)), seen


def test_the_runtime_clock_passes_the_door() -> None:
    client, seen = _door()
    for path in ("/ecs-learn/runtime/advance", "/ecs-learn/runtime/now"):
        assert client.post(path, data=b"{}").status_code == 200
    assert seen == ["/ecs-learn/runtime/advance", "/ecs-learn/runtime/now"]


def test_management_and_other_ecs_learn_paths_are_refused() -> None:
    client, seen = _door()
    for path in ("/moto-api/reset", "/ecs-learn/other", "/ecs-learn/runtimeX"):
        assert client.post(path).status_code == 403
    assert client.get("/ecs-learn/ready").status_code == 200
    assert seen == []
