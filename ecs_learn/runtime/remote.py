"""Server mode: the runtime runs inside the moto server process, next to the account.

:func:`wrap` puts a small WSGI layer in front of moto (``sandbox/server.py:serve``):

* after a request whose operation :func:`~ecs_learn.runtime.triggers.triggers` names has
  succeeded, the runtime reconciles *before* the answer goes back, so the learner's call
  returns with the account converged, and the grader (another process reading the same
  server) sees the same account;
* an ECS ``RunTask`` on the EC2 launch type is answered by the runtime, not moto
  (``Runtime.run_task``: the placement engine, AWS's ``failures``), with the same body
  the embedded hook answers with;
* ``POST /ecs-learn/runtime/advance`` (``{"seconds": N}``) moves the clock (the answer is
  :meth:`~ecs_learn.runtime.advanced.Advanced.to_dict`: elapsed, moved, time, events);
  ``GET /ecs-learn/runtime/timeline`` returns the timeline, ``.../agent`` what the ECS
  agents of the EC2 instances said; ``GET .../now`` the elapsed
  seconds and the virtual time; ``POST .../set_time`` (``{"time": ISO 8601}``) pins the clock;
  ``POST .../set_load`` (``{"service", "load": LoadShape dict or null, "model"}``) sets the
  load the scaling engine offers a service;
* ``POST /moto-api/reset`` also resets the runtime.

Requests are handled one at a time (moto is not thread-safe, and the runtime's pass must
not interleave with a learner's call). The client side is :func:`call`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from datetime import datetime
from io import BytesIO
from typing import Any

from ecs_learn.runtime.triggers import triggers

__all__ = ["PREFIX", "call", "wrap"]

PREFIX = "/ecs-learn/runtime/"
ECS_RUN_TASK = "AmazonEC2ContainerServiceV20141113.RunTask"
log = logging.getLogger(__name__)
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _operation(environ: dict[str, Any], body: bytes) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return str(target).rsplit(".", 1)[-1]
    if body and b"Action=" in body:
        fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        return str(fields.get("Action", [""])[0])
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    return str(query.get("Action", [""])[0])


def _json(start_response: Callable[..., Any], payload: Any, status: str = "200 OK") -> list[bytes]:
    data = json.dumps(payload, default=str).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def wrap(moto_app: WsgiApp, runtime: Any) -> WsgiApp:
    """The moto app with the runtime in front (``runtime``: an ``engine.Runtime``)."""
    lock = threading.RLock()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        with lock:
            if path.startswith(PREFIX):
                return _control(path[len(PREFIX) :], environ, start_response, runtime)
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = BytesIO(body)
            seen: dict[str, str] = {}

            def remember(status: str, headers: Any, *rest: Any) -> Any:
                seen["status"] = status
                return start_response(status, headers, *rest)

            if environ.get("HTTP_X_AMZ_TARGET") == ECS_RUN_TASK:
                placed = _run_task(runtime, body, start_response)
                if placed is not None:
                    runtime.after("RunTask")
                    return placed
            answer = list(moto_app(environ, remember))
            ok = seen.get("status", "500").startswith("2")
            if path == "/moto-api/reset" and ok:
                runtime.reset()
            elif ok and triggers(operation := _operation(environ, body)):
                runtime.after(operation)
            return answer

    return app


def _run_task(runtime: Any, body: bytes, start_response: Callable[..., Any]) -> list[bytes] | None:
    """An EC2 RunTask answered by the runtime (``run_task.py``); ``None``: moto answers."""
    from ecs_learn.runtime.run_task import ApiError

    try:
        answer = runtime.run_task(json.loads(body or b"{}"))
    except ApiError as exc:
        status, answer = "400 Bad Request", {"__type": exc.code, "message": exc.message}
    except Exception:  # a runtime bug must not break the learner's call: moto answers
        log.exception("ecs-learn runtime: placing a RunTask failed")
        return None
    else:
        if answer is None:
            return None
        status = "200 OK"
    data = json.dumps(answer, default=_epoch).encode()
    start_response(
        status,
        [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _epoch(value: Any) -> Any:
    """ECS's JSON protocol sends timestamps as epoch seconds."""
    return value.timestamp() if isinstance(value, datetime) else str(value)


def _body(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b"{}"
    found: dict[str, Any] = json.loads(raw or b"{}")
    return found


def _control(
    command: str, environ: dict[str, Any], start_response: Callable[..., Any], runtime: Any
) -> list[bytes]:
    try:
        if command == "advance":
            seconds = float(_body(environ).get("seconds", 0))
            return _json(start_response, runtime.advance(seconds).to_dict())
        if command == "set_time":
            when = dt.datetime.fromisoformat(str(_body(environ)["time"]))
            return _json(start_response, {"time": runtime.set_time(when).isoformat()})
        if command == "set_load":
            body = _body(environ)
            rid = runtime.set_load(body["service"], body.get("load"), body.get("model"))
            return _json(start_response, {"service": rid})
        if command == "timeline":
            return _json(start_response, {"timeline": runtime.timeline()})
        if command == "now":
            clock = runtime.state.clock
            return _json(
                start_response, {"elapsed": clock.elapsed, "time": clock.now().isoformat()}
            )
        if command == "agent":
            return _json(start_response, {"agent": runtime.agent_outcomes()})
    except Exception as exc:  # report, never kill the server
        return _json(
            start_response, {"error": f"{type(exc).__name__}: {exc}"}, "500 Internal Server Error"
        )
    return _json(start_response, {"error": f"unknown command {command!r}"}, "404 Not Found")


def call(
    endpoint: str, command: str, payload: dict[str, Any] | None = None, timeout: float = 60
) -> dict[str, Any]:
    """Call a runtime command on a moto server (``endpoint`` already validated)."""
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        f"{endpoint}{PREFIX}{command}",
        data=data,
        method="POST" if data is not None else "GET",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # loopback only
        answer: dict[str, Any] = json.loads(response.read())
    if "error" in answer:
        raise RuntimeError(f"the runtime on {endpoint} failed: {answer['error']}")
    return answer
