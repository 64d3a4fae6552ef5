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
from ecs_learn.checks.realism import AWS_ACCEPTS, aws_accepts, rejections
from ecs_learn.checks.registry import Judged, check, judged, requirement
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
    """The images of shop/web (none when the repository does not exist)."""
    pages = aws.ecr.get_paginator("describe_images").paginate(repositoryName=REPOSITORY)
    try:
        return [dict(i) for page in pages for i in page["imageDetails"]]
    except ClientError:
        return []


def _digest_of(aws: AccountReader, tag: str) -> str | None:
    for image in _images(aws):
        if tag in (image.get("imageTags") or []):
            return str(image["imageDigest"])
    return None


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


def _role_name(arn: Any) -> str | None:
    return str(arn).rsplit("/", 1)[-1] if arn else None


def _revision(td: dict[str, Any] | None) -> str:
    return f"{(td or {}).get('family')}:{(td or {}).get('revision')}"


def _like_web(td: dict[str, Any]) -> Iterator[Requirement]:
    """What exercise 4 asks of a task definition besides its image (web, and web-pinned)."""
    from ecs_learn.rules.units import parse_cpu, parse_memory

    compat = td.get("requiresCompatibilities") or []
    yield requirement(
        "Fargate and awsvpc",
        "requiresCompatibilities FARGATE, networkMode awsvpc",
        f"requiresCompatibilities {', '.join(compat) or 'none'}, "
        f"networkMode {td.get('networkMode')}",
        ok="FARGATE" in compat and td.get("networkMode") == "awsvpc",
        hint="requiresCompatibilities=['FARGATE'] and networkMode='awsvpc'",
    )
    try:
        size = (int(parse_cpu(td.get("cpu"))), int(parse_memory(td.get("memory"))))
    except (TypeError, ValueError):
        size = None
    yield requirement(
        "task size",
        "cpu 256, memory 512 MiB",
        f"cpu {td.get('cpu')}, memory {td.get('memory')}",
        ok=size == (256, 512),
        hint="cpu='256', memory='512' (the brief's size)",
    )
    role = _role_name(td.get("executionRoleArn"))
    yield requirement(
        "executionRoleArn",
        EXECUTION_ROLE,
        role,
        hint=(
            f"{role} is another role: use the ARN of {EXECUTION_ROLE} (exercise 3)"
            if role
            else f"without executionRoleArn nobody may pull the image: the ARN of {EXECUTION_ROLE}"
        ),
    )
    containers = td.get("containerDefinitions") or []
    web = next((c for c in containers if c.get("name") == "web"), None)
    ports = [p.get("containerPort") for p in (web or {}).get("portMappings") or []]
    yield requirement(
        "container web on port 80",
        "container web, containerPort 80",
        f"containers {', '.join(str(c.get('name')) for c in containers) or 'none'}, "
        f"ports {', '.join(map(str, ports)) or 'none'}",
        ok=web is not None and 80 in ports,
        hint="one container named 'web' with portMappings [{'containerPort': 80}]",
    )


@check(
    "repository",
    gates=(AWS_ACCEPTS,),
    title="A repository with immutable tags, scan on push and encryption at rest",
    points={
        "imageTagMutability": 0.75,
        "scan on push": 0.5,
        "encryptionType": 0.5,
        AWS_ACCEPTS: 0.25,
    },
    hint=(
        f"create_repository(repositoryName={REPOSITORY!r}, imageTagMutability='IMMUTABLE', "
        "imageScanningConfiguration={'scanOnPush': True}, encryptionConfiguration="
        "{'encryptionType': 'AES256'}) — or 'KMS'. On an existing repository, "
        "put_image_tag_mutability and put_image_scanning_configuration change those two; "
        "encryption cannot change: lab.reset('repository') deletes the repository (and its "
        "images), then create it again."
    ),
    owns=Owns(repositories=(REPOSITORY,)),
)
def repository(aws: AccountReader) -> Iterator[Requirement | Judged]:
    repo = _repository(aws)
    if repo is None:
        yield _missing(f"repository {REPOSITORY}", "exists")
        return
    yield judged(f"repository {REPOSITORY}")
    mutability = repo.get("imageTagMutability")
    yield requirement(
        "imageTagMutability",
        "IMMUTABLE",
        mutability,
        hint=(
            "exclusions let the excluded tags move: use plain IMMUTABLE"
            if "EXCLUSION" in str(mutability)
            else f"put_image_tag_mutability(repositoryName={REPOSITORY!r}, "
            "imageTagMutability='IMMUTABLE')"
        ),
    )
    on, how = _scan_on_push(aws, repo)
    yield requirement(
        "scan on push",
        "on (repository or registry setting)",
        how,
        ok=on,
        hint=(
            "put_image_scanning_configuration(..., imageScanningConfiguration={'scanOnPush': "
            "True}), or a registry scanning rule whose filter covers shop/web"
        ),
    )
    encryption = (repo.get("encryptionConfiguration") or {}).get("encryptionType")
    yield requirement(
        "encryptionType",
        "AES256 or KMS",
        encryption,
        ok=encryption in ("AES256", "KMS"),
        hint="encryption cannot change: lab.reset('repository') deletes the repository; run "
        "the cell again",
    )
    payload = {
        "repositoryName": repo["repositoryName"],
        "imageTagMutability": repo.get("imageTagMutability"),
        "encryptionConfiguration": repo.get("encryptionConfiguration") or {},
    }
    yield aws_accepts(rejections("ecr-repository", payload))


