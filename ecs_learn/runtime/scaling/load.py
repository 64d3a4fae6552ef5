"""Offered load over time, as data: constant, ramp, spike, daily curve, or a CSV trace.

A load shape says how many requests per second arrive at the service at each simulated
minute (minute 0 is the start of the replay). The shapes are plain data, so a lab, a test or
the CLI can write them in YAML/JSON::

    {"shape": "constant", "rps": 200}
    {"shape": "ramp", "from": 100, "to": 400, "start_minute": 60, "minutes": 30}
    {"shape": "spike", "base": 100, "peak": 600, "at_minute": 120, "minutes": 10}
    {"shape": "daily", "low": 50, "high": 400, "peak_hour": 14}
    {"shape": "trace", "file": "trace.csv"}          # columns: minute,rps

``daily`` is a cosine curve over the 24 hours of the clock (UTC unless ``timezone`` names an
IANA zone) with its maximum at ``peak_hour``. A ``trace`` holds each value until the next
row (the last value holds to the end). :func:`parse_load` collects every problem and raises
one :class:`LoadError` naming the file and the field of each.

This is a model of *demand*; what AWS would publish from it is :mod:`.metrics`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecs_learn.errors import EcsLearnError

__all__ = ["LoadError", "LoadShape", "load_file", "parse_load", "read_trace"]

SHAPES = ("constant", "ramp", "spike", "daily", "trace")


class LoadError(EcsLearnError, ValueError):
    """A load description with problems; ``problems`` lists each as ``where: what``."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  {source}: {p}" for p in self.problems)
        super().__init__(f"the load in {source} is not valid:\n{lines}")


@dataclass(frozen=True)
class LoadShape:
    """Requests per second as a function of the simulated minute (and its wall time)."""

    shape: str
    params: Mapping[str, float] = field(default_factory=dict)
    trace: tuple[tuple[int, float], ...] = ()
    timezone: str = "UTC"

    def rps(self, minute: int, when: dt.datetime | None = None) -> float:
        """The offered load at ``minute`` (``when`` is its wall time, used by ``daily``)."""
        p = self.params
        if self.shape == "constant":
            return p["rps"]
        if self.shape == "ramp":
            start, length = p["start_minute"], p["minutes"]
            if minute <= start:
                return p["from"]
            if minute >= start + length:
                return p["to"]
            return p["from"] + (p["to"] - p["from"]) * (minute - start) / length
        if self.shape == "spike":
            inside = p["at_minute"] <= minute < p["at_minute"] + p["minutes"]
            return p["peak"] if inside else p["base"]
        if self.shape == "daily":
            if when is None:
                hour = (minute / 60.0) % 24
            else:
                local = when.astimezone(ZoneInfo(self.timezone))
                hour = local.hour + local.minute / 60.0
            phase = 2 * math.pi * (hour - p["peak_hour"]) / 24.0
            return p["low"] + (p["high"] - p["low"]) * (1 + math.cos(phase)) / 2
        value = self.trace[0][1]
        for at, rps in self.trace:
            if at > minute:
                break
            value = rps
        return value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"shape": self.shape, **self.params}
        if self.shape == "daily" and self.timezone != "UTC":
            out["timezone"] = self.timezone
        if self.shape == "trace":
            out["points"] = [[m, r] for m, r in self.trace]
        return out


