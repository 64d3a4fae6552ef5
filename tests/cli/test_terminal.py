"""Terminal output word-wraps to the terminal's width, never mid-word."""

from __future__ import annotations

from ecs_learn.cli.terminal import wrap


def test_long_text_wraps_between_words_at_the_width() -> None:
    """Seen in issue 13: in the terminal, text broke mid-word."""
    text = "Fargate gives every task its own elastic network interface, so awsvpc is required."
    wrapped, _ = wrap(text, 30)
    lines = wrapped.split("\n")
    assert all(len(line) <= 30 for line in lines)
    assert " ".join(lines) == text  # only spaces became line breaks


def test_numbered_choices_hang_under_their_text_and_columns_carry_on() -> None:
    wrapped, _ = wrap("  3) a long choice that needs two lines here", 24)
    assert wrapped.split("\n")[1].startswith("     ")  # under "a long", not under "3)"
    rest, column = wrap(" The answer: awsvpc and more words", 30, column=14)
    assert len(rest.split("\n")[0]) + 14 <= 30 and column < 30