@check(
    "image-pushed",
    title="An image pushed as v1.0.0",
    points={"image tagged v1.0.0": 1, "digest": 0.5, "manifest media type": 0.5},
    hint=(
        f"digest_v1 = push_image({REPOSITORY!r}, 'v1.0.0') pushes a manifest through "
        "ecr.put_image; describe_images then lists the tag with its sha256 digest."
    ),
    owns=Owns(images=(Image(REPOSITORY, "v1.0.0"),)),
)
def image_pushed(aws: AccountReader) -> Iterator[Requirement | Judged]:
    if _repository(aws) is None:
        yield _missing(f"repository {REPOSITORY}", "exists")
        return
    digest = _digest_of(aws, "v1.0.0")
    if digest is None:
        tags = sorted(t for i in _images(aws) for t in i.get("imageTags") or [])
        yield requirement(
            "image tagged v1.0.0",
            "pushed",
            tags or None,
            ok=False,
            hint=f"push_image({REPOSITORY!r}, 'v1.0.0'): the tag is exactly v1.0.0",
        )
        return
    yield judged(f"{REPOSITORY}:v1.0.0 ({digest[:19]}…)")
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
        hint="push an image manifest (push_image does), not an index or a list",
    )


def _extra_permissions(aws: AccountReader) -> list[str]:
    """What the role may do beyond a pull from shop/web (inline statements and managed
    policies), for the "exactly that" of the brief."""
    wanted = {("ecr:getauthorizationtoken", "*")} | {
        (a.lower(), REPOSITORY_ARN) for a in PULL_ACTIONS
    }
    documents = lookup.inline_policy_documents(aws, EXECUTION_ROLE)
    extra = [
        f"{action} on {resource}"
        for action, resource in lookup.allowed_actions(documents)
        if (action.lower(), resource) not in wanted
    ]
    managed = [
        f"managed policy {a.rsplit('/', 1)[-1]}"
        for a in lookup.attached_policy_arns(aws, EXECUTION_ROLE)
    ]
    return sorted(set(extra)) + managed


@check(
    "pull-role",
    title="An execution role that may pull from shop/web (and only needs that)",
    points={
        "trusted by": 0.5,
        "ecr:GetAuthorizationToken on *": 0.5,
        f"pull actions on {REPOSITORY_ARN}": 0.5,
        "nothing more": 0.5,
    },
    hint=(
        f"Create {EXECUTION_ROLE!r} trusted by {TASKS_PRINCIPAL}, with an inline policy: "
        "ecr:GetAuthorizationToken on Resource '*' (it cannot be scoped to a repository) and "
        f"ecr:BatchCheckLayerAvailability, ecr:GetDownloadUrlForLayer, ecr:BatchGetImage on "
        f"{REPOSITORY_ARN}."
    ),
    owns=Owns(iam_roles=(EXECUTION_ROLE,)),
)
def pull_role(aws: AccountReader) -> Iterator[Requirement | Judged]:
    from ecs_learn.runtime.iam_eval import allowed_all

    found = lookup.role(aws, EXECUTION_ROLE)
    if found is None:
        yield _missing(f"role {EXECUTION_ROLE}", "exists")
        return
    yield judged(f"role {EXECUTION_ROLE}")
    trusted = lookup.trusted_services(found)
    yield requirement(
        "trusted by",
        TASKS_PRINCIPAL,
        trusted,
        ok=TASKS_PRINCIPAL in trusted,
        hint=(
            f"{', '.join(trusted) or 'nobody'} may assume it; ECS assumes an execution role "
            f"as {TASKS_PRINCIPAL} (update_assume_role_policy)"
        ),
    )
    token = allowed_all(EXECUTION_ROLE, ["ecr:GetAuthorizationToken"], "*", aws)
    yield requirement(
        "ecr:GetAuthorizationToken on *",
        "allowed",
        "allowed" if token else token.reason,
        ok=bool(token),
        hint="a statement allowing ecr:GetAuthorizationToken with Resource '*' (no ARN)",
    )
    pull = allowed_all(EXECUTION_ROLE, PULL_ACTIONS, REPOSITORY_ARN, aws)
    yield requirement(
        f"pull actions on {REPOSITORY_ARN}",
        "allowed",
        "allowed" if pull else pull.reason,
        ok=bool(pull),
        hint=f"allow the three pull actions with Resource {REPOSITORY_ARN}",
    )
    extra = _extra_permissions(aws)
    yield requirement(
        "nothing more",
        "only the pull: no other action, resource or managed policy",
        extra or "nothing more",
        ok=not extra,
        hint="remove what the pull does not need (put_role_policy again, detach_role_policy)",
    )


