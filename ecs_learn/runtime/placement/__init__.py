"""Task placement on EC2 container instances, as Amazon ECS documents it (pure: no AWS calls).

Inputs are values: :class:`Host` (a container instance and what is left on it) and
:class:`Demand` (what one task needs). :func:`place_many` places N tasks one at a time,
updating the hosts as it goes, and says for each task where it went or, in AWS's words,
why it could not be placed. :func:`hosts_from_api` and :meth:`Demand.from_task_definition`
build the values from describe_* answers.

Behaviour and sources (Amazon ECS Developer Guide):

* Order of selection — resources (CPU, memory, ports), then constraints, then strategies
  ("How Amazon ECS places tasks on container instances", task-placement.html).
* Strategies ``binpack`` (least remaining ``cpu``/``memory``), ``spread`` (over a ``field``:
  ``instanceId``/``host`` or ``attribute:NAME``, counting the tasks of the same group),
  ``random``; a list is applied in order, each one breaking the previous one's ties. The
  service default is ``spread`` on ``attribute:ecs.availability-zone``; RunTask's is
  ``random`` (task-placement-strategies.html). Remaining ties are broken by the seeded
  ``random.Random`` passed in, so a run is reproducible.
* Constraints ``distinctInstance`` (each task of a group on a different instance) and
  ``memberOf`` with the cluster query language (task-placement-constraints.html,
  cluster-query-language.html): subjects ``attribute:NAME``, ``ec2InstanceId``,
  ``task:group``, ``runningTasksCount``, ``agentConnected``; operators ``==``/``equals``,
  ``!=``, ``>``/``>=``/``<``/``<=``, ``exists``/``!exists``, ``in``/``!in`` with ``[a, b]``,
  ``=~``/``!~`` (a Java-style regex matched against the whole value); ``and``/``&&``,
  ``or``/``||``, ``not``/``!`` and parentheses.
* Memory a container reserves: its hard ``memory`` limit, else its ``memoryReservation``;
  the task-level ``memory`` when that is larger or containers set neither
  (task_definition_parameters.html, "memory"/"memoryReservation").
* Host ports: a ``hostPort`` > 0 is static and conflicts with the same port/protocol on
  the host; ``hostPort`` 0 or absent in ``bridge`` mode is dynamic and never conflicts; in
  ``host`` mode the container port is the host port; ``awsvpc`` tasks use their own ENI
  (no host ports) (API PortMapping). Registered reserved ports (22, 2375, 2376, 51678,
  51679) count as in use.
* When no instance fits, the service event is AWS's, as describe_services returns it:
  "(service NAME) was unable to place a task because no container instance met all of its
  requirements. The closest matching (container-instance ID) has insufficient memory
  available. For more information, see the Troubleshooting section of the Amazon ECS
  Developer Guide." — with "has insufficient CPU units available", "is already using a
  port required by your task", "doesn't have the agent connected", "encountered error
  "MemberOf placement constraint unsatisfied."" for the other reasons, and "Reason: No
  Container Instances were found in your cluster." (or "capacity provider") when there
  are none
  (service-event-messages.html; the constraint wording as real AWS events show it). The
  RunTask failure reasons are ``RESOURCE:CPU``, ``RESOURCE:MEMORY``, ``RESOURCE:PORTS``,
  ``RESOURCE:PORTS_UDP``, ``AGENT``, "MemberOf placement constraint unsatisfied." and
  "DistinctInstance placement constraint unsatisfied." (api_failures_messages.html).
"""

from __future__ import annotations

from ecs_learn.runtime.placement.engine import place, place_many
from ecs_learn.runtime.placement.from_api import hosts_from_api
from ecs_learn.runtime.placement.model import (
    RUN_TASK_DEFAULT_STRATEGY,
    SERVICE_DEFAULT_STRATEGY,
    Demand,
    Host,
    Placement,
    Reason,
    unplaced_event,
)
from ecs_learn.runtime.placement.query import QueryError, matches_expression

__all__ = [
    "RUN_TASK_DEFAULT_STRATEGY",
    "SERVICE_DEFAULT_STRATEGY",
    "Demand",
    "Host",
    "Placement",
    "QueryError",
    "Reason",
    "hosts_from_api",
    "matches_expression",
    "place",
    "place_many",
    "unplaced_event",
]
