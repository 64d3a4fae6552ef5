"""What ``rt.advance`` returns: still the elapsed seconds, and a sentence a learner can read."""

from __future__ import annotations

import datetime as dt
import json

import ecs_learn.runtime as rt
from ecs_learn.runtime.advanced import Advanced
from ecs_learn.sandbox import Sandbox
from tests.runtime.world import build

MONDAY = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.timezone.utc)


def test_advance_is_the_elapsed_seconds_and_says_what_happened(box: Sandbox) -> None:
    world = build(box)
    rt.set_time(MONDAY)
    world.create_service(world.task_definition(), count=2, lb=True)
    before = len(rt.timeline())
    moved = rt.advance(minutes=5)
    assert isinstance(moved, Advanced) and isinstance(moved, float)
    assert moved == rt.now() == 300.0 and moved + 60 == 360.0  # code that used the number
    assert json.loads(json.dumps({"t": moved})) == {"t": 300.0}
    assert moved.moved == 300.0 and moved.time == MONDAY + dt.timedelta(minutes=5)
    assert list(moved.events) == rt.timeline()[before:]
    assert moved.kinds()["target-healthy"] == 2
    text = repr(moved)
    assert text.startswith("advanced 5 min to 10:05 UTC; ")
    assert f"{len(moved.events)} events (" in text and "2 target-healthy" in text
    quiet = rt.advance(seconds=30)
    assert repr(quiet) == "advanced 30 s to 10:05 UTC; no events" and quiet == 330.0


def test_the_sentence_names_durations_and_the_most_common_kinds() -> None:
    at = MONDAY + dt.timedelta(hours=10, minutes=15)
    events = [{"kind": k} for k in ("a", "b", "b", "c", "d", "d", "d")]
    long = Advanced(36900.0, moved=36900.0, time=at, events=events)
    assert repr(long) == "advanced 10 h 15 min to 20:15 UTC; 7 events (3 d, 2 b, 1 a, ...)"
    one = Advanced(90.0, moved=90.0, time=MONDAY, events=[{"kind": "task-started"}])
    assert str(one) == "advanced 1 min 30 s to 10:00 UTC; 1 event (1 task-started)"
    assert Advanced.from_dict(long.to_dict()).events == long.events
    assert repr(Advanced.from_dict(long.to_dict())) == repr(long)
