"""The kernel seed (a process forked before anything runs, which becomes one kernel) and the
marker stamp that lets the grader find a forked box's processes: real forks, no kernel."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from ecs_learn.grading.kernel_seed import KernelSeed


def test_a_seed_becomes_the_command_it_is_sent_in_its_own_session(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    seed = KernelSeed.fork()
    with out.open("wb") as sink:
        kernel = seed.launch(
            ["/bin/sh", "-c", 'echo "$WHO $(pwd) $(ps -o sid= -p $$)"; exit 3'],
            {"WHO": "seeded", "PATH": os.environ["PATH"]},
            str(tmp_path),
            [sink.fileno(), sink.fileno()],
        )
        assert kernel.wait(timeout=30) == 3
    who, where, session = out.read_text().split()
    assert (who, where) == ("seeded", str(tmp_path))
    assert int(session) == kernel.pid  # a session of its own, as start_new_session makes


def test_a_killed_kernel_reports_the_signal_as_popen_does(tmp_path: Path) -> None:
    seed = KernelSeed.fork()
    kernel = seed.launch(["/bin/sleep", "60"], {}, str(tmp_path), [1, 2])
    assert kernel.poll() is None
    kernel.kill()
    assert kernel.wait(timeout=30) == -signal.SIGKILL
    assert kernel.poll() == -signal.SIGKILL


STAMP = """
import os, sys
from ecs_learn.grading.syscalls import stamp_environ
pid = os.fork()
if pid == 0:
    stamp_environ("ECS_LEARN_BOX", "b" * 32)
    sys.stdout.write(open("/proc/self/environ", "rb").read().decode() + "\\n---\\n")
    os._exit(0)
os.waitpid(pid, 0)
sys.stdout.write(open("/proc/self/environ", "rb").read().decode())
"""


def test_a_forked_child_stamps_its_marker_where_proc_shows_it_and_only_its_own() -> None:
    env = {**os.environ, "ECS_LEARN_BOX": "." * 32}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(STAMP)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    child, parent = done.stdout.split("\n---\n")
    assert "ECS_LEARN_BOX=" + "b" * 32 in child.split("\0")
    assert "ECS_LEARN_BOX=" + "." * 32 in parent.split("\0")
