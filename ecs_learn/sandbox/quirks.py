"""moto's behaviours that would mislead a learner or a check, fixed in this one place.

* ECS tasks stop by themselves as they are described (moto's state manager advances
  them one step per describe): pinned to RUNNING until stopped.
* AWS managed IAM policies are absent unless moto loads all 1,582 of them (about a
  second at start and at every reset): in embedded mode each one is loaded on first
  use; a moto server is started with them loaded (see ``server.py``).
* The default VPC, subnets and security group are built by the warm-up (see ``core``).
* The ECS-optimized AMIs and container instance registration: see ``seed_ec2``.
* What moto rewrites or refuses unlike AWS (a Fargate ``networkMode``, an EC2 container
  with only ``memoryReservation``) is made faithful by :mod:`~ecs_learn.sandbox.fidelity`,
  applied with the in-process fixes; calls moto answers unlike AWS (a service or load
  balancer created twice, ListTasks' default filter, a new alarm's state, EKS lists of an
  unknown cluster) by :mod:`~ecs_learn.sandbox.fidelity_api` (see docs/moto-behaviour.md).
* Auto scaling and ECR lifecycle APIs moto lacks or gets wrong: see ``moto_ext_scaling``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
import urllib.error
import urllib.request
from typing import Any

from ecs_learn.errors import EcsLearnError
from ecs_learn.sandbox import moto_ext_scaling, seed_ec2
from ecs_learn.sandbox.env import ACCOUNT_ID

__all__ = [
    "REFUSED_HEADER",
    "TASK_TRANSITION",
    "ManagementRefusedError",
    "apply_embedded",
    "apply_server",
    "ensure_managed_policies",
    "lazy_managed_policies",
    "managed_policy_arns",
    "reset_server",
]

MANAGED_POLICY_PREFIX = "arn:aws:iam::aws:policy/"
# Keep tasks RUNNING on every describe (until stop_task).
TASK_TRANSITION: dict[str, Any] = {"progression": "manual", "times": 10**9}


def apply_embedded() -> None:
    """Apply the in-process fixes (idempotent; call again after every reset)."""
    from moto.moto_api import state_manager

    from ecs_learn.sandbox import fidelity

    fidelity.apply()
    state_manager.set_transition("ecs::task", TASK_TRANSITION)
    seed_ec2.install()
    seed_ec2.seed()
    moto_ext_scaling.install()


REFUSED_HEADER = "x-ecs-learn-refused"  # set by a server that keeps /moto-api to its owner


class ManagementRefusedError(EcsLearnError, PermissionError):
    """The moto server keeps its management endpoints (reset, state manager) to its owner."""


def _post(
    url: str, body: bytes | None = None, wait: float = 30.0, token: str | None = None
) -> None:
    """POST to a moto server, waiting up to ``wait`` seconds for it to start listening."""
    from ecs_learn.sandbox.server import TOKEN_HEADER

    deadline = time.monotonic() + wait
    headers = {TOKEN_HEADER: token} if token else {}
    while True:
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10):  # loopback only (validated)
                return
        except urllib.error.HTTPError as exc:
            if exc.code == 403 and exc.headers.get(REFUSED_HEADER):
                raise ManagementRefusedError(
                    "this moto server is the grader's: a submission may not reset the account "
                    "or change the server's settings"
                ) from None
            raise
        except urllib.error.URLError as exc:
            refused = isinstance(exc.reason, ConnectionRefusedError)
            if not refused or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def apply_server(endpoint: str, token: str | None = None) -> None:
    """Apply the same fixes to a moto server through its ``/moto-api``.

    A server that keeps ``/moto-api`` to its owner (the grader's) has them applied by
    that owner, so a refusal here is not an error.
    """
    body = json.dumps({"model_name": "ecs::task", "transition": TASK_TRANSITION}).encode()
    with contextlib.suppress(ManagementRefusedError):
        _post(f"{endpoint}/moto-api/state-manager/set-transition", body, token=token)


def reset_server(endpoint: str, token: str | None = None) -> None:
    """Empty every account on a moto server, then re-apply the fixes."""
    _post(f"{endpoint}/moto-api/reset", token=token)
    apply_server(endpoint, token)


@functools.lru_cache(maxsize=1)
def _managed_policy_data() -> dict[str, tuple[str, dict[str, Any]]]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    parsed: dict[str, dict[str, Any]] = json.loads(aws_managed_policies_data)
    return {
        f"arn:aws:iam::aws:policy{data.get('Path', '/')}{name}": (name, data)
        for name, data in parsed.items()
    }


def managed_policy_arns() -> list[str]:
    """Every AWS managed policy ARN moto knows, with its real path."""
    return sorted(_managed_policy_data())


def ensure_managed_policies(arns: list[str] | None) -> None:
    """Load the named AWS managed policies (all of them for ``None``) into moto's IAM."""
    from moto.iam.models import AWSManagedPolicy, iam_backends

    backend = iam_backends[ACCOUNT_ID]["aws"]
    known = _managed_policy_data()
    wanted = list(known) if arns is None else [a for a in arns if a in known]
    for arn in wanted:
        if arn in backend.managed_policies:
            continue
        name, data = known[arn]
        policy = AWSManagedPolicy.from_data(name, ACCOUNT_ID, backend.region_name, data)
        backend.aws_managed_policies.append(policy)
        backend.managed_policies[policy.arn] = policy


def _policy_arns_in(params: Any) -> list[str]:
    found: list[str] = []
    if isinstance(params, dict):
        for value in params.values():
            found.extend(_policy_arns_in(value))
    elif isinstance(params, list):
        for value in params:
            found.extend(_policy_arns_in(value))
    elif isinstance(params, str) and params.startswith(MANAGED_POLICY_PREFIX):
        found.append(params)
    return found


def lazy_managed_policies(operation: str, params: dict[str, Any]) -> None:
    """Before an IAM call: load the AWS managed policies it refers to."""
    if operation == "ListPolicies":
        if params.get("Scope", "All") in ("All", "AWS"):
            ensure_managed_policies(None)
        return
    arns = _policy_arns_in(params)
    if arns:
        ensure_managed_policies(arns)
