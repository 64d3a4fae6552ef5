"""Task placement on EC2 container instances, as Amazon ECS documents it (pure: no AWS calls).

Inputs are values: :class:`Host` (a container instance and what is left on it) and
:class:`Demand` (what one task needs). :func:`place_many` places N tasks one at a time,
updating the hosts as it goes, and says for each task where it went or, in AWS's words,
why it could not be placed. :func:`hosts_from_api` and :meth:`Demand.from_task_definition`
build the values from describe_* answers.

Behaviour and sources (Amazon ECS Developer Guide):

* Order of selection — resources (CPU, memory, ports), then constraints, then strategies
  ("How Amazon ECS places tasks on container instances", task-placement.html).
* Strategies ``binpack`` (least remaining ``cpu``/``memory``), ``spread`` (over a ``field``:
  ``instanceId``/``host`` or ``attribute:NAME``, counting the tasks of the same group),
  ``random``; a list is applied in order, each one breaking the previous one's ties. The
  service default is ``spread`` on ``attribute:ecs.availability-zone``; RunTask's is
  ``random`` (task-placement-strategies.html). Remaining ties are broken by the seeded
  ``random.Random`` passed in, so a run is reproducible.
* Constraints ``distinctInstance`` (each task of a group on a different instance) and
  ``memberOf`` with the cluster query language (task-placement-constraints.html,
  cluster-query-language.html): subjects ``attribute:NAME``, ``ec2InstanceId``,
  ``task:group``, ``runningTasksCount``, ``agentConnected``; operators ``==``/``equals``,
  ``!=``, ``>``/``>=``/``<``/``<=``, ``exists``/``!exists``, ``in``/``!in`` with ``[a, b]``,
  ``=~``/``!~`` (a Java-style regex matched against the whole value); ``and``/``&&``,
  ``or``/``||``, ``not``/``!`` and parentheses.
* Memory a container reserves: its hard ``memory`` limit, else its ``memoryReservation``;
  the task-level ``memory`` when that is larger or containers set neither
  (task_definition_parameters.html, "memory"/"memoryReservation").
* Host ports: a ``hostPort`` > 0 is static and conflicts with the same port/protocol on
  the host; ``hostPort`` 0 or absent in ``bridge`` mode is dynamic and never conflicts; in
  ``host`` mode the container port is the host port; ``awsvpc`` tasks use their own ENI
  (no host ports) (API PortMapping). Registered reserved ports (22, 2375, 2376, 51678,
  51679) count as in use.
* When no instance fits, the service event is AWS's: "service NAME was unable to place a
  task because no container instance met all of its requirements. The closest matching
  container-instance ID has insufficient memory available. For more information, see the
  Troubleshooting section of the Amazon ECS Developer Guide." — with "has insufficient
  CPU units available", "is already using a port required by your task", "encountered
  error "MemberOf placement constraint unsatisfied."" for the other reasons, and "No
  Container Instances were found in your cluster." when there are none
  (service-event-messages.html; the constraint wording as real AWS events show it). The
  RunTask failure reasons are ``RESOURCE:CPU``, ``RESOURCE:MEMORY``, ``RESOURCE:PORTS``,
  ``RESOURCE:PORTS_UDP``, ``AGENT``, "MemberOf placement constraint unsatisfied." and
  "DistinctInstance placement constraint unsatisfied." (api_failures_messages.html).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

__all__ = [
    "RUN_TASK_DEFAULT_STRATEGY",
    "SERVICE_DEFAULT_STRATEGY",
    "Demand",
    "Host",
    "Placement",
    "QueryError",
    "Reason",
    "hosts_from_api",
    "matches_expression",
    "place",
    "place_many",
    "unplaced_event",
]

Port = tuple[int, str]  # (host port, "tcp" | "udp")

SERVICE_DEFAULT_STRATEGY: tuple[Mapping[str, str], ...] = (
    {"type": "spread", "field": "attribute:ecs.availability-zone"},
)
RUN_TASK_DEFAULT_STRATEGY: tuple[Mapping[str, str], ...] = ({"type": "random"},)

_EVENT_START = (
    "service {service} was unable to place a task because no container instance met all "
    "of its requirements."
)
_EVENT_END = (
    " For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
)


class Reason(Enum):
    """Why the closest matching instance could not take the task (in check order)."""

    NO_INSTANCES = "NO_INSTANCES"
    AGENT = "AGENT"
    CPU = "RESOURCE:CPU"
    MEMORY = "RESOURCE:MEMORY"
    PORTS = "RESOURCE:PORTS"
    PORTS_UDP = "RESOURCE:PORTS_UDP"
    DISTINCT_INSTANCE = "DistinctInstance placement constraint unsatisfied."
    MEMBER_OF = "MemberOf placement constraint unsatisfied."


_CLOSEST_TEXT = {
    Reason.AGENT: 'encountered error "AGENT".',
    Reason.CPU: "has insufficient CPU units available.",
    Reason.MEMORY: "has insufficient memory available.",
    Reason.PORTS: "is already using a port required by your task.",
    Reason.PORTS_UDP: "is already using a port required by your task.",
    Reason.DISTINCT_INSTANCE: f'encountered error "{Reason.DISTINCT_INSTANCE.value}".',
    Reason.MEMBER_OF: f'encountered error "{Reason.MEMBER_OF.value}".',
}
_ORDER = list(Reason)


@dataclass(frozen=True)
class Host:
    """A container instance as placement sees it: what is left, and what runs there.

    ``cpu``/``memory`` are the *remaining* units/MiB; ``ports`` the host ports in use
    (reserved ones included); ``groups``/``families`` one entry per task running there.
    """

    arn: str
    instance_id: str
    availability_zone: str = ""
    instance_type: str = ""
    cpu: int = 0
    memory: int = 0
    ports: frozenset[Port] = frozenset()
    groups: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    attributes: Mapping[str, str | None] = field(default_factory=dict)
    status: str = "ACTIVE"
    agent_connected: bool = True

    @property
    def id(self) -> str:
        """The container instance ID (the last part of its ARN), as events name it."""
        return self.arn.rsplit("/", 1)[-1]

    @property
    def running_tasks(self) -> int:
        return len(self.groups)

    def attribute(self, name: str) -> str | None:
        if name == "ecs.availability-zone" and self.availability_zone:
            return self.attributes.get(name, self.availability_zone)
        if name == "ecs.instance-type" and self.instance_type:
            return self.attributes.get(name, self.instance_type)
        return self.attributes.get(name)

    def with_task(self, demand: Demand) -> Host:
        """This host after ``demand`` was placed on it."""
        return replace(
            self,
            cpu=self.cpu - demand.cpu,
            memory=self.memory - demand.memory,
            ports=self.ports | demand.ports,
            groups=(*self.groups, demand.group),
            families=(*self.families, demand.family),
        )


@dataclass(frozen=True)
class Demand:
    """What one task needs from a host: CPU units, memory MiB, static host ports, its group."""

    cpu: int = 0
    memory: int = 0
    ports: frozenset[Port] = frozenset()
    group: str = ""
    family: str = ""

    @classmethod
    def from_task_definition(
        cls, task_definition: Mapping[str, Any], group: str | None = None
    ) -> Demand:
        """The demand of a task of ``task_definition`` (a describe_task_definition answer).

        ``group`` defaults to ``family:FAMILY`` as for RunTask; services pass
        ``service:NAME``.
        """
        td = task_definition.get("taskDefinition", task_definition)
        containers: Sequence[Mapping[str, Any]] = td.get("containerDefinitions", [])
        mode = td.get("networkMode") or "bridge"
        cpu = sum(_int(c.get("cpu")) for c in containers)
        memory = sum(_int(c.get("memory")) or _int(c.get("memoryReservation")) for c in containers)
        cpu = max(cpu, _int(td.get("cpu")))
        memory = max(memory, _int(td.get("memory")))
        ports: set[Port] = set()
        if mode != "awsvpc":
            for container in containers:
                for mapping in container.get("portMappings", []) or []:
                    port = _int(mapping.get("hostPort"))
                    if mode == "host" and not port:
                        port = _int(mapping.get("containerPort"))
                    if port > 0:
                        ports.add((port, str(mapping.get("protocol") or "tcp").lower()))
        family = str(td.get("family", ""))
        return cls(cpu, memory, frozenset(ports), group or f"family:{family}", family)


@dataclass(frozen=True)
class Placement:
    """Where one task went (``host``, as it was before the task) or why it could not."""

    host: Host | None
    reason: Reason | None = None
    closest: Host | None = None

    @property
    def placed(self) -> bool:
        return self.host is not None

    @property
    def failure_reason(self) -> str | None:
        """The RunTask ``failures[].reason`` for an unplaced task."""
        if self.reason is None:
            return None
        if self.reason is Reason.NO_INSTANCES:
            return "No Container Instances were found in your cluster."
        return str(self.reason.value)

    def event(self, service: str) -> str | None:
        """The service event message for an unplaced task of ``service``."""
        if self.reason is None:
            return None
        return unplaced_event(service, self.reason, self.closest)


def unplaced_event(service: str, reason: Reason, closest: Host | None = None) -> str:
    """AWS's service event text for a task that no container instance could take."""
    start = _EVENT_START.format(service=service)
    if reason is Reason.NO_INSTANCES or closest is None:
        return f"{start} No Container Instances were found in your cluster.{_EVENT_END}"
    return (
        f"{start} The closest matching container-instance {closest.id} "
        f"{_CLOSEST_TEXT[reason]}{_EVENT_END}"
    )


