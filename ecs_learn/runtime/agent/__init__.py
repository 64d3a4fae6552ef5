"""The ECS container agent on the learner's EC2 instances: register, or say why not.

:func:`sync` looks at the account through the APIs, as the agent on each instance would,
and makes the cluster match: a running instance from an ECS-optimized AMI, whose user
data names a cluster and whose instance profile lets the agent call ECS, is registered
with ``RegisterContainerInstance``; an instance that stops or terminates leaves the
cluster (its tasks stop, the container instance is deregistered). The scheduler calls it
after EC2 and Auto Scaling calls; it returns a :class:`SyncReport` saying, per instance,
what happened and why (for a lab check or a hint).

Behaviour and sources (Amazon ECS Developer Guide unless noted):

* User data in ``/etc/ecs/ecs.config`` style — ``ECS_CLUSTER=name``; without it the agent
  joins the ``default`` cluster (creating it, as its ``ecs:CreateCluster`` permission is
  for). ``ECS_RESERVED_MEMORY`` and ``ECS_INSTANCE_ATTRIBUTES`` (JSON) are read too
  ("Bootstrapping container instances with Amazon EC2 user data",
  bootstrap_container_instance.html; "Amazon ECS container agent configuration",
  ecs-agent-config.html). User data is decoded from base64 once (EC2 stores it so, and
  boto3's run_instances encodes plain text itself; launch templates take it encoded);
  gzip is undone.
* The instance role ("Amazon ECS container instance IAM role", instance_IAM_role.html;
  managed policy AmazonEC2ContainerServiceforEC2Role) must trust ``ec2.amazonaws.com`` and
  allow the agent's calls: ``ecs:RegisterContainerInstance``, ``ecs:DiscoverPollEndpoint``,
  ``ecs:Poll``, ``ecs:StartTelemetrySession``, ``ecs:SubmitContainerStateChange``,
  ``ecs:SubmitTaskStateChange`` (checked with :mod:`iam_eval`). Otherwise the instance
  does not register.
* Registered resources ("Container instance memory management", memory-management.html):
  1,024 CPU units per vCPU; memory is what the OS reports, which is less than the
  instance type's — modelled with the ratio of AWS's own example (an m4.large's 8 GiB
  registers 7985 MiB) — minus ``ECS_RESERVED_MEMORY``. Ports 22, 2375, 2376, 51678 and
  51679 are reserved (API RegisterContainerInstance / ecs-agent-config ``ECS_RESERVED_PORTS``).
* Attributes ("Amazon ECS container instance attributes", task-placement-constraints.html):
  ``ecs.ami-id``, ``ecs.availability-zone``, ``ecs.instance-type``, ``ecs.os-type``,
  ``ecs.os-family``, ``ecs.cpu-architecture``, ``ecs.vpc-id``, ``ecs.subnet-id``, plus the
  custom ones.
* Leaving ("Deregister an Amazon ECS container instance", deregister_container_instance.html):
  a terminated instance is deregistered; its tasks stop with the reason "Host EC2
  (instance ID) stopped/terminated.". A stopped instance's agent disconnects on AWS; moto
  cannot show ``agentConnected: false``, so a stopped instance is deregistered as well and
  registers again (as a new container instance) when it starts.

moto gaps worked around here, through the APIs: instances an Auto Scaling group launches
from a launch template lack the template's ``IamInstanceProfile`` (read from the template
version instead); of several instances one run_instances call launches, only the first
has the call's profile (the reservation's is used for all). ``RegisterContainerInstance``
needs the sandbox's ``seed_ec2`` fix to honour ``totalResources`` and ``attributes``.
"""

from __future__ import annotations

from ecs_learn.runtime.agent.account import instance_role
from ecs_learn.runtime.agent.config import (
    AGENT_ACTIONS,
    RESERVED_PORTS,
    AgentConfig,
    InstanceOutcome,
    InternalClients,
    SyncReport,
    decode_user_data,
    registered_resources,
)
from ecs_learn.runtime.agent.sync import sync

__all__ = [
    "AGENT_ACTIONS",
    "RESERVED_PORTS",
    "AgentConfig",
    "InstanceOutcome",
    "InternalClients",
    "SyncReport",
    "decode_user_data",
    "instance_role",
    "registered_resources",
    "sync",
]
