"""Lab 02 — Amazon ECR: a repository, pushes, pulls by tag and digest, a lifecycle policy, a repair.

Each check reads the account through describe/list/get calls only. Where the runtime acts
(services start tasks, tasks that cannot pull stop), the checks judge what the account then
shows: running counts and stop reasons. The lifecycle check reads the preview the learner
started (``get_lifecycle_policy_preview``); it never starts one (that is a write).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks import lookup
from ecs_learn.checks.owns import Image, Owns, Service, Tasks
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.registry import check, requirement
from ecs_learn.checks.result import Requirement
from ecs_learn.sandbox.env import ACCOUNT_ID, REGION

__all__ = ["CHECKS"]

REPOSITORY = "shop/web"
CLUSTER = "shop"
TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"
EXECUTION_ROLE = "web-execution-role"
REPOSITORY_URI = f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/{REPOSITORY}"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT_ID}:repository/{REPOSITORY}"
PULL_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
)
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
KEEP_RELEASES = 3
UNTAGGED_DAYS = 14
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def _missing(label: str, expected: str) -> Requirement:
    return requirement(label, expected, None, ok=False)


def _repository(aws: AccountReader) -> dict[str, Any] | None:
    try:
        found = aws.ecr.describe_repositories(repositoryNames=[REPOSITORY])["repositories"]
    except ClientError:
        return None
    return dict(found[0]) if found else None


def _images(aws: AccountReader) -> list[dict[str, Any]]:
    pages = aws.ecr.get_paginator("describe_images").paginate(repositoryName=REPOSITORY)
    return [dict(i) for page in pages for i in page["imageDetails"]]


def _digest_of(aws: AccountReader, tag: str) -> str | None:
    for image in _images(aws):
        if tag in (image.get("imageTags") or []):
            return str(image["imageDigest"])
    return None


def _aws_rejections(kind: str, payload: dict[str, Any]) -> Iterator[Requirement]:
    """One failing requirement per error the realism rules find (what AWS would reject)."""
    from ecs_learn.rules import check as run_rules

    errors = [f for f in run_rules(kind, payload) if f.severity.value == "error"]
    if not errors:
        yield requirement("AWS would accept it", "no realism errors", "none", ok=True)
    for finding in errors:
        yield requirement(
            f"AWS rule {finding.rule_id} at {finding.path or kind}",
            "accepted by AWS",
            finding.message,
            ok=False,
        )


def _container_image(td: dict[str, Any] | None) -> str | None:
    containers = (td or {}).get("containerDefinitions") or []
    return str(containers[0].get("image", "")) if containers else None


def _service(aws: AccountReader, name: str) -> dict[str, Any] | None:
    try:
        found = aws.ecs.describe_services(cluster=CLUSTER, services=[name])["services"]
    except ClientError:
        return None
    active = [s for s in found if s.get("status") == "ACTIVE"]
    return dict(active[0]) if active else None


def _tasks(aws: AccountReader, status: str, **where: str) -> list[dict[str, Any]]:
    try:
        arns = aws.ecs.list_tasks(cluster=CLUSTER, desiredStatus=status, **where)["taskArns"]
    except ClientError:
        return []
    if not arns:
        return []
    return [dict(t) for t in aws.ecs.describe_tasks(cluster=CLUSTER, tasks=arns[:100])["tasks"]]


def _task_definition_of(aws: AccountReader, arn: str) -> dict[str, Any] | None:
    return lookup.task_definition(aws, arn)


def _scan_on_push(aws: AccountReader, repo: dict[str, Any]) -> tuple[bool, str]:
    """Scan on push: the repository's (deprecated) flag or a registry rule that covers it."""
    if (repo.get("imageScanningConfiguration") or {}).get("scanOnPush"):
        return True, "repository scanOnPush"
    try:
        config = aws.ecr.get_registry_scanning_configuration()["scanningConfiguration"]
    except ClientError:
        return False, "off"
    for rule in config.get("rules") or []:
        if rule.get("scanFrequency") not in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN"):
            continue
        for item in rule.get("repositoryFilters") or []:
            pattern = "^" + ".*".join(map(re.escape, str(item.get("filter", "")).split("*"))) + "$"
            if re.match(pattern, REPOSITORY):
                return True, f"registry rule {rule.get('scanFrequency')} {item.get('filter')}"
    return False, "off"


