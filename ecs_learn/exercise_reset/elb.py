"""Elastic Load Balancing (v2): load balancers with their listeners and rules, target groups.

A target group goes with the listener rules that forward to it (AWS refuses to delete a
target group a rule still uses); one that a listener's default action of a load balancer
the reset keeps still forwards to is kept.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.exercise_reset._common import Client, Kept, listed, plural

__all__ = ["remove_load_balancer", "remove_target_group"]


def _forwards_to(actions: list[dict[str, Any]], arn: str) -> bool:
    for action in actions:
        if action.get("TargetGroupArn") == arn:
            return True
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
        if any(g.get("TargetGroupArn") == arn for g in groups):
            return True
    return False


def remove_load_balancer(client: Client, name: str) -> str | None:
    elbv2 = client("elbv2")
    try:
        found = elbv2.describe_load_balancers(Names=[name])["LoadBalancers"]
    except ClientError:  # LoadBalancerNotFound
        return None
    listeners = rules = 0
    for lb in found:  # moto allows two of one name; AWS does not
        arn = lb["LoadBalancerArn"]
        for listener in elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]:
            for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                if not rule.get("IsDefault"):
                    elbv2.delete_rule(RuleArn=rule["RuleArn"])
                    rules += 1
            elbv2.delete_listener(ListenerArn=listener["ListenerArn"])
            listeners += 1
        elbv2.delete_load_balancer(LoadBalancerArn=arn)
    parts = [plural(n, w) for n, w in ((listeners, "listener"), (rules, "rule")) if n]
    return f"load balancer {name}" + listed(parts)


def remove_target_group(client: Client, name: str) -> str | None:
    elbv2 = client("elbv2")
    try:
        found = elbv2.describe_target_groups(Names=[name])["TargetGroups"]
    except ClientError:  # TargetGroupNotFound
        return None
    rules = 0
    for tg in found:
        arn = tg["TargetGroupArn"]
        for lb_arn in dict.fromkeys(tg.get("LoadBalancerArns", [])):
            try:
                listeners = elbv2.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"]
            except ClientError:  # the load balancer is gone
                continue
            for listener in listeners:
                if _forwards_to(listener.get("DefaultActions", []), arn):
                    raise Kept(
                        f"target group {name}: the port {listener.get('Port')} listener of a "
                        "load balancer the reset keeps forwards to it by default"
                    )
                for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                    if not rule.get("IsDefault") and _forwards_to(rule.get("Actions", []), arn):
                        elbv2.delete_rule(RuleArn=rule["RuleArn"])
                        rules += 1
        elbv2.delete_target_group(TargetGroupArn=arn)
    told = f" (and the {plural(rules, 'listener rule')} that forwarded to it)" if rules else ""
    return f"target group {name}{told}"
