"""The ECS cluster query language of ``memberOf`` constraints (cluster-query-language.html)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ecs_learn.runtime.placement.model import Host


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
