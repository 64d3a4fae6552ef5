"""Send a simulated request through a load balancer: which rule, target group and target serve it.

Follows "Listener rules for your Application Load Balancer"
(elasticloadbalancing/latest/application/listener-update-rules.html and rule-condition-types):
rules are evaluated in priority order (lowest first), the default action last; a rule
matches when all its conditions do; ``host-header`` matches case-insensitively,
``path-pattern`` case-sensitively, both with ``*`` and ``?``. Routing to targets:
"Target groups" / "Health checks" — only healthy targets receive requests; when no
target is healthy the load balancer fails open and uses them all; with no target at all
the answer is 503. Network Load Balancers (TCP): the listener on the port forwards to its
target group. Targets are chosen round robin in (Id, Port) order per target group.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from dataclasses import dataclass
from typing import Any

__all__ = ["Routed", "route"]

_turns: Counter[str] = Counter()


@dataclass(frozen=True)
class Routed:
    """Where a request went (``status`` is what the client would get)."""

    status: int
    listener_arn: str | None = None
    rule_arn: str | None = None
    target_group_arn: str | None = None
    target: dict[str, Any] | None = None
    action: str = "forward"


def _find_lb(elbv2: Any, which: str) -> dict[str, Any]:
    for lb in elbv2.describe_load_balancers()["LoadBalancers"]:
        if which in (lb["LoadBalancerArn"], lb["LoadBalancerName"], lb.get("DNSName")):
            return dict(lb)
    raise LookupError(f"no load balancer {which!r}")


def _values(condition: dict[str, Any], field: str, config: str) -> list[str]:
    if condition.get("Field") != field:
        return []
    values = list(condition.get("Values") or [])
    return values + list((condition.get(config) or {}).get("Values") or [])


def _matches(rule: dict[str, Any], path: str, host: str | None) -> bool:
    for condition in rule.get("Conditions", []):
        field = condition.get("Field")
        if field == "path-pattern":
            if not any(
                fnmatch.fnmatchcase(path, p) for p in _values(condition, field, "PathPatternConfig")
            ):
                return False
        elif field == "host-header":
            wanted = [v.lower() for v in _values(condition, field, "HostHeaderConfig")]
            if host is None or not any(fnmatch.fnmatchcase(host.lower(), v) for v in wanted):
                return False
        else:
            return False  # conditions the simulation does not model never match
    return True


def _priority(rule: dict[str, Any]) -> tuple[int, int]:
    value = rule.get("Priority", "default")
    return (1, 0) if value == "default" else (0, int(value))


def _forward(elbv2: Any, action: dict[str, Any]) -> str | None:
    if action.get("TargetGroupArn"):
        return str(action["TargetGroupArn"])
    groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
    if not groups:
        return None
    best = max(groups, key=lambda g: (int(g.get("Weight", 1)), g["TargetGroupArn"]))
    return str(best["TargetGroupArn"])


def _target(elbv2: Any, group: str) -> dict[str, Any] | None:
    health = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    targets = sorted(health, key=lambda h: (h["Target"]["Id"], h["Target"].get("Port", 0)))
    usable = [t for t in targets if t["TargetHealth"]["State"] == "healthy"]
    if not usable:
        usable = [t for t in targets if t["TargetHealth"]["State"] in ("unhealthy", "initial")]
    if not usable:
        return None
    turn = _turns[group] % len(usable)
    _turns[group] += 1
    return dict(usable[turn]["Target"])


def route(
    elbv2: Any,
    load_balancer: str,
    path: str = "/",
    host: str | None = None,
    port: int | None = None,
) -> Routed:
    """Route one request (``load_balancer``: ARN, name or DNS name)."""
    lb = _find_lb(elbv2, load_balancer)
    listeners = sorted(
        elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"],
        key=lambda x: x["Port"],
    )
    if port is not None:
        listeners = [x for x in listeners if x["Port"] == port]
    elif any(x["Port"] == 80 for x in listeners):
        listeners = [x for x in listeners if x["Port"] == 80]
    if not listeners:
        return Routed(status=0, action="no-listener")  # connection refused
    listener = listeners[0]
    if lb.get("Type") == "network":
        actions, rule_arn = listener.get("DefaultActions", []), None
    else:
        rules = sorted(
            elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"], key=_priority
        )
        chosen = next((r for r in rules if r.get("IsDefault") or _matches(r, path, host)), None)
        actions = chosen.get("Actions", []) if chosen else listener.get("DefaultActions", [])
        rule_arn = chosen.get("RuleArn") if chosen else None
    action = sorted(actions, key=lambda a: a.get("Order", 0))[-1] if actions else {}
    kind = action.get("Type", "forward")
    if kind == "fixed-response":
        code = int((action.get("FixedResponseConfig") or {}).get("StatusCode", 200))
        return Routed(code, listener["ListenerArn"], rule_arn, action=kind)
    if kind == "redirect":
        code = 301 if (action.get("RedirectConfig") or {}).get("StatusCode") == "HTTP_301" else 302
        return Routed(code, listener["ListenerArn"], rule_arn, action=kind)
    group = _forward(elbv2, action)
    target = _target(elbv2, group) if group else None
    return Routed(200 if target else 503, listener["ListenerArn"], rule_arn, group, target)
