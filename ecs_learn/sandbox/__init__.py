"""The mocked AWS account every lab runs against.

Two modes, one API:

* **embedded** (the default): moto runs in this process; no server, no account.
* **server**: an endpoint on loopback is given (the grader's moto server) and every
  client talks to it instead. A non-loopback endpoint is refused.

Either way credentials are fake, the region is fixed, and a network guard refuses
any request that would leave the machine, so a lab can never reach a real AWS
account even with real credentials in the environment.
"""

from __future__ import annotations

from ecs_learn.sandbox.core import Sandbox, active, get_sandbox
from ecs_learn.sandbox.endpoint import EndpointRefusedError, validate_endpoint
from ecs_learn.sandbox.env import ACCOUNT_ID, ENDPOINT_ENV, REGION
from ecs_learn.sandbox.guard import NetworkGuardError, install_network_guard

__all__ = [
    "ACCOUNT_ID",
    "ENDPOINT_ENV",
    "REGION",
    "EndpointRefusedError",
    "NetworkGuardError",
    "Sandbox",
    "active",
    "get_sandbox",
    "install_network_guard",
    "validate_endpoint",
]