# -- the cluster query language ---------------------------------------------------------
class QueryError(ValueError):
    """A memberOf expression that does not parse."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<open>\() | (?P<close>\)) | (?P<lopen>\[) | (?P<lclose>\]) | (?P<comma>,)
    | (?P<op>==|!=|>=|<=|=~|!~|>|<|&&|\|\||!in\b|!exists\b|!)
    | '(?P<sq>[^']*)' | "(?P<dq>[^"]*)"
    | (?P<word>[^\s()\[\],=!<>]+)
    )""",
    re.VERBOSE,
)
_COMPARE = {
    "==": "==", "equals": "==", "!=": "!=", "not_equals": "!=",
    ">": ">", "greater_than": ">", ">=": ">=", "greater_than_equal": ">=",
    "<": "<", "less_than": "<", "<=": "<=", "less_than_equal": "<=",
    "exists": "exists", "!exists": "!exists", "not_exists": "!exists",
    "in": "in", "!in": "!in", "not_in": "!in",
    "=~": "=~", "matches": "=~", "!~": "!~", "not_matches": "!~",
}  # fmt: skip
Predicate = Callable[[Host], bool]


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise QueryError(f"cannot read the expression at: {text[position:]!r}")
        position = match.end()
        kind = match.lastgroup or ""
        value = match.group(kind) if kind else ""
        if kind in ("sq", "dq"):
            kind = "word"
        found.append((kind, value))
    return found


