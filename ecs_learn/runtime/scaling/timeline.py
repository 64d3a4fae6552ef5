"""A replay's result, minute by minute, with a CSV form (the golden files use it).

Each :class:`MinuteRecord` covers one simulated minute: the offered load, the datapoints
published for it, the tasks RUNNING and PENDING during it, the desired count and
Min/MaxCapacity *after* the engine acted at its end, every alarm's state, and what acted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecs_learn.runtime.scaling.activities import Activity

__all__ = ["METRIC_COLUMNS", "MinuteRecord", "Timeline"]

METRIC_COLUMNS = (
    ("CPUUtilization", "cpu_percent"),
    ("MemoryUtilization", "memory_percent"),
    ("RequestCountPerTarget", "requests_per_target"),
)


@dataclass(frozen=True)
class MinuteRecord:
    minute: int
    time: dt.datetime
    load_rps: float
    metrics: Mapping[str, float | None]
    running: int
    pending: int
    desired: int
    min_capacity: int
    max_capacity: int
    alarms: Mapping[str, str] = field(default_factory=dict)
    acted: tuple[str, ...] = ()


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@dataclass(frozen=True)
class Timeline:
    records: tuple[MinuteRecord, ...]
    activities: tuple[Activity, ...] = ()
    resource_id: str = ""

    def __len__(self) -> int:
        return len(self.records)

    def column(self, name: str) -> list[Any]:
        """One column by record attribute or metric name (``"desired"``, ``"CPUUtilization"``)."""
        if self.records and name in self.records[0].metrics:
            return [r.metrics.get(name) for r in self.records]
        return [getattr(r, name) for r in self.records]

    def alarm_names(self) -> list[str]:
        names: list[str] = []
        for record in self.records:
            names.extend(n for n in record.alarms if n not in names)
        return names

    def rows(self) -> list[dict[str, str]]:
        alarms = self.alarm_names()
        out = []
        for r in self.records:
            row = {
                "minute": str(r.minute),
                "time": r.time.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
                "load_rps": _cell(r.load_rps),
            }
            for metric, column in METRIC_COLUMNS:
                row[column] = _cell(r.metrics.get(metric))
            row.update(
                running=str(r.running),
                pending=str(r.pending),
                desired=str(r.desired),
                min=str(r.min_capacity),
                max=str(r.max_capacity),
            )
            for name in alarms:
                row[f"alarm:{name}"] = r.alarms.get(name, "")
            row["acted"] = "; ".join(r.acted)
            out.append(row)
        return out

    def to_csv(self) -> str:
        rows = self.rows()
        buffer = io.StringIO()
        if not rows:
            return ""
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()

    def acted(self) -> list[tuple[int, str]]:
        """``(minute, what)`` for every minute where something acted."""
        return [(r.minute, a) for r in self.records for a in r.acted]

    def first(self, predicate: Any) -> MinuteRecord | None:
        return next((r for r in self.records if predicate(r)), None)

    def summary(self) -> str:
        if not self.records:
            return "empty timeline"
        desired = [r.desired for r in self.records]
        return (
            f"{len(self.records)} minutes from {self.rows()[0]['time']}: desired "
            f"{desired[0]} -> {desired[-1]} (fewest {min(desired)}, most {max(desired)}), "
            f"{len(self.activities)} scaling activities"
        )

    @staticmethod
    def compare(a: Sequence[dict[str, str]], b: Sequence[dict[str, str]]) -> list[str]:
        """Differences between two ``rows()`` lists, for a readable golden-file failure."""
        problems = []
        if len(a) != len(b):
            problems.append(f"{len(a)} rows vs {len(b)}")
        for ra, rb in zip(a, b, strict=False):
            diff = {k: (ra.get(k), rb.get(k)) for k in set(ra) | set(rb) if ra.get(k) != rb.get(k)}
            if diff:
                problems.append(f"minute {ra.get('minute')}: {diff}")
        return problems[:10]
