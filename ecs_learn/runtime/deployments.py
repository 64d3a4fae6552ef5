"""Rolling updates and the deployment circuit breaker: the arithmetic.

Follows "Deploy Amazon ECS services by replacing tasks" (developerguide/deployment-type-ecs.html):
``minimumHealthyPercent`` of the desired count is rounded up and is the floor of healthy
tasks while replacing; ``maximumPercent`` is rounded down and caps running + pending tasks.
"How the Amazon ECS deployment circuit breaker detects failures"
(deployment-circuit-breaker.html, and the API's ``ServiceDeploymentCircuitBreaker``): the
failure threshold is ``0.5 × desired count`` rounded up, at least 3 and at most 200 (the
2023 guide said 10; the current API reference says 3). "Service throttle logic"
(service-throttle-logic.html): the time between attempts to start tasks that keep failing
grows up to 15 minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["DeploymentConfig", "backoff_seconds", "failure_threshold"]

MAX_BACKOFF = 900.0
FIRST_BACKOFF = 15.0
THROTTLE_EVENT_AFTER = 3  # consecutive failed attempts before "unable to consistently start"


def failure_threshold(desired: int) -> int:
    """Failed tasks that make the circuit breaker fail a deployment."""
    return min(200, max(3, math.ceil(0.5 * desired)))


def backoff_seconds(consecutive_failures: int) -> float:
    """Wait before the next attempt after ``consecutive_failures`` failed ones.

    15 s, 30 s, 60 s ... up to 15 minutes.
    """
    if consecutive_failures <= 0:
        return 0.0
    return float(min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (consecutive_failures - 1)))


@dataclass(frozen=True)
class DeploymentConfig:
    minimum_healthy_percent: int = 100
    maximum_percent: int = 200
    circuit_breaker: bool = False
    rollback: bool = False
    reset_on_healthy_task: bool = True

    @classmethod
    def of(cls, service: dict[str, Any]) -> DeploymentConfig:
        raw = service.get("deploymentConfiguration") or {}
        breaker = raw.get("deploymentCircuitBreaker") or {}
        return cls(
            minimum_healthy_percent=int(raw.get("minimumHealthyPercent", 100)),
            maximum_percent=int(raw.get("maximumPercent", 200)),
            circuit_breaker=bool(breaker.get("enable", False)),
            rollback=bool(breaker.get("rollback", False)),
            reset_on_healthy_task=bool(breaker.get("resetOnHealthyTask", True)),
        )

    def min_healthy(self, desired: int) -> int:
        return math.ceil(desired * self.minimum_healthy_percent / 100)

    def max_total(self, desired: int) -> int:
        return math.floor(desired * self.maximum_percent / 100)
