"""ECR lifecycle policies that expire images, evaluated as ECR documents it.

Sources (Amazon ECR User Guide): "Automate the cleanup of images by using lifecycle policies"
(LifecyclePolicies.html, "Lifecycle policy evaluation rules"), "Lifecycle policy properties"
(lifecycle_policy_parameters.html) and "Examples of lifecycle policies"
(lifecycle_policy_examples.html):

* Rules apply in ``rulePriority`` order, lowest first. An image is expired by exactly one or
  zero rules; an image that matches the tagging requirements of a rule cannot be expired by a
  rule with a lower priority; a rule still *counts* images seen by higher rules ("as if they
  haven't been expired": Example A, where Rule 2 marks A and B but both were seen by Rule 1).
* ``tagStatus``: ``tagged`` (with ``tagPrefixList`` or ``tagPatternList``: an image matches when
  every listed prefix/pattern matches one of its tags; ``*`` is a wildcard), ``untagged``
  (no tags), ``any`` (every image).
* ``imageCountMoreThan``: images sorted newest first by ``imagePushedAt``; those beyond
  ``countNumber`` are marked. ``sinceImagePushed``: images pushed more than ``countNumber`` days
  (``countUnit``) before now are marked; ``sinceImagePulled`` uses the last recorded pull (the
  push time when never pulled). Older images always go first.
* ECR acts "within 24 hours" of an image meeting the criteria: here, at a daily evaluation
  (:class:`DailyExpiry`) on the runtime's clock; ``now`` is always a parameter.

Not modelled: the ``transition`` action / archive storage class (previewed, never applied)
and images referenced by manifest lists.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DailyExpiry",
    "Expiry",
    "evaluate_policy",
    "expire_images",
    "preview",
    "preview_results",
]

UTC = dt.timezone.utc


@dataclass(frozen=True)
class Expiry:
    """One image a rule acts on (``action`` is ``EXPIRE`` or ``TRANSITION``)."""

    digest: str
    tags: tuple[str, ...]
    pushed_at: dt.datetime
    rule_priority: int
    action: str = "EXPIRE"


def _time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, UTC)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in text.split("*")) + "$")


def _selects(selection: Mapping[str, Any], tags: Sequence[str]) -> bool:
    status = selection.get("tagStatus")
    if status == "any":
        return True
    if status == "untagged":
        return not tags
    if not tags:
        return False
    prefixes = selection.get("tagPrefixList") or []
    patterns = selection.get("tagPatternList") or []
    if prefixes:
        return all(any(t.startswith(p) for t in tags) for p in prefixes)
    if patterns:
        return all(any(_pattern(p).match(t) for t in tags) for p in patterns)
    return True


def evaluate_policy(
    policy: Mapping[str, Any] | str, images: Iterable[Mapping[str, Any]], now: dt.datetime
) -> list[Expiry]:
    """The images ``policy`` acts on at ``now``; ``images`` are describe_images items."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    rules = sorted(doc.get("rules", []), key=lambda r: int(r.get("rulePriority", 0)))
    pool = [
        (str(i["imageDigest"]), tuple(i.get("imageTags") or ()), _time(i["imagePushedAt"]), i)
        for i in images
    ]
    pool.sort(key=lambda item: (item[2], item[0]), reverse=True)  # newest first
    seen: set[str] = set()
    decided: list[Expiry] = []
    for rule in rules:
        selection = rule.get("selection", {})
        matching = [item for item in pool if _selects(selection, item[1])]
        count_type = selection.get("countType")
        number = int(selection.get("countNumber", 0))
        if count_type == "imageCountMoreThan":
            marked = matching[number:]
        else:
            cutoff = now - dt.timedelta(days=number)
            field = "lastRecordedPullTime" if count_type == "sinceImagePulled" else None
            marked = [
                item
                for item in matching
                if (_time(item[3][field]) if field and item[3].get(field) else item[2]) < cutoff
            ]
        action = str(rule.get("action", {}).get("type", "expire")).upper()
        for digest, tags, pushed, _ in sorted(marked, key=lambda item: item[2]):
            if digest not in seen:
                decided.append(Expiry(digest, tags, pushed, int(rule["rulePriority"]), action))
        seen.update(item[0] for item in matching)
    return decided


def preview_results(expiries: Sequence[Expiry]) -> dict[str, Any]:
    """``previewResults`` and ``summary`` as GetLifecyclePolicyPreview returns them."""
    return {
        "previewResults": [
            {
                "imageTags": list(e.tags),
                "imageDigest": e.digest,
                "imagePushedAt": e.pushed_at,
                "action": {"type": e.action},
                "appliedRulePriority": e.rule_priority,
            }
            for e in expiries
        ],
        "summary": {"expiringImageTotalCount": sum(1 for e in expiries if e.action == "EXPIRE")},
    }


def preview(
    policy: Mapping[str, Any] | str, images: Sequence[Mapping[str, Any]], now: dt.datetime
) -> dict[str, Any]:
    """GetLifecyclePolicyPreview's results for ``images`` at ``now`` (the sandbox answers the
    API with this; the runtime registers it when it attaches)."""
    return preview_results(evaluate_policy(policy, images, now))


def expire_images(clients: Any, now: dt.datetime) -> dict[str, list[Expiry]]:
    """Apply every repository's lifecycle policy at ``now`` through the ECR API.

    ``clients`` hands out boto3 clients (``clients.client("ecr")``), e.g.
    :class:`ecs_learn.runtime.agent.InternalClients`. Returns the expired images per repository.
    """
    from botocore.exceptions import ClientError

    from ecs_learn.sandbox.botocore_layer import internal

    done: dict[str, list[Expiry]] = {}
    with internal():
        ecr = clients.client("ecr")
        for page in ecr.get_paginator("describe_repositories").paginate():
            for repo in page["repositories"]:
                name = repo["repositoryName"]
                try:
                    text = ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
                except ClientError:
                    continue
                images = [
                    i
                    for p in ecr.get_paginator("describe_images").paginate(repositoryName=name)
                    for i in p["imageDetails"]
                ]
                expired = [e for e in evaluate_policy(text, images, now) if e.action == "EXPIRE"]
                if expired:
                    ecr.batch_delete_image(
                        repositoryName=name, imageIds=[{"imageDigest": e.digest} for e in expired]
                    )
                    done[name] = expired
    return done


class DailyExpiry:
    """Runs :func:`expire_images` once a day, when the clock passes ``at`` (UTC time of day)."""

    def __init__(self, at: dt.time = dt.time(0, 0)) -> None:
        self.at = at
        self.last: dt.datetime | None = None

    def due(self, now: dt.datetime) -> bool:
        today = dt.datetime.combine(now.astimezone(UTC).date(), self.at, UTC)
        moment = today if now >= today else today - dt.timedelta(days=1)
        return self.last is None or self.last < moment

    def tick(self, clients: Any, now: dt.datetime) -> dict[str, list[Expiry]]:
        """What the runtime's clock calls as it moves; acts only when an evaluation is due."""
        if not self.due(now):
            return {}
        self.last = now
        return expire_images(clients, now)
