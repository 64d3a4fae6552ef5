"""A moto server on loopback, owned by whoever starts it (the grader, tests).

A submission's kernel talks to it over HTTP (server mode of the sandbox) while the
owner reads the same state directly, out of the student's reach.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from ecs_learn.sandbox import quirks
from ecs_learn.sandbox.guard import install_network_guard

__all__ = ["MotoServer"]


class MotoServer:
    """``with MotoServer() as server: server.endpoint`` -> ``http://127.0.0.1:<port>``."""

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._server: Any = None
        self.endpoint: str = ""

    def start(self) -> MotoServer:
        install_network_guard()
        # Read by moto when it builds a backend: AWS managed policies present (a server
        # cannot load them lazily), no 1,300 default AMIs.
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self._port, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        quirks.apply_server(self.endpoint)
        return self

    def reset(self) -> None:
        """Empty every account on the server, keeping the quirk fixes."""
        quirks.reset_server(self.endpoint)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
