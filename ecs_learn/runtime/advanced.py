"""What one move of the virtual clock did, as :func:`ecs_learn.runtime.advance` returns it.

``advance`` used to return a bare float (the elapsed virtual seconds since the account was
reset), which a notebook cell then echoed as ``600.0``. :class:`Advanced` still *is* that
float (arithmetic, comparisons and ``json.dumps`` see the number), and it reads as a
sentence where a learner sees it::

    >>> rt.advance(minutes=5)
    advanced 5 min to 10:05 UTC; 3 events (2 target-healthy, 1 task-started)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Advanced", "AdvancedDict"]

AdvancedDict = dict[str, Any]  # {"elapsed", "moved", "time", "events"}: the server's answer
_KINDS_SHOWN = 3


class Advanced(float):
    """Elapsed virtual seconds since the reset (the float), plus what this move did.

    ``moved``: the seconds this call moved the clock; ``time``: the virtual time now (UTC);
    ``events``: the timeline entries (``{"at", "kind", "subject", "message"}``) recorded
    during the move, in order.
    """

    moved: float
    time: dt.datetime
    events: tuple[dict[str, Any], ...]

    def __new__(
        cls,
        elapsed: float,
        *,
        moved: float,
        time: dt.datetime,
        events: Sequence[Mapping[str, Any]] = (),
    ) -> Advanced:
        self = super().__new__(cls, elapsed)
        self.moved = float(moved)
        self.time = time
        self.events = tuple(dict(e) for e in events)
        return self

    @property
    def elapsed(self) -> float:
        """Elapsed virtual seconds since the account was reset (the number itself)."""
        return float(self)

    def kinds(self) -> Counter[str]:
        """How many events of each kind (``task-started``, ``target-healthy``...)."""
        return Counter(str(e.get("kind", "")) for e in self.events)

    def __repr__(self) -> str:
        return f"advanced {_duration(self.moved)} to {self.time:%H:%M} UTC; {self._events()}"

    __str__ = __repr__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython's text/plain
        printer.text(repr(self))

    def _events(self) -> str:
        count = len(self.events)
        if not count:
            return "no events"
        shown = self.kinds().most_common()
        parts = [f"{n} {kind}" for kind, n in shown[:_KINDS_SHOWN]]
        if len(shown) > _KINDS_SHOWN:
            parts.append("...")
        noun = "event" if count == 1 else "events"
        return f"{count} {noun} ({', '.join(parts)})"

    # -- the server's answer (runtime/remote.py) ---------------------------------------------
    def to_dict(self) -> AdvancedDict:
        return {
            "elapsed": float(self),
            "moved": self.moved,
            "time": self.time.isoformat(),
            "events": [dict(e) for e in self.events],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Advanced:
        return cls(
            float(data["elapsed"]),
            moved=float(data.get("moved", 0.0)),
            time=dt.datetime.fromisoformat(str(data["time"])),
            events=list(data.get("events") or []),
        )


def _duration(seconds: float) -> str:
    """``5 min``, ``10 h 15 min``, ``30 s``, ``1 min 30 s``, ``0 s``."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs} s")
    return " ".join(parts)
