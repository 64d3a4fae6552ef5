"""The one exception base every ecs-learn error derives from.

Each area defines its own small classes under :class:`EcsLearnError` (``sandbox``,
``rules``, ``checks``, ``quiz``, ``grading``, ``lint``...), so a front end can tell a
learner's or instructor's mistake (an ``EcsLearnError``: print its message, no
traceback) from a bug in ecs-learn (anything else). Classes keep their old builtin
bases as well (``ValueError``, ``LookupError``...), so existing ``except`` clauses
still catch them.
"""

from __future__ import annotations

__all__ = ["EcsLearnError"]


class EcsLearnError(Exception):
    """A mistake in what a user gave ecs-learn, or a state they can fix; never a bug.

    The message is written for the user: it names the file, field, cell or id at fault
    and says what to do. Notebooks show it as one line (``_render_traceback_``).
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]
