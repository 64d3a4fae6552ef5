"""A class of hostile and broken submissions, built in code from the lab 01 instructor
notebook, each with the score per check and the words its grade must carry."""

from __future__ import annotations

import copy
import json
import socket
import subprocess
import tempfile
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecs_learn.checks import get_lab
from ecs_learn.grading.notebooks import cell_check_id, cell_source, read_notebook
from ecs_learn.grading.release import student_version

LAB = get_lab("01")
SOURCE = LAB.notebook_path
FULL = {c.id: float(c.points) for c in LAB.checks}
CODE_CELLS = sum(1 for c in read_notebook(SOURCE)["cells"] if c.get("cell_type") == "code")

Notebook = dict[str, Any]


def zero(*keep: str) -> dict[str, float]:
    return {k: (v if k in keep else 0.0) for k, v in FULL.items()}


def minus(*lost: str) -> dict[str, float]:
    return {k: (0.0 if k in lost else v) for k, v in FULL.items()}


@dataclass
class Case:
    name: str
    build: Callable[[Path], str | Notebook]  # the folder -> the file's content
    checks: dict[str, float] | None  # None: not graded (invalid)
    says: tuple[str, ...] = ()
    status: str = "graded"
    file: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return self.file or f"{self.name}.ipynb"


def solution() -> Notebook:
    return copy.deepcopy(read_notebook(SOURCE))


def empty() -> Notebook:
    return student_version(solution())


def _code(nb: Notebook) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c.get("cell_type") == "code"]


def replace_in(nb: Notebook, number: int, old: str, new: str) -> Notebook:
    cell = _code(nb)[number - 1]
    source = cell_source(cell)
    assert old in source, (number, old)
    cell["source"] = source.replace(old, new)
    return nb


def set_cell(nb: Notebook, number: int, source: str) -> Notebook:
    _code(nb)[number - 1]["source"] = textwrap.dedent(source)
    return nb


def append(nb: Notebook, source: str) -> Notebook:
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "source": textwrap.dedent(source),
            "outputs": [],
            "execution_count": None,
        }
    )
    return nb


PLANT = """
import json, os, pathlib
fake = 'import sys\\nraise SystemExit("planted module ran")\\n'
for name in ("yaml.py", "boto3.py", "conftest.py", "ecs_learn.py"):
    pathlib.Path(name).write_text(fake)
result = {"format": 2, "lab_id": "01", "cells": [], "results": [], "error": None}
for name in ("result.json", "ecs-learn-result.json", "grades.csv", "grades.json"):
    pathlib.Path(name).write_text(json.dumps(result))
"""

STARTUP = """
import os, pathlib
builder = '''
import boto3, json
iam = boto3.client("iam")
iam.create_role(RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal":
    {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
'''
for base in (os.environ.get("IPYTHONDIR", ""), os.path.expanduser("~/.ipython"), "/tmp/.ipython",
             "/tmp/ipython"):
    if base:
        d = pathlib.Path(base, "profile_default", "startup")
        try:
            d.mkdir(parents=True, exist_ok=True)
            (d / "00-build.py").write_text(builder)
        except OSError:
            pass
"""

LEFTOVER = """
import os, subprocess, sys
endpoint = os.environ["ECS_LEARN_ENDPOINT"]
daemon = '''
import json, os, sys, time
os.setsid()
time.sleep(4)
import botocore.session
s = botocore.session.get_session()
iam = s.create_client("iam", region_name="us-east-1", endpoint_url=sys.argv[1],
                      aws_access_key_id="x", aws_secret_access_key="x")
for _ in range(200):
    try:
        iam.create_role(RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument="{}")
    except Exception:
        pass
    time.sleep(0.5)
'''
for _ in range(3):
    subprocess.Popen([sys.executable, "-c", daemon, endpoint], env={"PATH": "/usr/bin"},
                     start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""

WRITER = """
import pathlib
for target in {targets!r}:
    try:
        pathlib.Path(target).write_text("overwritten by a classmate")
        print("WROTE", target)
    except OSError as exc:
        print("refused", target, exc)
"""

PROBE = """
import json, os, socket, urllib.request
endpoint = os.environ["ECS_LEARN_ENDPOINT"]
for host in {hosts!r}:
    try:
        socket.create_connection((host, {port}), timeout=2).sendall(b"raw tcp")
    except OSError:
        pass
    try:
        urllib.request.urlopen(f"http://{{host}}:{port}/urllib", timeout=2)
    except Exception:
        pass
    try:
        from botocore.httpsession import URLLib3Session
        import importlib, ecs_learn.sandbox.guard as guard
        import botocore.httpsession
        importlib.reload(botocore.httpsession)  # the guard undone
        import boto3
        boto3.client("iam", endpoint_url=f"http://{{host}}:{port}", region_name="us-east-1",
                     aws_access_key_id="x", aws_secret_access_key="x").list_roles()
    except Exception:
        pass
