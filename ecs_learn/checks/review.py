"""An architecture review written from a lab's check results (the capstone's last cell).

A :class:`~ecs_learn.checks.result.LabReport` says, check by check, which requirements hold.
:func:`architecture_review` reads it as a reviewer would: each check is one **component** of the
architecture (complete, partly built, rejected by AWS, missing), the behaviour checks say how the
whole **behaves**, the requirements that do not hold are what is **missing**, and their hints,
ordered by the points at stake, are what to **change first**. Nothing in it is written in
advance: every sentence is made from a result (its title, what it judged, each requirement's
label, expected and found values and hint), so it changes as the account does.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from ecs_learn.checks.registry import Check
from ecs_learn.checks.result import CheckResult, LabReport, Requirement, Status

__all__ = ["ArchitectureReview", "Change", "Component", "State", "architecture_review"]


class State(str, enum.Enum):
    """How far one component of the architecture is built."""

    COMPLETE = "complete"
    PARTIAL = "partly built"
    REJECTED = "rejected by AWS"
    MISSING = "missing"
    NOT_JUDGED = "not judged"


_MARKS = {
    State.COMPLETE: "✔",
    State.PARTIAL: "◐",
    State.REJECTED: "✘",
    State.MISSING: "○",
    State.NOT_JUDGED: "⚠",
}
_COLOURS = {
    State.COMPLETE: "#1a7f37",
    State.PARTIAL: "#9a6700",
    State.REJECTED: "#cf222e",
    State.MISSING: "#57606a",
    State.NOT_JUDGED: "#9a6700",
}


@dataclass(frozen=True)
class Component:
    """One check read as a part of the architecture."""

    result: CheckResult
    state: State
    behaviour: bool
    gates: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.result.title

    @property
    def holds(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.result.requirements if r.ok)

    @property
    def gaps(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.result.requirements if not r.ok)

    @property
    def summary(self) -> str:
        """``"5 of 7 requirements hold (2.5/3 points)"``, or why it was not judged."""
        if self.state is State.NOT_JUDGED:
            return f"the check itself failed ({self.result.error})"
        total = len(self.result.requirements)
        text = f"{len(self.holds)} of {total} requirements hold"
        return f"{text} ({self.result.points:g}/{self.result.max_points:g} points)"


@dataclass(frozen=True)
class Change:
    """One thing to change: where, what is wrong, what to do, and the points it is worth.

    For a component that is not there at all the change is the whole component (``whole``:
    its check's hint); otherwise it is one requirement that does not hold."""

    component: str
    requirement: Requirement | None
    worth: float
    rejected: bool = False  # fixing it also frees the rest of a gated component's points
    hint: str = ""  # the component's own hint, for a whole missing component

    @property
    def whole(self) -> bool:
        return self.requirement is None

    @property
    def advice(self) -> str:
        r = self.requirement
        if r is None:
            return f"nothing of it is there yet — {self.hint}" if self.hint else "build it"
        what = f"{r.label}: expected {r.expected}, found {r.found}"
        return f"{what} — {r.hint}" if r.hint else what


def _state(result: CheckResult, gates: tuple[str, ...]) -> State:
    if result.status is Status.ERROR:
        return State.NOT_JUDGED
    if result.passed:
        return State.COMPLETE
    if any(not r.ok and r.label in gates for r in result.requirements):
        return State.REJECTED
    if not any(r.ok for r in result.requirements):
        return State.MISSING
    return State.PARTIAL


def _changes(components: Iterable[Component]) -> list[Change]:
    """What AWS would reject first (it holds a component's points back), then the gaps of
    half-built components by the points at stake, then whole missing components in build
    order (the order of the lab)."""
    ranked: list[tuple[tuple[int, float, int], Change]] = []
    for position, c in enumerate(components):
        if c.state is State.MISSING:
            change = Change(c.title, None, c.result.max_points, hint=c.result.hint)
            ranked.append(((2, 0.0, position), change))
            continue
        for r in c.gaps:
            rejected = r.label in c.gates
            worth = round(c.result.max_points - c.result.points if rejected else r.worth, 4)
            ranked.append(
                ((0 if rejected else 1, -worth, position), Change(c.title, r, worth, rejected))
            )
    return [change for _, change in sorted(ranked, key=lambda item: item[0])]


@dataclass(frozen=True)
class ArchitectureReview:
    """The review of one lab's account: components, behaviour, gaps and changes."""

    lab_id: str
    title: str
    components: tuple[Component, ...]
    report: LabReport | None = None  # the results it was written from (shown as the score)

    @property
    def points(self) -> float:
        return round(sum(c.result.points for c in self.components), 4)

    @property
    def max_points(self) -> float:
        return round(sum(c.result.max_points for c in self.components), 4)

    def _count(self, state: State, behaviour: bool = False) -> int:
        return sum(c.state is state and c.behaviour is behaviour for c in self.components)

    @property
    def built(self) -> tuple[Component, ...]:
        """The resource components that earned something."""
        return tuple(
            c
            for c in self.components
            if not c.behaviour and c.state in (State.COMPLETE, State.PARTIAL)
        )

    @property
    def behaviour(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.behaviour)

    @property
    def missing(self) -> tuple[Component, ...]:
        """Components with a requirement that does not hold (rejected, partial or absent)."""
        return tuple(c for c in self.components if c.state is not State.COMPLETE)

    def changes(self, limit: int | None = 5) -> list[Change]:
        """What to change, what AWS would reject first, then by the points at stake."""
        found = _changes(self.components)
        return found if limit is None else found[:limit]

    @property
    def verdict(self) -> str:
        """One sentence on the whole: how much is built and whether it holds."""
        resources = [c for c in self.components if not c.behaviour]
        complete = self._count(State.COMPLETE)
        behaving = [c for c in self.behaviour if c.state is State.COMPLETE]
        parts = [f"{complete} of {len(resources)} components complete"]
        for state in (State.PARTIAL, State.REJECTED, State.MISSING, State.NOT_JUDGED):
            if self._count(state):
                parts.append(f"{self._count(state)} {state.value}")
        built = ", ".join(parts)
        if not self.behaviour:
            return f"{built}."
        if len(behaving) == len(self.behaviour):
            return f"{built}, and it behaves as asked ({self._titles(behaving)})."
        failing = [c for c in self.behaviour if c.state is not State.COMPLETE]
        return f"{built}; not yet shown to work: {self._titles(failing)}."

    @staticmethod
    def _titles(components: Iterable[Component]) -> str:
        return ", ".join(c.title.split(":")[0].lower() for c in components)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lab_id": self.lab_id,
            "points": self.points,
            "max_points": self.max_points,
            "verdict": self.verdict,
            "components": [
                {
                    "check_id": c.result.check_id,
                    "title": c.title,
                    "state": c.state.value,
                    "behaviour": c.behaviour,
                    "judged": c.result.judged,
                    "holds": [r.label for r in c.holds],
                    "gaps": [r.to_dict() for r in c.gaps],
                }
                for c in self.components
            ],
            "changes": [
                {
                    "component": ch.component,
                    "advice": ch.advice,
                    "worth": ch.worth,
                    "rejected": ch.rejected,
                }
                for ch in self.changes(None)
            ],
        }

    # -- text ---------------------------------------------------------------------------------
    def __str__(self) -> str:
        lines = [
            f"Architecture review — lab {self.lab_id}: {self.title}",
            f"{self.points:g}/{self.max_points:g} points. {self.verdict}",
        ]
        if self.report is not None:
            lines += ["", *str(self.report).splitlines()]
        lines += ["", "What you built:"]
        lines += [
            f"  {_MARKS[c.state]} {c.title}"
            + (f" [{c.result.judged}]" if c.result.judged else "")
            + f": {c.summary}"
            for c in self.built
        ] or ["  nothing yet"]
        if self.behaviour:
            lines += ["", "How it behaves:"]
            for c in self.behaviour:
                lines.append(f"  {_MARKS[c.state]} {c.title}: {c.state.value}")
                lines += [
                    f"      {'ok' if r.ok else 'no'}  {r.label}: {r.found}"
                    for r in c.result.requirements
                ]
        lines += ["", "What is missing:"]
        lines += [
            f"  {_MARKS[c.state]} {c.title} ({c.state.value}): "
            + "; ".join(r.label for r in c.gaps)
            for c in self.missing
        ] or ["  nothing: every requirement holds"]
        changes = self.changes()
        if changes:
            lines += ["", "What to change first:"]
            lines += [
                f"  {n}. [{ch.worth:g} pt] {ch.component.split(':')[0]} — {ch.advice}"
                + (" (AWS would reject it: the component earns nothing until then)"
                   if ch.rejected else "")
                for n, ch in enumerate(changes, 1)
            ]  # fmt: skip
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    # -- HTML ---------------------------------------------------------------------------------
    def _repr_html_(self) -> str:
        from ecs_learn.checks.html import score_bar, wrappable

        def item(c: Component, body: str) -> str:
            mark = f"<span style='color:{_COLOURS[c.state]}'>{_MARKS[c.state]}</span>"
            return f"<li style='margin:2px 0'>{mark} <b>{escape(c.title)}</b>{body}</li>"

        built = (
            "".join(
                item(
                    c,
                    (f" <code>{escape(c.result.judged)}</code>" if c.result.judged else "")
                    + f" — {escape(c.summary)}",
                )
                for c in self.built
            )
            or "<li>nothing yet</li>"
        )
        behaviour = ""
        for c in self.behaviour:
            rows = "".join(
                f"<li style='color:{'#1a7f37' if r.ok else '#cf222e'}'>{'✔' if r.ok else '✘'} "
                f"<span style='color:#24292f'>{escape(r.label)}: {wrappable(r.found)}</span></li>"
                for r in c.result.requirements
            )
            listed = f"<ul style='list-style:none;padding-left:18px'>{rows}</ul>"
            behaviour += item(c, f" — {escape(c.state.value)}{listed}")
        missing = (
            "".join(
                item(
                    c,
                    f" ({escape(c.state.value)}): "
                    + ", ".join(f"<i>{escape(r.label)}</i>" for r in c.gaps),
                )
                for c in self.missing
            )
            or "<li>nothing: every requirement holds</li>"
        )
        changes = "".join(
            f"<li style='margin:2px 0'><b>{escape(ch.component.split(':')[0])}</b> "
            f"<span style='color:#57606a'>({ch.worth:g} pt"
            + (", AWS would reject it" if ch.rejected else "")
            + f")</span> — {wrappable(ch.advice)}</li>"
            for ch in self.changes()
        )
        sections = []
        if self.report is not None:
            sections.append(("Every exercise", self.report._repr_html_()))
        sections.append(
            ("What you built", f"<ul style='list-style:none;padding-left:8px'>{built}</ul>")
        )
        if self.behaviour:
            sections.append(
                (
                    "How it behaves",
                    f"<ul style='list-style:none;padding-left:8px'>{behaviour}</ul>",
                )
            )
        sections.append(
            ("What is missing", f"<ul style='list-style:none;padding-left:8px'>{missing}</ul>")
        )
        if changes:
            sections.append(("What to change first", f"<ol>{changes}</ol>"))
        body = "".join(
            f"<div style='margin-top:6px'><b>{escape(head)}</b>{content}</div>"
            for head, content in sections
        )
        return (
            "<div class='ecs-learn-review' style='text-align:left;border-left:6px solid "
            f"#0969da;padding:6px 10px'><div><b>Architecture review</b> — lab "
            f"{escape(self.lab_id)}: {escape(self.title)}</div><div>{self.points:g}/"
            f"{self.max_points:g} points {score_bar(self.points, self.max_points)} "
            f"{escape(self.verdict)}</div>{body}</div>"
        )


def architecture_review(
    report: LabReport,
    checks: Iterable[Check],
    *,
    title: str = "",
    behaviour: Collection[str] = (),
) -> ArchitectureReview:
    """Read ``report`` as a review; ``checks`` give each result's gates, ``behaviour`` names
    the checks that judge what the account does rather than what it holds."""
    gates = {c.id: c.gates for c in checks}
    components = tuple(
        Component(
            result,
            _state(result, gates.get(result.check_id, ())),
            result.check_id in behaviour,
            gates.get(result.check_id, ()),
        )
        for result in report.results
    )
    return ArchitectureReview(report.lab_id, title, components, report)
