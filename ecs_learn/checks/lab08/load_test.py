"""Exercise 10 — the behaviour under load: the services scale out on requests and keep serving.

The check cannot see the load the learner offered (nothing in an AWS account says how busy a
service is); it judges what the load did: the scaling activities the request-count policies
caused, the state of their AlarmHigh at the end, the headroom left under MaxCapacity, and the
health of every task and target once the load has been served for a while.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import (
    API,
    CLUSTER,
    LOAD_TEST_MINUTES,
    MIN_TASKS,
    TIERS,
    WEB,
    Tier,
    each,
)
from ecs_learn.checks.lab08.scaling import request_policy
from ecs_learn.checks.lab08.services import healthy, request, running
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import check, requirement
from ecs_learn.checks.result import Requirement

_DESIRED = re.compile(r"Setting desired count to (\d+)\.")


def _scale_outs(aws: AccountReader, tier: Tier, policy: dict[str, Any] | None) -> list[int]:
    """Desired counts the request-count policy's AlarmHigh set."""
    if policy is None:
        return []
    counts = []
    for activity in acct.activities(aws, tier.resource_id):
        cause = str(activity.get("Cause") or "")
        match = _DESIRED.search(str(activity.get("Description") or ""))
        if match and "AlarmHigh" in cause and policy["PolicyName"] in cause:
            counts.append(int(match.group(1)))
    return counts


def _load_requirements(
    aws: AccountReader, tier: Tier, policy: dict[str, Any] | None, outs: list[int]
) -> Iterator[Requirement]:
    name = tier.name
    target = acct.scalable_target(aws, tier.resource_id)
    low = int((target or {}).get("MinCapacity") or MIN_TASKS)
    high = int((target or {}).get("MaxCapacity") or 0)
    yield requirement(
        f"{name} scaled out on requests",
        f"more than {low} tasks, set by the request-count policy",
        f"{low} → {max(outs)} ({policy['PolicyName'] if policy else ''})"
        if outs
        else ("no scale-out" if policy else None),
        ok=bool(outs) and max(outs) > low,
        hint=(
            "register the request-count policy (exercise 8), then offer LOAD_TEST with "
            "rt.set_load and advance the clock"
            if policy is None
            else "offer the load first: rt.set_load(service, LOAD_TEST[service]) for both, "
            f"then rt.advance(minutes={LOAD_TEST_MINUTES})"
        ),
    )
    alarms = [str(a["AlarmName"]) for a in (policy or {}).get("Alarms") or []]
    states = acct.alarm_state(aws, [a for a in alarms if "AlarmHigh" in a])
    state = next(iter(states.values()), None)
    yield requirement(
        f"{name} capacity caught up",
        "the request-count AlarmHigh back to OK",
        state,
        ok=bool(outs) and state == "OK",
        hint=(
            f"still {state}: the tasks cannot serve the load; is MaxCapacity ({high}) enough for "
            f"{tier.requests_per_target:g} requests a minute per task?"
            if state == "ALARM"
            else "run the load test (exercise 10)"
        ),
    )
    svc = acct.service(aws, CLUSTER, name)
    desired = int((svc or {}).get("desiredCount") or 0)
    yield requirement(
        f"{name} headroom",
        f"fewer than MaxCapacity ({high or tier.max_tasks}) tasks at the end",
        f"{desired} of {high}" if svc and target else None,
        ok=bool(outs) and high > 0 and desired < high,
        hint=(
            f"it went {' → '.join(map(str, [low, *outs]))}: the second scale-out came before "
            "the first tasks counted (ScaleOutCooldown shorter than their start-up), and it "
            "overshot to MaxCapacity"
            if len(outs) > 1 and max(outs) >= high
            else "at MaxCapacity the next burst has nowhere to go: raise MaxCapacity (or let "
            "each task take more requests)"
        ),
    )
    serving = healthy(aws, tier, svc)
    started = running(aws, tier, svc)
    yield requirement(
        f"{name} every task healthy",
        "every desired task running and healthy in its target group",
        f"{started.found}; targets: {serving.found}",
        ok=bool(outs) and serving.ok and started.ok,
        hint=serving.hint or started.hint,
    )


@check(
    "load-test",
    title="Under load: both services scale out on requests and every task stays healthy",
    points={
        **each(
            {
                "scaled out on requests": 0.75,
                "capacity caught up": 0.5,
                "headroom": 0.25,
                "every task healthy": 0.75,
            }
        ),
        f"request {WEB.request_path} under load": 0.25,
        f"request {API.request_path} under load": 0.25,
    },
    hint=(
        "for service, load in LOAD_TEST.items(): rt.set_load(service, load); then "
        f"rt.advance(minutes={LOAD_TEST_MINUTES}). The services should scale out on their "
        "request-count policies, stay below MaxCapacity, and end with every task healthy."
    ),
    tags=("target-tracking", "scaling"),
    owns_nothing=(
        "The load test creates nothing in the account: it offers load (rt.set_load) and moves "
        "the clock, and what that caused (scaling activities, desired counts, alarm states) is "
        "history that AWS keeps. Run its cell again to offer the load again."
    ),
)
def load_test(aws: AccountReader) -> Iterator[Requirement]:
    policies = {t.name: request_policy(aws, t) for t in TIERS}
    outs = {t.name: _scale_outs(aws, t, policies[t.name]) for t in TIERS}
    for tier in TIERS:
        yield from _load_requirements(aws, tier, policies[tier.name], outs[tier.name])
    tested = any(outs.values())
    for tier in TIERS:
        req = request(aws, tier, f"request {tier.request_path} under load")
        yield requirement(req.label, req.expected, req.found, ok=req.ok and tested, hint=req.hint)
