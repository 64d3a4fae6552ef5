"""Lint JSON files (task definitions, services, scaling policies, ECR lifecycle policies...).

The library behind ``ecs-learn lint``. Each file is read and classified (or taken as
the kind given), then checked in two passes:

1. against botocore's input shape for its AWS call (:mod:`ecs_learn.rules.shapes`):
   unknown keys, wrong types, missing required members and the read-only fields of
   describe output, which the AWS CLI and boto3 refuse before the call is sent;
2. by the realism rules (:func:`ecs_learn.rules.check`), which know what AWS itself
   rejects. Files linted together give each other's rules their facts
   (:mod:`ecs_learn.lint.context`).

A file that cannot be read or parsed gives a :class:`FileReport` with an ``error``
instead of findings, and the other files are still linted.
"""

from __future__ import annotations

from ecs_learn.lint.documents import LintInputError, detect_kind
from ecs_learn.lint.report import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    FileReport,
    exit_code,
    reports_to_json,
)
from ecs_learn.lint.run import fix_it, lint_document, lint_file, lint_files

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "FileReport",
    "LintInputError",
    "detect_kind",
    "exit_code",
    "fix_it",
    "lint_document",
    "lint_file",
    "lint_files",
    "reports_to_json",
]
