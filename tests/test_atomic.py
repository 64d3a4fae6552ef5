"""The one atomic writer: all of the new text or none of it, and no temporary file left."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecs_learn.atomic import write_text_atomic


@pytest.mark.parametrize("durable", [False, True])
def test_the_new_text_replaces_the_old_and_folders_are_made(tmp_path: Path, durable: bool) -> None:
    target = tmp_path / "deep" / "grades.csv"
    write_text_atomic(target, "old\n", durable=durable)
    write_text_atomic(target, "new\n", durable=durable)
    assert target.read_text() == "new\n"
    assert [p.name for p in target.parent.iterdir()] == ["grades.csv"]


def test_a_failure_before_the_rename_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "progress.json"
    write_text_atomic(target, "{}")

    def crash() -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_text_atomic(target, '{"half": ', durable=True, before_replace=crash)
    assert target.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["progress.json"]
