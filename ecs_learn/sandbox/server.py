"""A moto server on loopback in its own process, owned by whoever starts it.

A submission's kernel talks to it over HTTP (server mode of the sandbox) while the
owner (the grader, a test) reads the same state, out of the student's reach. Its own
process keeps moto's work off the owner's interpreter (no GIL contention with nbval and
the kernel) and dies with a signal.
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

__all__ = ["SERVER_SETTINGS", "MotoServer", "free_port", "serve"]

# Read by moto when it builds a backend: AWS managed policies present (a server cannot
# load them lazily, and they cost ~0.1 s there), no 1,300 default AMIs.
SERVER_SETTINGS = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}


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

    def __init__(self, port: int = 0, *, warm: bool = True) -> None:
        self._port = port or free_port()
        self._warm = warm
        self._process: subprocess.Popen[bytes] | None = None
        self.endpoint = f"http://127.0.0.1:{self._port}"

    def start(self) -> MotoServer:
        install_network_guard()
        command = [
            sys.executable,
            "-c",
            "import sys; from ecs_learn.sandbox.server import serve; "
            "serve(int(sys.argv[1]), warm=sys.argv[2] == '1')",
            str(self._port),
            "1" if self._warm else "0",
        ]
        self._process = subprocess.Popen(
            command,
            env={**os.environ, **SERVER_SETTINGS},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

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
        quirks.reset_server(self.endpoint)

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


def serve(port: int, *, warm: bool = True) -> None:
    """The server process: moto on 127.0.0.1:``port`` with the quirk fixes, until SIGTERM.

    ``GET /ecs-learn/ready`` answers 200 once the server is warm.
    """
    import logging
    import threading

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Response

    os.environ.update(SERVER_SETTINGS)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    install_network_guard()
    quirks.apply_embedded()  # the state manager lives in this process
    ready = threading.Event()
    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/ecs-learn/ready":
            answer = Response(
                "ready" if ready.is_set() else "warming", 200 if ready.is_set() else 503
            )
            return answer(environ, start_response)
        if environ.get("PATH_INFO") == moto_ext_scaling.EXT_PATH:
            answer = Response(*moto_ext_scaling.handle_server_request(environ))
            return answer(environ, start_response)
        answer = moto_app(environ, start_response)
        if environ.get("PATH_INFO") == "/moto-api/reset":
            quirks.apply_embedded()  # a reset empties moto's EC2: seed it again
        return answer

    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
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
