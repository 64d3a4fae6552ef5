"""A moto server whose owner does not trust its clients (the grader's slots): the owner's
token is nowhere another process can read it, the management API needs it, and the door
refuses that API outright — so a client cannot empty, seed or rewire its own account."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import boto3
import pytest

from ecs_learn.sandbox.quirks import REFUSED_HEADER
from ecs_learn.sandbox.server import TOKEN_HEADER, MotoServer, free_port

# Every way in to a management action a client might try; each must be refused.
MANAGEMENT = [
    ("POST", "/moto-api/reset", {}),
    ("POST", "/moto-api/reset-auth", {}),
    ("POST", "/moto-api/seed?a=42", {}),
    ("GET", "/moto-api/data.json", {}),
    ("POST", "/moto-api/state-manager/set-transition", {}),
    ("POST", "/moto-api/state-manager/unset-transition", {}),
    ("POST", "/moto-api/recorder/start-recording", {}),
    ("POST", "/moto-api/config", {}),
    ("POST", "/MOTO-API/reset", {}),
    ("POST", "//moto-api/reset", {}),
    ("POST", "/moto%2Dapi/reset", {}),
    ("POST", "/", {"Host": "motoapi.amazonaws.com"}),
    ("POST", "/moto-api/reset", {"x-moto-account-id": "000000000000"}),
    ("POST", "/ecs-learn/ext/scaling", {}),
]
DOOR_ONLY = [  # the owner's own paths beyond the management API, refused at the door
    ("POST", "/ecs-learn/ext/scaling", {}),
    ("POST", "/ecs-learn/runtime/reset", {}),
    ("POST", "/ecs-learn/other", {}),
]


def _call(base: str, method: str, path: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(base + path, data=b"{}", method=method, headers=headers)
    if method == "GET":
        request.data = None
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers.get(REFUSED_HEADER) or ""


@pytest.fixture(scope="module")
def owned() -> Iterator[tuple[MotoServer, str]]:
    door_port = free_port()
    server = MotoServer(warm=False, token=secrets.token_hex(16), door=f"tcp:{door_port}")
    server.start()
    try:
        server.wait(timeout=120)
        yield server, f"http://127.0.0.1:{door_port}"
    finally:
        server.stop()


def test_the_token_is_not_in_the_servers_environment_or_command_line(
    owned: tuple[MotoServer, str],
) -> None:
    """``/proc/<pid>/environ`` keeps a process's first environment even after it unsets a
    variable, and any process of the same user may read it."""
    server, _ = owned
    assert server.token and server.pid
    for name in ("environ", "cmdline"):
        with open(f"/proc/{server.pid}/{name}", "rb") as f:
            assert server.token.encode() not in f.read(), name


def test_a_client_cannot_reset_seed_or_rewire_its_own_account(
    owned: tuple[MotoServer, str],
) -> None:
    server, door = owned
    iam = boto3.client(
        "iam",
        endpoint_url=door,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    iam.create_role(RoleName="built-by-the-student", AssumeRolePolicyDocument="{}")
    answers = {}
    for method, path, headers in MANAGEMENT + DOOR_ONLY:
        answers[f"door {method} {path} {headers}"] = _call(door, method, path, headers)
        with_token = {**headers, TOKEN_HEADER: server.token or ""}
        answers[f"door+token {method} {path}"] = _call(door, method, path, with_token)
    for method, path, headers in MANAGEMENT:
        answers[f"owner {method} {path} {headers}"] = _call(server.endpoint, method, path, headers)
        wrong = {**headers, TOKEN_HEADER: "0" * 32}
        answers[f"owner+wrong {method} {path}"] = _call(server.endpoint, method, path, wrong)
    refused = {k: v for k, v in answers.items() if v == (403, "management")}
    assert refused == answers  # every one refused, by the guard (not a 404 by chance)
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert roles == ["built-by-the-student"]  # the account still holds what it built
    # ...and the learner's own runtime paths still pass the door
    with urllib.request.urlopen(f"{door}/ecs-learn/runtime/now", timeout=10) as now:
        assert "elapsed" in json.loads(now.read())


def test_the_owner_with_the_token_can_reset(owned: tuple[MotoServer, str]) -> None:
    server, door = owned
    server.reset()
    iam = boto3.client(
        "iam",
        endpoint_url=door,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    assert iam.list_roles()["Roles"] == []


def test_a_server_told_to_expect_a_token_and_given_none_does_not_start() -> None:
    """Fail closed: a guarded server never runs unguarded."""
    port = free_port()
    code = (
        "import sys; from ecs_learn.sandbox.server import serve; "
        "serve(int(sys.argv[1]), warm=False, token_on_stdin=True)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(port)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert done.returncode != 0
    assert "no token on standard input" in done.stderr
