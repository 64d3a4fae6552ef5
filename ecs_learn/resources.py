"""Where the shipped content lives: the lab notebooks and the question banks.

In a wheel they are package data under ``ecs_learn/_data``; in a git checkout
(or an editable install) they are the top-level ``labs/`` and ``quizzes/``
folders next to the package.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["labs_dir", "quizzes_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _content_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"ecs-learn cannot find its {name!r} folder (looked in {installed} and {checkout}); "
        "reinstall the package"
    )


def labs_dir() -> Path:
    """The folder holding the instructor sources of the labs (``*.ipynb``)."""
    return _content_dir("labs")


def quizzes_dir() -> Path:
    """The folder holding the question banks (``*.yaml``) and the course notes."""
    return _content_dir("quizzes")