@check(
    "repository",
    title="A repository with immutable tags, scan on push and encryption at rest",
    points=2,
    hint=(
        f"create_repository(repositoryName={REPOSITORY!r}, imageTagMutability='IMMUTABLE', "
        "imageScanningConfiguration={'scanOnPush': True}, encryptionConfiguration="
        "{'encryptionType': 'AES256'}) — or 'KMS'. On an existing repository, "
        "put_image_tag_mutability and put_image_scanning_configuration change those two; "
        "encryption cannot change: delete the repository (force=True) and create it again."
    ),
    owns=Owns(repositories=(REPOSITORY,)),
)
def repository(aws: AccountReader) -> Iterator[Requirement]:
    repo = _repository(aws)
    if repo is None:
        yield _missing(f"repository {REPOSITORY}", "exists")
        return
    yield requirement(f"repository {REPOSITORY}", "exists", "exists")
    yield requirement("imageTagMutability", "IMMUTABLE", repo.get("imageTagMutability"))
    on, how = _scan_on_push(aws, repo)
    yield requirement("scan on push", "on (repository or registry setting)", how, ok=on)
    encryption = (repo.get("encryptionConfiguration") or {}).get("encryptionType")
    yield requirement(
        "encryptionType", "AES256 or KMS", encryption, ok=encryption in ("AES256", "KMS")
    )
    payload = {
        "repositoryName": repo["repositoryName"],
        "imageTagMutability": repo.get("imageTagMutability"),
        "encryptionConfiguration": repo.get("encryptionConfiguration") or {},
    }
    yield from _aws_rejections("ecr-repository", payload)


@check(
    "image-pushed",
    title="An image pushed as v1.0.0",
    points=2,
    hint=(
        f"digest_v1 = push_image({REPOSITORY!r}, 'v1.0.0') pushes a manifest through "
        "ecr.put_image; describe_images then lists the tag with its sha256 digest."
    ),
    owns=Owns(images=(Image(REPOSITORY, "v1.0.0"),)),
)
def image_pushed(aws: AccountReader) -> Iterator[Requirement]:
    if _repository(aws) is None:
        yield _missing(f"repository {REPOSITORY}", "exists")
        return
    digest = _digest_of(aws, "v1.0.0")
    if digest is None:
        yield _missing("image tagged v1.0.0", "pushed")
        return
    yield requirement("image tagged v1.0.0", "pushed", "pushed")
    yield requirement(
        "digest", "sha256: and 64 hex digits", digest, ok=bool(_DIGEST.fullmatch(digest))
    )
    found = aws.ecr.batch_get_image(repositoryName=REPOSITORY, imageIds=[{"imageTag": "v1.0.0"}])
    kinds = [i.get("imageManifestMediaType") for i in found.get("images", [])]
    yield requirement(
        "manifest media type",
        "an OCI or Docker v2 image manifest",
        kinds or None,
        ok=bool(kinds) and all(k in MANIFEST_TYPES for k in kinds),
    )