@check(
    "pull-by-tag",
    gates=(AWS_ACCEPTS,),
    title="A Fargate service running 2 tasks of shop/web:v1.0.0",
    points={
        "task definition family": 0.25,
        "image": 0.5,
        "Fargate and awsvpc": 0.25,
        "task size": 0.25,
        "executionRoleArn": 0.25,
        "container web on port 80": 0.25,
        AWS_ACCEPTS: 0.25,
        "launchType": 0.25,
        "desiredCount": 0.25,
        "runningCount": 0.5,
    },
    hint=(
        f"The task definition 'web' needs image '{REPOSITORY_URI}:v1.0.0' (the full URI, with "
        f"the tag) and executionRoleArn of {EXECUTION_ROLE}; the service 'web' in cluster "
        f"{CLUSTER!r} needs desiredCount=2. If tasks stop, describe_tasks shows why."
    ),
    owns=Owns(services=(Service(CLUSTER, "web"),), task_families=("web",)),
)
def pull_by_tag(aws: AccountReader) -> Iterator[Requirement | Judged]:
    service = _service(aws, "web")
    if service is None:
        yield _missing(f"service web in cluster {CLUSTER}", "ACTIVE")
        return
    td = _task_definition_of(aws, service["taskDefinition"]) or {}
    yield judged(f"service web running {_revision(td)}")
    yield requirement(
        "task definition family",
        "web",
        td.get("family"),
        hint="register the family 'web' and create the service with taskDefinition='web'",
    )
    image = _container_image(td)
    wanted = f"{REPOSITORY_URI}:v1.0.0"
    yield requirement(
        "image",
        wanted,
        image,
        hint=(
            "name the image by the repository URI and the tag: REPOSITORY_URI + ':v1.0.0'"
            if image and REPOSITORY in image
            else f"the image is {REPOSITORY} at tag v1.0.0, in this account's registry"
        ),
    )
    yield from _like_web(td)
    yield aws_accepts(rejections("task-definition", td))
    yield requirement(
        "launchType", "FARGATE", service.get("launchType"), hint="create_service(launchType=...)"
    )
    yield requirement(
        "desiredCount", 2, service.get("desiredCount"), hint="update_service(desiredCount=2)"
    )
    stopped = _tasks(aws, "STOPPED", serviceName="web")
    reason = stopped[0].get("stoppedReason") if stopped else None
    yield requirement(
        "runningCount",
        2,
        service.get("runningCount"),
        hint=(
            f"its tasks stop: {reason} (fix what it names, then run the exercise cell again: "
            "updating the service starts new tasks)"
            if reason
            else "the service has not started 2 tasks"
        ),
    )


