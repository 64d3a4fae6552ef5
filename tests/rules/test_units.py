"""The cpu/memory unit parser."""

from __future__ import annotations

import pytest

from ecs_learn.rules.units import UnitError, parse_cpu, parse_memory


@pytest.mark.parametrize(
    ("text", "units"),
    [
        (256, 256),
        ("256", 256),
        ("1 vCPU", 1024),
        (".25 vcpu", 256),
        ("0.5vCPU", 512),
        ("2 VCPU", 2048),
        ("  4 vcpu ", 4096),
        ("16 vCPU", 16384),
    ],
)
def test_parse_cpu(text: object, units: int) -> None:
    assert parse_cpu(text) == units


@pytest.mark.parametrize(
    ("text", "mib"),
    [
        (512, 512),
        ("512", 512),
        ("1GB", 1024),
        ("1 GB", 1024),
        ("0.5 GB", 512),
        (".5 gb", 512),
        ("30 gb", 30720),
    ],
)
def test_parse_memory(text: object, mib: int) -> None:
    assert parse_memory(text) == mib


@pytest.mark.parametrize(
    "text", ["abc", "", "1.5", "0", -1, 0, True, None, 1.0, "1 GHz", "0.1 vcpu", "vcpu", "1 vcpu x"]
)
def test_parse_cpu_rejects(text: object) -> None:
    with pytest.raises(UnitError):
        parse_cpu(text)


@pytest.mark.parametrize("text", ["1 MB", "1.0001 GB", "GB", "-1GB", [512], "1e3"])
def test_parse_memory_rejects(text: object) -> None:
    with pytest.raises(UnitError):
        parse_memory(text)
