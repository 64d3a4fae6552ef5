"""Write a file so that a reader never sees half of it: the one atomic writer.

The text goes to a temporary file in the same folder, which then replaces the target
in one ``os.replace``. With ``durable`` the data and the rename are also flushed to the
disk (``fsync`` of the file, then of the folder), so a crash or power cut leaves the
old file or the new one, never neither.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Callable
from pathlib import Path

__all__ = ["write_text_atomic"]

_serial = itertools.count()  # with the pid and thread: a name no other writer uses


def _create_temporary(path: Path) -> tuple[int, Path]:
    # Not tempfile: importing it costs the quiz's cold start several milliseconds.
    for _ in range(100):
        name = f".{path.name}.{os.getpid()}-{threading.get_ident()}-{next(_serial)}.tmp"
        candidate = path.parent / name
        try:
            return os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), candidate
        except FileExistsError:  # left by a dead process that had our pid
            continue
    raise FileExistsError(f"cannot create a temporary file next to {path}")


def write_text_atomic(
    path: Path,
    text: str,
    *,
    durable: bool = False,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Replace ``path`` with ``text`` atomically; the temporary file never outlives a failure.

    ``before_replace`` runs between writing and renaming (tests use it to crash there).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        with contextlib.suppress(OSError):  # make the rename itself durable (POSIX)
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
