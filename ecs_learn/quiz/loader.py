"""Loading and validating the question banks.

:func:`validate` checks a bank file or a folder of banks and reports every problem at
once. :func:`load_catalog` is the session path: it validates with the fast structural
checks and keeps the validated result in a cache keyed by the hash of the bank files,
so a session normally reads one JSON file instead of parsing YAML.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, cast

from ecs_learn.atomic import write_text_atomic
from ecs_learn.errors import EcsLearnError
from ecs_learn.quiz.model import Bank, BankDict, Item
from ecs_learn.quiz.notes import NOTES_FILE, read_sections
from ecs_learn.quiz.problems import BankError, BankProblem

__all__ = [
    "Catalog",
    "CatalogDict",
    "UnknownTopicError",
    "Validation",
    "bank_files",
    "load_catalog",
    "validate",
]

_CACHE_FORMAT = "ecs-learn-quiz-cache-1"


class UnknownTopicError(EcsLearnError, LookupError):
    """A topic was asked for that no bank provides."""

    def __init__(self, topic: str, known: Iterable[str]) -> None:
        self.topic = topic
        self.known = tuple(known)
        super().__init__(f"unknown topic {topic!r}; known topics: {', '.join(self.known)}")


class CatalogDict(TypedDict):
    banks: list[BankDict]
    sections: dict[str, str]


@dataclass(frozen=True)
class Catalog:
    """Every validated bank, plus the notes' section headings by anchor."""

    banks: tuple[Bank, ...]
    sections: Mapping[str, str] = field(default_factory=dict)

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(bank.topic for bank in self.banks)

    def items(self, topic: str | None = None) -> list[Item]:
        """All items, or those of one topic (raises :class:`UnknownTopicError`)."""
        if topic is None:
            return [item for bank in self.banks for item in bank.items]
        for bank in self.banks:
            if bank.topic == topic:
                return list(bank.items)
        raise UnknownTopicError(topic, self.topics)

    def get(self, item_id: str) -> Item | None:
        for bank in self.banks:
            for item in bank.items:
                if item.id == item_id:
                    return item
        return None

    def to_dict(self) -> CatalogDict:
        return {"banks": [bank.to_dict() for bank in self.banks], "sections": dict(self.sections)}

    @classmethod
    def from_dict(cls, data: CatalogDict) -> Catalog:
        return cls(
            banks=tuple(Bank.from_dict(bank) for bank in data["banks"]),
            sections=dict(data["sections"]),
        )


@dataclass(frozen=True)
class Validation:
    """The outcome of checking banks: the valid banks and every problem found."""

    files: tuple[str, ...]
    banks: tuple[Bank, ...]
    problems: tuple[BankProblem, ...]
    sections: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def bank_files(path: Path) -> list[Path]:
    """The bank files at ``path``: the file itself, or a folder's ``*.yaml``/``*.yml``."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def validate(path: Path, *, notes: Path | None = None, use_schema: bool = False) -> Validation:
    """Check the bank file or folder at ``path`` and collect every problem.

    Sections are checked against ``notes`` (default: ``notes.md`` beside the banks).
    With ``use_schema`` the structure is checked by jsonschema against
    ``bank.schema.json``; otherwise by the equivalent fast checks.
    """
    from ecs_learn.quiz.crosscheck import content_problems, structure_problems
    from ecs_learn.quiz.source import parse_bank_file

    problems: list[BankProblem] = []
    if not path.exists():
        problems.append(BankProblem(_display(path), None, "", "no such file or folder"))
        return Validation((), (), tuple(problems))
    files = bank_files(path)
    if not files:
        problems.append(BankProblem(_display(path), None, "", "no bank files (*.yaml) here"))
    notes_path = notes or (path if path.is_dir() else path.parent) / NOTES_FILE
    sections: dict[str, str] | None = None
    try:
        sections = read_sections(notes_path)
    except (OSError, UnicodeDecodeError) as error:
        problems.append(
            BankProblem(
                _display(notes_path),
                None,
                "",
                f"cannot read the notes, so sections were not checked: {error.__class__.__name__}",
            )
        )
    seen_ids: dict[str, str] = {}
    banks: list[Bank] = []
    for file in files:
        parsed = parse_bank_file(file, _display(file))
        found = list(parsed.problems)
        if use_schema:
            from ecs_learn.quiz.schema import schema_problems

            found += schema_problems(parsed)
        else:
            found += structure_problems(parsed)
        found += content_problems(parsed, sections, seen_ids)
        if not found:
            banks.append(Bank.from_dict(cast(BankDict, parsed.data)))
        problems += sorted(found, key=lambda p: (p.line or 0, p.path))
    return Validation(
        tuple(_display(f) for f in files), tuple(banks), tuple(problems), sections or {}
    )


def _cache_key(files: list[Path], notes: Path) -> str:
    """A 64-bit checksum (CRC-32 and Adler-32) of the format, the schema and every file.

    zlib rather than hashlib: loading OpenSSL for hashlib is a tenth of the quiz's
    cold start, and a cache key needs to catch edits, not to resist forgery.
    """
    parts = [_CACHE_FORMAT.encode(), Path(__file__).with_name("bank.schema.json").read_bytes()]
    for file in [*files, notes]:
        parts.append(file.name.encode() + b"\0")
        try:
            parts.append(file.read_bytes())
        except OSError:
            parts.append(b"<missing>")
        parts.append(b"\0")
    data = b"".join(parts)
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def _read_cache(path: Path) -> Catalog | None:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return Catalog.from_dict(cast(CatalogDict, data))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(cache_dir: Path, key: str, catalog: Catalog) -> None:
    try:
        target = cache_dir / f"banks-{key}.json"
        write_text_atomic(target, json.dumps(catalog.to_dict()))
        for old in cache_dir.glob("banks-*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # the cache is an optimisation; a read-only cache dir is fine


def load_catalog(directory: Path | None = None, *, cache_dir: Path | None = None) -> Catalog:
    """The validated banks in ``directory`` (default: the shipped ``quizzes/``).

    Raises :class:`BankError` with every problem when a bank is invalid. With
    ``cache_dir``, a previous validation of the very same files is reused.
    """
    if directory is None:
        from ecs_learn.resources import quizzes_dir

        directory = quizzes_dir()
    files = bank_files(directory)
    key = None
    if cache_dir is not None:
        key = _cache_key(files, directory / NOTES_FILE)
        cached = _read_cache(cache_dir / f"banks-{key}.json")
        if cached is not None:
            return cached
    result = validate(directory)
    if not result.ok:
        raise BankError(result.problems)
    catalog = Catalog(result.banks, dict(result.sections))
    if cache_dir is not None and key is not None:
        _write_cache(cache_dir, key, catalog)
    return catalog
