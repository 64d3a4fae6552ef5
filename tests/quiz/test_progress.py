"""The progress store on its own: atomic writes, merging under the lock, corrupt files."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest

from ecs_learn.quiz import CorruptProgress, Progress, ProgressError, ProgressStore
from ecs_learn.quiz.progress import build_scheduler, card_id_for

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def test_a_review_is_stored_as_the_fsrs_card_and_log(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    result = store.record("t/a", 3, NOW, scheduler=build_scheduler(fuzz=False), source="cards")
    card, log = fsrs.Scheduler(enable_fuzzing=False).review_card(
        fsrs.Card(card_id=card_id_for("t/a"), due=NOW), fsrs.Rating.Good, NOW)
    assert result.card == card.to_dict()
    assert result.review == {**log.to_dict(), "source": "cards"}
    progress = store.load()
    assert progress.items["t/a"] == {"card": card.to_dict(), "reviews": [result.review]}
    assert Progress.from_dict(progress.to_dict()) == progress
    assert progress.due("t/a") == NOW + timedelta(minutes=10)
    assert progress.first_review("t/a") == NOW and progress.state("t/new") is None


def test_card_ids_are_stable_and_json_safe() -> None:
    assert card_id_for("t/a") == card_id_for("t/a") != card_id_for("t/b")
    assert 0 < card_id_for("t/a") < 2**53


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    scheduler = build_scheduler(fuzz=False)

    def review(worker: int) -> None:
        store = ProgressStore(tmp_path)  # one store per "session"
        for n in range(10):
            store.record(f"t/item-{n % 3}", 1 + (worker + n) % 4, NOW, scheduler=scheduler,
                         source=f"w{worker}")

    threads = [threading.Thread(target=review, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    items = ProgressStore(tmp_path).load().items
    assert sum(len(entry["reviews"]) for entry in items.values()) == 40


@pytest.mark.parametrize("content, reason", [
    ("not json", "invalid JSON"),
    ("[]", "not a JSON object"),
    ('{"version": 9, "items": {}}', "unknown format version 9"),
    ('{"version": 1, "items": {"t/a": {"card": {}, "reviews": []}}}', "unreadable card"),
])
def test_a_corrupt_file_is_set_aside_and_reported(tmp_path: Path, content: str,
                                                  reason: str) -> None:
    (tmp_path / "progress.json").write_text(content)
    told: list[CorruptProgress] = []
    store = ProgressStore(tmp_path, on_corrupt=told.append)
    assert store.load().items == {}
    [corrupt] = told
    assert reason in corrupt.reason and "set aside" in str(corrupt)
    assert corrupt.moved_to.read_text() == content
    assert not (tmp_path / "progress.json").exists()
    store.record("t/a", 3, NOW, scheduler=build_scheduler(fuzz=False), source="quiz")
    assert list(json.loads((tmp_path / "progress.json").read_text())["items"]) == ["t/a"]


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path: Path) -> None:
    scheduler = build_scheduler(fuzz=False)
    ProgressStore(tmp_path).record("t/a", 3, NOW, scheduler=scheduler, source="quiz")
    before = (tmp_path / "progress.json").read_text()

    def crash() -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(ProgressError, match="No space left on device"):
        ProgressStore(tmp_path, before_replace=crash).record("t/b", 3, NOW,
                                                             scheduler=scheduler, source="quiz")
    assert (tmp_path / "progress.json").read_text() == before
    assert not list(tmp_path.glob(".progress.json.*"))