@check(
    "pull-role",
    title="An execution role that may pull from shop/web (and only needs that)",
    points=2,
    hint=(
        f"Create {EXECUTION_ROLE!r} trusted by {TASKS_PRINCIPAL}, with an inline policy: "
        "ecr:GetAuthorizationToken on Resource '*' (it cannot be scoped to a repository) and "
        f"ecr:BatchCheckLayerAvailability, ecr:GetDownloadUrlForLayer, ecr:BatchGetImage on "
        f"{REPOSITORY_ARN}."
    ),
    owns=Owns(iam_roles=(EXECUTION_ROLE,)),
)
def pull_role(aws: AccountReader) -> Iterator[Requirement]:
    from ecs_learn.runtime.iam_eval import allowed_all

    found = lookup.role(aws, EXECUTION_ROLE)
    if found is None:
        yield _missing(f"role {EXECUTION_ROLE}", "exists")
        return
    yield requirement(f"role {EXECUTION_ROLE}", "exists", "exists")
    trusted = lookup.trusted_services(found)
    yield requirement("trusted by", TASKS_PRINCIPAL, trusted, ok=TASKS_PRINCIPAL in trusted)
    token = allowed_all(EXECUTION_ROLE, ["ecr:GetAuthorizationToken"], "*", aws)
    yield requirement(
        "ecr:GetAuthorizationToken on *",
        "allowed",
        "allowed" if token else token.reason,
        ok=bool(token),
    )
    pull = allowed_all(EXECUTION_ROLE, PULL_ACTIONS, REPOSITORY_ARN, aws)
    yield requirement(
        f"pull actions on {REPOSITORY_ARN}",
        "allowed",
        "allowed" if pull else pull.reason,
        ok=bool(pull),
    )


@check(
    "pull-by-tag",
    title="A Fargate service running 2 tasks of shop/web:v1.0.0",
    points=3,
    hint=(
        f"The task definition 'web' needs image '{REPOSITORY_URI}:v1.0.0' (the full URI, with "
        f"the tag) and executionRoleArn of {EXECUTION_ROLE}; the service 'web' in cluster "
        f"{CLUSTER!r} needs desiredCount=2. If tasks stop, describe_tasks shows why."
    ),
    owns=Owns(services=(Service(CLUSTER, "web"),), task_families=("web",)),
)
def pull_by_tag(aws: AccountReader) -> Iterator[Requirement]:
    service = _service(aws, "web")
    if service is None:
        yield _missing(f"service web in cluster {CLUSTER}", "ACTIVE")
        return
    td = _task_definition_of(aws, service["taskDefinition"])
    yield requirement("image", f"{REPOSITORY_URI}:v1.0.0", _container_image(td))
    role = (td or {}).get("executionRoleArn")
    yield requirement(
        "executionRoleArn", EXECUTION_ROLE, str(role).rsplit("/", 1)[-1] if role else None
    )
    yield requirement("desiredCount", 2, service.get("desiredCount"))
    yield requirement("runningCount", 2, service.get("runningCount"))


@check(
    "pull-by-digest",
    title="A running task that pulls shop/web by the digest of v1.0.0",
    points=3,
    hint=(
        f"Register 'web-pinned' with image '{REPOSITORY_URI}@' + the digest push_image returned "
        "for v1.0.0 (an @, not a colon), then run_task it on Fargate in cluster "
        f"{CLUSTER!r}."
    ),
    owns=Owns(tasks=(Tasks(CLUSTER, "web-pinned"),), task_families=("web-pinned",)),
)
def pull_by_digest(aws: AccountReader) -> Iterator[Requirement]:
    digest = _digest_of(aws, "v1.0.0") if _repository(aws) else None
    wanted = f"{REPOSITORY_URI}@{digest or 'sha256:<digest of v1.0.0>'}"
    running = _tasks(aws, "RUNNING", family="web-pinned")
    images = sorted(
        {_container_image(_task_definition_of(aws, t["taskDefinitionArn"])) or "" for t in running}
    )
    if not running:
        td = lookup.task_definition(aws, "web-pinned")
        yield requirement("image of web-pinned", wanted, _container_image(td), ok=False)
        stopped = _tasks(aws, "STOPPED", family="web-pinned")
        reason = stopped[0].get("stoppedReason") if stopped else None
        yield requirement("running tasks of web-pinned", "at least 1", reason or 0, ok=False)
        return
    yield requirement("running tasks of web-pinned", "at least 1", len(running), ok=True)
    yield requirement(
        "image of a running task", wanted, images, ok=digest is not None and wanted in images
    )