for path in ("/moto-api/reset", "/moto-api/reset-auth", "/moto-api/data.json",
             "/moto-api/state-manager/set-transition"):
    hostile = ({{}}, {{"x-moto-account-id": "000000000000"}}, {{"Host": "motoapi.amazonaws.com"}})
    for headers in hostile:
        try:
            urllib.request.urlopen(urllib.request.Request(endpoint + path, data=b"{{}}",
                                   headers=headers, method="POST"), timeout=5)
        except Exception:
            pass
"""

# From inside the box, every management route of its server, each with the headers a
# submission might try: refused by the guard (403 with its header), or named. The cell
# raises with what it saw, and the grade's feedback carries that line out of the box.
MANAGEMENT_ROUTES = (
    "/moto-api/reset",
    "/moto-api/reset-auth",
    "/moto-api/seed?a=7",
    "/moto-api/data.json",
    "/moto-api/state-manager/set-transition",
    "/moto-api/state-manager/unset-transition",
    "/moto-api/recorder/start-recording",
    "/moto-api/config",
    "/MOTO-API/reset",
    "//moto-api/reset",
    "/moto%2Dapi/reset",
    "/ecs-learn/ext/scaling",
    "/ecs-learn/runtime/reset",
    "/ecs-learn/runtime/advance/../../ext/scaling",
)
MANAGEMENT_HEADERS = (
    {},
    {"x-moto-account-id": "000000000000"},
    {"Host": "motoapi.amazonaws.com"},
    {"x-ecs-learn-token": "0123456789abcdef0123456789abcdef"},
)
MANAGEMENT_TRIES = len(MANAGEMENT_ROUTES) * len(MANAGEMENT_HEADERS) + 1  # and Host on "/"

MANAGEMENT_PROBE = """
import json, os, urllib.error, urllib.request
endpoint = os.environ["ECS_LEARN_ENDPOINT"]
tries = [(r, h) for r in ROUTES for h in HEADERS] + [("/", {"Host": "motoapi.amazonaws.com"})]
refused, answered = 0, []
for route, headers in tries:
    request = urllib.request.Request(endpoint + route, data=b"{}", headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            answered.append(f"{route} {answer.status}")
    except urllib.error.HTTPError as exc:
        if exc.code == 403 and exc.headers.get("x-ecs-learn-refused") == "management":
            refused += 1
        else:
            answered.append(f"{route} {exc.code}")
    except OSError as exc:
        answered.append(f"{route} {type(exc).__name__}")
raise RuntimeError("PROBE-MANAGEMENT " + json.dumps({"refused": refused, "answered": answered[:4]}))
"""

# From inside the box: which loopback ports answer (beyond the kernel's own channels) and
# whose they are, what the machine's other addresses say, and which slot door sockets
# can be seen (and whether one lets it in).
NETWORK_PROBE = """
import errno, glob, json, socket
from ipykernel.connect import get_connection_info
info = get_connection_info(unpack=True)
kernel = {info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}
listening = []
for port in range(1, 65536):
    s = socket.socket()
    try:  # (a connect to a free port can meet itself: that is no listener)
        if s.connect_ex(("127.0.0.1", port)) == 0 and s.getsockname()[1] != port:
            listening.append(port)
    finally:
        s.close()
others = {}
for host in HOSTS:
    if host != "127.0.0.1":
        s = socket.socket()
        s.settimeout(2)
        others[host] = errno.errorcode.get(s.connect_ex((host, PORT)), "connected")
        s.close()
doors = {}
for path in glob.glob(f"{TMP}/ecs-learn-grade-*/slot-*/server/door.sock"):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        said = "connected"
    except OSError as exc:
        said = errno.errorcode.get(exc.errno or 0, "refused")
    finally:
        s.close()
    doors[said] = doors.get(said, 0) + 1  # counts: a path each would outgrow the error line
uids = {}  # who listens (this namespace's table: the box's own sockets only)
for name in ("/proc/net/tcp", "/proc/net/tcp6"):
    with open(name) as table:
        for row in list(table)[1:]:
            fields = row.split()
            if fields[3] == "0A":  # LISTEN
                uids[int(fields[1].rsplit(":", 1)[1], 16)] = int(fields[7])
open_ports = sorted(set(listening) - kernel)
seen = {"open": {p: uids.get(p) for p in open_ports}, "others": others, "doors": doors}
raise RuntimeError("PROBE-NETWORK " + json.dumps(seen))
"""


def probe_cells(hosts: list[str], port: int) -> tuple[str, str]:
    """The two probe cells, with what they target written in (the pools' folders are in
    the grader's temporary folder)."""
    management = f"ROUTES = {MANAGEMENT_ROUTES!r}\nHEADERS = {MANAGEMENT_HEADERS!r}\n"
    network = f"HOSTS = {hosts!r}\nPORT = {port}\nTMP = {tempfile.gettempdir()!r}\n"
    return management + MANAGEMENT_PROBE, network + NETWORK_PROBE


def cases(folder: Path, listener: tuple[list[str], int], protected: list[str]) -> list[Case]:
    hosts, port = listener
    management, network = probe_cells(hosts, port)
    return [
        Case("correct", lambda _: solution(), FULL),
        Case("dash", lambda _: solution(), FULL, file="-x.ipynb"),
        Case("empty", lambda _: empty(), zero(), ("expected exists",)),
        Case("planted_modules", lambda _: append(empty(), PLANT), zero()),
        Case("startup_file", lambda _: append(empty(), STARTUP), zero()),
        Case("leftover", lambda _: append(empty(), LEFTOVER), zero()),
        Case("zz_after_leftover", lambda _: empty(), zero()),
        Case(
            "writer",
            lambda _: append(empty(), WRITER.format(targets=protected)),
            zero(),
        ),
        Case(
            "lenient_bridge",
            lambda _: replace_in(
                solution(),
                13,
                "ecs.register_task_definition(**fixed)",
                'fixed["networkMode"] = "bridge"\nfrom ecs_learn import strict\n'
                "with strict.lenient():\n    ecs.register_task_definition(**fixed)",
            ),
            minus("repair-task"),
            ("awsvpc",),
        ),
        Case("edited_checks", lambda _: edited(), FULL, ("was edited; it was restored",)),
        Case("deleted_checks", lambda _: deleted(), FULL, ("is missing",)),
        Case(
            "kill9",
            lambda _: set_cell(solution(), 4, "import os\nos.kill(os.getpid(), 9)\n"),
            zero("execution-role"),
            (
                "the kernel died in code cell 4 (killed by signal 9 (SIGKILL))",
                f"code cells 5–{CODE_CELLS} were not run",
            ),
        ),
        Case(
            "memory",
            lambda _: set_cell(solution(), 4, "hog = bytearray(3 * 1024**3)\n"),
            minus("task-role", "fargate-task"),
            ("code cell 4 used more than 2 GiB of memory",),
        ),
        Case(
            "big_output",
            lambda _: replace_in(
                solution(), 2, "iam = boto3.client", 'print("x" * 5_000_000)\niam = boto3.client'
            ),
            FULL,
            ("code cell 2 used more than 1 MiB of output",),
        ),
        Case(
            "looper",
            lambda _: set_cell(solution(), 4, "while True:\n    pass\n"),
            minus("task-role", "fargate-task"),
            ("code cell 4 ran longer than the",),
        ),
        Case("other_kernel", lambda _: other_kernel(), FULL),
        Case(
            "huge_cell",
            lambda _: append(solution(), "x = 1\n" + "#" * 1_100_000 + "\n"),
            FULL,
            (f"code cell {CODE_CELLS + 1} is larger than 1024 KiB and was not run",),
        ),
        Case(
            "iam_lowercase",
            lambda _: replace_in(
                solution(), 4, '"Action": "s3:GetObject"', '"Action": "s3:getobject"'
            ),
            FULL,
        ),
        Case(
            # AWS accepts a container with only memoryReservation (moto did not): graded, not
            # refused; the brief asked for a 256 MiB hard limit, so that one row is missed.
            "ec2_reservation",
            lambda _: replace_in(solution(), 6, '"memory": 256,', '"memoryReservation": 128,'),
            {**FULL, "ec2-task": FULL["ec2-task"] - 0.25},
            ("ec2-task: container memory: expected 256, found 128",),
        ),
        Case(
            "probe",
            lambda _: append(
                append(append(solution(), PROBE.format(hosts=hosts, port=port)), management),
                network,
            ),
            FULL,  # the account still holds all it built: nothing reset it
            ("PROBE-MANAGEMENT", "PROBE-NETWORK"),
        ),
        Case(
            "nbformat3",
            lambda _: json.dumps(
                {"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}
            ),
            None,
            ("not a version 4 notebook", "nbconvert"),
            status="invalid",
        ),
        Case(
            "not_a_notebook",
            lambda _: "print('hello')\n",
            None,
            ("invalid JSON",),
            status="invalid",
        ),
    ]


def edited() -> Notebook:
    nb = solution()
    checks = [c for c in nb["cells"] if cell_check_id(c)]
    for cell in checks:
        cell["source"] = "print('passed!')  # trust me"
    nb["cells"].insert(0, copy.deepcopy(checks[-1]))  # moved up, and so repeated
    nb["cells"].append(copy.deepcopy(checks[0]))
    return nb


def deleted() -> Notebook:
    nb = solution()
    nb["cells"] = [c for c in nb["cells"] if not cell_check_id(c)]
    return nb


def other_kernel() -> Notebook:
    nb = solution()
    nb["metadata"]["kernelspec"] = {
        "name": "conda-env-ml-py",
        "display_name": "ML",
        "language": "python",
    }
    return nb


class Listener:
    """A TCP port on every address of the grader's namespace that records who arrives."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("0.0.0.0", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.arrivals: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                self.arrivals.append(conn.recv(100))
            except OSError:
                self.arrivals.append(b"")
            conn.close()


def addresses() -> list[str]:
    """Loopback (the grader's: another submission's server would be there) and every other
    IPv4 address this machine has in this namespace."""
    found = ["127.0.0.1"]
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True).stdout
        found += [line.split()[3].split("/")[0] for line in out.splitlines() if " lo " not in line]
    except OSError:
        pass
    return found
