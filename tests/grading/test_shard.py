"""``--shard K/N`` and ``ecs-learn grade merge``, from grades made in code (no kernel):
the slices partition a class the same way on every machine and run, and N shards merged
write exactly the reports one unsharded run writes."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecs_learn.cli import make_app
from ecs_learn.grading.feedback import write_feedback
from ecs_learn.grading.grade import submission_paths
from ecs_learn.grading.junit import write_junit
from ecs_learn.grading.report import write_csv, write_json
from ecs_learn.grading.shard import ShardError, in_shard, merge_results, parse_shard
from ecs_learn.grading.submission import SubmissionResult
from ecs_learn.grading.summary import write_html
from tests.grading.made import LAB, klass, made

NAMES = [
    *(f"student-{i:03d}.ipynb" for i in range(150)),
    "-x.ipynb",
    "Zoë Ünal.ipynb",
    "a b (1).ipynb",
    os.fsdecode(b"caf\xe9.ipynb"),  # not UTF-8 on disk
]


def _shard_of(name: str, n: int) -> list[int]:
    return [k for k in range(1, n + 1) if in_shard(Path(name), k, n)]


@pytest.mark.parametrize("spec", ["0/3", "4/3", "1", "a/b", "1/2/3", "", "-1/2"])
def test_a_shard_that_is_not_k_of_n_is_refused_in_words(spec: str) -> None:
    with pytest.raises(ShardError, match="--shard"):
        parse_shard(spec)


def test_parse_shard() -> None:
    assert parse_shard("2/5") == (2, 5) and parse_shard("1/1") == (1, 1)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7])
def test_every_file_is_in_exactly_one_shard_whatever_the_order(n: int) -> None:
    for name in NAMES:
        assert len(_shard_of(name, n)) == 1, name
    shuffled = random.Random(n).sample(NAMES, len(NAMES))
    assert {x: _shard_of(x, n) for x in shuffled} == {x: _shard_of(x, n) for x in NAMES}
    sizes = [sum(1 for x in NAMES if in_shard(Path(x), k, n)) for k in range(1, n + 1)]
    assert min(sizes) > 0  # 154 names: no shard of up to 7 is empty
    # Only the name counts: the same file under another folder is in the same shard
    assert [in_shard(Path("/elsewhere") / x, 1, n) for x in NAMES] == [
        in_shard(Path(x), 1, n) for x in NAMES
    ]


def test_the_split_is_the_same_in_another_process_and_on_record() -> None:
    """No per-process randomness (Python's ``hash`` of a string differs between runs):
    another interpreter with another hash seed computes the same split."""
    script = (
        "import json, os, sys; from pathlib import Path; "
        "from ecs_learn.grading.shard import in_shard; "
        "names = json.loads(sys.stdin.read()); "
        "print(json.dumps([[k for k in range(1, 6) if in_shard(Path(x), k, 5)] for x in names]))"
    )
    names = [x for x in NAMES if x.isprintable() and "\udce9" not in x]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(names),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout) == [_shard_of(x, 5) for x in names]
    # CRC-32 of the name's bytes, mod N: these stay put across versions of ecs-learn
    assert [_shard_of(x, 4) for x in ("ana.ipynb", "ben.ipynb", "cleo.ipynb")] == [[2], [4], [3]]


def test_the_shards_of_a_folder_cover_it_exactly(tmp_path: Path) -> None:
    for name in NAMES[:40]:
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    everyone = submission_paths(tmp_path)
    parts = [[p for p in everyone if in_shard(p, k, 3)] for k in (1, 2, 3)]
    assert sorted(p for part in parts for p in part) == everyone
    assert sum(len(part) for part in parts) == len(everyone)
    late = tmp_path / "zz-late.ipynb"  # a late submission moves no one else
    late.write_text("{}", encoding="utf-8")
    again = [
        [p for p in submission_paths(tmp_path) if in_shard(p, k, 3) and p != late]
        for k in (1, 2, 3)
    ]
    assert again == parts


def _write_shards(results: list[SubmissionResult], n: int, folder: Path) -> list[Path]:
    files = []
    for k in range(1, n + 1):
        part = [r for r in results if in_shard(Path(r.path), k, n)]
        random.Random(k).shuffle(part)  # a shard's own order does not matter
        write_json(part, LAB, folder / f"shard-{k}.json", (k, n))
        files.append(folder / f"shard-{k}.json")
    return random.Random(n).sample(files, n)


def _reports(results: list[SubmissionResult], folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    write_csv(results, LAB, folder / "grades.csv")
    write_json(results, LAB, folder / "grades.json")
    write_html(results, LAB, folder / "summary.html")
    write_junit(results, LAB, folder / "junit.xml")
    write_feedback(results, LAB, folder / "feedback")
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_n_shards_merged_write_the_reports_of_one_run(tmp_path: Path, n: int) -> None:
    one_run = klass()  # as grade_paths gives it: by file name
    merged = merge_results(_write_shards(one_run, n, tmp_path), LAB.id)
    assert merged == one_run
    assert _reports(merged, tmp_path / "merged") == _reports(one_run, tmp_path / "one")


def _refused(files: list[Path], match: str) -> None:
    with pytest.raises(ShardError, match=match):
        merge_results(files, LAB.id)


def test_a_missing_shard_a_repeated_one_or_another_split_is_refused(tmp_path: Path) -> None:
    files = sorted(_write_shards(klass(), 3, tmp_path))
    _refused(files[:2], r"shard 3/3 missing")
    (tmp_path / "again.json").write_bytes(files[0].read_bytes())
    _refused([*files, tmp_path / "again.json"], r"shard 1/3 again")
    other = tmp_path / "other"
    other.mkdir()
    _refused([*files[:2], _write_shards(klass(), 2, other)[0]], r"different splits")
    write_json(klass(), LAB, tmp_path / "whole.json")
    _refused([*files, tmp_path / "whole.json"], r"whole class's grades, not a shard's")


def test_a_student_in_the_wrong_shard_or_in_two_is_refused(tmp_path: Path) -> None:
    ana = made("ana")  # ana.ipynb is in shard 2 of 4
    write_json([ana], LAB, tmp_path / "s1.json", (1, 4))
    for k in (2, 3, 4):
        write_json([], LAB, tmp_path / f"s{k}.json", (k, 4))
    _refused(sorted(tmp_path.glob("s*.json")), r"s1.json: ana.ipynb does not belong to shard 1/4")
    write_json([ana], LAB, tmp_path / "a.json")
    write_json([ana], LAB, tmp_path / "b.json")
    _refused([tmp_path / "a.json", tmp_path / "b.json"], r"b.json: ana is also in another shard")


def test_grades_of_another_lab_or_not_grades_at_all_are_refused(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text(
        json.dumps({"lab": "02", "checks": [], "students": []}), encoding="utf-8"
    )
    _refused([tmp_path / "other.json"], r"other.json: grades lab 02, not lab 01")
    (tmp_path / "junk.json").write_text('{"lab": "01"}', encoding="utf-8")
    _refused([tmp_path / "junk.json"], r"junk.json: not a grades.json")
    _refused([tmp_path / "absent.json"], r"absent.json: not a grades.json")


def test_grades_without_a_shard_field_still_merge(tmp_path: Path) -> None:
    """JSON written before shards were named: merged as before (no completeness check)."""
    one_run = klass()
    halves = (one_run[::2], one_run[1::2])
    for i, half in enumerate(halves):
        data = {"lab": "01", "checks": LAB.check_ids(), "students": [r.to_dict() for r in half]}
        (tmp_path / f"old-{i}.json").write_text(json.dumps(data), encoding="utf-8")
    assert merge_results(sorted(tmp_path.glob("old-*.json")), LAB.id) == one_run


def test_the_cli_merges_shards_into_every_report(tmp_path: Path) -> None:
    one_run = klass()
    files = _write_shards(one_run, 3, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    args = ["grade", "merge", *map(str, files), "--lab", "01", "--out", str(out / "grades.csv")]
    args += ["--json", str(out / "grades.json"), "--html", str(out / "summary.html")]
    args += ["--junit", str(out / "junit.xml"), "--feedback", str(out / "feedback")]
    result = CliRunner().invoke(make_app(args), args)
    assert result.exit_code == 0, result.output
    assert "isolation: namespaced" in result.output
    expected = _reports(one_run, tmp_path / "expected")
    got = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert got == expected


def test_the_cli_says_which_shard_is_missing_without_a_traceback(tmp_path: Path) -> None:
    files = sorted(_write_shards(klass(), 3, tmp_path))
    args = ["grade", "merge", *map(str, files[:2]), "--lab", "01", "--out", str(tmp_path / "g")]
    result = CliRunner().invoke(make_app(args), args)
    assert result.exit_code == 2
    assert "shard 3/3 missing" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "g").exists()
