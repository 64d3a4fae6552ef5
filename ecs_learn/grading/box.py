"""The grading box: where one submission's runner and kernel live, and nothing else.

``python -P -m ecs_learn.grading.box CONFIG`` is started by the grader
(:mod:`ecs_learn.grading.isolation`), inside fresh network, PID and mount namespaces
where the machine allows it. As the box's first process (root there) it:

1. brings up the namespace's loopback (the only interface it has);
2. puts a private ``/tmp``, ``/var/tmp`` and ``/dev/shm`` over the machine's, with the
   submission's work folder bound in, so nothing it writes is seen outside;
3. relays ``127.0.0.1:<port>`` to the door of the grader's moto server (a Unix socket
   the submission cannot open itself): the only way out of the box;
4. starts the runner (pytest + nbval, which starts the kernel) as the slot's
   unprivileged user (``setpriv``), with the limits applied, and waits for it.

When this process ends the kernel ends every other process in the PID namespace, so
nothing the submission started outlives its grading. Without namespaces
(``CONFIG["namespaced"]`` false) steps 1–3 are skipped: the kernel talks to the door
on a loopback port, and the grader ends the box's session and every process that
carries the box's marker in its environment.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import threading
from typing import Any

__all__ = ["main"]

_MS_REC, _MS_PRIVATE, _MS_BIND = 0x4000, 0x40000, 0x1000
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
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)

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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    config: dict[str, Any] = json.loads(args[0])
    work = config["work"]
    if config["namespaced"]:
        loopback_up()
        door = config["door"]
        moved = private_tmp({"box": work, "door": os.path.dirname(door)})
        work = moved["box"]
        relay(config["relay_port"], os.path.join(moved["door"], os.path.basename(door)))
    uid = config.get("uid")
    apply_limits(config["limits"], unprivileged=uid is not None)
    env = dict(config["env"])
    for name in ("HOME", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "TMPDIR"):
        env[name] = os.path.join(work, env[name])
    env["JUPYTER_RUNTIME_DIR"] = os.path.join(env["JUPYTER_DATA_DIR"], "runtime")
    fd = config["channel"]
    command = [
        *config["user_prefix"],
        *config["command"],
        f"--ecs-learn-channel={fd}",
        "--rootdir",
        work,
        os.path.join(work, config["notebook"]),
    ]
    runner = subprocess.Popen(
        command,
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        pass_fds=(fd,),
    )
    os.close(fd)
    return runner.wait()


if __name__ == "__main__":
    raise SystemExit(main())