_REQUIRED: dict[str, tuple[str, ...]] = {
    "constant": ("rps",),
    "ramp": ("from", "to", "minutes"),
    "spike": ("base", "peak", "at_minute", "minutes"),
    "daily": ("low", "high"),
    "trace": (),
}
_DEFAULTS: dict[str, dict[str, float]] = {
    "ramp": {"start_minute": 0.0},
    "daily": {"peak_hour": 12.0},
}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_load(data: Any, source: str = "<load>", base_dir: Path | None = None) -> LoadShape:
    """A :class:`LoadShape` from its dict form (a ``{"load": {...}}`` wrapper is accepted)."""
    if isinstance(data, Mapping) and "load" in data and "shape" not in data:
        data, prefix = data["load"], "load."
    else:
        prefix = ""
    if not isinstance(data, Mapping):
        raise LoadError(source, [f"{prefix or 'the file'} must be a mapping with a 'shape'"])
    problems: list[str] = []
    shape = data.get("shape")
    if shape not in SHAPES:
        raise LoadError(
            source, [f"{prefix}shape: must be one of {', '.join(SHAPES)}, got {shape!r}"]
        )
    known = set(_REQUIRED[shape]) | set(_DEFAULTS.get(shape, {})) | {"shape"}
    known |= {"timezone"} if shape == "daily" else set()
    known |= {"file", "points"} if shape == "trace" else set()
    for key in data:
        if key not in known:
            problems.append(
                f"{prefix}{key}: not a field of a {shape} load ({', '.join(sorted(known))})"
            )
    params: dict[str, float] = dict(_DEFAULTS.get(shape, {}))
    for key in (*_REQUIRED[shape], *_DEFAULTS.get(shape, {})):
        if key not in data:
            if key in _REQUIRED[shape]:
                problems.append(
                    f"{prefix}{key}: missing (a {shape} load needs {', '.join(_REQUIRED[shape])})"
                )
            continue
        number = _number(data[key])
        if number is None or number < 0:
            problems.append(f"{prefix}{key}: must be a number of 0 or more, got {data[key]!r}")
        else:
            params[key] = number
    if shape in ("ramp", "spike") and params.get("minutes", 1) <= 0:
        problems.append(f"{prefix}minutes: must be more than 0")
    if shape == "daily" and params.get("peak_hour", 0) >= 24:
        problems.append(f"{prefix}peak_hour: must be below 24, got {params['peak_hour']}")
    timezone = "UTC"
    if shape == "daily" and "timezone" in data:
        try:
            ZoneInfo(str(data["timezone"]))
            timezone = str(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"{prefix}timezone: {data['timezone']!r} is not an IANA time zone")
    trace: tuple[tuple[int, float], ...] = ()
    if shape == "trace":
        if "file" in data:
            path = Path(str(data["file"]))
            if base_dir is not None and not path.is_absolute():
                path = base_dir / path
            trace = read_trace(path)  # a LoadError from here names the trace file
        elif "points" in data:
            trace, trace_problems = _points(data["points"], f"{prefix}points")
            problems.extend(trace_problems)
        else:
            problems.append(f"{prefix}file: a trace load needs a CSV 'file' (or 'points')")
    if problems:
        raise LoadError(source, problems)
    return LoadShape(shape, params, trace, timezone)


def _points(rows: Any, where: str) -> tuple[tuple[tuple[int, float], ...], list[str]]:
    problems: list[str] = []
    found: list[tuple[int, float]] = []
    if not isinstance(rows, list) or not rows:
        return (), [f"{where}: must be a non-empty list of [minute, rps]"]
    for k, row in enumerate(rows):
        ok = isinstance(row, (list, tuple)) and len(row) == 2
        minute = _number(row[0]) if ok else None
        rps = _number(row[1]) if ok else None
        if minute is None or rps is None or minute < 0 or rps < 0 or minute != int(minute):
            problems.append(f"{where}[{k}]: must be [minute (whole, 0 or more), rps (0 or more)]")
            continue
        found.append((int(minute), rps))
    if [m for m, _ in found] != sorted({m for m, _ in found}):
        problems.append(f"{where}: minutes must increase from row to row")
    return tuple(found), problems


def read_trace(path: Path) -> tuple[tuple[int, float], ...]:
    """Rows of a CSV trace with a header ``minute,rps``; problems name the line."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(source, [f"cannot read the trace: {exc.strerror or exc}"]) from None
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames is None or not {"minute", "rps"} <= set(reader.fieldnames):
        raise LoadError(
            source,
            [f"line 1: the header must name the columns minute,rps (got {reader.fieldnames})"],
        )
    problems: list[str] = []
    rows: list[list[Any]] = []
    for line, row in enumerate(reader, start=2):
        try:
            rows.append([int(str(row["minute"]).strip()), float(str(row["rps"]).strip())])
        except ValueError:
            problems.append(
                f"line {line}: minute must be a whole number and rps a number, "
                f"got {row['minute']!r}, {row['rps']!r}"
            )
    if problems:
        raise LoadError(source, problems)
    trace, more = _points(rows, "rows")
    if more:
        raise LoadError(source, more)
    return trace


def load_file(path: str | Path) -> LoadShape:
    """Read a load from a ``.yaml``/``.yml``/``.json`` file, or a bare ``.csv`` trace."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return LoadShape("trace", {}, read_trace(path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(str(path), [f"cannot read the file: {exc.strerror or exc}"]) from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (ValueError, ImportError) as exc:
        raise LoadError(
            str(path), [f"not valid {path.suffix.lstrip('.') or 'YAML'}: {exc}"]
        ) from None
    except Exception as exc:  # yaml.YAMLError
        raise LoadError(str(path), [f"not valid YAML: {exc}"]) from None
    return parse_load(data, str(path), path.parent)
