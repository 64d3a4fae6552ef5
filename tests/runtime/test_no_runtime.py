"""Moving or reading the clock before the mocked account runs is a learner's mistake: one
line that says what to do, not a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ecs_learn import runtime
from ecs_learn.errors import EcsLearnError
from ecs_learn.sandbox import active

CALLS: dict[str, Callable[[], Any]] = {
    "advance": lambda: runtime.advance(minutes=5),
    "now": runtime.now,
    "time": runtime.time,
    "timeline": runtime.timeline,
    "agent_outcomes": runtime.agent_outcomes,
    "set_load": lambda: runtime.set_load("service/shop/web", 100),
    "send_request": lambda: runtime.send_request("web"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_without_a_sandbox_the_runtime_says_to_run_the_setup_cell(name: str) -> None:
    assert active() is None and runtime.local() is None  # a fresh kernel, setup not run
    with pytest.raises(runtime.NoRuntimeError) as caught:
        CALLS[name]()
    error = caught.value
    assert isinstance(error, EcsLearnError) and isinstance(error, RuntimeError)
    message = str(error)
    assert "not running in this kernel" in message
    assert "open_lab" in message and "ecs_learn.sandbox.get_sandbox()" in message
    assert error._render_traceback_() == [f"NoRuntimeError: {message}"]
