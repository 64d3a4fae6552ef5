"""Rules for ECR repositories: CreateRepository / PutImageTagMutability kwargs."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_list, as_mapping, dicts, join
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation

__all__ = ["REPOSITORY_NAME", "RULES"]

_ecr = partial(
    rule, kind="ecr-repository", error_code="InvalidParameterException", source=sources.ECR_API
)

REPOSITORY_NAME = re.compile(
    r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*"
)
_MUTABILITY = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
_FILTER = re.compile(r"[0-9a-zA-Z._*-]{1,128}")


@_ecr(
    "ECR001",
    summary="repository names: 2-256 lowercase letters, digits, . _ - separators, / namespaces",
    moto_enforces=True,
)
def repository_name(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    name = p.get("repositoryName")
    if "repositoryName" not in p:
        return
    if (
        not isinstance(name, str)
        or not 2 <= len(name) <= 256
        or not REPOSITORY_NAME.fullmatch(name)
    ):
        yield Violation(
            "repositoryName",
            f"Repository name {name!r} is not valid. Use 2-256 characters: lowercase "
            "letters and digits, joined by '.', '_' or '-', with '/' between namespaces "
            "(e.g. 'team/web-app'). No capitals, spaces or leading/trailing separators.",
        )


@_ecr(
    "ECR002",
    summary="imageTagMutability is MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or "
    "MUTABLE_WITH_EXCLUSION",
    moto_enforces=True,
)
def tag_mutability(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    value = p.get("imageTagMutability")
    if "imageTagMutability" in p and value not in _MUTABILITY:
        yield Violation(
            "imageTagMutability",
            f"{value!r} is not a tag mutability setting. Use one of {', '.join(_MUTABILITY)}.",
        )


@_ecr(
    "ECR003",
    summary="the *_WITH_EXCLUSION settings need 1-5 exclusion filters (wildcard "
    "patterns); the others take none",
    moto_enforces=True,
)
def exclusion_filters(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    mode = p.get("imageTagMutability")
    filters = as_list(p.get("imageTagMutabilityExclusionFilters"))
    key = "imageTagMutabilityExclusionFilters"
    if isinstance(mode, str) and mode.endswith("_WITH_EXCLUSION"):
        if not filters or len(filters) > 5:
            yield Violation(
                key if key in p else "imageTagMutability",
                f"{mode} needs 1 to 5 exclusion filters in {key}.",
            )
        for i, item in dicts(filters):
            value = item.get("filter")
            if not isinstance(value, str) or not _FILTER.fullmatch(value):
                yield Violation(
                    join(key, i),
                    f"Exclusion filter {value!r} must be 1-128 of "
                    "letters, digits, '.', '_', '-' or '*'.",
                )
    elif filters:
        yield Violation(
            key,
            f"Exclusion filters only apply to the *_WITH_EXCLUSION settings, not "
            f"{mode!r}. Remove them or change imageTagMutability.",
        )


@_ecr("ECR004", summary="AES256 encryption takes no kmsKey")
def encryption(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    config = as_mapping(p.get("encryptionConfiguration"))
    if config and config.get("encryptionType") == "AES256" and "kmsKey" in config:
        yield Violation(
            "encryptionConfiguration.kmsKey",
            "A KMS key only applies to KMS or KMS_DSSE encryption. Remove kmsKey or set "
            "encryptionType to KMS.",
        )


RULES = (repository_name, tag_mutability, exclusion_filters, encryption)
