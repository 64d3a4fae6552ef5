"""Sharding a class over machines: a deterministic slice, and merging the slices' JSON.

A submission belongs to shard ``K`` of ``N`` (from 1) when the CRC-32 of its file name
is ``K - 1`` modulo ``N``: every machine computes the same split from the names alone,
adding a late submission moves no other one, and the shards' ``grades.json`` files merge
into the reports one unsharded run would have written.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from pathlib import Path

from ecs_learn.errors import EcsLearnError
from ecs_learn.grading.submission import SubmissionResult

__all__ = ["ShardError", "in_shard", "merge_results", "parse_shard", "read_results"]


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
    return zlib.crc32(path.name.encode("utf-8")) % n == k - 1


def read_results(path: Path) -> tuple[str, list[SubmissionResult]]:
    """A ``grades.json``: its lab id and its students."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["lab"]), [SubmissionResult.from_dict(s) for s in data["students"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ShardError(f"{path}: not a grades.json ({type(exc).__name__}: {exc})") from None


def merge_results(files: Sequence[Path], lab_id: str) -> list[SubmissionResult]:
    """Every student of every shard, in the order one run gives (by file name)."""
    merged: dict[str, SubmissionResult] = {}
    for path in files:
        found_lab, results = read_results(path)
        if found_lab != lab_id:
            raise ShardError(f"{path}: grades lab {found_lab}, not lab {lab_id}")
        for r in results:
            if r.path in merged:
                raise ShardError(f"{path}: {r.student} is also in another shard")
            merged[r.path] = r
    return [merged[p] for p in sorted(merged, key=lambda p: Path(p).name)]