class _Parser:
    def __init__(self, text: str) -> None:
        self.items = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.items[self.at] if self.at < len(self.items) else ("end", "")

    def take(self) -> tuple[str, str]:
        item = self.peek()
        self.at += 1
        return item

    def parse(self) -> Predicate:
        predicate = self.disjunction()
        if self.peek()[0] != "end":
            raise QueryError(f"unexpected {self.peek()[1]!r}")
        return predicate

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.peek()[1].lower() in ("or", "||"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda h: any(p(h) for p in parts))

    def conjunction(self) -> Predicate:
        parts = [self.negation()]
        while self.peek()[1].lower() in ("and", "&&"):
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else (lambda h: all(p(h) for p in parts))

    def negation(self) -> Predicate:
        kind, value = self.peek()
        if value == "!" or (kind == "word" and value.lower() == "not"):
            self.take()
            inner = self.negation()
            return lambda h: not inner(h)
        if kind == "open":
            self.take()
            inner = self.disjunction()
            if self.take()[0] != "close":
                raise QueryError("a parenthesis is not closed")
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        kind, subject = self.take()
        if kind != "word":
            raise QueryError(f"expected a subject, found {subject!r}")
        operator = _COMPARE.get(self.take()[1].lower())
        if operator is None:
            raise QueryError(f"unknown operator after {subject!r}")
        if operator in ("exists", "!exists"):
            want = operator == "exists"
            return lambda h: bool(_subject_values(h, subject)) == want
        if operator in ("in", "!in"):
            if self.take()[0] != "lopen":
                raise QueryError(f"{operator} expects a list like [a, b]")
            arguments: list[str] = []
            while self.peek()[0] not in ("lclose", "end"):
                item_kind, item = self.take()
                if item_kind == "word":
                    arguments.append(item)
            if self.take()[0] != "lclose":
                raise QueryError("a list is not closed")
            inside = operator == "in"
            return lambda h: any(v in arguments for v in _subject_values(h, subject)) == inside
        arg_kind, argument = self.take()
        if arg_kind != "word":
            raise QueryError(f"{subject} {operator} needs an argument")
        return _compare(subject, operator, argument)


def _compare(subject: str, operator: str, argument: str) -> Predicate:
    if operator in ("=~", "!~"):
        try:
            pattern = re.compile(argument)
        except re.error as exc:
            raise QueryError(f"bad pattern {argument!r}: {exc}") from exc
        want = operator == "=~"
        return lambda h: any(pattern.fullmatch(v) for v in _subject_values(h, subject)) == want
    if operator == "==":
        return lambda h: argument in _subject_values(h, subject)
    if operator == "!=":
        return lambda h: argument not in _subject_values(h, subject)

    def ordered(host: Host) -> bool:
        key = _order_key(argument)
        for value in _subject_values(host, subject):
            left = _order_key(value)
            if type(left) is not type(key):
                continue
            if {">": left > key, ">=": left >= key, "<": left < key, "<=": left <= key}[operator]:
                return True
        return False

    return ordered