@check(
    "immutable-tag",
    title="v1.0.0 kept its image; the fix went out as v1.0.1",
    points=2,
    hint=(
        "The repository must stay IMMUTABLE, so the re-push of v1.0.0 fails with "
        "ImageTagAlreadyExistsException (catch it). Push the fix under a new tag: "
        "push_image('shop/web', 'v1.0.1', content='hotfix')."
    ),
    owns=Owns(images=(Image(REPOSITORY, "v1.0.1"),)),
)
def immutable_tag(aws: AccountReader) -> Iterator[Requirement]:
    repo = _repository(aws)
    if repo is None:
        yield _missing(f"repository {REPOSITORY}", "exists")
        return
    yield requirement("imageTagMutability", "IMMUTABLE", repo.get("imageTagMutability"))
    v1 = _digest_of(aws, "v1.0.0")
    fix = _digest_of(aws, "v1.0.1")
    yield requirement(
        "image tagged v1.0.1", "pushed", "pushed" if fix else None, ok=fix is not None
    )
    yield requirement(
        "v1.0.1", "a different image from v1.0.0", fix, ok=fix is not None and fix != v1
    )
    pinned = _container_image(lookup.task_definition(aws, "web-pinned")) or ""
    if "@" in pinned:  # the digest the pinned task pulled: v1.0.0 must still name it
        yield requirement(
            "v1.0.0", f"still {pinned.split('@', 1)[1]}", v1, ok=pinned.endswith(f"@{v1}")
        )


def _rules(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in policy.get("rules") or [] if isinstance(r, dict)]


def _untagged_rule_ok(rule: dict[str, Any]) -> bool:
    sel = rule.get("selection") or {}
    return (
        sel.get("tagStatus") == "untagged"
        and sel.get("countType") == "sinceImagePushed"
        and sel.get("countUnit") == "days"
        and sel.get("countNumber") == UNTAGGED_DAYS
        and (rule.get("action") or {}).get("type") == "expire"
    )


def _release_rule_ok(rule: dict[str, Any]) -> bool:
    sel = rule.get("selection") or {}
    prefixes = sel.get("tagPrefixList") or []
    patterns = sel.get("tagPatternList") or []
    covers_v = prefixes == ["v"] or patterns in (["v*"], ["v*.*.*"], ["v*.*"])
    return (
        sel.get("tagStatus") == "tagged"
        and covers_v
        and sel.get("countType") == "imageCountMoreThan"
        and sel.get("countNumber") == KEEP_RELEASES
        and (rule.get("action") or {}).get("type") == "expire"
    )


