"""Exercise 1 — images: two immutable ECR repositories, the release pushed, a lifecycle policy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.lab08 import account as acct
from ecs_learn.checks.lab08.brief import (
    AWS_ACCEPTS,
    KEEP_RELEASES,
    RELEASE,
    TIERS,
    UNTAGGED_DAYS,
    Tier,
    each,
)
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import Judged, Owns, check, judged, requirement
from ecs_learn.checks.result import Requirement


def _untagged_rule(rule: dict[str, Any]) -> bool:
    sel = rule.get("selection") or {}
    return (
        sel.get("tagStatus") == "untagged"
        and sel.get("countType") == "sinceImagePushed"
        and sel.get("countNumber") == UNTAGGED_DAYS
        and (rule.get("action") or {}).get("type") == "expire"
    )


def _release_rule(rule: dict[str, Any]) -> bool:
    sel = rule.get("selection") or {}
    covers_v = (sel.get("tagPrefixList") or []) == ["v"] or (sel.get("tagPatternList") or []) in (
        ["v*"],
        ["v*.*.*"],
    )
    return (
        sel.get("tagStatus") == "tagged"
        and covers_v
        and sel.get("countType") == "imageCountMoreThan"
        and sel.get("countNumber") == KEEP_RELEASES
        and (rule.get("action") or {}).get("type") == "expire"
    )


def _shown_rules(rules: list[dict[str, Any]]) -> list[str]:
    shown = []
    for r in rules:
        sel = r.get("selection") or {}
        tags = sel.get("tagPrefixList") or sel.get("tagPatternList") or ""
        shown.append(
            f"{r.get('rulePriority')}: {sel.get('tagStatus')} {tags or ''} "
            f"{sel.get('countType')} {sel.get('countNumber')} -> "
            f"{(r.get('action') or {}).get('type')}".replace("  ", " ")
        )
    return shown


def _images_of(
    aws: AccountReader, tier: Tier, repo: dict[str, Any] | None
) -> Iterator[Requirement]:
    name = tier.repository
    yield requirement(
        f"{tier.name} repository",
        name,
        name if repo else None,
        ok=repo is not None,
        hint=f"ecr.create_repository(repositoryName={name!r}, imageTagMutability='IMMUTABLE', ...)",
    )
    mutability = (repo or {}).get("imageTagMutability")
    yield requirement(
        f"{tier.name} tag mutability",
        "IMMUTABLE",
        mutability,
        hint=(
            f"ecr.put_image_tag_mutability(repositoryName={name!r}, "
            "imageTagMutability='IMMUTABLE'): a release tag then always names one image"
            if repo
            else "create the repository with imageTagMutability='IMMUTABLE'"
        ),
    )
    tags: set[str] = set()
    if repo is not None:
        pages = aws.ecr.get_paginator("describe_images").paginate(repositoryName=name)
        tags = {t for page in pages for i in page["imageDetails"] for t in i.get("imageTags") or []}
    yield requirement(
        f"{tier.name} image {RELEASE}",
        "pushed",
        "pushed" if RELEASE in tags else (sorted(tags) or None),
        ok=RELEASE in tags,
        hint=f"push_image({name!r}, {RELEASE!r}) once the repository exists",
    )
    text = None
    if repo is not None:
        try:
            text = aws.ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
        except ClientError:
            text = None
    policy: dict[str, Any] = {}
    if text is not None:
        try:
            policy = dict(json.loads(text))
        except (TypeError, ValueError):
            policy = {}
    rules = [r for r in policy.get("rules") or [] if isinstance(r, dict)]
    shown = _shown_rules(rules) or ("no lifecycle policy" if text is None else "no rules")
    yield requirement(
        f"{tier.name} untagged rule",
        f"expire untagged images {UNTAGGED_DAYS} days after push",
        shown,
        ok=any(_untagged_rule(r) for r in rules),
        hint=(
            "add a rule {'tagStatus': 'untagged', 'countType': 'sinceImagePushed', 'countUnit': "
            f"'days', 'countNumber': {UNTAGGED_DAYS}}} with action {{'type': 'expire'}}"
            if repo
            else f"create the repository, then put_lifecycle_policy on {name}"
        ),
    )
    yield requirement(
        f"{tier.name} release rule",
        f"keep the {KEEP_RELEASES} newest images tagged v…",
        shown,
        ok=any(_release_rule(r) for r in rules),
        hint=(
            "add a rule {'tagStatus': 'tagged', 'tagPrefixList': ['v'], 'countType': "
            f"'imageCountMoreThan', 'countNumber': {KEEP_RELEASES}}} with action expire"
            if repo
            else f"create the repository, then put_lifecycle_policy on {name}"
        ),
    )
    if text is not None:  # a missing policy is missing, not rejected
        errors = acct.aws_errors("ecr-lifecycle-policy", policy)
        yield requirement(
            f"{tier.name} lifecycle policy: {AWS_ACCEPTS}",
            "no error AWS would raise",
            errors or "no error AWS would raise",
            ok=not errors,
            hint="put a policy without these problems (strict mode rejects them)",
        )


@check(
    "images",
    title="Images: two immutable ECR repositories with v1.0.0 and a lifecycle policy each",
    points=each(
        {
            "repository": 0.25,
            "tag mutability": 0.25,
            f"image {RELEASE}": 0.75,
            "untagged rule": 0.5,
            "release rule": 0.5,
            f"lifecycle policy: {AWS_ACCEPTS}": 0.25,
        }
    ),
    gates=tuple(f"{t.name} lifecycle policy: {AWS_ACCEPTS}" for t in TIERS),
    hint=(
        "For bookshelf/web and bookshelf/api: create_repository with imageTagMutability "
        f"'IMMUTABLE', push_image(name, '{RELEASE}'), and put_lifecycle_policy with two rules "
        f"(untagged: sinceImagePushed {UNTAGGED_DAYS} days; tagged with prefix 'v': "
        f"imageCountMoreThan {KEEP_RELEASES}), both expire."
    ),
    tags=("repositories", "lifecycle"),
    owns=Owns(
        lifecycle_policies=tuple(t.repository for t in TIERS),
        repositories=tuple(t.repository for t in TIERS),
    ),
)
def images(aws: AccountReader) -> Iterator[Requirement | Judged]:
    repos = {
        r["repositoryName"]: r for r in acct.pages(aws.ecr, "describe_repositories", "repositories")
    }
    found = [t.repository for t in TIERS if t.repository in repos]
    if found:
        yield judged(", ".join(found))
    for tier in TIERS:
        yield from _images_of(aws, tier, repos.get(tier.repository))
