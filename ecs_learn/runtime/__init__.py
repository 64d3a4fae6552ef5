"""The runtime: the mocked account acts as AWS documents it, on a virtual clock.

moto only stores configuration. The runtime starts a service's tasks (or fails them the
way AWS does), registers them in their target groups, reports target health, rolls out
deployments and trips the circuit breaker, all through the AWS APIs of the sandbox. What
AWS does within about a minute happens before the learner's call returns; the rest waits
for the virtual clock: :func:`advance`.

Where it runs: in the process that holds the account. Embedded, that is the learner's
kernel (a hook on the botocore layer reconciles after every call that changes something);
in server mode, the moto server process (``sandbox/server.py`` wraps moto with
:mod:`~ecs_learn.runtime.remote`), and :func:`advance` here reaches it over HTTP. See
docs/runtime.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ecs_learn.errors import EcsLearnError
from ecs_learn.runtime.advanced import Advanced
from ecs_learn.runtime.engine import Runtime
from ecs_learn.runtime.placer import Placement, PlacementRequest, PlacementResult, Placer
from ecs_learn.runtime.routing import Routed
from ecs_learn.runtime.triggers import TRIGGERS
from ecs_learn.sandbox import botocore_layer
from ecs_learn.sandbox.botocore_layer import Call, Hook

if TYPE_CHECKING:
    from ecs_learn.runtime.scaling.load import LoadShape

__all__ = [
    "Advanced",
    "NoRuntimeError",
    "Placement",
    "PlacementRequest",
    "PlacementResult",
    "Placer",
    "Routed",
    "Runtime",
    "advance",
    "agent_outcomes",
    "attach",
    "detach",
    "local",
    "now",
    "reset",
    "send_request",
    "set_load",
    "set_placer",
    "set_time",
    "time",
    "timeline",
]

log = logging.getLogger(__name__)
_local: Runtime | None = None


class NoRuntimeError(EcsLearnError, RuntimeError):
    """The clock was asked to move (or read) in a process where no mocked account runs."""


def _after_call(call: Call, parsed: Mapping[str, Any]) -> None:
    runtime = _local
    if runtime is None:
        return
    try:
        runtime.after(call.operation)
    except Exception:  # a runtime bug must not break the learner's call
        log.exception("ecs-learn runtime: reconciling after %s failed", call.operation)


def _before_call(call: Call) -> tuple[Any, dict[str, Any]] | None:
    """Answer a learner's EC2 RunTask with the runtime's placement (``run_task.py``)."""
    runtime = _local
    if runtime is None or call.key != ("ecs", "RunTask"):
        return None
    from ecs_learn.runtime.run_task import ApiError

    try:
        answer = runtime.run_task(call.params)
    except ApiError as exc:
        error = {"Error": {"Code": exc.code, "Message": exc.message}}
        meta = {"HTTPStatusCode": 400, "HTTPHeaders": {}, "RetryAttempts": 0}
        return botocore_layer.empty_response(call.url, 400), {**error, "ResponseMetadata": meta}
    except Exception:  # a runtime bug must not break the learner's call: moto answers
        log.exception("ecs-learn runtime: placing a RunTask failed")
        return None
    if answer is None:
        return None
    meta = {"HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}
    return botocore_layer.empty_response(call.url, 200), {**answer, "ResponseMetadata": meta}


HOOK = Hook(
    name="runtime",
    operations=TRIGGERS,
    before_call=_before_call,
    after_call=_after_call,
    order=200,
)


def attach(*, hook: bool = True) -> Runtime:
    """Run the runtime in this process (which holds the account); idempotent.

    ``hook``: reconcile after the learner's calls (embedded mode). The moto server
    process attaches without the hook (its WSGI wrapper triggers instead).
    """
    global _local
    from ecs_learn.runtime import lifecycle
    from ecs_learn.sandbox import moto_ext, moto_ext_scaling

    moto_ext.apply()
    moto_ext_scaling.set_lifecycle_evaluator(lifecycle.preview)
    if _local is None:
        _local = Runtime()
    if hook:
        botocore_layer.install()
        botocore_layer.add_hook(HOOK)
    return _local


def detach() -> None:
    """Stop running the runtime in this process."""
    global _local
    from ecs_learn.sandbox import moto_ext_scaling

    botocore_layer.remove_hook(HOOK.name)
    moto_ext_scaling.set_lifecycle_evaluator(None)
    _local = None


def local() -> Runtime | None:
    """The runtime running in this process, if any."""
    return _local


def reset() -> None:
    """Forget all runtime state (the account was reset)."""
    if _local is not None:
        _local.reset()


def _endpoint(endpoint: str | None) -> str | None:
    from ecs_learn.sandbox import active, validate_endpoint

    if endpoint:
        return validate_endpoint(endpoint)
    if _local is not None:
        return None
    sandbox = active()
    if sandbox is not None and sandbox.endpoint:
        return sandbox.endpoint
    raise NoRuntimeError(
        "The mocked account is not running in this kernel, so its clock cannot move. Run the "
        "lab's setup cell first (the one with `lab = open_lab(...)`), or start the account "
        "with `ecs_learn.sandbox.get_sandbox()`, then run this cell again."
    )


def advance(
    *, hours: float = 0, minutes: float = 0, seconds: float = 0, endpoint: str | None = None
) -> Advanced:
    """Move the virtual clock ahead and let everything due happen.

    Returns an :class:`Advanced`: the elapsed virtual seconds since the reset (it is that
    float, as before), which also says how far the clock moved, to what time, and what
    happened meanwhile (``.events``); a notebook shows it as ``advanced 5 min to 10:05 UTC;
    3 events (...)``.

    ``endpoint``: a moto server on loopback (default: the active sandbox's, in server mode).
    """
    from ecs_learn.runtime import remote

    total = hours * 3600 + minutes * 60 + seconds
    where = _endpoint(endpoint)
    if where is None:
        assert _local is not None
        return _local.advance(total)
    # a simulated day with auto scaling can take a while on a loaded machine
    answer = remote.call(where, "advance", {"seconds": total}, timeout=900)
    return Advanced.from_dict(answer)


def now(endpoint: str | None = None) -> float:
    """Elapsed virtual seconds since the account was reset."""
    from ecs_learn.runtime import remote

    where = _endpoint(endpoint)
    if where is None:
        assert _local is not None
        return _local.state.clock.elapsed
    return float(remote.call(where, "now")["elapsed"])


def time(endpoint: str | None = None) -> dt.datetime:
    """The current virtual time (UTC), as the account's timestamps show it."""
    from ecs_learn.runtime import remote

    where = _endpoint(endpoint)
    if where is None:
        assert _local is not None
        return _local.state.clock.now()
    return dt.datetime.fromisoformat(str(remote.call(where, "now")["time"]))


def set_time(when: dt.datetime, endpoint: str | None = None) -> dt.datetime:
    """Pin the virtual clock so that it reads ``when`` now (naive means UTC); returns it.

    The clock's start is otherwise the wall-clock time of the last reset, so a scheduled
    action such as ``cron(0 9 * * ? *)`` in Europe/Berlin would fire at a different elapsed
    time each run. Call it after the account is reset and before advancing; the scaling
    engine's metric history and cooldowns start over. A reset goes back to wall-clock time.
    """
    from ecs_learn.runtime import remote

    if not isinstance(when, dt.datetime):
        raise TypeError("set_time takes a datetime, e.g. datetime(2026, 1, 5, tzinfo=timezone.utc)")
    where = _endpoint(endpoint)
    if where is None:
        assert _local is not None
        return _local.set_time(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    answer = remote.call(where, "set_time", {"time": when.isoformat()})
    return dt.datetime.fromisoformat(str(answer["time"]))


def set_load(
    service: str,
    load: LoadShape | Mapping[str, Any] | float | None,
    *,
    model: Mapping[str, Any] | None = None,
    endpoint: str | None = None,
) -> str:
    """Offer ``load`` to a service from the current virtual minute on; returns its ResourceId.

    ``service``: ``service/CLUSTER/NAME`` (the scalable target's ResourceId) or its ARN.
    ``load``: a :class:`~ecs_learn.runtime.scaling.load.LoadShape`, its dict form (``{"shape":
    "daily", "low": 50, "high": 400, "peak_hour": 14}``; minute 0 is now), a number (constant
    requests/s) or ``None`` (no load: 0 requests/s, the default). ``model``: the service model
    (``rps_per_task``, ``idle_cpu_percent``, ``task_startup_minutes``, ...) as a dict.
    Nothing in the account says how busy a service is; the scaling engine reads it from here
    at every virtual minute of :func:`advance`.
    """
    from ecs_learn.runtime import remote
    from ecs_learn.runtime.scaling.clocked import as_shape, resource_id

    rid = resource_id(service)
    shape = as_shape(load)  # validated here, so the learner sees a LoadError in their cell
    where = _endpoint(endpoint)
    if where is None:
        assert _local is not None
        return _local.set_load(rid, shape, model)
    payload = {
        "service": rid,
        "load": None if shape is None else shape.to_dict(),
        "model": None if model is None else dict(model),
    }
    return str(remote.call(where, "set_load", payload)["service"])


def timeline(endpoint: str | None = None) -> list[dict[str, Any]]:
    """What happened, in order: ``{"at": seconds, "kind", "subject", "message"}`` entries."""
    from ecs_learn.runtime import remote

    where = _endpoint(endpoint)
    if where is None:
        assert _local is not None
        return _local.timeline()
    found: list[dict[str, Any]] = remote.call(where, "timeline")["timeline"]
    return found


def agent_outcomes(endpoint: str | None = None) -> dict[str, dict[str, Any]]:
    """Per EC2 instance: ``{"registered": bool, "reason": str}`` — did its ECS agent join a
    cluster, and why not (no instance profile, the role lacks the agent's permissions...)."""
    from ecs_learn.runtime import remote

    where = _endpoint(endpoint)
    if where is None:
        assert _local is not None
        return _local.agent_outcomes()
    found: dict[str, dict[str, Any]] = remote.call(where, "agent")["agent"]
    return found


def send_request(
    load_balancer: str,
    path: str = "/",
    *,
    host: str | None = None,
    port: int | None = None,
    endpoint: str | None = None,
) -> Routed:
    """Where a request to ``load_balancer`` (ARN, name or DNS name) goes, and what it gets."""
    from ecs_learn.runtime.routing import route

    where = _endpoint(endpoint)
    with botocore_layer.internal():
        return route(
            botocore_layer.internal_client("elbv2", where), load_balancer, path, host, port
        )


def set_placer(launch_type: str, placer: Placer) -> None:
    """Plug a placer into the runtime of this process ("EC2": the EC2 placement engine)."""
    attach(hook=False).set_placer(launch_type, placer)