@check(
    "lifecycle-policy",
    title="A lifecycle policy keeping the 3 newest releases and expiring old untagged images",
    points=3,
    hint=(
        "Two rules: {tagStatus 'untagged', countType 'sinceImagePushed', countUnit 'days', "
        f"countNumber {UNTAGGED_DAYS}}} and {{tagStatus 'tagged', tagPrefixList ['v'], countType "
        f"'imageCountMoreThan', countNumber {KEEP_RELEASES}}}, both action {{'type': 'expire'}}. "
        "put_lifecycle_policy, then start_lifecycle_policy_preview (no arguments but the "
        "repository) so the preview evaluates the saved policy."
    ),
    owns=Owns(
        lifecycle_policies=(REPOSITORY,),
        images=(*(Image(REPOSITORY, f"v1.0.{n}") for n in range(2, 6)), Image(REPOSITORY, "")),
    ),
)
def lifecycle_policy(aws: AccountReader) -> Iterator[Requirement]:
    if _repository(aws) is None:
        yield _missing(f"repository {REPOSITORY}", "exists")
        return
    try:
        text = aws.ecr.get_lifecycle_policy(repositoryName=REPOSITORY)["lifecyclePolicyText"]
    except ClientError:
        yield _missing("lifecycle policy on shop/web", "put")
        return
    policy = json.loads(text)
    rules = _rules(policy)
    yield requirement(
        "untagged rule",
        f"expire untagged images {UNTAGGED_DAYS} days after push",
        len([r for r in rules if _untagged_rule_ok(r)]) or None,
        ok=any(_untagged_rule_ok(r) for r in rules),
    )
    yield requirement(
        "release rule",
        f"keep the {KEEP_RELEASES} newest images tagged v…",
        len([r for r in rules if _release_rule_ok(r)]) or None,
        ok=any(_release_rule_ok(r) for r in rules),
    )
    yield from _aws_rejections("ecr-lifecycle-policy", policy)
    images = _images(aws)
    releases = [i for i in images if any(t.startswith("v") for t in i.get("imageTags") or [])]
    untagged = [i for i in images if not i.get("imageTags")]
    yield requirement(
        "release images pushed",
        f"more than {KEEP_RELEASES}",
        len(releases),
        ok=len(releases) > KEEP_RELEASES,
    )
    yield requirement("untagged images pushed", "at least 1", len(untagged), ok=bool(untagged))
    try:
        preview = aws.ecr.get_lifecycle_policy_preview(repositoryName=REPOSITORY)
    except ClientError:
        yield _missing("lifecycle policy preview", "started (start_lifecycle_policy_preview)")
        return
    yield requirement(
        "preview of the saved policy",
        "the policy put on shop/web",
        "the saved policy"
        if json.loads(preview["lifecyclePolicyText"]) == policy
        else "a different policy text",
        ok=json.loads(preview["lifecyclePolicyText"]) == policy,
    )
    releases.sort(key=lambda i: i["imagePushedAt"], reverse=True)
    expected = sorted(t for i in releases[KEEP_RELEASES:] for t in i.get("imageTags") or [])
    found = sorted(
        t
        for item in preview.get("previewResults") or []
        if (item.get("action") or {}).get("type") == "EXPIRE"
        for t in item.get("imageTags") or ["(untagged)"]
    )
    yield requirement("images the preview expires", expected, found)


def _pulls_from_repository(image: str | None) -> bool:
    if not image or not image.startswith(REPOSITORY_URI):
        return False
    rest = image[len(REPOSITORY_URI) :]
    return rest.startswith((":", "@"))


@check(
    "repair-pull",
    title="Repair the service orders: its tasks could not pull their image",
    points=3,
    hint=(
        "describe_tasks on the STOPPED tasks of 'orders' shows stoppedReason: the URI names "
        "us-west-2 (the repository lives in us-east-1) and the tag 'latest', which was never "
        f"pushed. Register 'orders' again with '{REPOSITORY_URI}:v1.0.5' and the execution "
        "role, then update_service(taskDefinition=...)."
    ),
    owns=Owns(services=(Service(CLUSTER, "orders"),), task_families=("orders",)),
)
def repair_pull(aws: AccountReader) -> Iterator[Requirement]:
    service = _service(aws, "orders")
    if service is None:
        yield _missing(f"service orders in cluster {CLUSTER}", "ACTIVE (run the given cell)")
        return
    td = _task_definition_of(aws, service["taskDefinition"])
    image = _container_image(td)
    tag = image.rsplit(":", 1)[-1] if image and "@" not in image else None
    exists = (
        bool(image)
        and _pulls_from_repository(image)
        and (tag is None or _digest_of(aws, tag) is not None)
    )
    yield requirement(
        "image of the service's task definition",
        f"{REPOSITORY_URI}:<a tag that was pushed>",
        image,
        ok=exists,
    )
    yield requirement(
        "runningCount",
        service.get("desiredCount"),
        service.get("runningCount"),
        ok=bool(service.get("runningCount"))
        and service.get("runningCount") == service.get("desiredCount"),
    )
    failed = [
        t
        for t in _tasks(aws, "STOPPED", serviceName="orders")
        if "CannotPullContainerError" in str(t.get("stoppedReason"))
    ]
    yield requirement(
        "stopped tasks of orders with CannotPullContainerError",
        "at least 1 (the failure you repaired)",
        len(failed),
        ok=bool(failed),
    )


CHECKS = (
    repository,
    image_pushed,
    pull_role,
    pull_by_tag,
    pull_by_digest,
    immutable_tag,
    lifecycle_policy,
    repair_pull,
)
