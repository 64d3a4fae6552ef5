"""Amazon ECR: repositories (with their images), image tags, untagged images, lifecycle
policies."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.owns import Image
from ecs_learn.exercise_reset._common import Client, listed, plural

__all__ = ["remove_image", "remove_lifecycle_policy", "remove_repository"]


def _image_ids(ecr: Any, repository: str, status: str) -> list[dict[str, Any]]:
    pages = ecr.get_paginator("list_images").paginate(
        repositoryName=repository, filter={"tagStatus": status}
    )
    return [i for page in pages for i in page["imageIds"]]


def remove_repository(client: Client, name: str) -> str | None:
    ecr = client("ecr")
    try:
        images = {i["imageDigest"] for i in _image_ids(ecr, name, "ANY")}
    except ClientError:  # RepositoryNotFound
        return None
    ecr.delete_repository(repositoryName=name, force=True)
    return f"ECR repository {name}" + listed([plural(len(images), "image")] if images else [])


def remove_image(client: Client, ref: Image) -> str | None:
    ecr = client("ecr")
    try:
        if ref.tag:
            ids = (
                [{"imageTag": ref.tag}]
                if ref.tag in {i.get("imageTag") for i in _image_ids(ecr, ref.repository, "TAGGED")}
                else []
            )
        else:
            ids = [
                {"imageDigest": i["imageDigest"]}
                for i in _image_ids(ecr, ref.repository, "UNTAGGED")
            ]
    except ClientError:  # RepositoryNotFound
        return None
    if not ids:
        return None
    ecr.batch_delete_image(repositoryName=ref.repository, imageIds=ids)
    if ref.tag:
        return f"image {ref.repository}:{ref.tag}"
    return f"{plural(len(ids), 'untagged image')} of ECR repository {ref.repository}"


def remove_lifecycle_policy(client: Client, repository: str) -> str | None:
    try:
        client("ecr").delete_lifecycle_policy(repositoryName=repository)
    except ClientError:  # no policy, or no repository
        return None
    return f"lifecycle policy of ECR repository {repository}"
