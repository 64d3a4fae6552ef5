"""The shipped banks in quizzes/ (written alongside this code): checked when present."""

from __future__ import annotations

import pytest

from ecs_learn.quiz import TOPICS, ItemType, validate
from ecs_learn.resources import quizzes_dir

_DIR = quizzes_dir()
_BANKS = sorted(_DIR.glob("*.yaml"))

pytestmark = pytest.mark.skipif(not _BANKS, reason="no banks in quizzes/ yet")


def test_shipped_banks_are_valid_against_the_schema_and_the_notes() -> None:
    result = validate(_DIR, use_schema=True)
    assert result.ok, "\n".join(str(p) for p in result.problems)


def test_fast_checks_agree_with_the_schema_on_the_shipped_banks() -> None:
    assert validate(_DIR, use_schema=False).problems == validate(_DIR, use_schema=True).problems


def test_shipped_banks_cover_known_topics_with_choice_questions() -> None:
    result = validate(_DIR)
    for bank in result.banks:
        assert bank.topic in TOPICS
        assert any(item.type.has_choices for item in bank.items), bank.topic
        assert any(item.type is not ItemType.FLASHCARD for item in bank.items)


def test_content_corrections_of_issue_13_are_in_the_banks_and_notes() -> None:
    """High-resolution metrics, EFS Elastic/Max I/O, the instance role of external and
    Managed Instances, Mountpoint for S3 on an EC2 host, EFS on the EC2 launch type."""
    from ecs_learn.quiz import load_catalog
    from ecs_learn.resources import quizzes_dir

    items = {item.id: item for item in load_catalog().items()}
    metrics = items["autoscaling/predefined-metrics"]
    assert "ECSServiceAverageCPUUtilizationHighResolution" in metrics.answers
    assert "three predefined" not in metrics.explanation
    assert "EC2" in items["storage/efs-launch-types"].answers
    assert "Elastic" in items["storage/efs-elastic-max-io"].back
    notes = (quizzes_dir() / "notes.md").read_text()
    assert "because there is no container instance role" not in notes
    assert "20-second" in notes and "Mountpoint for Amazon S3 and handed to containers" in notes
    assert "not with Elastic throughput" in notes
