"""A slot's moto server that cannot be emptied between two submissions is replaced, so one
broken server does not fail the rest of the batch (a real server, killed); so is a warm
parent that died."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import boto3

from ecs_learn.checks.reader import AccountReader
from ecs_learn.grading.isolation import capabilities
from ecs_learn.grading.pool import Slot
from ecs_learn.grading.warm import WarmParent

TRUST = {"Version": "2012-10-17", "Statement": []}


def test_a_server_that_died_is_replaced_by_an_empty_one_before_the_next_submission(
    tmp_path: Path,
) -> None:
    slot = Slot(0, tmp_path / "slot-0", capabilities(), WarmParent(tmp_path))
    slot.server.start()
    slot.server.wait(timeout=120)
    try:
        slot.reader = AccountReader.for_endpoint(slot.server.endpoint)
        slot.fresh_account()  # the first submission: nothing to empty
        iam = slot.reader.client("iam")
        writer = boto3.client(  # what a submission left (the grader's reader is read-only)
            "iam",
            endpoint_url=slot.server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        writer.create_role(RoleName="left-behind", AssumeRolePolicyDocument=json.dumps(TRUST))
        assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["left-behind"]
        broken, door = slot.server.pid, slot.server.door
        assert broken is not None
        os.kill(broken, signal.SIGKILL)

        slot.fresh_account()  # the second submission: the reset fails, a new server

        assert slot.restarts == 1
        assert slot.server.pid not in (None, broken)
        assert slot.server.door == door  # the boxes' way in is the same
        assert slot.reader.client("iam").list_roles()["Roles"] == []
        slot.fresh_account()  # and the new one resets as usual
        assert slot.restarts == 1
    finally:
        slot.server.stop()


def test_a_warm_parent_that_died_is_started_again_before_the_next_box(tmp_path: Path) -> None:
    slot = Slot(0, tmp_path / "slot-0", capabilities(), WarmParent(tmp_path))
    slot.warm.start()
    slot.warm.ready()
    try:
        first = slot.warm.pid
        assert first is not None
        assert slot.warm_parent().pid == first  # alive: kept
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while slot.warm.alive and time.monotonic() < deadline:
            time.sleep(0.05)
        assert slot.warm_parent().alive
        assert slot.warm.pid not in (None, first)
    finally:
        slot.warm.stop()
