"""The sandbox object: start, reset, hand out clients, stop."""

from __future__ import annotations

import os
import threading
from typing import Any, Literal

from ecs_learn.sandbox import botocore_layer, quirks
from ecs_learn.sandbox.botocore_layer import Call, Hook
from ecs_learn.sandbox.data_loader import boto3_session
from ecs_learn.sandbox.endpoint import validate_endpoint
from ecs_learn.sandbox.env import (
    ACCOUNT_ID,
    ENDPOINT_ENV,
    REGION,
    isolate_environment,
    restore_environment,
)
from ecs_learn.sandbox.guard import install_network_guard

__all__ = ["WARM_UP_CALLS", "Sandbox", "active", "get_sandbox"]

Mode = Literal["embedded", "server"]

# Services whose first call is slow (moto imports and builds their backends lazily).
WARM_UP_CALLS: tuple[tuple[str, str], ...] = (
    ("ecs", "list_clusters"),
    ("ec2", "describe_security_groups"),  # builds the default VPC, subnets and SG
    ("iam", "list_roles"),
    ("elbv2", "describe_load_balancers"),
    ("logs", "describe_log_groups"),
)

_active: Sandbox | None = None
_lock = threading.Lock()


class Sandbox:
    """A mocked AWS account: moto in this process, or a moto server on loopback.

    Use :func:`get_sandbox` for the process-wide one a lab uses; construct one directly
    in tests. Only one sandbox can run in a process at a time (moto's mock is global).
    """

    def __init__(self, endpoint: str | None = None) -> None:
        self.endpoint: str | None = validate_endpoint(endpoint) if endpoint else None
        self.mode: Mode = "server" if self.endpoint else "embedded"
        self.account_id = ACCOUNT_ID
        self.region = REGION
        self._mock: Any = None
        self._session: Any = None
        self._clients: dict[str, Any] = {}
        self._ready = threading.Event()
        self._ready.set()
        self._warm_thread: threading.Thread | None = None
        self.warm_up_error: BaseException | None = None
        self._saved_env: dict[str, str | None] = {}

    # -- lifecycle -----------------------------------------------------------------
    @property
    def running(self) -> bool:
        return _active is self

    def start(self, *, warm: bool = True, background: bool = True) -> Sandbox:
        """Start the sandbox; ``warm`` runs the slow first calls (in a thread if ``background``)."""
        global _active
        with _lock:
            if _active is self:
                return self
            if _active is not None:
                raise RuntimeError(
                    "another sandbox is already running in this process; stop it first"
                )
            install_network_guard()
            self._saved_env = isolate_environment(self.endpoint)
            import boto3

            boto3.DEFAULT_SESSION = None
            _register_handlers()
            if self.mode == "embedded":
                from moto import mock_aws

                self._mock = mock_aws()
                self._mock.start()
                quirks.apply_embedded()
                _runtime().attach()  # the account acts (runtime/): in this process
            else:
                assert self.endpoint is not None
                quirks.apply_server(self.endpoint)
            # Made now (after moto's mock, whose handler a session copies when it is made):
            # plain boto3.client(...) sees the new environment, and both share one loader.
            boto3.DEFAULT_SESSION = boto3_session()
            self._session = boto3_session(region_name=REGION)
            self._clients = {}
            _active = self
        if warm:
            self._warm(background=background)
        return self

    def stop(self) -> None:
        """Stop the sandbox. Clients it handed out must not be used afterwards."""
        global _active
        self.wait_ready()
        with _lock:
            if _active is not self:
                return
            if self._mock is not None:
                _runtime().detach()
                self._mock.stop()
                self._mock = None
            self._clients = {}
            restore_environment(self._saved_env)
            import boto3

            boto3.DEFAULT_SESSION = None
            _active = None

    def reset(self) -> None:
        """Empty the account (cheap: a few milliseconds), keeping the quirk fixes."""
        self.wait_ready()
        if self.mode == "embedded":
            self._mock.reset()
            quirks.apply_embedded()
            _runtime().reset()
        else:
            assert self.endpoint is not None
            quirks.reset_server(self.endpoint)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- clients -------------------------------------------------------------------
    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` bound to this sandbox (cached per service)."""
        if not self.running:
            raise RuntimeError("the sandbox is not running; call start() first")
        found = self._clients.get(service)
        if found is None:
            found = self._session.client(service, region_name=REGION, endpoint_url=self.endpoint)
            self._clients[service] = found
        return found

    # -- warm-up -------------------------------------------------------------------
    def _warm(self, *, background: bool) -> None:
        self._ready.clear()
        if not background:
            self._warm_thread = threading.current_thread()
            self._run_warm_up()
            return
        self._warm_thread = threading.Thread(
            target=self._run_warm_up, name="ecs-learn-warm-up", daemon=True
        )
        self._warm_thread.start()

    def _run_warm_up(self) -> None:
        try:
            for service, operation in WARM_UP_CALLS:
                getattr(self.client(service), operation)()
            if self.mode == "embedded":
                quirks.managed_policy_arns()  # parse moto's policy data once
        except BaseException as exc:  # reported by wait_ready(); never kills the kernel
            self.warm_up_error = exc
        finally:
            self._ready.set()

    @property
    def warm_up_problem(self) -> str | None:
        """What went wrong while warming up, in one line (``None`` when all went well)."""
        error = self.warm_up_error
        if error is None:
            return None
        return (
            f"the mocked account's warm-up failed ({type(error).__name__}: {error}); the "
            "first calls may be slow or fail. Restart the kernel to start it again."
        )

    def wait_ready(self, timeout: float | None = 60.0) -> bool:
        """Block until the warm-up (if any) is done; True when it finished in time."""
        if threading.current_thread() is self._warm_thread and not self._ready.is_set():
            return True
        return self._ready.wait(timeout)


def _runtime() -> Any:
    # The runtime sits on the sandbox; imported lazily so the sandbox never needs it to load.
    import ecs_learn.runtime

    return ecs_learn.runtime


def active() -> Sandbox | None:
    """The sandbox running in this process, if any."""
    return _active


def get_sandbox(endpoint: str | None = None, *, warm: bool = True) -> Sandbox:
    """The process-wide sandbox, started on first use (``warm``: with the warm-up calls).

    ``endpoint`` (or the ``ECS_LEARN_ENDPOINT`` environment variable, which the grader
    sets for a submission's kernel) selects server mode.
    """
    current = _active
    if current is not None:
        return current
    return Sandbox(endpoint or os.environ.get(ENDPOINT_ENV) or None).start(warm=warm)


# -- the sandbox's hooks on the botocore layer ---------------------------------------
def _wait_for_warm_up(_: Call) -> None:
    sandbox = _active
    if sandbox is not None:
        sandbox.wait_ready()


def _lazy_managed_policies(call: Call) -> None:
    sandbox = _active
    if sandbox is not None and sandbox.mode == "embedded":
        quirks.lazy_managed_policies(call.operation, call.params)


_HOOKS = (
    Hook("sandbox-warm-up", before_params=_wait_for_warm_up, order=0),
    Hook(
        "sandbox-managed-policies",
        services=frozenset({"iam"}),
        before_params=_lazy_managed_policies,
        order=10,
    ),
)


def _register_handlers() -> None:
    botocore_layer.install()
    for hook in _HOOKS:
        botocore_layer.add_hook(hook)
