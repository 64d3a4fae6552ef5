"""Generate the rule reference page (``docs/rules.md``) from the rules themselves.

Run ``python -m ecs_learn.rules.reference > docs/rules.md`` after changing a rule;
a test fails when the committed page differs from what this produces.
"""

from __future__ import annotations

from ecs_learn.rules import ALL_RULES, KINDS, Rule, rules_for
from ecs_learn.rules.shapes import SHAPE_CHECKS

__all__ = ["render_reference"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(rule: Rule) -> str:
    cells = (
        f"`{rule.id}`",
        rule.severity.value,
        _cell(rule.summary),
        ", ".join(sorted(f.label for f in rule.needs)) or "-",
        f"`{rule.error_code}`" if rule.error_code else "n/a (advice)",
        "yes" if rule.moto_enforces else "no",
        _cell(rule.source),
    )
    return "| " + " | ".join(cells) + " |"


def render_reference() -> str:
    """The Markdown reference page for every rule, grouped by kind."""
    errors = sum(r.severity.value == "error" for r in ALL_RULES)
    lenient = sum(r.severity.value == "error" and not r.moto_enforces for r in ALL_RULES)
    lines = [
        "# ecs-learn realism rules",
        "",
        "<!-- Generated: python -m ecs_learn.rules.reference > docs/rules.md (do not edit) -->",
        "",
        "Each rule checks one kind of payload: the keyword arguments a boto3 call sends (or, for",
        "task definitions, also what DescribeTaskDefinition returns). *Severity* `error` means AWS",
        "rejects the call with the *AWS error* code shown; `warning` is advice that AWS does",
        "not enforce.",
        "*moto enforces* says whether moto 5.2 rejects the call by itself; where it does not, the",
        "strict sandbox (`ecs_learn.strict.enable()`) makes the mocked call fail as AWS would.",
        "*Needs* lists the facts about the account a rule reads (the service's task definition,",
        "target groups, subnet zones...); the strict sandbox fetches them, and the rule stays",
        "silent when they are unknown, as in `ecs-learn lint` of a single file.",
        "",
        f"{len(ALL_RULES)} rules: {errors} errors ({lenient} of them not enforced by moto), "
        f"{len(ALL_RULES) - errors} warnings.",
        "",
    ]
    lines += _shape_section()
    for kind in KINDS:
        rules = rules_for(kind)
        if not rules:
            continue
        lines += [
            f"## {kind.heading}",
            "",
            f"Kind: `{kind}`",
            "",
            "| Rule | Severity | What it checks | Needs | AWS error | moto enforces | Source |",
            "|---|---|---|---|---|---|---|",
            *(_row(r) for r in rules),
            "",
        ]
    return "\n".join(lines)


def _shape_section() -> list[str]:
    return [
        "## Input shape (botocore's model; `ecs-learn lint` only)",
        "",
        "Before the rules, `ecs-learn lint` validates each file against botocore's input",
        "shape for its call, with botocore's own `ParamValidator`: the AWS CLI and boto3 refuse",
        'these before anything is sent (`ParamValidationError`, "Parameter validation failed"),',
        "so the strict sandbox never sees them. A DescribeTaskDefinition-style wrapper",
        '(`{"taskDefinition": {...}}`) is checked inside; an ECR lifecycle policy only when the',
        "file is the PutLifecyclePolicy input (`lifecyclePolicyText`). Where a kind has two",
        "calls, the file is judged against the one it fits best.",
        "",
        "| Check | What it reports |",
        "|---|---|",
        *(f"| `{c.id}` | {_cell(c.summary)} |" for c in SHAPE_CHECKS),
        "",
        "| Kind | Call (input shape) | Describe call (its read-only fields are `SHAPE004`) |",
        "|---|---|---|",
        *(
            f"| `{k}` | {k.api.service} {' / '.join(k.api.operations)} | "
            f"{k.api.describe[0] if k.api.describe else '-'} |"
            for k in KINDS
        ),
        "",
    ]


if __name__ == "__main__":
    print(render_reference(), end="")
