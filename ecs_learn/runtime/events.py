"""AWS's own words for service events, stop codes and stopped reasons.

Sources (Amazon ECS Developer Guide):
* "Amazon ECS service event messages" (service-event-messages.html): steady state,
  unable to consistently start tasks, deployment configuration (unable to place: see
  ``placement/model.py``).
* "Service throttle logic" (service-throttle-logic.html).
* "How the Amazon ECS deployment circuit breaker detects failures"
  (deployment-circuit-breaker.html) and the API's ``Deployment.rolloutStateReason``.
* "Amazon ECS stopped task error codes" (stopped-task-error-codes.html) and the API's
  ``TaskStopCode`` enum.
The texts the guide shows only as examples (started/stopped/registered/draining) follow
the messages ECS writes to ``describe_services`` events, as quoted in AWS re:Post and the
guide's troubleshooting pages.
"""

from __future__ import annotations

__all__ = [
    "ESSENTIAL_EXITED",
    "STOP_ESSENTIAL",
    "STOP_FAILED_TO_START",
    "STOP_SCHEDULER",
    "STOP_USER",
    "began_draining",
    "circuit_breaker_failed",
    "circuit_breaker_reason",
    "deployment_completed",
    "deployment_config_stuck",
    "deregistered",
    "failed_elb_health",
    "registered",
    "rollback_reason",
    "rolling_back",
    "scaling_reason",
    "started",
    "steady_state",
    "stopped",
    "task_failed_elb",
    "unable_to_start_consistently",
    "unhealthy_in_target_group",
]

STOP_FAILED_TO_START = "TaskFailedToStart"
STOP_ESSENTIAL = "EssentialContainerExited"
STOP_SCHEDULER = "ServiceSchedulerInitiated"
STOP_USER = "UserInitiated"
ESSENTIAL_EXITED = "Essential container in task exited"


def _tasks(task_ids: list[str]) -> str:
    return " ".join(f"(task {t})" for t in task_ids)


def started(service: str, task_ids: list[str]) -> str:
    return f"(service {service}) has started {len(task_ids)} tasks: {_tasks(task_ids)}."


def stopped(service: str, task_ids: list[str]) -> str:
    return f"(service {service}) has stopped {len(task_ids)} running tasks: {_tasks(task_ids)}."


def steady_state(service: str) -> str:
    return f"(service {service}) has reached a steady state."


def registered(service: str, count: int, target_group_arn: str) -> str:
    return f"(service {service}) registered {count} targets in (target-group {target_group_arn})"


def deregistered(service: str, count: int, target_group_arn: str) -> str:
    return f"(service {service}) deregistered {count} targets in (target-group {target_group_arn})"


def began_draining(service: str, count: int) -> str:
    return f"(service {service}) has begun draining connections on {count} tasks."


def unhealthy_in_target_group(service: str, port: int, tg_arn: str, reason: str) -> str:
    return (
        f"(service {service}) (port {port}) is unhealthy in (target-group {tg_arn}) "
        f"due to (reason {reason})."
    )


def task_failed_elb(tg_arn: str) -> str:
    """A task's stoppedReason when ECS replaces it for failing load balancer health checks."""
    return f"Task failed ELB health checks in (target-group {tg_arn})"


def failed_elb_health(service: str, task_id: str, tg_arn: str) -> str:
    return (
        f"(service {service}) (task {task_id}) failed ELB health checks in (target-group {tg_arn})."
    )


def unable_to_start_consistently(service: str) -> str:
    return f"(service {service}) is unable to consistently start tasks successfully."


def deployment_config_stuck(service: str) -> str:
    return (
        f"(service {service}) was unable to stop or start tasks during a deployment because of "
        "the service deployment configuration. Update the minimumHealthyPercent or "
        "maximumPercent value and try again."
    )


def deployment_completed(service: str, deployment_id: str) -> str:
    return f"(service {service}) (deployment {deployment_id}) deployment completed."


def circuit_breaker_failed(service: str, deployment_id: str, why: str) -> str:
    return f"(service {service}) (deployment {deployment_id}) deployment failed: {why}."


def rolling_back(service: str, deployment_id: str, to_id: str) -> str:
    return f"(service {service}) (deployment {deployment_id}) rolling back to deployment {to_id}."


def circuit_breaker_reason(why: str) -> str:
    """rolloutStateReason of a deployment the circuit breaker failed."""
    return f"ECS deployment circuit breaker: {why}."


def rollback_reason(to_id: str) -> str:
    return f"ECS deployment circuit breaker: rolling back to deploymentId {to_id}."


def scaling_reason(deployment_id: str) -> str:
    """stoppedReason of a task the scheduler stops while scaling in or replacing."""
    return f"Scaling activity initiated by (deployment {deployment_id})"
