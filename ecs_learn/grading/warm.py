"""The warm parent: the imports every box needs, done once per batch; boxes fork from it.

A box's runner (pytest + nbval) and kernel (IPython, boto3, ecs_learn) import over a
thousand modules before the first cell runs: more than a second of CPU per submission,
a third of the work of grading a lab-01 notebook. The warm parent is a process of the
grader's (root where namespaces are made) that imports them once, when the pool starts
(and parses botocore's data for the labs' services: :mod:`ecs_learn.sandbox.data_loader`),
then only forks, for every slot: for each submission the grader sends it the box's
configuration and three pipe ends, and the fork becomes that box
(:func:`ecs_learn.grading.box.start_box`): new namespaces, the slot's user, the limits,
then the runner, which forks the kernel's seed (:mod:`ecs_learn.grading.kernel_seed`).

What makes this safe to share between students is what the warm parent never does: it
never reads a submission, never runs a cell, never starts a thread or opens a socket
beyond its own, and holds nothing of the grader's (not the server token: its
environment is built from nothing). Each student's runner and kernel are fresh
processes, copies of the same untouched parent; what one student's kernel changes in
its memory no other process sees. A copy shares the parent's hash seed (``hash()`` of
a string is the same in every kernel of the batch); ``random`` reseeds in each fork.

A module whose import does something only inside a running kernel (``ipywidgets``
registers its comm targets) has that done by the seed once its kernel is up.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ecs_learn.grading.isolation import BOX_MARKER_ENV

__all__ = [
    "KEPT_ENV",
    "MARKER_LENGTH",
    "RUNNER_ENV",
    "WARM_MODULES",
    "WarmParent",
    "kept_env",
    "serve",
]

KEPT_ENV = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "SYSTEMROOT")
MARKER_LENGTH = 32
# What the runner and kernel see the same in every box (read by some modules at import).
RUNNER_ENV = {
    "TERM": "dumb",
    "JUPYTER_PLATFORM_DIRS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    "MPLBACKEND": "agg",
}
WARM_MODULES = (
    # the runner
    "pytest",
    "nbval.plugin",
    "ecs_learn.grading.plugin",
    "ecs_learn.grading.pytest_main",
    "ecs_learn.grading.box",
    "ecs_learn.grading.kernel_seed",
    "jupyter_client.blocking.client",
    "jupyter_client.manager",
    # the kernel (what IPKernelApp.initialize imports, the debugger's pydevd among them)
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "ipykernel.comm",
    "IPython.core.completer",
    "IPython.core.history",
    "sqlite3",
    # what a lab's setup cell imports, and its first clients
    "boto3",
    "boto3.session",
    "botocore.client",
    "botocore.session",
    "botocore.parsers",
    "botocore.serialize",
    "botocore.httpsession",
    "ecs_learn.notebook",
    "ipywidgets",  # a lab's quiz; the seed registers it with its kernel
    "ecs_learn.ui.quiz",
    "ecs_learn.quiz.loader",
    "ecs_learn.quiz.session",
)
_REQUEST_SIZE = 1 << 20
_READY = b"ready"


def kept_env() -> dict[str, str]:
    """The grader's variables a box keeps, ``PYTHONPATH`` made absolute (a relative entry
    would resolve in the folders the warm parent and the box run in)."""
    env = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
    if env.get("PYTHONPATH"):
        entries = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(e) for e in entries if e)
    return env


def _warm_up() -> None:
    from ecs_learn.grading import kernel_seed

    before = dict(os.environ)
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # see pytest_main
    for name in WARM_MODULES:
        importlib.import_module(name)
    from _pytest.config import default_plugins, essential_plugins

    for plugin in (*essential_plugins, *default_plugins):
        importlib.import_module(f"_pytest.{plugin}")
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    from ecs_learn.checks.catalog import list_labs
    from ecs_learn.sandbox.data_loader import preload

    KernelProvisionerFactory.instance()  # reads every package's entry points
    list_labs()  # every lab's checks
    preload()  # botocore's data for the labs' services, parsed once for every kernel
    kernel_seed.IMPORTS_SET.update(
        {k: v for k, v in os.environ.items() if before.get(k) != v and k not in RUNNER_ENV}
    )


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(fd: int) -> None:
    """The warm parent's life: warm up, say so, then fork one box per request until EOF."""
    from ecs_learn.grading.box import start_box
    from ecs_learn.grading.syscalls import set_dumpable, set_name

    control = socket.socket(fileno=fd)
    set_name("grade-warm")
    set_dumpable(False)  # nothing of the grader's user looks in here
    _warm_up()
    if threading.active_count() != 1:
        raise RuntimeError("the warm parent started a thread: it cannot fork boxes safely")
    gc.collect()
    gc.freeze()  # what every box shares stays shared (no copy for the collector's sake)
    control.send(_READY)
    while True:
        _reap()
        readable, _, _ = select.select([control], [], [], 1.0)
        if not readable:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(control, _REQUEST_SIZE, 3)
        except OSError:
            return
        if not message:
            return  # the grader is gone
        try:
            config = json.loads(message)
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            pid = os.fork()
        except (OSError, ValueError):
            pid = -1
        if pid == 0:  # the box: never returns
            code = 70
            try:
                control.close()
                code = start_box(config, fds)
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                with contextlib.suppress(OSError, ValueError):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(code)
        for received in fds:
            os.close(received)


class WarmParent:
    """The grader's handle on the warm parent (started in ``cwd``), shared by the slots."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._lock = threading.Lock()
        self._restarting = threading.Lock()

    @staticmethod
    def environment() -> dict[str, str]:
        """Built from nothing: the grader's path, language and import path, the boxes'
        constant variables, and the marker's placeholder each box stamps over."""
        env = kept_env()
        env.update(RUNNER_ENV)
        env["HOME"] = "/nonexistent"  # a module that kept a path from HOME would show it
        env[BOX_MARKER_ENV] = "." * MARKER_LENGTH
        return env

    def start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [
            sys.executable,
            "-P",
            "-c",
            "import sys; from ecs_learn.grading.warm import serve; serve(int(sys.argv[1]))",
            str(theirs.fileno()),
        ]
        try:
            self._process = subprocess.Popen(
                command,
                cwd=self.cwd,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
            )
        finally:
            theirs.close()
        self._control = ours

    def ready(self, timeout: float = 120.0) -> None:
        """Block until the warm parent has imported everything; raise if it died."""
        assert self._control is not None and self._process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self._control], [], [], 0.5)
            if readable:
                if self._control.recv(16) == _READY:
                    return
                break
            if self._process.poll() is not None:
                break
        code = self._process.poll()
        raise RuntimeError(
            "the warm parent did not start"
            + ("" if code is None else f" (it exited with code {code})")
        )

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def spawn(self, config: dict[str, Any], fds: Sequence[int]) -> None:
        """Fork one box from the warm parent with ``config`` and ``fds`` (see box.start_box)."""
        if self._control is None:
            raise OSError("the warm parent is not running")
        with self._lock:
            socket.send_fds(self._control, [json.dumps(config).encode()], list(fds))

    def restart(self) -> None:
        self.stop()
        self.start()
        self.ready()

    def running(self) -> WarmParent:
        """This warm parent, started again first if it died (once, whoever asks)."""
        with self._restarting:
            if not self.alive:
                self.restart()
        return self

    def stop(self) -> None:
        if self._control is not None:
            self._control.close()  # the warm parent sees EOF and ends
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