def _order_key(value: str) -> Any:
    try:
        return (0, float(value))
    except ValueError:
        pass
    if re.fullmatch(r"\d+(\.\d+)+", value):
        return (1, tuple(int(p) for p in value.split(".")))
    return (2, value)


def _subject_values(host: Host, subject: str) -> list[str]:
    lowered = subject.lower()
    if lowered.startswith("attribute:"):
        found = host.attribute(subject.split(":", 1)[1])
        return [] if found is None else [found]
    if lowered == "task:group":
        return list(dict.fromkeys(host.groups))
    if lowered in ("ec2instanceid", "instanceid"):
        return [host.instance_id]
    if lowered == "runningtaskscount":
        return [str(host.running_tasks)]
    if lowered == "agentconnected":
        return [str(host.agent_connected).lower()]
    raise QueryError(f"unknown subject {subject!r}")


_parsed: dict[str, Predicate] = {}


def _predicate(expression: str) -> Predicate:
    found = _parsed.get(expression)
    if found is None:
        found = _Parser(expression).parse()
        _parsed[expression] = found
    return found


def matches_expression(host: Host, expression: str) -> bool:
    """Does ``host`` satisfy the cluster query ``expression``? Raises :class:`QueryError`."""
    return _predicate(expression)(host)


# -- placing --------------------------------------------------------------------------
def _first_failure(
    host: Host, demand: Demand, constraints: Sequence[Mapping[str, Any]]
) -> Reason | None:
    if not host.agent_connected:
        return Reason.AGENT
    if demand.cpu > host.cpu:
        return Reason.CPU
    if demand.memory > host.memory:
        return Reason.MEMORY
    clash = demand.ports & host.ports
    if clash:
        return Reason.PORTS if any(p == "tcp" for _, p in clash) else Reason.PORTS_UDP
    for constraint in constraints:
        kind = str(constraint.get("type", ""))
        if kind == "distinctInstance" and demand.group in host.groups:
            return Reason.DISTINCT_INSTANCE
        if kind == "memberOf" and not matches_expression(host, str(constraint["expression"])):
            return Reason.MEMBER_OF
    return None


def _spread_value(host: Host, field_name: str) -> str | None:
    if field_name in ("instanceId", "host"):
        return host.instance_id
    if field_name.startswith("attribute:"):
        return host.attribute(field_name.split(":", 1)[1])
    raise QueryError(f"spread does not know the field {field_name!r}")


def _narrow(
    candidates: list[Host],
    everyone: Sequence[Host],
    demand: Demand,
    step: Mapping[str, Any],
    rng: random.Random,
) -> list[Host]:
    kind = str(step.get("type", "")).lower()
    field_name = str(step.get("field", ""))
    if kind == "random":
        return [rng.choice(candidates)]
    if kind == "binpack":
        key: Callable[[Host], int] = (
            (lambda h: h.cpu) if field_name.lower() == "cpu" else (lambda h: h.memory)
        )
        least = min(key(h) for h in candidates)
        return [h for h in candidates if key(h) == least]
    if kind == "spread":
        field_name = field_name or "attribute:ecs.availability-zone"
        counts: Counter[str | None] = Counter()
        for host in everyone:
            value = _spread_value(host, field_name)
            counts[value] += host.groups.count(demand.group)
        fewest = min(counts[_spread_value(h, field_name)] for h in candidates)
        return [h for h in candidates if counts[_spread_value(h, field_name)] == fewest]
    raise QueryError(f"unknown placement strategy type {kind!r}")


def place(
    demand: Demand,
    hosts: Sequence[Host],
    strategy: Sequence[Mapping[str, Any]] = SERVICE_DEFAULT_STRATEGY,
    constraints: Sequence[Mapping[str, Any]] = (),
    rng: random.Random | None = None,
) -> Placement:
    """Place one task of ``demand`` on one of ``hosts`` (ACTIVE ones only)."""
    rng = rng or random.Random(0)
    active = [h for h in hosts if h.status == "ACTIVE"]
    if not active:
        return Placement(None, Reason.NO_INSTANCES)
    fitting: list[Host] = []
    closest: tuple[int, Host, Reason] | None = None
    for host in active:
        failure = _first_failure(host, demand, constraints)
        if failure is None:
            fitting.append(host)
        else:
            rank = _ORDER.index(failure)
            if closest is None or rank > closest[0]:
                closest = (rank, host, failure)
    if not fitting:
        assert closest is not None
        return Placement(None, closest[2], closest[1])
    candidates = fitting
    for step in strategy:
        if len(candidates) == 1:
            break
        candidates = _narrow(candidates, hosts, demand, step, rng)
    chosen = candidates[0] if len(candidates) == 1 else rng.choice(candidates)
    return Placement(chosen)


