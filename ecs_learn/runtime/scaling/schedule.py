"""Scheduled scaling: when an at(), rate() or cron() schedule fires, in its time zone.

Source: Application Auto Scaling User Guide, "Scheduled scaling for Application Auto
Scaling" (application-auto-scaling-scheduled-scaling.html) and the API reference
PutScheduledAction (API_PutScheduledAction.html):

* ``at(yyyy-mm-ddThh:mm:ss)`` fires once; ``rate(value unit)`` with unit ``minute(s)``,
  ``hour(s)`` or ``day(s)`` fires every period; ``cron(Minutes Hours Day-of-month Month
  Day-of-week Year)`` uses the six fields of EventBridge cron expressions (day-of-week 1-7 =
  SUN-SAT, names allowed; one of day-of-month / day-of-week is ``?``; ``L`` is the last day;
  ``#`` the nth weekday of the month).
* Times are UTC unless ``Timezone`` names an IANA zone; at() and cron() are read in that
  zone (daylight saving time is followed). ``StartTime``/``EndTime`` bound when it may run.
* A rate() schedule counts from its ``StartTime`` (when given) — the guide does not say from
  when it counts otherwise; here it counts from the moment the action is first seen (the
  start of a replay).

The ``W`` (nearest weekday) operator is not modelled: such a schedule raises
:class:`ScheduleError`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecs_learn.errors import EcsLearnError

__all__ = ["Schedule", "ScheduleError", "parse_schedule"]

UTC = dt.timezone.utc
_AT = re.compile(r"at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)")
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_CRON = re.compile(r"cron\(([^()]*)\)")
_MONTHS = {m.upper(): k for k, m in enumerate(calendar.month_abbr) if m}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440}


class ScheduleError(EcsLearnError, ValueError):
    """A schedule expression this model cannot read (with the reason)."""


def _zone(name: str | None) -> dt.tzinfo:
    if not name or name in ("UTC", "Etc/UTC"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"Timezone {name!r} is not an IANA time zone") from None


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step < 1:
                raise ScheduleError(f"step {step_text!r} must be 1 or more")
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _value(a, names), _value(b, names)
        else:
            start = _value(part, names)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"{part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise ScheduleError(f"{text!r} is not a number{' or a name' if names else ''}")
    return int(text)


@dataclass(frozen=True)
class _Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # None: '?'
    last_day: bool
    months: frozenset[int]
    weekdays: frozenset[int] | None  # 1=SUN .. 7=SAT; None: '?'
    nth_weekday: tuple[int, int] | None  # (weekday, n)
    last_weekday: int | None
    years: frozenset[int]

    @classmethod
    def parse(cls, body: str) -> _Cron:
        fields = body.split()
        if len(fields) != 6:
            raise ScheduleError(f"cron() needs 6 fields, got {len(fields)}")
        minute, hour, dom, month, dow, year = fields
        if "W" in dom.upper():
            raise ScheduleError("the W (nearest weekday) operator is not modelled")
        last_day = dom.upper() == "L"
        days = None if dom == "?" or last_day else _field(dom, 1, 31)
        nth = None
        last_weekday = None
        weekdays: frozenset[int] | None = None
        if "#" in dow:
            day, n = dow.split("#", 1)
            nth = (_value(day, _DAYS), int(n))
        elif dow.upper().endswith("L") and dow != "L":
            last_weekday = _value(dow[:-1], _DAYS)
        elif dow != "?":
            weekdays = _field(dow, 1, 7, _DAYS)
        if dom == "?" and dow == "?":
            raise ScheduleError("only one of day-of-month and day-of-week may be '?'")
        return cls(
            _field(minute, 0, 59),
            _field(hour, 0, 23),
            days,
            last_day,
            _field(month, 1, 12, _MONTHS),
            weekdays,
            nth,
            last_weekday,
            _field(year, 1970, 2199),
        )

    def matches(self, t: dt.datetime) -> bool:
        if t.minute not in self.minutes or t.hour not in self.hours:
            return False
        if t.month not in self.months or t.year not in self.years:
            return False
        weekday = (t.isoweekday() % 7) + 1  # Python Mon=1..Sun=7 -> AWS SUN=1..SAT=7
        last = calendar.monthrange(t.year, t.month)[1]
        if self.last_day and t.day != last:
            return False
        if self.days is not None and t.day not in self.days:
            return False
        if self.weekdays is not None and weekday not in self.weekdays:
            return False
        if self.nth_weekday is not None:
            day, n = self.nth_weekday
            if weekday != day or (t.day - 1) // 7 + 1 != n:
                return False
        return self.last_weekday is None or (weekday == self.last_weekday and t.day + 7 > last)


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule; :meth:`fire_times` lists when it runs in a span of time."""

    expression: str
    zone: dt.tzinfo
    kind: str
    at: dt.datetime | None = None
    every_minutes: int = 0
    cron: _Cron | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def fire_times(
        self, after: dt.datetime, upto: dt.datetime, origin: dt.datetime | None = None
    ) -> Iterator[dt.datetime]:
        """Each time in ``(after, upto]`` (UTC, whole minutes) when the schedule fires.

        ``origin`` is when a rate() starts counting if it has no StartTime.
        """
        after, upto = after.astimezone(UTC), upto.astimezone(UTC)
        if self.start is not None:
            after = max(after, self.start - dt.timedelta(microseconds=1))
        if self.end is not None:
            upto = min(upto, self.end)
        if upto <= after:
            return
        if self.kind == "at":
            assert self.at is not None
            if after < self.at <= upto:
                yield self.at
            return
        if self.kind == "rate":
            base = self.start or origin or after
            step = dt.timedelta(minutes=self.every_minutes)
            count = max(0, (after - base) // step)
            t = base + count * step
            while t <= upto:
                if t > after and t > base:
                    yield t
                t += step
            return
        assert self.cron is not None
        t = after.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        while t <= upto:
            if self.cron.matches(t.astimezone(self.zone)):
                yield t
            t += dt.timedelta(minutes=1)


def _as_utc(value: dt.datetime | str | float | None) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_schedule(
    expression: str,
    timezone: str | None = None,
    start: dt.datetime | str | float | None = None,
    end: dt.datetime | str | float | None = None,
) -> Schedule:
    """Parse a PutScheduledAction ``Schedule`` with its ``Timezone``/``StartTime``/``EndTime``."""
    zone = _zone(timezone)
    first, last = _as_utc(start), _as_utc(end)
    expression = expression.strip()
    at = _AT.fullmatch(expression)
    if at:
        y, mo, d, h, mi, s = (int(g) for g in at.groups())
        local = dt.datetime(y, mo, d, h, mi, s)
        return Schedule(
            expression,
            zone,
            "at",
            at=local.replace(tzinfo=zone).astimezone(UTC),
            start=first,
            end=last,
        )
    rate = _RATE.fullmatch(expression)
    if rate:
        n, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if n < 1:
            raise ScheduleError("a rate must be 1 or more")
        return Schedule(
            expression, zone, "rate", every_minutes=n * _UNIT_MINUTES[unit], start=first, end=last
        )
    cron = _CRON.fullmatch(expression)
    if cron:
        return Schedule(
            expression, zone, "cron", cron=_Cron.parse(cron.group(1)), start=first, end=last
        )
    raise ScheduleError(
        f"{expression!r} is not at(yyyy-mm-ddThh:mm:ss), rate(N minutes|hours|days) "
        "or cron(6 fields)"
    )
