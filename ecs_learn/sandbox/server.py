"""A moto server on loopback, owned by whoever starts it (the grader, tests).

A submission's kernel talks to it over HTTP (server mode of the sandbox) while the
owner reads the same state directly, out of the student's reach.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from ecs_learn.sandbox import quirks
from ecs_learn.sandbox.env import restore_environment
from ecs_learn.sandbox.guard import install_network_guard

__all__ = ["MotoServer"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MotoServer:
    """``with MotoServer() as server: server.endpoint`` -> ``http://127.0.0.1:<port>``.

    ``start(background=True)`` returns at once with the endpoint known, and imports and
    starts moto in a thread, so that whoever will use the server (a kernel) can start in
    the meantime; clients of the sandbox wait for it to listen.
    """

    def __init__(self, port: int = 0) -> None:
        self._port = port or _free_port()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.endpoint = f"http://127.0.0.1:{self._port}"
        self._saved_env: dict[str, str | None] = {}

    def start(self, *, background: bool = False) -> MotoServer:
        install_network_guard()
        # Read by moto when it builds a backend: AWS managed policies present (a server
        # cannot load them lazily), no 1,300 default AMIs.
        settings = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
        self._saved_env = {name: os.environ.get(name) for name in settings}
        os.environ.update(settings)
        if background:
            self._thread = threading.Thread(target=self._run, name="ecs-learn-moto", daemon=True)
            self._thread.start()
        else:
            self._run()
            if self.error is not None:
                raise self.error
        return self

    def _run(self) -> None:
        try:
            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            from moto.server import ThreadedMotoServer

            server = ThreadedMotoServer(ip_address="127.0.0.1", port=self._port, verbose=False)
            server.start()
            self._server = server
            quirks.apply_server(self.endpoint)
        except BaseException as exc:  # reported by wait(); a thread must not die silently
            self.error = exc

    def wait(self) -> None:
        """Block until a background start has finished; re-raise its failure."""
        if self._thread is not None:
            self._thread.join()
        if self.error is not None:
            raise self.error

    def reset(self) -> None:
        """Empty every account on the server, keeping the quirk fixes."""
        quirks.reset_server(self.endpoint)

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if self._server is not None:
            self._server.stop()
            self._server = None
        restore_environment(self._saved_env)

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
