"""Scheduled actions fire at the right simulated minute, in their time zone (schedule.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from ecs_learn.runtime.scaling import simulate
from ecs_learn.runtime.scaling.schedule import ScheduleError, parse_schedule
from tests.runtime.scaling.conftest import PLAIN, TARGET, steps

UTC = dt.timezone.utc


def fires(expression: str, tz: str | None, after: dt.datetime, upto: dt.datetime) -> list[str]:
    schedule = parse_schedule(expression, tz)
    return [t.strftime("%Y-%m-%d %H:%M") for t in schedule.fire_times(after, upto, origin=after)]


def test_at_nine_berlin_fires_at_that_simulated_minute_in_winter_and_summer() -> None:
    winter = dt.datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
    action = {
        "ScheduledActionName": "morning",
        "Schedule": "at(2026-01-05T09:00:00)",
        "Timezone": "Europe/Berlin",
        "ScalableTargetAction": {"MinCapacity": 5},
    }
    tl = simulate(
        [], TARGET, [action], load=steps({0: 10}), start=winter, minutes=90, desired=1, model=PLAIN
    )
    fired = tl.first(lambda r: r.acted)
    assert fired is not None and fired.time == dt.datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # CET
    assert tl.column("min_capacity")[59:61] == [1, 5]
    assert tl.column("desired")[59:61] == [1, 5]  # below the new minimum: scaled out to it
    assert tl.activities[0].cause == "scheduled action name morning was triggered"
    assert tl.activities[0].description == "Setting min capacity to 5"
    summer = fires(
        "at(2026-07-06T09:00:00)",
        "Europe/Berlin",
        dt.datetime(2026, 7, 6, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 7, 7, tzinfo=UTC),
    )
    assert summer == ["2026-07-06 07:00"]  # CEST


def test_cron_weekdays_at_nine_local_follows_daylight_saving_time() -> None:
    week = fires(
        "cron(0 9 ? * MON-FRI *)",
        "Europe/Berlin",
        dt.datetime(2026, 3, 26, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 4, 1, tzinfo=UTC),
    )
    # Thu 26, Fri 27 (CET: 08:00 UTC); the clocks change on Sunday 29; Mon 30, Tue 31 (07:00 UTC).
    assert week == ["2026-03-26 08:00", "2026-03-27 08:00", "2026-03-30 07:00", "2026-03-31 07:00"]


def test_cron_utc_by_default_and_day_of_month_forms() -> None:
    day = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert fires("cron(30 */6 * * ? *)", None, day, day + dt.timedelta(days=1)) == [
        "2026-01-01 00:30",
        "2026-01-01 06:30",
        "2026-01-01 12:30",
        "2026-01-01 18:30",
    ]
    assert fires("cron(0 0 L * ? 2026)", None, day, dt.datetime(2026, 3, 2, tzinfo=UTC)) == [
        "2026-01-31 00:00",
        "2026-02-28 00:00",
    ]
    assert fires("cron(0 12 ? * 2#1 *)", None, day, dt.datetime(2026, 2, 28, tzinfo=UTC)) == [
        "2026-01-05 12:00",
        "2026-02-02 12:00",
    ]  # the first Monday (2 = MON)


def test_rate_counts_from_its_start_time_and_stops_at_its_end_time() -> None:
    start = dt.datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    schedule = parse_schedule("rate(30 minutes)", None, start, "2026-01-01T11:30:00Z")
    times = list(schedule.fire_times(start - dt.timedelta(hours=1), start + dt.timedelta(hours=3)))
    assert [t.strftime("%H:%M") for t in times] == ["10:30", "11:00", "11:30"]


def test_max_capacity_lowered_by_a_schedule_scales_in_to_it() -> None:
    start = dt.datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
    action = {
        "ScheduledActionName": "evening",
        "Schedule": "cron(0 18 * * ? *)",
        "ScalableTargetAction": {"MinCapacity": 1, "MaxCapacity": 2},
    }
    tl = simulate(
        [], TARGET, [action], load=steps({0: 10}), start=start, minutes=61, desired=6, model=PLAIN
    )
    assert tl.column("desired")[59:61] == [6, 2]
    assert [a.description for a in tl.activities] == [
        "Setting min capacity to 1 and max capacity to 2",
        "Setting desired count to 2.",
    ]


def test_scheduled_scaling_suspended_skips_the_action() -> None:
    start = dt.datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    action = {
        "ScheduledActionName": "morning",
        "Schedule": "at(2026-01-05T08:30:00)",
        "ScalableTargetAction": {"MinCapacity": 5},
    }
    target = {**TARGET, "SuspendedState": {"ScheduledScalingSuspended": True}}
    tl = simulate(
        [], target, [action], load=steps({0: 10}), start=start, minutes=60, desired=1, model=PLAIN
    )
    assert set(tl.column("desired")) == {1}
    assert tl.acted() == [(30, "scheduled morning: suspended")]


@pytest.mark.parametrize(
    "expression", ["cron(0 9 15W * ? *)", "cron(0 9 * *)", "every day", "rate(0 minutes)"]
)
def test_schedules_not_modelled_or_invalid_are_refused(expression: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(expression)


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ScheduleError, match="Mars/Olympus"):
        parse_schedule("at(2026-01-01T00:00:00)", "Mars/Olympus")
