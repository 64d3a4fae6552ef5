"""The grading box: where one submission's runner and kernel live, and nothing else.

A box is forked from the pool's warm parent (:mod:`ecs_learn.grading.warm`), which has
the runner's and the kernel's imports done; :func:`start_box` is its first process. In
a new session, with the box's marker stamped into what ``/proc`` shows of its
environment, it moves into fresh network, PID and mount namespaces where the machine
allows it (``unshare``) and forks the namespace's first process (root there), which:

1. puts a private ``/tmp``, ``/var/tmp`` and ``/dev/shm`` over the machine's, with the
   submission's work folder bound in, so nothing it writes is seen outside, and mounts
   the namespace's own ``/proc``;
2. brings up the namespace's loopback (the only interface it has);
3. relays ``127.0.0.1:<port>`` to the door of the grader's moto server (a Unix socket
   the submission cannot open itself): the only way out of the box;
4. applies the limits and forks the runner (pytest + nbval, in-process), which becomes
   the slot's unprivileged user (no groups, no new privileges) and forks the kernel's
   seed (:mod:`ecs_learn.grading.kernel_seed`) before it reads the notebook.

When the namespace's first process ends, the kernel ends every other process in the
namespace, so nothing the submission started outlives its grading. Without namespaces
(``config["namespaced"]`` false) steps 1–3 are skipped: the kernel talks to the door on
a loopback port, and the grader ends the box's session and every process that carries
the box's marker in its environment.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import sys
import tempfile
import threading
import traceback
from typing import Any

from ecs_learn.grading.isolation import BOX_MARKER_ENV
from ecs_learn.grading.syscalls import (
    CLONE_NEWNET,
    CLONE_NEWNS,
    CLONE_NEWPID,
    become,
    close_fds_except,
    set_dumpable,
    set_name,
    set_parent_death_signal,
    stamp_environ,
    unshare,
)

__all__ = [
    "apply_limits",
    "loopback_up",
    "mount_proc",
    "private_tmp",
    "relay",
    "run_box",
    "start_box",
]

_MS_REC, _MS_PRIVATE, _MS_BIND = 0x4000, 0x40000, 0x1000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 0x2, 0x4, 0x8
_PRIVATE_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def _libc() -> Any:
    import ctypes
    import ctypes.util

    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    import ctypes

    libc = _libc()
    if libc.mount(
        source.encode(),
        target.encode(),
        None if fstype is None else fstype.encode(),
        flags,
        None if data is None else data.encode(),
    ):
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {source} on {target}: {os.strerror(errno)}")


def loopback_up() -> None:
    """``ip link set lo up``, without needing ``ip``."""
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, siocgifflags, request + b"\0" * 14)[:18])[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH", b"lo", flags | iff_up) + b"\0" * 14)


def private_tmp(keep: dict[str, str]) -> dict[str, str]:
    """Private temporary folders; the folders in ``keep`` (name -> path) stay reachable.

    Returns where each of them is found afterwards (``/tmp/ecs-learn-<name>``).
    """
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE, None)
    fds = {name: os.open(path, os.O_RDONLY | os.O_DIRECTORY) for name, path in keep.items()}
    needed = [sys.prefix, *(p for p in sys.path if p)]
    for folder in _PRIVATE_DIRS:
        hides_python = any(os.path.abspath(p).startswith(folder + os.sep) for p in needed)
        if os.path.isdir(folder) and not hides_python:
            _mount("tmpfs", folder, "tmpfs", 0, "mode=1777,size=256m")
    moved: dict[str, str] = {}
    for name, fd in fds.items():
        inside = f"/tmp/ecs-learn-{name}"
        os.makedirs(inside, mode=0o700, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", inside, None, _MS_BIND, None)
        os.close(fd)
        moved[name] = inside
    return moved


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    for sock in (source, sink):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def relay(port: int, door: str) -> None:
    """Forward every connection to ``127.0.0.1:port`` to the Unix socket ``door``."""
    serve_relay(relay_listener(port), door)


def serve_relay(listener: socket.socket, door: str) -> None:
    """Forward every connection ``listener`` accepts to the Unix socket ``door``."""

    def serve() -> None:
        while True:
            client, _ = listener.accept()
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(door)
            except OSError:
                client.close()
                upstream.close()
                continue
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(a, b), daemon=True).start()

    threading.Thread(target=serve, daemon=True, name="ecs-learn-relay").start()


def apply_limits(limits: dict[str, int | None], *, unprivileged: bool) -> None:
    """Set the box's resource limits on this process; the runner and kernel inherit them.

    The process count is a per-user limit, so it only means something for the slot's
    unprivileged user (root is exempt from it).
    """
    pairs = (
        (resource.RLIMIT_AS, limits.get("memory")),
        (resource.RLIMIT_CPU, limits.get("cpu")),
        (resource.RLIMIT_FSIZE, limits.get("file_size")),
        (resource.RLIMIT_NPROC, limits.get("processes") if unprivileged else None),
        (resource.RLIMIT_CORE, 0),
    )
    for which, value in pairs:
        if value is not None:
            hard = value + 5 if which == resource.RLIMIT_CPU else value
            resource.setrlimit(which, (value, hard))


def mount_proc() -> None:
    """A ``/proc`` of this PID namespace (``unshare --mount-proc``), in a private mount tree."""
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE, None)
    _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, None)


def relay_listener(port: int) -> socket.socket:
    """The relay's listening socket, made before the runner is forked (connections wait)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    return listener


