"""``ecs-learn lint FILE...``: check JSON files against the AWS realism rules."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecs_learn.cli.output import CliError, print_error

if TYPE_CHECKING:
    from ecs_learn.lint import FileReport

__all__ = ["app"]

app = typer.Typer()


@app.command("lint")
def lint(
    files: Annotated[
        list[Path],
        typer.Argument(help="JSON files to check.", metavar="FILE...", show_default=False),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help="Treat every file as this kind (e.g. "
            "task-definition, service, scaling-policy, ecr-lifecycle-policy) "
            "instead of detecting it.",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="human (default) or json.")
    ] = "human",
    allow_32_vcpu: Annotated[
        bool,
        typer.Option("--allow-32-vcpu", help="Accept the new, unverified 32 vCPU Fargate sizes."),
    ] = False,
) -> None:
    """Check task definitions, services, scaling and lifecycle policies (JSON) for
    mistakes AWS would reject. Exit 0: no errors; 1: errors found; 2: a file could
    not be read."""
    from ecs_learn.lint import exit_code, lint_files, reports_to_json
    from ecs_learn.rules import KINDS, RuleContext

    if output_format not in ("human", "json"):
        raise CliError(f"--format must be 'human' or 'json', not {output_format!r}")
    if kind is not None and kind not in KINDS:
        raise CliError(f"unknown --kind {kind!r}; use one of {', '.join(KINDS)}")
    reports = lint_files(files, kind, RuleContext(allow_32_vcpu=allow_32_vcpu))
    for report in reports:
        if report.error is not None:
            print_error(f"{report.file}: {report.error}")
    if output_format == "json":
        typer.echo(reports_to_json(reports))
    else:
        _print_human(reports)
    raise typer.Exit(exit_code(reports))


def _print_human(reports: Sequence[FileReport]) -> None:
    from rich.console import Console
    from rich.text import Text

    out = Console(soft_wrap=True, highlight=False)
    errors = warnings = 0
    for report in reports:
        if report.error is not None:
            continue
        where = f" ({report.document})" if report.document == "lifecyclePolicyText" else ""
        if not report.findings:
            out.print(
                Text.assemble(
                    (report.file, "bold"),
                    f": {report.kind}{where}: ",
                    ("no problems found", "green"),
                )
            )
            continue
        out.print(Text.assemble((report.file, "bold"), f": {report.kind}{where}"))
        for f in report.findings:
            is_error = f.severity.value == "error"
            errors += is_error
            warnings += not is_error
            out.print(
                Text.assemble(
                    "  ",
                    (f.severity.value.upper(), "red" if is_error else "yellow"),
                    f" {f.rule_id} ",
                    (f.path or "(whole document)", "cyan"),
                    f": {f.message}",
                    (f" [AWS: {f.error_code}]" if f.error_code else "", "dim"),
                )
            )
        if report.fix:
            out.print(Text.assemble("  ", ("fix:", "green"), f" {report.fix}"))
    unreadable = sum(r.error is not None for r in reports)
    summary = f"{len(reports)} file(s): {errors} error(s), {warnings} warning(s)"
    if unreadable:
        summary += f", {unreadable} could not be read"
    out.print(Text(summary, style="bold"))
