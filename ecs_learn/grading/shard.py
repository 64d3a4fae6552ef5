"""Sharding a class over machines: a deterministic slice, and merging the slices' JSON.

A submission belongs to shard ``K`` of ``N`` (from 1) when the CRC-32 of its file name
(its bytes on disk) is ``K - 1`` modulo ``N``: every machine computes the same split from
the names alone, adding a late submission moves no other one, and the shards'
``grades.json`` files merge into the reports one unsharded run would have written.

Each shard's JSON names its ``[K, N]``. A merge refuses what would not add up to one
run: shards of different ``N``, one shard twice or one missing, a student in a shard
its name does not belong to (the folders differed), or a student twice. Students are
matched by file name, so shards graded from folders at different paths still merge.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ecs_learn.errors import EcsLearnError
from ecs_learn.grading.submission import SubmissionResult

__all__ = [
    "Grades",
    "ShardError",
    "in_shard",
    "merge_results",
    "parse_shard",
    "read_grades",
    "read_results",
]


class ShardError(EcsLearnError, ValueError):
    """A shard spec that is not ``K/N``, or shard outputs that do not fit together."""


def parse_shard(spec: str) -> tuple[int, int]:
    """``"2/5"`` -> ``(2, 5)``."""
    try:
        k, n = (int(part) for part in spec.split("/"))
    except ValueError:
        raise ShardError(f"--shard {spec!r}: expected K/N, e.g. 1/4") from None
    if not 1 <= k <= n:
        raise ShardError(f"--shard {spec!r}: K must be between 1 and N")
    return k, n


def in_shard(path: Path, k: int, n: int) -> bool:
    return zlib.crc32(os.fsencode(path.name)) % n == k - 1


@dataclass(frozen=True)
class Grades:
    """One ``grades.json``: its lab, the shard it grades (``None``: a whole class), its
    students."""

    lab: str
    shard: tuple[int, int] | None
    results: list[SubmissionResult]


def read_grades(path: Path) -> Grades:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        shard = data.get("shard")
        if shard is not None:
            k, n = (int(x) for x in shard)
            if not 1 <= k <= n:
                raise ValueError(f"shard {k}/{n}")
            shard = (k, n)
        results = [SubmissionResult.from_dict(s) for s in data["students"]]
        return Grades(str(data["lab"]), shard, results)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ShardError(f"{path}: not a grades.json ({type(exc).__name__}: {exc})") from None


def read_results(path: Path) -> tuple[str, list[SubmissionResult]]:
    """A ``grades.json``: its lab id and its students."""
    grades = read_grades(path)
    return grades.lab, grades.results


def _check_shards(found: dict[Path, Grades]) -> None:
    """Every file a shard of one split, each shard once, none missing."""
    sharded = {p: g.shard for p, g in found.items() if g.shard is not None}
    if not sharded:
        return
    whole = [str(p) for p, g in found.items() if g.shard is None]
    if whole:
        raise ShardError(f"{', '.join(whole)}: a whole class's grades, not a shard's")
    sizes = sorted({n for _, n in sharded.values()})
    if len(sizes) > 1:
        raise ShardError(f"the shards come from different splits (N = {sizes})")
    n = sizes[0]
    seen: dict[int, Path] = {}
    for path, (k, _) in sharded.items():
        if k in seen:
            raise ShardError(f"{path}: shard {k}/{n} again (also {seen[k]})")
        seen[k] = path
    missing = [k for k in range(1, n + 1) if k not in seen]
    if missing:
        names = ", ".join(f"{k}/{n}" for k in missing)
        raise ShardError(f"shard {names} missing: merge every shard of the split")


def merge_results(files: Sequence[Path], lab_id: str) -> list[SubmissionResult]:
    """Every student of every shard, in the order one run gives (by file name)."""
    found: dict[Path, Grades] = {}
    for path in files:
        grades = read_grades(path)
        if grades.lab != lab_id:
            raise ShardError(f"{path}: grades lab {grades.lab}, not lab {lab_id}")
        found[path] = grades
    _check_shards(found)
    merged: dict[str, SubmissionResult] = {}
    for path, grades in found.items():
        for r in grades.results:
            name = Path(r.path).name
            if grades.shard is not None and not in_shard(Path(r.path), *grades.shard):
                k, n = grades.shard
                raise ShardError(f"{path}: {name} does not belong to shard {k}/{n}")
            if name in merged:
                raise ShardError(f"{path}: {r.student} is also in another shard")
            merged[name] = r
    return [merged[name] for name in sorted(merged)]
