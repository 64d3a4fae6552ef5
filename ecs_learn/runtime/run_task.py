"""A learner's RunTask on the EC2 launch type, placed as Amazon ECS places it.

moto's own RunTask places EC2 tasks first fit, with no strategies or constraints and no
dynamic host ports, and drops a task it cannot place (``tasks: []``, ``failures: []``).
:func:`run_task` is the one decision for both sandbox modes: given RunTask's parameters,
it places ``count`` tasks with the runtime's EC2 placer (``ec2.Ec2Placer``: resources,
then the request's ``placementConstraints`` and the task definition's, then the request's
``placementStrategy`` — RunTask's default is ``random``, task-placement-strategies.html),
starts each placed task with ``start_task`` on its container instance, lets the runtime
admit it (host ports, Availability Zone, run-time failures), and returns RunTask's output.
A task that cannot be placed is in ``failures`` with AWS's reason (``RESOURCE:CPU``,
``RESOURCE:MEMORY``, ``RESOURCE:PORTS``, ``AGENT``, "MemberOf placement constraint
unsatisfied." …) and the ARN of the closest matching container instance
(api_failures_messages.html). A cluster without container instances is AWS's
``InvalidParameterException: No Container Instances were found in your cluster.``

The entry points are thin: embedded, a ``before_call`` hook on the botocore layer
(``ecs_learn.runtime.__init__``); server mode, the WSGI wrapper (``runtime/remote.py``).
Launch type FARGATE/EXTERNAL, a Fargate capacity provider, an unknown cluster or task
definition, an awsvpc task without ``networkConfiguration``: ``None`` — moto answers
(with its errors, which are AWS's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecs_learn.runtime.capacity import FARGATE_PROVIDERS
from ecs_learn.runtime.placer import PlacementRequest

if TYPE_CHECKING:
    from ecs_learn.runtime.engine import Runtime

__all__ = ["NO_INSTANCES", "ApiError", "run_task"]

NO_INSTANCES = "No Container Instances were found in your cluster."
_START_PARAMS = ("overrides", "startedBy", "tags", "enableECSManagedTags", "propagateTags")


class ApiError(Exception):
    """An error AWS answers RunTask with (``code``: the exception's name)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _provider(cluster: dict[str, Any], params: dict[str, Any]) -> tuple[bool, str | None]:
    """(is this run EC2, its capacity provider): moto's rule, the strategy's first provider."""
    launch = params.get("launchType")
    strategy = params.get("capacityProviderStrategy")
    if launch:
        return launch == "EC2" and not strategy, None
    strategy = strategy or cluster.get("defaultCapacityProviderStrategy") or []
    if not strategy:
        return True, None  # neither: the API's default launch type, EC2
    first = str(strategy[0].get("capacityProvider", ""))
    return first not in FARGATE_PROVIDERS, first


def run_task(runtime: Runtime, params: dict[str, Any]) -> dict[str, Any] | None:
    """RunTask's output (``tasks``, ``failures``) for an EC2 run, else ``None`` (moto's turn).

    Raises :class:`ApiError` for what AWS answers with an exception. Call it with the
    runtime's lock held and inside ``account.session()`` (``Runtime.run_task`` does).
    """
    account = runtime.account
    ecs = account.ecs
    clusters = ecs.describe_clusters(clusters=[params.get("cluster") or "default"])["clusters"]
    if not clusters or clusters[0].get("status") != "ACTIVE":
        return None
    cluster = clusters[0]
    ec2, provider = _provider(cluster, params)
    if not ec2:
        return None
    try:
        definition = ecs.describe_task_definition(taskDefinition=params["taskDefinition"])[
            "taskDefinition"
        ]
    except Exception:  # not found: moto's ClientException
        return None
    vpc = (params.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    awsvpc = definition.get("networkMode") == "awsvpc"
    count = int(params.get("count") or 1)
    if (awsvpc and not vpc) or not 1 <= count <= 10:
        return None
    subnets = tuple(
        account.ec2.describe_subnets(SubnetIds=vpc["subnets"])["Subnets"]
        if awsvpc and vpc.get("subnets")
        else ()
    )
    group = str(params.get("group") or f"family:{definition['family']}")
    request = PlacementRequest(
        cluster=str(cluster["clusterArn"]),
        task_definition=definition,
        group=group,
        subnets=subnets,
        existing=(),
        capacity_provider=provider,
        launch_type="EC2",
        placement_constraints=tuple(params.get("placementConstraints") or ()),
        placement_strategy=tuple(params.get("placementStrategy") or ()),
    )
    result = runtime.placers["EC2"].place(request, count)
    if not result.placed and all(
        r.startswith("No Container Instances") for r in result.unplaceable
    ):
        raise ApiError("InvalidParameterException", NO_INSTANCES)
    invalid = next((r for r in result.unplaceable if r.startswith("Invalid placement")), None)
    if invalid is not None:
        raise ApiError("InvalidParameterException", invalid.removeprefix("Invalid placement: "))
    start = {k: params[k] for k in _START_PARAMS if params.get(k) is not None}
    arns: list[str] = []
    for placement in result.placed:
        assert placement.container_instance_arn is not None
        network: dict[str, Any] = {}
        if awsvpc:
            subnet = placement.subnet_id or vpc["subnets"][0]
            network = {
                "networkConfiguration": {"awsvpcConfiguration": {**vpc, "subnets": [subnet]}}
            }
        made = ecs.start_task(
            cluster=cluster["clusterArn"],
            taskDefinition=definition["taskDefinitionArn"],
            containerInstances=[placement.container_instance_arn],
            group=group,
            **start,
            **network,
        )["tasks"]
        for task in made:
            if provider:
                account.write_task(
                    cluster["clusterArn"], task["taskArn"], capacity_provider_name=provider
                )
                task["capacityProviderName"] = provider
            record = runtime.runner.admit(
                task, None, [], list(vpc.get("securityGroups") or []), placement
            )
            record.capacity_provider = provider
            arns.append(str(task["taskArn"]))
    tasks: list[dict[str, Any]] = (
        ecs.describe_tasks(cluster=cluster["clusterArn"], tasks=arns, include=["TAGS"])["tasks"]
        if arns
        else []
    )
    failures = [
        {"arn": arn, "reason": reason} if arn else {"reason": reason}
        for reason, arn in zip(
            result.unplaceable,
            result.closest + [None] * (len(result.unplaceable) - len(result.closest)),
            strict=True,
        )
    ]
    return {"tasks": tasks, "failures": failures}
