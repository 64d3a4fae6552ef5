"""The progress file kept durable (DESIGN.md: never lose a review to a crash or a
second session):

* every review is persisted on its own, as soon as it is given;
* a write goes to a temporary file in the same folder, is fsynced, then ``os.replace``-d
  over ``progress.json`` (so the file is always either the old or the new version);
* the read-modify-write of each review runs under a :class:`filelock.FileLock`: the file
  is re-read, this one review is applied to the card *as stored now*, then written, so two
  sessions running at once both keep all their reviews;
* a file that cannot be read as progress is renamed ``progress.json.corrupt-<timestamp>``
  (set aside, never deleted) and reported, and a fresh progress starts.

Reading needs neither fsrs nor filelock; both are imported on the first review.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ecs_learn.atomic import write_text_atomic
from ecs_learn.quiz.progress import (
    PROGRESS_FILE,
    CheckRecordDict,
    CorruptProgress,
    Progress,
    ProgressDict,
    ProgressError,
    ReviewDict,
    ReviewResult,
    card_id_for,
    problem_in,
)

if TYPE_CHECKING:
    from fsrs import Scheduler

    from ecs_learn.quiz.rating import Rating

__all__ = ["ProgressStore"]


class ProgressStore:
    """The progress file in ``directory`` (created on the first review).

    ``on_corrupt`` is told about a corrupt file that was set aside.
    ``before_replace`` runs between writing the temporary file and replacing the real
    one (tests use it to crash a writer at the worst moment).
    """

    def __init__(
        self,
        directory: Path,
        *,
        on_corrupt: Callable[[CorruptProgress], None] | None = None,
        before_replace: Callable[[], None] | None = None,
        lock_timeout: float = 30.0,
    ) -> None:
        self.directory = directory
        self.path = directory / PROGRESS_FILE
        self.lock_path = directory / f"{PROGRESS_FILE}.lock"
        self.on_corrupt = on_corrupt
        self.before_replace = before_replace
        self.lock_timeout = lock_timeout

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> tuple[Progress | None, str | None]:
        """The stored progress, or ``(None, reason)`` if the file is corrupt."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Progress(), None
        except UnicodeDecodeError:
            return None, "not UTF-8 text"
        except OSError as error:
            raise ProgressError(f"cannot read {self.path}: {error.strerror or error}") from None
        try:
            data = json.loads(text)
        except ValueError as error:
            return None, f"invalid JSON: {error}"
        reason = problem_in(data)
        if reason is not None:
            return None, reason
        return Progress.from_dict(cast(ProgressDict, data)), None

    def _set_aside(self, reason: str) -> Progress:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        target = self.path.with_name(f"{PROGRESS_FILE}.corrupt-{stamp}")
        serial = 1
        while target.exists():
            serial += 1
            target = self.path.with_name(f"{PROGRESS_FILE}.corrupt-{stamp}-{serial}")
        try:
            os.replace(self.path, target)
        except FileNotFoundError:
            return Progress()
        except OSError as error:
            raise ProgressError(
                f"the progress file {self.path} is corrupt ({reason}) and "
                f"cannot be set aside: {error.strerror or error}"
            ) from None
        if self.on_corrupt is not None:
            self.on_corrupt(CorruptProgress(self.path, reason, target))
        return Progress()

    def load(self) -> Progress:
        """The current progress; a corrupt file is set aside and reported."""
        progress, reason = self._read()
        if progress is not None:
            return progress
        with self._lock():
            progress, reason = self._read()  # another session may have fixed it meanwhile
            return progress if progress is not None else self._set_aside(reason or "")

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self) -> Any:
        from filelock import FileLock, Timeout

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProgressError(
                f"cannot create the data folder {self.directory}: {error.strerror or error}"
            ) from None
        try:
            with FileLock(str(self.lock_path), timeout=self.lock_timeout):
                yield
        except Timeout:
            raise ProgressError(
                f"another ecs-learn session has held {self.lock_path} for "
                f"{self.lock_timeout:.0f} s; try again"
            ) from None

    def _write(self, progress: Progress) -> None:
        for stale in self.directory.glob(f".{PROGRESS_FILE}.*.tmp"):
            stale.unlink(missing_ok=True)  # left by a writer that died; we hold the lock
        text = json.dumps(progress.to_dict(), indent=1, sort_keys=True)
        try:
            write_text_atomic(self.path, text, durable=True, before_replace=self.before_replace)
        except OSError as error:
            raise ProgressError(f"cannot write {self.path}: {error.strerror or error}") from None

    def record(
        self, item_id: str, rating: Rating, when: datetime, *, scheduler: Scheduler, source: str
    ) -> ReviewResult:
        """Apply one review (``rating`` at ``when``, UTC) and persist it at once."""
        import fsrs
        from fsrs import Card

        when = when.astimezone(timezone.utc)
        with self._lock():
            progress, reason = self._read()
            if progress is None:
                progress = self._set_aside(reason or "")
            entry = progress.items.get(item_id)
            card = (
                Card.from_dict(entry["card"])
                if entry
                else Card(card_id=card_id_for(item_id), due=when)
            )
            card, log = scheduler.review_card(card, fsrs.Rating(int(rating)), when)
            review = cast(ReviewDict, {**log.to_dict(), "source": source})
            reviews = [*(entry["reviews"] if entry else []), review]
            progress.items[item_id] = {"card": card.to_dict(), "reviews": reviews}
            progress.flags.pop(item_id, None)  # reviewed: whatever made it due is answered
            self._write(progress)
        return ReviewResult(item_id, card.to_dict(), review)

    def _update(self, change: Callable[[Progress], None]) -> Progress:
        """Lock, re-read, apply one change, write (the same discipline as :meth:`record`)."""
        with self._lock():
            progress, reason = self._read()
            if progress is None:
                progress = self._set_aside(reason or "")
            change(progress)
            self._write(progress)
        return progress

    def record_check(
        self,
        lab_id: str,
        check_id: str,
        *,
        status: str,
        points: float,
        max_points: float,
        when: datetime,
        judged: str = "",
        account: str = "",
    ) -> CheckRecordDict:
        """Keep a lab check's latest result (and when it first passed), at once."""
        stamp = when.astimezone(timezone.utc).isoformat()
        record: CheckRecordDict = {
            "status": status,
            "points": points,
            "max_points": max_points,
            "judged": judged,
            "account": account,
            "at": stamp,
            "first_passed": None,
        }

        def change(progress: Progress) -> None:
            checks = progress.labs.setdefault(lab_id, {})
            earlier = checks.get(check_id)
            first = earlier.get("first_passed") if earlier else None
            record["first_passed"] = first or (stamp if status == "passed" else None)
            checks[check_id] = record

        self._update(change)
        return record

    def flag_due(self, item_ids: list[str], *, why: str, when: datetime) -> None:
        """Make these items due now (their next ``cards`` session asks them first)."""
        if not item_ids:
            return
        stamp = when.astimezone(timezone.utc).isoformat()

        def change(progress: Progress) -> None:
            for item_id in item_ids:
                progress.flags[item_id] = {"at": stamp, "why": why}

        self._update(change)
