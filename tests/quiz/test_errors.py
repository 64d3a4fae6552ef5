"""Every quiz and lint error is an EcsLearnError (a user's mistake, shown without a
traceback) and keeps its builtin base, so older ``except`` clauses still catch it."""

from __future__ import annotations

import pytest

from ecs_learn.errors import EcsLearnError
from ecs_learn.lint import LintInputError
from ecs_learn.quiz import AnswerFormatError, BankError, ProgressError, UnknownTopicError


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (BankError(()), Exception),
        (ProgressError("x"), Exception),
        (UnknownTopicError("x", ["a"]), LookupError),
        (AnswerFormatError("x"), ValueError),
        (LintInputError("x"), ValueError),
    ],
)
def test_errors_share_the_base_and_keep_their_builtin_base(
    error: Exception, builtin: type[Exception]
) -> None:
    assert isinstance(error, EcsLearnError) and isinstance(error, builtin)
