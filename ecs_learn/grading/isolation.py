"""What the grader can promise on this machine, the limits of a box, and ending a box.

Two levels, chosen once per machine (:func:`capabilities`):

* **namespaced** (root, with ``unshare``): each submission's runner and kernel run in
  fresh network, PID and mount namespaces, as an unprivileged user of their own per
  slot. Their only network is the box's loopback, where a relay leads to the door of
  their slot's moto server; nothing in the box outlives it (the PID namespace ends with
  its first process); ``/tmp``, ``/var/tmp`` and ``/dev/shm`` are the box's own; the
  process limit is per user, so it holds.
* **plain** (anything else): the box is a process session with the same resource limits
  and a marker in its environment; when it ends, its session and every process carrying
  the marker are killed. Not promised here: a submission can reach any port on loopback
  (another slot's door among them, though never a server's management endpoints without
  the grader's token), the network beyond (only botocore is guarded, in the kernel), and
  anything its user may write; a process that clears its environment and leaves its
  session can outlive the box.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass

__all__ = [
    "BOX_MARKER_ENV",
    "PROMISES",
    "Capabilities",
    "Limits",
    "capabilities",
    "kill_marked",
    "marked_processes",
]

BOX_MARKER_ENV = "ECS_LEARN_BOX"
PROBE_UID = 60999  # a user with no files, to probe what a slot's user can run
GiB = 1024**3
MiB = 1024**2

PROMISES = {
    "namespaced": (
        "each submission had its own network (loopback and its own server only), PID and "
        "mount namespaces"
    ),
    "plain": (
        "process session and resource limits only: a submission could reach any loopback "
        "port (other students' servers among them) and the network beyond, and write "
        "whatever its user may write"
    ),
}
"""What each :attr:`Capabilities.level` promised, in words for the reports."""


@dataclass(frozen=True)
class Limits:
    """Per submission: address space, CPU seconds, processes of its user, bytes per file
    written, and bytes of output per cell (beyond which output is dropped)."""

    memory: int = 2 * GiB
    cpu: int = 600
    processes: int = 256
    file_size: int = 256 * MiB
    output: int = 1 * MiB

    def to_dict(self) -> dict[str, int | None]:
        return {
            "memory": self.memory,
            "cpu": self.cpu,
            "processes": self.processes,
            "file_size": self.file_size,
        }

    def describe(self, limit: str) -> str:
        """The limit in words: ``more than 2 GiB of memory``."""
        return {
            "memory": f"more than {_size(self.memory)} of memory",
            "cpu time": f"more than {self.cpu} s of CPU time",
            "output": f"more than {_size(self.output)} of output (the rest was dropped)",
            "file size": f"a file larger than {_size(self.file_size)}",
            "processes": f"more than {self.processes} processes",
        }.get(limit, limit)


def _size(n: int) -> str:
    return f"{n / GiB:g} GiB" if n >= GiB else f"{n / MiB:g} MiB"


@dataclass(frozen=True)
class Capabilities:
    """``namespaced``: a box gets its own network, PID and mount namespaces.
    ``unprivileged``: its runner and kernel run as the slot's own user (the box switches
    itself, :func:`ecs_learn.grading.syscalls.become`; ``setpriv`` probes whether that
    user can run the interpreter); ``read_anything``: that user needs
    ``CAP_DAC_READ_SEARCH`` to reach the interpreter (installed under a folder only root
    may enter, such as ``/root``), so it may read — never write — files it does not own."""

    namespaced: bool
    unprivileged: bool
    why: str
    read_anything: bool = False

    @property
    def level(self) -> str:
        """``namespaced`` or ``plain``: the key of :data:`PROMISES` the reports name."""
        return "namespaced" if self.namespaced else "plain"

    def user_prefix(self, uid: int) -> list[str]:
        """The command prefix that runs a program as ``uid`` (no groups, no new privileges)."""
        setpriv = shutil.which("setpriv") or "setpriv"
        prefix = [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs"]
        if self.read_anything:
            prefix += ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
        return [*prefix, "--"]


def _user_can_run_python(caps: Capabilities) -> bool:
    import sys

    # From a process already running as the user (setpriv itself may exec with root's
    # rights still in hand): the runner starts the kernel that way.
    nested = "import subprocess, sys; sys.exit(subprocess.call([sys.executable, '-c', 'pass']))"
    probe = [*caps.user_prefix(PROBE_UID), sys.executable, "-P", "-c", nested]
    try:
        done = subprocess.run(probe, capture_output=True, timeout=60, check=False, cwd="/")
    except OSError:
        return False
    return done.returncode == 0


def _users(namespaced: bool, why: str) -> Capabilities:
    if shutil.which("setpriv") is None:
        return Capabilities(namespaced, False, why + "; no setpriv: runs as root")
    for read_anything in (False, True):
        caps = Capabilities(namespaced, True, why, read_anything)
        if _user_can_run_python(caps):
            return caps
    return Capabilities(namespaced, False, why + "; the interpreter is root's only: runs as root")


@functools.lru_cache(maxsize=1)
def capabilities() -> Capabilities:
    """Probe once: can this process make namespaces and switch users?"""
    if os.geteuid() != 0:
        return Capabilities(False, False, "not root: no namespaces, one user for everything")
    if os.environ.get("ECS_LEARN_GRADE_NO_NAMESPACES"):
        return _users(False, "namespaces switched off")
    unshare = shutil.which("unshare")
    if unshare is None:
        return _users(False, "no unshare command")
    probe = subprocess.run(
        [unshare, "--net", "--pid", "--mount", "--fork", "--kill-child", "--mount-proc", "true"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    if probe.returncode != 0:
        return _users(False, "unshare failed: " + probe.stderr.decode()[-200:])
    return _users(True, "network, PID and mount namespaces per submission")


def marked_processes(marker: str) -> list[int]:
    """Processes whose environment carries ``ECS_LEARN_BOX=marker`` (readable ones)."""
    needle = f"{BOX_MARKER_ENV}={marker}".encode()
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                environ = f.read()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry))
    return found


def kill_marked(marker: str, group: int | None = None) -> None:
    """Kill the box's process group and every process that carries its marker."""
    if group is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
    for _ in range(3):  # a fork racing the first sweep is caught by the next
        pids = marked_processes(marker)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
