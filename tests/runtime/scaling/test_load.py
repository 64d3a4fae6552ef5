"""Load shapes as data, validated with errors that name the file and the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecs_learn.runtime.scaling import LoadError, load_file, parse_load


def test_shapes_give_the_documented_values() -> None:
    assert parse_load({"shape": "constant", "rps": 50}).rps(7) == 50
    ramp = parse_load({"shape": "ramp", "from": 100, "to": 200, "start_minute": 10, "minutes": 10})
    assert [ramp.rps(m) for m in (0, 10, 15, 20, 99)] == [100, 100, 150, 200, 200]
    spike = parse_load({"shape": "spike", "base": 10, "peak": 90, "at_minute": 5, "minutes": 2})
    assert [spike.rps(m) for m in (4, 5, 6, 7)] == [10, 90, 90, 10]
    daily = parse_load(
        {"shape": "daily", "low": 0, "high": 100, "peak_hour": 14, "timezone": "Europe/Berlin"}
    )
    at = dt.datetime(2026, 1, 5, 13, 0, tzinfo=dt.timezone.utc)  # 14:00 in Berlin
    assert daily.rps(0, at) == pytest.approx(100)
    assert daily.rps(0, at + dt.timedelta(hours=12)) == pytest.approx(0)


def test_every_problem_is_reported_with_its_field(tmp_path: Path) -> None:
    path = tmp_path / "load.yaml"
    path.write_text("load:\n  shape: ramp\n  from: -1\n  speed: 3\n")
    with pytest.raises(LoadError) as caught:
        load_file(path)
    text = str(caught.value)
    assert str(path) in text
    assert "load.from: must be a number of 0 or more, got -1" in text
    assert "load.to: missing" in text and "load.minutes: missing" in text
    assert "load.speed: not a field of a ramp load" in text


def test_unknown_shape_names_the_choices() -> None:
    with pytest.raises(
        LoadError, match="shape: must be one of constant, ramp, spike, daily, trace"
    ):
        parse_load({"shape": "sine"}, "x.yaml")


def test_csv_trace_holds_each_value_and_bad_lines_are_named(tmp_path: Path) -> None:
    trace = tmp_path / "trace.csv"
    trace.write_text("minute,rps\n0,10\n30,50\n")
    (tmp_path / "load.yaml").write_text("shape: trace\nfile: trace.csv\n")
    load = load_file(tmp_path / "load.yaml")
    assert [load.rps(m) for m in (0, 29, 30, 1000)] == [10, 10, 50, 50]
    assert load_file(trace).rps(31) == 50
    trace.write_text("minute,rps\n0,10\nten,5\n")
    with pytest.raises(LoadError, match=r"trace\.csv: line 3: minute must be a whole number"):
        load_file(tmp_path / "load.yaml")
    trace.write_text("when,value\n0,1\n")
    with pytest.raises(LoadError, match="line 1: the header must name the columns minute,rps"):
        load_file(trace)
