"""A kernel forked, not started: the runner's kernel comes from a process made before nbval ran.

The runner (pytest + nbval, forked from the warm parent with the kernel's imports
already done) forks a **seed** before it reads anything: a process of the slot's user,
in the box, with only its standard streams and a socket to the runner. When nbval
starts its kernel, :class:`SeedProvisioner` (jupyter_client's local provisioner, but
launching through the seed) sends the seed the kernel's command, environment and
folder; the seed becomes that kernel — ``ipykernel_launcher`` run in the same
interpreter, or any other command executed — in a session of its own, as
``subprocess.Popen(start_new_session=True)`` would. The kernel is the runner's child,
so nbval and the grading plugin see its exit status (a signal included) as before.

The seed never ran a submission's code before it becomes its kernel, and one seed makes
one kernel: a second launch (a kernel restart) starts a process the usual way.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from ecs_learn.grading.syscalls import close_fds_except, set_dumpable, set_name

__all__ = ["PROVISIONER", "ForkedKernel", "KernelSeed", "SeedProvisioner", "install", "plant"]

PROVISIONER = "ecs-learn-seed"
_MAX_REQUEST = 1 << 20
_seeds: list[KernelSeed] = []
# Variables the warm parent's imports set in its environment (debugpy sets one): a
# kernel started the usual way sets them when it imports the same modules.
IMPORTS_SET: dict[str, str] = {}


class ForkedKernel:
    """The seed turned kernel, seen from the runner as a ``Popen`` would show it."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 0  # reaped elsewhere: gone, how is not known
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0.0)
            time.sleep(0.02)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class KernelSeed:
    """A forked process that waits to become one kernel (see the module's text)."""

    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid = pid
        self._sock = sock

    @classmethod
    def fork(cls) -> KernelSeed:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:  # the seed: never returns
            code = 70
            try:
                set_name("grade-kernel")
                ours.close()
                close_fds_except(theirs.fileno())
                code = _grow(theirs)
            finally:
                os._exit(code)
        theirs.close()
        return cls(pid, ours)

    def launch(
        self, argv: list[str], env: dict[str, str], cwd: str, fds: list[int]
    ) -> ForkedKernel:
        """Make the seed the kernel ``argv`` names; ``fds`` are its stdout and stderr."""
        request = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode()
        try:
            socket.send_fds(self._sock, [request], fds)
        finally:
            self._sock.close()
        return ForkedKernel(self.pid)


def _grow(sock: socket.socket) -> int:
    """In the seed: wait for the request, then be the kernel it names."""
    message, fds, _, _ = socket.recv_fds(sock, _MAX_REQUEST, 2)
    if not message:
        return 0  # the runner ended without a kernel
    request: dict[str, Any] = json.loads(message)
    os.setsid()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for target, fd in zip((1, 2), fds, strict=False):
        os.dup2(fd, target)
    sock.close()
    close_fds_except()
    os.chdir(request["cwd"])
    env: dict[str, str] = request["env"]
    argv: list[str] = request["argv"]
    if argv[:3] != [sys.executable, "-m", "ipykernel_launcher"]:
        os.execvpe(argv[0], argv, env)
    os.environ.clear()
    os.environ.update({**IMPORTS_SET, **env})
    set_dumpable(True)  # as a freshly started kernel is
    tempfile.tempdir = None
    spec = importlib.util.find_spec("ipykernel_launcher")
    sys.argv = [spec.origin if spec and spec.origin else "ipykernel_launcher", *argv[3:]]
    from ipykernel.kernelapp import IPKernelApp

    code: int = 0
    try:
        # As IPKernelApp.launch_instance, with the two settings it reads from the
        # environment when it is imported (in the warm parent, here) read now.
        app: Any = IPKernelApp.instance(
            parent_handle=int(env.get("JPY_PARENT_PID") or 0),
            interrupt=int(env.get("JPY_INTERRUPT_EVENT") or 0),
        )
        app.initialize()
        _meet_the_kernel()
        app.start()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    atexit._run_exitfuncs()
    return code


def _meet_the_kernel() -> None:
    """What warm modules do on import when a kernel is running, done now that one is:
    ipywidgets registers its comm targets."""
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets.register_comm_target()


def plant() -> None:
    """Fork this runner's seed (before it runs anything) and have nbval's kernels use it."""
    _seeds.append(KernelSeed.fork())
    install()


def install() -> None:
    """Make :class:`SeedProvisioner` jupyter_client's default provisioner in this process."""
    from importlib.metadata import EntryPoint

    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    factory = KernelProvisionerFactory.instance()
    factory.provisioners[PROVISIONER] = EntryPoint(
        PROVISIONER, f"{__name__}:SeedProvisioner", KernelProvisionerFactory.GROUP_NAME
    )
    factory.default_provisioner_name = PROVISIONER


def _fd(stream: Any, default: int) -> int:
    if stream is None:
        return default
    return stream if isinstance(stream, int) else int(stream.fileno())


class SeedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching its first kernel through the seed."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        if not _seeds:
            return await super().launch_kernel(cmd, **kwargs)
        seed = _seeds.pop()
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
        cwd = str(kwargs.get("cwd") or os.getcwd())
        fds = [_fd(kwargs.get("stdout"), 1), _fd(kwargs.get("stderr"), 2)]
        argv = [os.path.expanduser(part) for part in cmd]
        kernel = seed.launch(argv, env, cwd, fds)
        self.process = kernel  # type: ignore[assignment]  # what LocalProvisioner uses of a Popen
        self.pid = self.pgid = kernel.pid
        self.cwd = cwd
        return self.connection_info
