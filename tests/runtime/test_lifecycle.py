"""ECR lifecycle policies, pinned to the examples of the ECR User Guide
(lifecycle_policy_examples.html) and applied through the API in a real moto sandbox."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ecs_learn.runtime.lifecycle import DailyExpiry, evaluate_policy, expire_images

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def image(name: str, tags: list[str], days_ago: float) -> dict[str, Any]:
    return {
        "imageDigest": f"sha256:{name}",
        "imageTags": tags,
        "imagePushedAt": NOW - dt.timedelta(days=days_ago),
    }


def rule(priority: int, selection: dict[str, Any]) -> dict[str, Any]:
    return {"rulePriority": priority, "selection": selection, "action": {"type": "expire"}}


def count(status: str, number: int, **lists: list[str]) -> dict[str, Any]:
    return {"tagStatus": status, "countType": "imageCountMoreThan", "countNumber": number, **lists}


REPO = [
    image("A", ["beta-1", "prod-1"], 10),
    image("B", ["beta-2", "prod-2"], 9),
    image("C", ["beta-3"], 8),
]


def expired(policy: dict[str, Any], images: list[dict[str, Any]]) -> list[str]:
    return sorted(e.digest.removeprefix("sha256:") for e in evaluate_policy(policy, images, NOW))


def test_example_a_multiple_rules_expires_only_image_a() -> None:
    policy = {
        "rules": [
            rule(1, count("tagged", 1, tagPrefixList=["prod"])),
            rule(2, count("tagged", 1, tagPrefixList=["beta"])),
        ]
    }
    assert expired(policy, REPO) == ["A"]


def test_example_b_reversed_priorities_expire_a_and_b() -> None:
    policy = {
        "rules": [
            rule(1, count("tagged", 1, tagPrefixList=["beta"])),
            rule(2, count("tagged", 1, tagPrefixList=["prod"])),
        ]
    }
    assert expired(policy, REPO) == ["A", "B"]


def test_multiple_prefixes_in_one_rule_must_all_match() -> None:
    images = [
        image("A", ["alpha-1"], 12),
        image("B", ["beta-1"], 11),
        image("C", ["alpha-2", "beta-2"], 10),
        image("D", ["alpha-3"], 4),
        image("E", ["beta-3"], 3),
        image("F", ["alpha-4", "beta-4"], 2),
    ]
    policy = {
        "rules": [
            rule(
                1,
                {
                    "tagStatus": "tagged",
                    "tagPrefixList": ["alpha", "beta"],
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 5,
                },
            )
        ]
    }
    assert expired(policy, images) == ["C"]


def test_tags_are_not_exclusive() -> None:
    images = [
        image("A", ["alpha-1", "beta-1", "gamma-1"], 10),
        image("B", ["alpha-2", "beta-2"], 9),
        image("C", ["alpha-3", "beta-3", "gamma-2"], 8),
    ]
    policy = {"rules": [rule(1, count("tagged", 1, tagPrefixList=["alpha", "beta"]))]}
    assert expired(policy, images) == ["A", "B"]


def test_patterns_untagged_and_any() -> None:
    images = [
        image("u1", [], 30),
        image("u2", [], 20),
        image("p1", ["prod-1"], 40),
        image("p2", ["prod-2"], 3),
        image("x", ["dev"], 50),
    ]
    policy = {
        "rules": [
            rule(
                1,
                {
                    "tagStatus": "tagged",
                    "tagPatternList": ["prod-*"],
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 14,
                },
            ),
            rule(2, count("untagged", 1)),
            rule(3, count("any", 2)),
        ]
    }
    found = {
        e.digest.removeprefix("sha256:"): e.rule_priority
        for e in evaluate_policy(policy, images, NOW)
    }
    # p1 is older than 14 days; u1 is the older untagged one; 'any' counts all five (newest
    # p2, u2 kept), but p1/p2/u1/u2 were seen by higher rules: only x is left for it.
    assert found == {"p1": 1, "u1": 2, "x": 3}


def test_expire_images_deletes_through_the_api_and_runs_daily(sandbox: Any) -> None:
    from ecs_learn.runtime.agent import InternalClients

    ecr = sandbox.client("ecr")
    ecr.create_repository(repositoryName="web")
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "digest": "sha256:" + "0" * 64,
                "size": 1,
                "mediaType": "application/vnd.docker.container.image.v1+json",
            },
            "layers": [{"digest": "sha256:" + "0" * 64, "size": 1, "mediaType": "layer"}],
        }
    )
    for k in range(4):
        ecr.put_image(
            repositoryName="web",
            imageManifest=manifest.replace("0" * 64, str(k) * 64),
            imageTag=f"v{k}",
        )
    ecr.put_lifecycle_policy(
        repositoryName="web",
        lifecyclePolicyText=json.dumps(
            {"rules": [rule(1, count("tagged", 2, tagPatternList=["v*"]))]}
        ),
    )
    clients = InternalClients()
    now = dt.datetime.now(dt.timezone.utc)
    daily = DailyExpiry()
    done = daily.tick(clients, now)
    assert len(done["web"]) == 2
    left = ecr.describe_images(repositoryName="web")["imageDetails"]
    assert len(left) == 2
    assert daily.tick(clients, now + dt.timedelta(hours=1)) == {}  # the same day: not again
    assert expire_images(clients, now) == {}


def test_immutable_tags_refuse_a_repush(sandbox: Any) -> None:
    from botocore.exceptions import ClientError

    ecr = sandbox.client("ecr")
    ecr.create_repository(repositoryName="api", imageTagMutability="IMMUTABLE")
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "layers": [{"digest": "sha256:" + "1" * 64, "size": 1, "mediaType": "layer"}],
        }
    )
    ecr.put_image(repositoryName="api", imageManifest=manifest, imageTag="v1")
    with pytest.raises(ClientError) as caught:
        ecr.put_image(
            repositoryName="api", imageManifest=manifest.replace("1" * 64, "2" * 64), imageTag="v1"
        )
    assert caught.value.response["Error"]["Code"] == "ImageTagAlreadyExistsException"
    assert "v1" in caught.value.response["Error"]["Message"]
