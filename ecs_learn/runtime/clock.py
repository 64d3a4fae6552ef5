"""The virtual clock: time moves only when asked, so an hour replays in milliseconds.

AWS does some things within seconds of a call (placing and starting tasks, failing to
start them, registering targets) and others over minutes (health checks and their grace
period, connection draining, deployments, retries with back-off). The runtime does the
first kind before the learner's call returns and keeps the second kind as *due times* on
this clock; :meth:`VirtualClock.advance` steps through them in order.

No decision ever reads the wall clock. Timestamps shown to the learner are
``base + elapsed``, where ``base`` is the wall-clock time when the account was last reset,
unless :meth:`VirtualClock.set_time` pinned it (``ecs_learn.runtime.set_time``): then every
run of the same script sees the same times, which scheduled scaling actions (cron in a time
zone) and the daily ECR lifecycle evaluation need to land at the same elapsed time each run.
The timeline itself is in elapsed seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = ["VirtualClock"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@dataclass
class VirtualClock:
    """Elapsed virtual seconds since the account was reset."""

    elapsed: float = 0.0
    base: dt.datetime = field(default_factory=_utcnow)

    def now(self) -> dt.datetime:
        """The current virtual time as a timestamp (for createdAt/startedAt fields)."""
        return self.base + dt.timedelta(seconds=self.elapsed)

    def at(self, elapsed: float) -> dt.datetime:
        return self.base + dt.timedelta(seconds=elapsed)

    def set_time(self, when: dt.datetime) -> None:
        """Make ``now()`` be ``when`` (aware; naive means UTC), keeping the elapsed seconds.

        Only the display base moves: timestamps already written keep the time they had.
        """
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        when = when.astimezone(dt.timezone.utc).replace(microsecond=0)
        self.base = when - dt.timedelta(seconds=self.elapsed)

    def move_to(self, elapsed: float) -> None:
        """Move forward to ``elapsed`` (never backwards)."""
        self.elapsed = max(self.elapsed, elapsed)
