"""Golden timelines, one per policy type (reviewed by hand once, then committed).

Regenerate after an intended change with ``ECS_LEARN_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pytest

from ecs_learn.runtime.scaling.timeline import Timeline
from ecs_learn.simulator import replay

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "target_tracking": (90, None),
    "step_scaling": (60, None),
    "scheduled": (1440, dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.timezone.utc)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_timeline_matches_its_golden_file(name: str) -> None:
    minutes, start = CASES[name]
    kwargs = {"start": start} if start else {}
    result = replay(GOLDEN / f"{name}.policy.json", GOLDEN / f"{name}.load.yaml", minutes, **kwargs)
    text = result.timeline.to_csv()
    path = GOLDEN / f"{name}.csv"
    if os.environ.get("ECS_LEARN_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(text, encoding="utf-8")
    expected = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    found = list(csv.DictReader(text.splitlines()))
    assert Timeline.compare(expected, found) == []
