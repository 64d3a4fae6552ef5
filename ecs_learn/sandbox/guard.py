"""The last line of defence: botocore may not send a request off this machine.

In embedded mode moto answers every request before botocore's HTTP layer runs, so a
request that reaches the HTTP layer was not intercepted and would go to the real
AWS endpoint; in server mode the only legitimate destination is loopback. Either way,
a non-loopback destination is refused before a socket is opened.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ecs_learn.errors import EcsLearnError
from ecs_learn.sandbox.endpoint import is_loopback_host

__all__ = ["NetworkGuardError", "install_network_guard", "is_installed"]

_MARK = "_ecs_learn_guarded"


class NetworkGuardError(EcsLearnError, RuntimeError):
    """A request that would have left the machine (for example to real AWS)."""


def is_installed() -> bool:
    from botocore.httpsession import URLLib3Session

    return bool(getattr(URLLib3Session.send, _MARK, False))


def install_network_guard() -> None:
    """Patch botocore's HTTP session so that only loopback URLs can be sent. Idempotent."""
    from botocore.httpsession import URLLib3Session

    if is_installed():
        return
    original = URLLib3Session.send

    def send(self: URLLib3Session, request: Any) -> Any:
        host = urlsplit(request.url).hostname
        if not is_loopback_host(host):
            raise NetworkGuardError(
                f"ecs-learn blocked a request to {request.url}: nothing in a lab may contact "
                "real AWS. Start the sandbox first (ecs_learn.sandbox.get_sandbox()) so that "
                "the mocked account answers, and create clients while it runs."
            )
        return original(self, request)

    setattr(send, _MARK, True)
    URLLib3Session.send = send
