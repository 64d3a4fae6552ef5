"""Both sandbox modes for every runtime test: embedded moto, and a loopback moto server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecs_learn.sandbox import Sandbox
from ecs_learn.sandbox.server import MotoServer


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One moto server process for the whole run (starting one costs seconds); every test
    empties its account first (``box``)."""
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="module", params=["embedded", "server"])
def running(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """One sandbox per mode and module (server mode: a client of the session's server).

    Per module, not per package: some modules start sandboxes of their own, and a process
    runs one sandbox at a time.
    """
    if request.param == "embedded":
        box = Sandbox().start(background=False)
    else:
        server: MotoServer = request.getfixturevalue("moto_server")
        box = Sandbox(server.endpoint).start(background=False)
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def box(running: Sandbox) -> Sandbox:
    """The sandbox of the current mode, with an empty account (and runtime)."""
    running.reset()
    return running
