"""Rules for ECR lifecycle policy documents (``{"rules": [...]}``).

The payload is the policy document itself, as in a JSON file or the parsed
``lifecyclePolicyText`` of PutLifecyclePolicy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_int, as_list, as_mapping, dicts, join
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation

__all__ = ["RULES"]

_lcp = partial(
    rule,
    kind="ecr-lifecycle-policy",
    error_code="InvalidParameterException",
    source=sources.ECR_LIFECYCLE,
)

_TAG_STATUS = ("tagged", "untagged", "any")
_COUNT_TYPES = (
    "imageCountMoreThan",
    "sinceImagePushed",
    "sinceImagePulled",
    "sinceImageTransitioned",
)
_ACTIONS = ("expire", "transition")


def _rules(doc: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    return dicts(doc.get("rules"))


def _selection(r: Mapping[str, Any]) -> Mapping[str, Any]:
    return as_mapping(r.get("selection")) or {}


@_lcp("ECR010", summary="a lifecycle policy has a non-empty rules list of objects")
def rules_list(doc: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    items = as_list(doc.get("rules"))
    if "rules" not in doc:
        yield Violation("", 'A lifecycle policy needs a top-level "rules" list.')
    elif not items:
        yield Violation("rules", '"rules" must be a non-empty list of rules.')
    else:
        for i, item in enumerate(items):
            if not isinstance(item, Mapping):
                yield Violation(join("rules", i), f"Rule {i} must be an object.")
            else:
                for key in ("selection", "action"):
                    if not as_mapping(item.get(key)):
                        yield Violation(join("rules", i), f"Rule {i} needs a '{key}' object.")


@_lcp("ECR011", summary="every rule has a unique integer rulePriority of 1 or more")
def priorities(doc: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    seen: dict[int, int] = {}
    for i, r in _rules(doc):
        if "rulePriority" not in r:
            yield Violation(join("rules", i), f"Rule {i} has no rulePriority.")
            continue
        value = as_int(r["rulePriority"])
        if value is None or value < 1:
            yield Violation(
                join("rules", i, "rulePriority"),
                f"rulePriority {r['rulePriority']!r} must be a whole number, 1 or more.",
            )
        elif value in seen:
            yield Violation(
                join("rules", i, "rulePriority"),
                f"Rules {seen[value]} and {i} both have priority {value}. Each rule "
                "needs its own priority.",
            )
        else:
            seen[value] = i


@_lcp(
    "ECR012",
    summary="tagStatus is tagged, untagged or any; tagged needs tagPrefixList or "
    "tagPatternList, the others take neither",
)
def tag_status(doc: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, r in _rules(doc):
        sel = _selection(r)
        base = join("rules", i, "selection")
        if not sel:
            continue
        status = sel.get("tagStatus")
        lists = [k for k in ("tagPrefixList", "tagPatternList") if as_list(sel.get(k))]
        if status not in _TAG_STATUS:
            yield Violation(
                join(base, "tagStatus") if "tagStatus" in sel else base,
                f"tagStatus must be 'tagged', 'untagged' or 'any', not {status!r}.",
            )
        elif status == "tagged" and not lists:
            yield Violation(
                join(base, "tagStatus"),
                "A rule for tagged images must say which tags: add tagPrefixList "
                '(e.g. ["prod"]) or tagPatternList (e.g. ["prod*"]).',
            )
        elif status != "tagged":
            for key in lists:
                yield Violation(
                    join(base, key),
                    f"{key} only applies to tagStatus 'tagged'; "
                    f"remove it from this '{status}' rule.",
                )


@_lcp("ECR013", summary="a tagPatternList pattern has at most 4 wildcards")
def pattern_wildcards(doc: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, r in _rules(doc):
        for k, pattern in enumerate(as_list(_selection(r).get("tagPatternList")) or []):
            if isinstance(pattern, str) and pattern.count("*") > 4:
                yield Violation(
                    join("rules", i, "selection", "tagPatternList", k),
                    f"Pattern {pattern!r} has more than 4 '*' wildcards.",
                )


@_lcp(
    "ECR014",
    summary="countType is known; countUnit 'days' only (and always) with time-based "
    "types; countNumber is a positive integer",
)
def counts(doc: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, r in _rules(doc):
        sel = _selection(r)
        if not sel:
            continue
        base = join("rules", i, "selection")
        count_type = sel.get("countType")
        if count_type not in _COUNT_TYPES:
            yield Violation(
                join(base, "countType") if "countType" in sel else base,
                f"countType must be one of {', '.join(_COUNT_TYPES)}, not {count_type!r}.",
            )
        elif count_type == "imageCountMoreThan" and "countUnit" in sel:
            yield Violation(
                join(base, "countUnit"),
                "imageCountMoreThan counts images, so it takes no countUnit. Remove it.",
            )
        elif count_type != "imageCountMoreThan" and sel.get("countUnit") != "days":
            yield Violation(
                join(base, "countUnit") if "countUnit" in sel else base,
                f'{count_type} needs "countUnit": "days".',
            )
        number = as_int(sel.get("countNumber"))
        if number is None or number < 1:
            yield Violation(
                join(base, "countNumber") if "countNumber" in sel else base,
                "countNumber must be a whole number, 1 or more.",
            )


@_lcp("ECR015", summary="the rule with tagStatus 'any' must have the highest rulePriority")
def any_rule_last(doc: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    prios = {i: as_int(r.get("rulePriority")) for i, r in _rules(doc)}
    numbers = [p for p in prios.values() if p is not None]
    if not numbers:
        return
    highest = max(numbers)
    for i, r in _rules(doc):
        prio = prios[i]
        if _selection(r).get("tagStatus") == "any" and prio is not None and prio < highest:
            yield Violation(
                join("rules", i, "rulePriority"),
                f"The 'any' rule has priority {prio}, but another rule has {highest}. "
                "The rule for any image must come last: give it the highest number.",
            )


@_lcp(
    "ECR016",
    summary="action type is expire or transition; transition needs targetStorageClass archive",
    moto_enforces=True,
)
def action(doc: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, r in _rules(doc):
        act = as_mapping(r.get("action"))
        if not act:
            continue
        base = join("rules", i, "action")
        kind = act.get("type")
        if kind not in _ACTIONS:
            yield Violation(
                join(base, "type") if "type" in act else base,
                f"action type must be 'expire' or 'transition', not {kind!r}.",
            )
        elif kind == "transition" and act.get("targetStorageClass") != "archive":
            yield Violation(
                join(base, "targetStorageClass") if "targetStorageClass" in act else base,
                'A transition action needs "targetStorageClass": "archive".',
            )


RULES = (rules_list, priorities, tag_status, pattern_wildcards, counts, any_rule_last, action)
