"""A moto server on loopback in its own process, owned by whoever starts it.

A submission's kernel talks to it over HTTP (server mode of the sandbox) while the
owner (the grader, a test) reads the same state, out of the student's reach. Its own
process keeps moto's work off the owner's interpreter (no GIL contention with nbval and
the kernel) and dies with a signal.

Two guards for a server whose owner does not trust its clients (the grader's):

* with a **token** (``MotoServer(token=...)``, given to the process on its standard
  input: never on its command line, nor in its environment, which ``/proc/<pid>/environ``
  shows any process of the same user), moto's management endpoints (``/moto-api/...``:
  reset, state manager, seeding, the data dump) answer only requests carrying that token;
* a **door** (``MotoServer(door=...)``) is a second listener for the untrusted client —
  a Unix socket (``unix:/path``) or a loopback port (``tcp:PORT``) — that serves the
  AWS APIs of the default account and refuses every management endpoint, token or not.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from ecs_learn.sandbox import moto_ext_scaling, quirks
from ecs_learn.sandbox.guard import install_network_guard

__all__ = [
    "DOOR_ENV",
    "SERVER_SETTINGS",
    "TOKEN_ENV",
    "TOKEN_HEADER",
    "MotoServer",
    "door_app",
    "free_port",
    "management_guard",
    "open_door",
    "serve",
]

# Read by moto when it builds a backend: AWS managed policies present (a server cannot
# load them lazily, and they cost ~0.1 s there), no 1,300 default AMIs.
SERVER_SETTINGS = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
TOKEN_ENV = "ECS_LEARN_SERVER_TOKEN"  # never passed on: the token goes on standard input
DOOR_ENV = "ECS_LEARN_SERVER_DOOR"  # where the untrusted client's listener is
TOKEN_HEADER = "x-ecs-learn-token"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MotoServer:
    """``with MotoServer() as server: server.endpoint`` -> ``http://127.0.0.1:<port>``.

    ``start()`` returns as soon as the process is spawned, with the endpoint known;
    clients of the sandbox wait for it to listen, and :meth:`wait` blocks until it does.
    With ``warm`` the server builds the backends a lab uses before answering anyone
    slowly (moto's first ECS call alone takes about 1.5 s).
    """

    def __init__(
        self,
        port: int = 0,
        *,
        warm: bool = True,
        token: str | None = None,
        door: str | None = None,
    ) -> None:
        self._port = port or free_port()
        self._warm = warm
        self._process: subprocess.Popen[bytes] | None = None
        self.endpoint = f"http://127.0.0.1:{self._port}"
        self.token = token
        self.door = door

    def start(self) -> MotoServer:
        install_network_guard()
        command = [
            sys.executable,
            "-c",
            "import sys; from ecs_learn.sandbox.server import serve; "
            "serve(int(sys.argv[1]), warm=sys.argv[2] == '1', token_on_stdin=sys.argv[3] == '1')",
            str(self._port),
            "1" if self._warm else "0",
            "1" if self.token else "0",
        ]
        env = {**os.environ, **SERVER_SETTINGS}
        env.pop(TOKEN_ENV, None)
        env.pop(DOOR_ENV, None)
        if self.door:
            env[DOOR_ENV] = self.door
        self._process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.PIPE if self.token else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if self.token and self._process.stdin is not None:
            with self._process.stdin as stdin:
                stdin.write(self.token.encode("ascii") + b"\n")
        return self

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def wait(self, timeout: float = 60.0) -> None:
        """Block until the server answers (and has warmed up); raise if it died."""
        deadline = time.monotonic() + timeout
        while True:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the moto server exited with code {self._process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/ecs-learn/ready", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the moto server at {self.endpoint} did not start")
            time.sleep(0.05)

    def reset(self) -> None:
        """Empty every account on the server, keeping the quirk fixes."""
        self.wait()
        quirks.reset_server(self.endpoint, self.token)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def __enter__(self) -> MotoServer:
        self.start()
        self.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(port: int, *, warm: bool = True, token_on_stdin: bool = False) -> None:
    """The server process: moto on 127.0.0.1:``port`` with the quirk fixes, until SIGTERM.

    ``GET /ecs-learn/ready`` answers 200 once the server is warm. With
    ``token_on_stdin`` the first line of standard input is the owner's token.
    """
    import logging
    import threading

    from moto import mock_aws
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Response

    from ecs_learn import runtime
    from ecs_learn.runtime.remote import wrap

    os.environ.update(SERVER_SETTINGS)
    os.environ.pop(TOKEN_ENV, None)
    token: str | None = None
    if token_on_stdin:  # fail closed: a server meant to be guarded never runs unguarded
        token = sys.stdin.readline().strip()
        if not token:
            raise SystemExit("serve: no token on standard input")
    door = os.environ.pop(DOOR_ENV, None) or None
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    install_network_guard()
    # The runtime runs here, next to the account: its clients reach these same backends
    # in-process (moto's interceptor), and a WSGI layer triggers it (runtime/remote.py).
    mock_aws().start()
    quirks.apply_embedded()  # the state manager lives in this process
    ready = threading.Event()
    moto_app = wrap(DomainDispatcherApplication(create_backend_app), runtime.attach(hook=False))

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/ecs-learn/ready":
            status = Response(
                "ready" if ready.is_set() else "warming", 200 if ready.is_set() else 503
            )
            return status(environ, start_response)
        if environ.get("PATH_INFO") == moto_ext_scaling.EXT_PATH:  # the owner's only
            handled = Response(*moto_ext_scaling.handle_server_request(environ))
            return handled(environ, start_response)
        body = moto_app(environ, start_response)
        if environ.get("PATH_INFO") == "/moto-api/reset":
            quirks.apply_embedded()  # a reset empties moto's EC2: seed it again
        return body

    owner_app = app if token is None else management_guard(app, token)
    server = make_server(
        "127.0.0.1", port, owner_app, threaded=True, request_handler=MotoRequestHandler
    )
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if door is not None:
        open_door(door, door_app(moto_app, ready))
    if warm:
        _warm_up(f"http://127.0.0.1:{port}")
    ready.set()
    thread.join()


def _warm_up(endpoint: str) -> None:
    import boto3

    from ecs_learn.sandbox.core import WARM_UP_CALLS
    from ecs_learn.sandbox.env import FAKE_ACCESS_KEY, REGION

    session = boto3.session.Session(
        aws_access_key_id=FAKE_ACCESS_KEY, aws_secret_access_key=FAKE_ACCESS_KEY, region_name=REGION
    )
    for service, operation in WARM_UP_CALLS:
        getattr(session.client(service, endpoint_url=endpoint), operation)()


# -- guards for an owner that does not trust the clients ------------------------------
WsgiApp = Any


def _is_management(environ: dict[str, Any]) -> bool:
    """A request for moto's own API (``/moto-api/...``, or its ``motoapi`` host)."""
    path = str(environ.get("PATH_INFO", "")).lower()
    host = str(environ.get("HTTP_HOST", "")).lower()
    return "moto-api" in path or "motoapi" in host or path == moto_ext_scaling.EXT_PATH


def _refuse(environ: dict[str, Any], start_response: Any, why: str) -> Any:
    from werkzeug.wrappers import Response

    from ecs_learn.sandbox.quirks import REFUSED_HEADER

    answer = Response(why, 403, {REFUSED_HEADER: "management"})
    return answer(environ, start_response)


def management_guard(app: WsgiApp, token: str) -> WsgiApp:
    """``app`` with ``/moto-api/...`` answered only for requests that carry ``token``."""
    import hmac

    header = "HTTP_" + TOKEN_HEADER.upper().replace("-", "_")

    def guarded(environ: dict[str, Any], start_response: Any) -> Any:
        if _is_management(environ) and not hmac.compare_digest(str(environ.get(header, "")), token):
            return _refuse(environ, start_response, "moto's management API is the owner's")
        return app(environ, start_response)

    return guarded


# The runtime's clock and offered load are part of the learner's API (labs advance the clock,
# pin its start and set a service's load in exercise cells). They change when things happen
# in this account only; the checks judge what the account then shows.
LEARNER_RUNTIME_PATHS = frozenset(
    f"/ecs-learn/runtime/{command}"
    for command in ("advance", "now", "timeline", "agent", "set_time", "set_load")
)


def door_app(moto_app: WsgiApp, ready: Any) -> WsgiApp:
    """What the untrusted client may reach: AWS APIs of the default account, ``ready`` and
    the runtime's clock and load (advance, now, timeline, agent, set_time, set_load).

    Every management endpoint is refused, as is choosing another account
    (``x-moto-account-id``); ``/ecs-learn/ready`` answers as on the owner's listener. The
    clock is the learner's: exercise cells advance it (health checks, retries, draining),
    pin its start and set the load, which only decides when this account's own
    behaviour happens; nothing there writes what the checks read directly.
    """
    from werkzeug.wrappers import Response

    def door(environ: dict[str, Any], start_response: Any) -> Any:
        path = str(environ.get("PATH_INFO", ""))
        if path == "/ecs-learn/ready":
            answer = Response(
                "ready" if ready.is_set() else "warming", 200 if ready.is_set() else 503
            )
            return answer(environ, start_response)
        if _is_management(environ) or (
            path.startswith("/ecs-learn/") and path not in LEARNER_RUNTIME_PATHS
        ):
            return _refuse(environ, start_response, "this server's management API is the grader's")
        environ.pop("HTTP_X_MOTO_ACCOUNT_ID", None)
        return moto_app(environ, start_response)

    return door


def open_door(door: str, app: WsgiApp) -> None:
    """Serve ``app`` on ``unix:/path`` (a socket file only its owner can open) or ``tcp:PORT``."""
    import threading

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    kind, _, where = door.partition(":")
    if kind == "unix":
        if os.path.exists(where):
            os.unlink(where)
        old = os.umask(0o077)
        try:
            server = make_server(
                f"unix://{where}", 0, app, threaded=True, request_handler=MotoRequestHandler
            )
        finally:
            os.umask(old)
    elif kind == "tcp":
        server = make_server(
            "127.0.0.1", int(where), app, threaded=True, request_handler=MotoRequestHandler
        )
    else:
        raise ValueError(f"a door is unix:/path or tcp:PORT, not {door!r}")
    threading.Thread(target=server.serve_forever, daemon=True, name="ecs-learn-door").start()