def _pids_line(fd: int, what: str, pid: int) -> None:
    os.write(fd, f"{what} {pid}\n".encode())


def start_box(config: dict[str, Any], fds: list[int]) -> int:
    """The box's first process, just forked from the warm parent; returns its exit code.

    ``fds`` are the channel's write end (for the runner), the box's *life* pipe (its
    pids are written there and its end is that pipe's end: it closes when the box is
    gone) and where the box's output goes. In a new session, with the box's marker
    stamped where ``/proc`` shows it; with namespaces, its child is the namespace's
    first process (the grader ends the box by killing that one) and this one waits for
    it, so the life pipe closes only once every process of the namespace is gone.
    """
    channel, life, out = fds
    set_name("grade-box")
    set_parent_death_signal(signal.SIGKILL)
    os.setsid()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    close_fds_except(channel, life)
    stamp_environ(BOX_MARKER_ENV, config["marker"])
    _pids_line(life, "box", os.getpid())
    if not config["namespaced"]:
        return run_box(config, channel)
    unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID)
    first = os.fork()
    if first == 0:
        code = 70
        try:
            set_name("grade-box-init")
            set_parent_death_signal(signal.SIGKILL)  # as ``unshare --kill-child``
            os.close(life)
            code = run_box(config, channel)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(channel)
    _pids_line(life, "init", first)
    _, status = os.waitpid(first, 0)
    return os.waitstatus_to_exitcode(status)


def run_box(config: dict[str, Any], channel: int) -> int:
    """Steps 1-4 of the module's text; returns the runner's exit code."""
    work = config["work"]
    listener = None
    if config["namespaced"]:
        door = config["door"]
        moved = private_tmp({"box": work, "door": os.path.dirname(door)})
        mount_proc()
        loopback_up()
        work = moved["box"]
        door = os.path.join(moved["door"], os.path.basename(door))
        listener = relay_listener(config["relay_port"])
    uid = config.get("uid")
    apply_limits(config["limits"], unprivileged=uid is not None)
    env = dict(config["env"])
    for name in ("HOME", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "TMPDIR"):
        env[name] = os.path.join(work, env[name])
    env["JUPYTER_RUNTIME_DIR"] = os.path.join(env["JUPYTER_DATA_DIR"], "runtime")
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    runner = os.fork()
    if runner == 0:
        code = 70
        try:
            if listener is not None:
                listener.close()
            code = run_runner(config, env, work, channel)
        except BaseException:
            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            os._exit(code)
    os.close(channel)
    if listener is not None:
        serve_relay(listener, door)
    _, status = os.waitpid(runner, 0)
    return os.waitstatus_to_exitcode(status)


def run_runner(config: dict[str, Any], env: dict[str, str], work: str, channel: int) -> int:
    """The runner: pytest + nbval in this process, as the slot's user, its kernel seeded."""
    from ecs_learn.grading import kernel_seed, pytest_main

    set_name("grade-runner")
    close_fds_except(channel)
    uid = config.get("uid")
    if uid is not None:
        become(uid, read_anything=config["read_anything"])
    set_dumpable(False)  # the kernel, same user, stays out of the channel
    os.chdir(work)
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None
    kernel_seed.plant()
    args = [
        *config["args"],
        f"--ecs-learn-channel={channel}",
        "--rootdir",
        work,
        os.path.join(work, config["notebook"]),
    ]
    return pytest_main.main(args)
