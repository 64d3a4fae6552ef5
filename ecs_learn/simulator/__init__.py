"""The auto scaling simulator: replay a load through policies, get a timeline and a figure.

A front end over :mod:`ecs_learn.runtime.scaling` (no judgement of its own)::

    from ecs_learn.simulator import replay
    result = replay("policy.json", "load.yaml", minutes=1440)
    result            # in a notebook: the figure, inline (_repr_png_)
    result.timeline   # per minute: load, metrics, desired/running, alarms, what acted
    result.save("fig.svg"); result.save_csv("timeline.csv")

matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecs_learn.runtime.scaling.engine import ScalingConfig, ScalingState, advance
from ecs_learn.runtime.scaling.load import LoadShape, load_file
from ecs_learn.runtime.scaling.timeline import Timeline
from ecs_learn.simulator.spec import PolicyFile, SpecError, parse_policy_file, read_policy_file

__all__ = ["DEFAULT_START", "Replay", "SpecError", "replay", "run"]

DEFAULT_START = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.timezone.utc)  # a Monday
MINUTE = dt.timedelta(minutes=1)


@dataclass(frozen=True, repr=False)
class Replay:
    """A replay's timeline with its configuration; shows itself as a figure in notebooks."""

    timeline: Timeline
    config: ScalingConfig
    title: str = ""

    def figure(self) -> Any:
        from ecs_learn.simulator.figure import draw

        return draw(self.timeline, self.config, self.title)

    def _repr_png_(self) -> bytes:
        from ecs_learn.simulator.figure import render

        return render(self.figure(), "png")

    def save(self, path: str | Path) -> Path:
        """Write the figure; the format follows the suffix (``.png`` or ``.svg``)."""
        from ecs_learn.simulator.figure import render

        path = Path(path)
        fmt = path.suffix.lower().lstrip(".") or "png"
        if fmt not in ("png", "svg"):
            raise ValueError(f"{path}: the figure can be written as .png or .svg")
        path.write_bytes(render(self.figure(), fmt))
        return path

    def save_csv(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.timeline.to_csv(), encoding="utf-8")
        return path

    def __str__(self) -> str:
        return self.timeline.summary()

    def __repr__(self) -> str:  # a notebook's text/plain: one line, not 1440 records
        return f"<Replay: {self.timeline.summary()}>"


def run(
    spec: PolicyFile, load: LoadShape, minutes: int, start: dt.datetime = DEFAULT_START
) -> Replay:
    """Replay ``load`` through ``spec`` for ``minutes`` simulated minutes (pure)."""
    if minutes < 1:
        raise ValueError("minutes must be 1 or more")
    state = ScalingState.initial(spec.desired, start)
    records = tuple(
        advance(spec.config, state, load.rps(m, start + m * MINUTE), start + m * MINUTE)
        for m in range(minutes)
    )
    timeline = Timeline(records, tuple(state.activities), spec.config.target.resource_id)
    return Replay(timeline, spec.config)


def replay(
    policy: str | Path | dict[str, Any] | list[Any],
    load: str | Path | LoadShape | dict[str, Any],
    minutes: int = 1440,
    start: dt.datetime = DEFAULT_START,
) -> Replay:
    """Replay from files (or their dict forms): the notebook and CLI entry point."""
    from ecs_learn.runtime.scaling.load import parse_load

    spec = (
        parse_policy_file(policy) if isinstance(policy, (dict, list)) else read_policy_file(policy)
    )
    if isinstance(load, LoadShape):
        shape = load
    elif isinstance(load, dict):
        shape = parse_load(load)
    else:
        shape = load_file(load)
    return run(spec, shape, minutes, start)