@check(
    "pull-by-digest",
    gates=(AWS_ACCEPTS,),
    title="A running task that pulls shop/web by the digest of v1.0.0",
    points={
        "image": 1,
        "Fargate and awsvpc": 0.25,
        "task size": 0.25,
        "executionRoleArn": 0.25,
        "container web on port 80": 0.25,
        AWS_ACCEPTS: 0.25,
        "running task of web-pinned": 0.75,
    },
    hint=(
        f"Register 'web-pinned' with image '{REPOSITORY_URI}@' + the digest push_image returned "
        "for v1.0.0 (an @, not a colon), then run_task it on Fargate in cluster "
        f"{CLUSTER!r}."
    ),
    owns=Owns(tasks=(Tasks(CLUSTER, "web-pinned"),), task_families=("web-pinned",)),
)
def pull_by_digest(aws: AccountReader) -> Iterator[Requirement | Judged]:
    td = lookup.task_definition(aws, "web-pinned")
    if td is None:
        yield _missing("task definition family web-pinned", "registered")
        return
    yield judged(_revision(td))
    digest = _digest_of(aws, "v1.0.0") if _repository(aws) else None
    wanted = f"{REPOSITORY_URI}@{digest or 'sha256:<digest of v1.0.0>'}"
    image = _container_image(td)
    yield requirement(
        "image",
        wanted,
        image,
        ok=digest is not None and image == wanted,
        hint=(
            "a digest follows an @ (REPOSITORY_URI + '@' + digest_v1), not a colon"
            if image and "@" not in image
            else "digest_v1 already starts with 'sha256:': REPOSITORY_URI + '@' + digest_v1"
            if image and "@sha256:sha256:" in image
            else "the digest of v1.0.0 is digest_v1, what push_image returned"
        ),
    )
    yield from _like_web(td)
    yield aws_accepts(rejections("task-definition", td))
    arn = td["taskDefinitionArn"]
    running = [
        t
        for t in _tasks(aws, "RUNNING", family="web-pinned")
        if t.get("taskDefinitionArn") == arn and t.get("launchType") == "FARGATE"
    ]
    stopped = _tasks(aws, "STOPPED", family="web-pinned")
    reason = stopped[0].get("stoppedReason") if stopped else None
    yield requirement(
        "running task of web-pinned",
        f"at least 1 RUNNING on Fargate, of {_revision(td)}",
        len(running) if running else "0: the task stopped" if reason else 0,
        ok=bool(running),
        hint=(
            f"the task stopped: {reason} (fix what it names and run the exercise cell again: "
            "it registers a new revision and starts another task)"
            if reason
            else "ecs.run_task(cluster='shop', taskDefinition='web-pinned', "
            "launchType='FARGATE', networkConfiguration=network)"
        ),
    )


def _pushed_manifest(aws: AccountReader, tag: str) -> str | None:
    found = aws.ecr.batch_get_image(repositoryName=REPOSITORY, imageIds=[{"imageTag": tag}])
    images = found.get("images") or []
    return str(images[0].get("imageManifest")) if images else None