def place_many(
    demand: Demand,
    hosts: Iterable[Host],
    count: int,
    strategy: Sequence[Mapping[str, Any]] = SERVICE_DEFAULT_STRATEGY,
    constraints: Sequence[Mapping[str, Any]] = (),
    rng: random.Random | None = None,
) -> list[Placement]:
    """Place ``count`` tasks one by one; each placement uses up what it takes on its host."""
    rng = rng or random.Random(0)
    current = list(hosts)
    placements: list[Placement] = []
    for _ in range(count):
        placement = place(demand, current, strategy, constraints, rng)
        placements.append(placement)
        if placement.host is not None:
            index = next(i for i, h in enumerate(current) if h.arn == placement.host.arn)
            current[index] = placement.host.with_task(demand)
    return placements


# -- from API answers -------------------------------------------------------------------
def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _resources(items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:
        name = str(item.get("name", ""))
        if item.get("type") == "STRINGSET":
            found[name] = [str(v) for v in item.get("stringSetValue", [])]
        else:
            found[name] = _int(item.get("integerValue"))
    return found


def _reported_ports(resources: Mapping[str, Any]) -> set[Port]:
    ports = {(int(p), "tcp") for p in resources.get("PORTS", []) if p.isdigit() and int(p) > 0}
    ports |= {(int(p), "udp") for p in resources.get("PORTS_UDP", []) if p.isdigit() and int(p) > 0}
    return ports


def hosts_from_api(
    container_instances: Iterable[Mapping[str, Any]],
    tasks: Iterable[Mapping[str, Any]] = (),
    task_definitions: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Host]:
    """:class:`Host` values from ``describe_container_instances()["containerInstances"]``.

    ``tasks`` (``describe_tasks()["tasks"]``) adds the groups and families running on each
    instance (tasks whose ``lastStatus`` is STOPPED are ignored). Without
    ``task_definitions`` the remaining CPU/memory/ports are ``remainingResources`` as ECS
    reports them; with ``task_definitions`` (ARN -> describe_task_definition answer) they
    are computed as registered minus what each running task reserves, which stays right
    whatever started the tasks.
    """
    by_instance: dict[str, list[Mapping[str, Any]]] = {}
    for task in tasks:
        if task.get("lastStatus") == "STOPPED" or task.get("desiredStatus") == "STOPPED":
            continue
        arn = str(task.get("containerInstanceArn") or "")
        if arn:
            by_instance.setdefault(arn, []).append(task)
    hosts: list[Host] = []
    for ci in container_instances:
        arn = str(ci["containerInstanceArn"])
        attributes = {str(a["name"]): a.get("value") for a in ci.get("attributes", [])}
        running = by_instance.get(arn, [])
        groups = tuple(str(t.get("group", "")) for t in running)
        families = tuple(
            str(t.get("taskDefinitionArn", "")).rsplit("/", 1)[-1].split(":")[0] for t in running
        )
        if task_definitions is None:
            left = _resources(ci.get("remainingResources", []))
            cpu, memory, ports = left.get("CPU", 0), left.get("MEMORY", 0), _reported_ports(left)
        else:
            registered = _resources(ci.get("registeredResources", []))
            cpu, memory = registered.get("CPU", 0), registered.get("MEMORY", 0)
            ports = _reported_ports(registered)
            for task in running:
                definition = task_definitions.get(str(task.get("taskDefinitionArn", "")))
                if definition is None:
                    continue
                used = Demand.from_task_definition(definition)
                cpu, memory, ports = cpu - used.cpu, memory - used.memory, ports | used.ports
        hosts.append(
            Host(
                arn=arn,
                instance_id=str(ci.get("ec2InstanceId", "")),
                availability_zone=str(attributes.get("ecs.availability-zone") or ""),
                instance_type=str(attributes.get("ecs.instance-type") or ""),
                cpu=cpu,
                memory=memory,
                ports=frozenset(ports),
                groups=groups,
                families=families,
                attributes=attributes,
                status=str(ci.get("status", "ACTIVE")),
                agent_connected=bool(ci.get("agentConnected", True)),
            )
        )
    return hosts
