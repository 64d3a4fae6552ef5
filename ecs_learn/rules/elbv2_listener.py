"""Rules for ELBv2 CreateListener kwargs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_list, lookup
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.kinds import Fact

__all__ = ["LISTENER_PROTOCOLS", "RULES"]

_ls = partial(rule, kind="elbv2-listener", error_code="ValidationError", source=sources.ELBV2_API)

LISTENER_PROTOCOLS: dict[str, tuple[str, ...]] = {
    "application": ("HTTP", "HTTPS"),
    "network": ("TCP", "TLS", "UDP", "TCP_UDP", "QUIC", "TCP_QUIC"),
    "gateway": ("GENEVE",),
}


@_ls(
    "ELB010",
    summary="listener protocol must suit the load balancer type",
    needs={Fact.LOAD_BALANCER_TYPES},
    moto_enforces=True,
)
def protocol_for_type(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if ctx.load_balancer_types is None or "Protocol" not in p:
        return
    lb_type = lookup(ctx.load_balancer_types, p.get("LoadBalancerArn"))
    allowed = LISTENER_PROTOCOLS.get(lb_type or "")
    if allowed and p["Protocol"] not in allowed:
        yield Violation(
            "Protocol",
            f"A {lb_type} load balancer's listener protocol must be one of "
            f"{', '.join(allowed)}, not {p['Protocol']!r}.",
        )


@_ls("ELB011", summary="HTTPS and TLS listeners need a certificate")
def certificate(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if p.get("Protocol") in ("HTTPS", "TLS") and not as_list(p.get("Certificates")):
        yield Violation(
            "Protocol",
            f"A {p['Protocol']} listener needs a server certificate: add "
            'Certificates=[{"CertificateArn": ...}] (from ACM).',
        )


RULES = (protocol_for_type, certificate)