@check(
    "immutable-tag",
    title="v1.0.0 kept its image; the fix went out as v1.0.1",
    points={"imageTagMutability": 0.5, "v1.0.0": 0.5, "v1.0.1": 1},
    hint=(
        "The repository must stay IMMUTABLE, so the re-push of v1.0.0 fails with "
        "ImageTagAlreadyExistsException (catch it). Push the fix under a new tag: "
        "push_image('shop/web', 'v1.0.1', content='hotfix')."
    ),
    owns=Owns(images=(Image(REPOSITORY, "v1.0.1"),)),
)
def immutable_tag(aws: AccountReader) -> Iterator[Requirement | Judged]:
    from ecs_learn.sandbox.images import manifest

    repo = _repository(aws)
    if repo is None:
        yield _missing(f"repository {REPOSITORY}", "exists")
        return
    yield judged(f"tags v1.0.0 and v1.0.1 of {REPOSITORY}")
    yield requirement(
        "imageTagMutability",
        "IMMUTABLE",
        repo.get("imageTagMutability"),
        hint="keep the repository IMMUTABLE: that is what refuses the re-push",
    )
    v1 = _pushed_manifest(aws, "v1.0.0")
    moved = v1 == manifest(REPOSITORY, "v1.0.0", "hotfix")
    pinned = _container_image(lookup.task_definition(aws, "web-pinned")) or ""
    digest = _digest_of(aws, "v1.0.0")
    still = not pinned.count("@") or pinned.endswith(f"@{digest}")
    yield requirement(
        "v1.0.0",
        "its first image (not the hotfix)",
        None if v1 is None else ("the hotfix" if moved or not still else "its first image"),
        ok=v1 is not None and not moved and still,
        hint=(
            "the tag moved to the hotfix: a MUTABLE repository let the re-push through"
            if moved
            else "push_image('shop/web', 'v1.0.0') (exercise 2)"
        ),
    )
    fix = _pushed_manifest(aws, "v1.0.1")
    yield requirement(
        "v1.0.1",
        "pushed, with the hotfix (content='hotfix')",
        None if fix is None else "another build",
        ok=fix == manifest(REPOSITORY, "v1.0.1", "hotfix"),
        hint=(
            "digest_v101 = push_image('shop/web', 'v1.0.1', content='hotfix')"
            if fix is None
            else "v1.0.1 holds other content; the fix is content='hotfix'"
        ),
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


def _show_rules(rules: list[dict[str, Any]], status: str) -> list[str] | None:
    shown = []
    for rule in rules:
        sel = rule.get("selection") or {}
        if sel.get("tagStatus") != status:
            continue
        which = sel.get("tagPrefixList") or sel.get("tagPatternList") or ""
        unit = f" {sel['countUnit']}" if sel.get("countUnit") else ""
        shown.append(
            f"{status} {which} {sel.get('countType')} {sel.get('countNumber')}{unit} "
            f"-> {(rule.get('action') or {}).get('type')}".replace("  ", " ")
        )
    return shown or None


NEW_RELEASES = tuple(f"v1.0.{n}" for n in range(2, 6))


@check(
    "lifecycle-policy",
    gates=(AWS_ACCEPTS,),
    title="A lifecycle policy keeping the 3 newest releases and expiring old untagged images",
    points={
        "release images pushed": 0.25,
        "untagged images pushed": 0.25,
        "untagged rule": 0.5,
        "release rule": 0.5,
        AWS_ACCEPTS: 0.25,
        "preview of the saved policy": 0.5,
        "images the preview expires": 0.75,
    },
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
def lifecycle_policy(aws: AccountReader) -> Iterator[Requirement | Judged]:
    if _repository(aws) is None:
        yield _missing(f"repository {REPOSITORY}", "exists")
        return
    yield judged(f"the lifecycle policy of {REPOSITORY} and its preview")
    images = _images(aws)
    tags = {t for i in images for t in i.get("imageTags") or []}
    absent = [t for t in NEW_RELEASES if t not in tags]
    yield requirement(
        "release images pushed",
        ", ".join(NEW_RELEASES),
        f"missing {', '.join(absent)}" if absent else ", ".join(NEW_RELEASES),
        ok=not absent,
        hint="for patch in range(2, 6): push_image('shop/web', f'v1.0.{patch}')",
    )
    untagged = [i for i in images if not i.get("imageTags")]
    yield requirement(
        "untagged images pushed",
        "at least 2",
        len(untagged),
        ok=len(untagged) >= 2,
        hint="push_image('shop/web', None, content=...) twice, with two different contents",
    )
    try:
        text = aws.ecr.get_lifecycle_policy(repositoryName=REPOSITORY)["lifecyclePolicyText"]
    except ClientError:
        yield _missing("lifecycle policy on shop/web", "put")
        return
    policy = json.loads(text)
    rules = _rules(policy)
    yield requirement(
        "untagged rule",
        f"untagged sinceImagePushed {UNTAGGED_DAYS} days -> expire",
        _show_rules(rules, "untagged"),
        ok=any(_untagged_rule_ok(r) for r in rules),
        hint="selection {tagStatus 'untagged', countType 'sinceImagePushed', countUnit 'days', "
        f"countNumber {UNTAGGED_DAYS}}}, action {{'type': 'expire'}}",
    )
    yield requirement(
        "release rule",
        f"tagged ['v'] imageCountMoreThan {KEEP_RELEASES} -> expire",
        _show_rules(rules, "tagged"),
        ok=any(_release_rule_ok(r) for r in rules),
        hint="selection {tagStatus 'tagged', tagPrefixList ['v'], countType "
        f"'imageCountMoreThan', countNumber {KEEP_RELEASES}}}, action {{'type': 'expire'}}",
    )
    yield aws_accepts(rejections("ecr-lifecycle-policy", policy))
    try:
        preview = aws.ecr.get_lifecycle_policy_preview(repositoryName=REPOSITORY)
    except ClientError:
        yield _missing("lifecycle policy preview", "started (start_lifecycle_policy_preview)")
        return
    same = json.loads(preview["lifecyclePolicyText"]) == policy
    yield requirement(
        "preview of the saved policy",
        "the policy put on shop/web",
        "the saved policy" if same else "a different policy text",
        ok=same,
        hint="start_lifecycle_policy_preview(repositoryName='shop/web') after "
        "put_lifecycle_policy, with no lifecyclePolicyText: it then previews the saved one",
    )
    releases = [i for i in images if any(t.startswith("v") for t in i.get("imageTags") or [])]
    releases.sort(key=lambda i: i["imagePushedAt"], reverse=True)
    expected = sorted(t for i in releases[KEEP_RELEASES:] for t in i.get("imageTags") or [])
    found = sorted(
        t
        for item in preview.get("previewResults") or []
        if (item.get("action") or {}).get("type") == "EXPIRE"
        for t in item.get("imageTags") or ["(untagged)"]
    )
    yield requirement(
        "images the preview expires",
        expected,
        found,
        hint="the preview follows the saved rules: fix them, put the policy and preview again",
    )


def _pulls_from_repository(image: str | None) -> bool:
    if not image or not image.startswith(REPOSITORY_URI):
        return False
    rest = image[len(REPOSITORY_URI) :]
    return rest.startswith((":", "@"))


@check(
    "repair-pull",
    gates=(AWS_ACCEPTS,),
    title="Repair the service orders: its tasks could not pull their image",
    points={
        "service's task definition": 0.5,
        "image registry": 0.75,
        "image tag": 0.75,
        "runningCount": 1,
        AWS_ACCEPTS: 0,  # the broken revision is accepted too: it voids, it earns nothing
    },
    hint=(
        "describe_tasks on the STOPPED tasks of 'orders' shows stoppedReason: the URI names "
        "us-west-2 (the repository lives in us-east-1) and the tag 'latest', which was never "
        f"pushed. Register 'orders' again with '{REPOSITORY_URI}:v1.0.5' and the execution "
        "role, then update_service(taskDefinition=...)."
    ),
    owns=Owns(services=(Service(CLUSTER, "orders"),), task_families=("orders",)),
)
def repair_pull(aws: AccountReader) -> Iterator[Requirement | Judged]:
    service = _service(aws, "orders")
    if service is None:
        yield _missing(f"service orders in cluster {CLUSTER}", "ACTIVE (run the given cell)")
        return
    failed = [
        t
        for t in _tasks(aws, "STOPPED", serviceName="orders")
        if "CannotPullContainerError" in str(t.get("stoppedReason"))
    ]
    if not failed:  # the given cell's failure is what this exercise repairs
        yield _missing(
            "stopped tasks of orders with CannotPullContainerError",
            "at least 1 (run the given cell first)",
        )
    td = _task_definition_of(aws, service["taskDefinition"]) or {}
    yield judged(f"service orders running {_revision(td)}")
    yield requirement(
        "service's task definition",
        "a new revision of orders",
        _revision(td),
        ok=td.get("family") == "orders" and td.get("revision") != 1,
        hint="register the fixed revision of 'orders', then update_service(cluster='shop', "
        "service='orders', taskDefinition=<its ARN>)",
    )
    image = _container_image(td) or ""
    registry, _, tag = image.rpartition(":") if "@" not in image else (image, "", "")
    yield requirement(
        "image registry",
        REPOSITORY_URI,
        registry or None,
        ok=_pulls_from_repository(image),
        hint=(
            "the URI names another Region or account: the repository is "
            f"{REPOSITORY_URI} (us-east-1)"
        ),
    )
    pushed = tag and _digest_of(aws, tag) is not None
    yield requirement(
        "image tag",
        "v1.0.5 (the newest release, pushed)",
        f"{tag} ({'pushed' if pushed else 'never pushed'})" if tag else None,
        ok=tag == "v1.0.5" and bool(pushed),
        hint=(
            f"{tag} was never pushed (list_images shows the tags)"
            if tag and not pushed
            else "v1.0.5 is the newest release (the lifecycle policy keeps only the newest)"
        ),
    )
    current = td.get("taskDefinitionArn")
    stopped = _tasks(aws, "STOPPED", serviceName="orders")
    reason = next(
        (t.get("stoppedReason") for t in stopped if t.get("taskDefinitionArn") == current), None
    )
    running = [
        t
        for t in _tasks(aws, "RUNNING", serviceName="orders")
        if t.get("taskDefinitionArn") == current and t.get("lastStatus") == "RUNNING"
    ]
    desired = service.get("desiredCount")
    yield requirement(
        "runningCount",
        f"{desired} of {_revision(td)}",
        f"{len(running)} of {_revision(td)}",
        ok=bool(running) and len(running) == desired,
        hint=f"its tasks stop: {reason}" if reason else "update the service to the fixed revision",
    )
    yield aws_accepts(rejections("task-definition", td))


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
