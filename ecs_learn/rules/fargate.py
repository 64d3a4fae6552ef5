"""The Fargate task-size table: which task-level memory goes with which cpu.

Source: AWS API reference, RegisterTaskDefinition ``memory`` (botocore ecs
service-2.json) and the "invalid CPU or memory" troubleshooting page. The 32 vCPU
row is newer than both and not verified in an AWS source, so it is off unless
asked for (``allow_32_vcpu``).
"""

from __future__ import annotations

__all__ = ["FARGATE_SIZES", "FARGATE_SIZES_32_VCPU", "WINDOWS_CPUS", "fargate_memory_options"]


def _steps(low_gib: int, high_gib: int, step_gib: int) -> tuple[int, ...]:
    return tuple(gib * 1024 for gib in range(low_gib, high_gib + 1, step_gib))


FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: (1024, 2048, 3072, 4096),
    1024: _steps(2, 8, 1),
    2048: _steps(4, 16, 1),
    4096: _steps(8, 30, 1),
    8192: _steps(16, 60, 4),
    16384: _steps(32, 120, 8),
}
FARGATE_SIZES_32_VCPU: dict[int, tuple[int, ...]] = {32768: (61440, 122880, 249856)}
WINDOWS_CPUS = frozenset({1024, 2048, 4096})


def fargate_memory_options(cpu: int, *, allow_32_vcpu: bool = False) -> tuple[int, ...]:
    """Valid task memory (MiB) for ``cpu`` units on Fargate; ``()`` if the cpu is not a row."""
    if cpu in FARGATE_SIZES:
        return FARGATE_SIZES[cpu]
    if allow_32_vcpu:
        return FARGATE_SIZES_32_VCPU.get(cpu, ())
    return ()
