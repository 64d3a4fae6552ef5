"""The warm pool: per slot, one long-lived moto server, emptied between submissions; for
the pool, one warm parent every box is forked from.

A slot grades one submission at a time. Its moto server is started once for the batch
(moto's imports and first calls, the managed IAM policies: several seconds) with the
grader's token and a door for the submission; before each submission the grader resets
it through the management API only it can use, so no state passes from one student to
the next. Every student gets the same account id (123456789012) — lab notebooks write
it into ARNs — and a slot's server is never shared by two submissions at once. A server
whose reset fails (it died, or stopped answering) is replaced by a new one before the
next submission, so one broken server costs at most the submission it broke under.

The warm parent (:mod:`ecs_learn.grading.warm`) has the runner's and kernel's imports
done and nothing of any slot or student: every box is forked from it, whatever its slot,
and one that died is started again before the next box.

Each slot also has its own folder (only root can enter it in namespaced mode) and, where
the grader is root, its own unprivileged user, so that the process limit counts only
that slot's processes and a submission cannot touch another slot's files.
"""

from __future__ import annotations

import os
import queue
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ecs_learn.checks.reader import AccountReader
from ecs_learn.grading.isolation import Capabilities, capabilities
from ecs_learn.grading.warm import WarmParent
from ecs_learn.sandbox.server import MotoServer, free_port

__all__ = ["BASE_UID", "Pool", "Slot"]

BASE_UID = 61000  # slot n runs as uid/gid BASE_UID + n (no passwd entry is needed)


@dataclass
class Slot:
    index: int
    root: Path
    caps: Capabilities
    warm: WarmParent
    server: MotoServer = field(init=False)
    reader: AccountReader = field(init=False)
    uses: int = 0
    restarts: int = 0

    def __post_init__(self) -> None:
        self.root.mkdir(mode=0o711, parents=True, exist_ok=True)
        private = self.root / "server"
        private.mkdir(mode=0o700, exist_ok=True)
        if self.caps.namespaced:
            door = f"unix:{private / 'door.sock'}"
            self.kernel_endpoint = "http://127.0.0.1:4566"
        else:
            port = free_port()
            door = f"tcp:{port}"
            self.kernel_endpoint = f"http://127.0.0.1:{port}"
        self.door = door
        self.door_path = door.partition(":")[2]
        self.server = self._new_server()

    def _new_server(self) -> MotoServer:
        return MotoServer(warm=True, token=secrets.token_hex(16), door=self.door)

    @property
    def uid(self) -> int | None:
        return BASE_UID + self.index if self.caps.unprivileged else None

    def start(self) -> None:
        self.server.start()

    def ready(self) -> None:
        self.server.wait(timeout=120)
        self.reader = AccountReader.for_endpoint(self.server.endpoint)

    def fresh_account(self) -> None:
        """Empty the server before the next submission (not needed before the first); a
        server that cannot be emptied is replaced by a new one."""
        if self.uses:
            try:
                self.server.wait(timeout=10)
                self.server.reset()
            except Exception:  # dead, hung or answering nonsense: a new server instead
                self.restart_server()
        self.uses += 1

    def restart_server(self) -> None:
        """Stop this slot's server (whatever its state) and start a new, empty one."""
        self.server.stop()
        self.server = self._new_server()
        self.server.start()
        self.server.wait(timeout=120)
        self.reader = AccountReader.for_endpoint(self.server.endpoint)
        self.restarts += 1

    def warm_parent(self) -> WarmParent:
        """The warm parent, started again if it died."""
        return self.warm.running()

    def fresh_work(self) -> Path:
        """An empty folder for the next submission, owned by the slot's user."""
        work = self.root / "work"
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(mode=0o700)
        for sub in ("home", "ipython", "jupyter/config", "jupyter/data/runtime", "tmp"):
            (work / sub).mkdir(parents=True, mode=0o700)
        if self.uid is not None:
            for path in (work, *work.rglob("*")):
                os.chown(path, self.uid, self.uid)
        return work

    def stop(self) -> None:
        self.server.stop()


class Pool:
    """``jobs`` slots, started together, lent out one submission at a time."""

    def __init__(self, jobs: int, caps: Capabilities | None = None) -> None:
        self.caps = caps or capabilities()
        self.root = Path(tempfile.mkdtemp(prefix="ecs-learn-grade-"))
        self.root.chmod(0o711)
        self.warm = WarmParent(self.root)
        self.slots = [
            Slot(i, self.root / f"slot-{i}", self.caps, self.warm) for i in range(max(1, jobs))
        ]
        self._free: queue.Queue[Slot] = queue.Queue()

    def start(self) -> Pool:
        self.warm.start()
        for slot in self.slots:
            slot.start()
        with ThreadPoolExecutor(len(self.slots) + 1) as waiting:
            list(
                waiting.map(
                    lambda ready: ready(), [self.warm.ready, *(s.ready for s in self.slots)]
                )
            )
        for slot in self.slots:
            self._free.put(slot)
        return self

    @contextmanager
    def slot(self) -> Iterator[Slot]:
        taken = self._free.get()
        try:
            yield taken
        finally:
            self._free.put(taken)

    def stop(self) -> None:
        self.warm.stop()
        for slot in self.slots:
            slot.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Pool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
