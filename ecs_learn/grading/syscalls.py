"""The few Linux calls a box forked from the warm parent needs, through ``ctypes``.

A box used to be made by programs (``unshare``, ``setpriv``) that then started a fresh
interpreter; a box forked from the warm parent (:mod:`ecs_learn.grading.warm`) makes the
same changes to itself: new namespaces, the slot's user with no groups and no new
privileges (and, where the interpreter needs it, only ``CAP_DAC_READ_SEARCH``), the
parent-death signal, and the box's marker where ``/proc/<pid>/environ`` shows it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from typing import Any

__all__ = [
    "CLONE_NEWNET",
    "CLONE_NEWNS",
    "CLONE_NEWPID",
    "become",
    "close_fds_except",
    "set_dumpable",
    "set_name",
    "set_parent_death_signal",
    "stamp_environ",
    "unshare",
]

CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE, _PR_SET_KEEPCAPS, _PR_SET_NAME = 1, 4, 8, 15
_PR_SET_NO_NEW_PRIVS, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE = 38, 47, 2
_CAP_DAC_READ_SEARCH = 2
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _prctl(option: int, arg: int, what: str, arg3: int = 0) -> None:
    _check(_libc().prctl(option, ctypes.c_ulong(arg), ctypes.c_ulong(arg3), 0, 0), what)


def close_fds_except(*keep: int) -> None:
    """Close every file descriptor from 3 up, except ``keep``."""
    low = 3
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


def unshare(flags: int) -> None:
    """Move this process into new namespaces (``CLONE_NEWPID``: its next child)."""
    _check(_libc().unshare(flags), "unshare")


def set_parent_death_signal(signum: int) -> None:
    """Get ``signum`` when the thread that forked this process ends."""
    _prctl(_PR_SET_PDEATHSIG, signum, "prctl(PR_SET_PDEATHSIG)")


def set_dumpable(dumpable: bool) -> None:
    """Whether processes of the same user may look into this one (``/proc``, ptrace)."""
    _prctl(_PR_SET_DUMPABLE, int(dumpable), "prctl(PR_SET_DUMPABLE)")


def set_name(name: str) -> None:
    """This process's name as ``ps`` and ``/proc/<pid>/comm`` show it (15 bytes at most)."""
    buffer = ctypes.create_string_buffer(name.encode()[:15])
    _check(_libc().prctl(_PR_SET_NAME, buffer, 0, 0, 0), "prctl(PR_SET_NAME)")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def become(uid: int, *, read_anything: bool) -> None:
    """Run as ``uid`` (its group too, no others) and never gain a privilege again.

    As ``setpriv --reuid --regid --clear-groups --no-new-privs`` does, plus, with
    ``read_anything``, ``--inh-caps=+dac_read_search --ambient-caps=+dac_read_search``:
    that one capability kept (effective, permitted, inheritable and ambient, so the
    programs the user starts keep it too), every other one gone.
    """
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    if read_anything:
        _prctl(_PR_SET_KEEPCAPS, 1, "prctl(PR_SET_KEEPCAPS)")
    os.setresuid(uid, uid, uid)
    if read_anything:
        header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
        only = 1 << _CAP_DAC_READ_SEARCH
        data = (_CapData * 2)(_CapData(only, only, only), _CapData(0, 0, 0))
        _check(_libc().capset(ctypes.byref(header), data), "capset")
        raise_ambient = (_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE)
        _prctl(*raise_ambient, "prctl(PR_CAP_AMBIENT)", _CAP_DAC_READ_SEARCH)
        _prctl(_PR_SET_KEEPCAPS, 0, "prctl(PR_SET_KEEPCAPS)")
    _prctl(_PR_SET_NO_NEW_PRIVS, 1, "prctl(PR_SET_NO_NEW_PRIVS)")


def stamp_environ(name: str, value: str) -> None:
    """Write ``value`` over ``name``'s placeholder in this process's first environment.

    ``/proc/<pid>/environ`` shows the environment a process was started with, not what
    it set later; a process forked from the warm parent shows the warm parent's. The
    warm parent is started with ``name=<placeholder of the same length>``, and each box
    stamps its own value there, so its processes — forked or started — carry it.
    """
    with open("/proc/self/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    start, end = int(fields[47]), int(fields[48])  # env_start, env_end (fields 50 and 51)
    with open("/proc/self/mem", "r+b", buffering=0) as mem:
        mem.seek(start)
        environ = mem.read(end - start)
        prefix = f"{name}=".encode()
        offset = 0
        for entry in environ.split(b"\0"):
            if entry.startswith(prefix):
                if len(entry) - len(prefix) != len(value):
                    raise ValueError(f"{name}'s placeholder is not {len(value)} bytes long")
                mem.seek(start + offset + len(prefix))
                mem.write(value.encode())
                return
            offset += len(entry) + 1
    raise LookupError(f"{name} is not in this process's first environment")
