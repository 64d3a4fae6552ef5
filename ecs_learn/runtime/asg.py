"""Auto Scaling group capacity providers with managed scaling, on the virtual clock.

"Automatically manage Amazon ECS capacity with cluster auto scaling"
(cluster-auto-scaling.html): ECS publishes ``CapacityProviderReservation`` every minute
and a target tracking policy on the group keeps it at ``targetCapacity``; tasks that no
instance can take wait in PROVISIONING meanwhile. The sizing itself is
:func:`ecs_learn.runtime.capacity.desired_capacity` (M = instances running tasks + the
instances a binpack of the PROVISIONING tasks needs).

Simulation choices (documented in docs/runtime.md):

* **Scale-out takes one minute**: the alarm of the target tracking policy needs one
  1-minute data point above target (the blog "Deep Dive on Amazon ECS Cluster Auto
  Scaling" shows scale-out starting about a minute after the tasks went PROVISIONING).
  Then ``set_desired_capacity`` goes through the Auto Scaling API; moto launches the
  instances from the group's launch template at once, and the agent registers them in the
  same pass (on AWS booting and registering take another minute or two).
* **No scale-in**: AWS scales in after 15 minutes of reservation below target (and
  managed termination protection keeps busy instances); the runtime leaves the group as
  it is when capacity is idle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecs_learn.runtime import capacity
from ecs_learn.runtime.account import Account
from ecs_learn.runtime.agent import RESERVED_PORTS, InternalClients, registered_resources
from ecs_learn.runtime.ec2 import asg_name
from ecs_learn.runtime.placement import Demand, Host
from ecs_learn.runtime.state import RuntimeState

__all__ = ["SCALE_OUT_AFTER", "ManagedScaler"]

SCALE_OUT_AFTER = 60.0


class ManagedScaler:
    """Grows the Auto Scaling groups of capacity providers whose tasks wait for capacity."""

    def __init__(self, account: Account, state: RuntimeState) -> None:
        self.account = account
        self.state = state

    def provider(self, name: str) -> dict[str, Any] | None:
        """The capacity provider (describe entry) if it is an ASG one with managed scaling."""
        if name in capacity.FARGATE_PROVIDERS:
            return None
        found = self.account.ecs.describe_capacity_providers(capacityProviders=[name])
        for item in found.get("capacityProviders", []):
            group = item.get("autoScalingGroupProvider") or {}
            if (group.get("managedScaling") or {}).get("status") == "ENABLED":
                return dict(item)
        return None

    def _empty_instance(self, group: dict[str, Any]) -> Host | None:
        """An instance of the group's type as it would register (for the binpack of M)."""
        ec2 = self.account.ec2
        template = group.get("LaunchTemplate") or (
            (group.get("MixedInstancesPolicy") or {})
            .get("LaunchTemplate", {})
            .get("LaunchTemplateSpecification")
        )
        instance_type = None
        if template:
            key = (
                {"LaunchTemplateId": template["LaunchTemplateId"]}
                if template.get("LaunchTemplateId")
                else {"LaunchTemplateName": template["LaunchTemplateName"]}
            )
            version = str(template.get("Version") or "$Default")
            versions = ec2.describe_launch_template_versions(**key, Versions=[version])
            for item in versions.get("LaunchTemplateVersions", []):
                instance_type = item.get("LaunchTemplateData", {}).get("InstanceType")
        elif group.get("LaunchConfigurationName"):
            configs = self.account.client("autoscaling").describe_launch_configurations(
                LaunchConfigurationNames=[group["LaunchConfigurationName"]]
            )["LaunchConfigurations"]
            instance_type = configs[0]["InstanceType"] if configs else None
        if not instance_type:
            return None
        info = ec2.describe_instance_types(InstanceTypes=[instance_type])["InstanceTypes"][0]
        cpu, memory = registered_resources(
            int(info["VCpuInfo"]["DefaultVCpus"]), int(info["MemoryInfo"]["SizeInMiB"])
        )
        return Host(
            arn="new-instance",
            instance_id="i-new",
            instance_type=str(instance_type),
            cpu=cpu,
            memory=memory,
            ports=frozenset((int(p), "tcp") for p in RESERVED_PORTS),
        )

    def step(
        self,
        provider_name: str,
        waiting: Sequence[Demand],
        busy_instances: set[str],
    ) -> bool:
        """One look at a provider whose tasks wait; True when its group was resized now.

        ``busy_instances``: EC2 instance ids (of any group) running at least one task.
        """
        now = self.state.clock.elapsed
        provider = self.provider(provider_name) if waiting else None
        if provider is None:
            self.state.scale_out_at.pop(provider_name, None)
            return False
        settings = provider["autoScalingGroupProvider"]
        name = asg_name(str(settings["autoScalingGroupArn"]))
        groups = self.account.client("autoscaling").describe_auto_scaling_groups(
            AutoScalingGroupNames=[name]
        )["AutoScalingGroups"]
        if not groups:
            return False
        group = groups[0]
        members = [
            i["InstanceId"]
            for i in group.get("Instances", [])
            if i.get("LifecycleState") in ("InService", "Pending")
        ]
        template = self._empty_instance(group)
        if template is None:
            return False
        busy = sum(1 for i in members if i in busy_instances)
        needed = capacity.instances_needed(busy, list(waiting), template)
        decision = capacity.desired_capacity(
            needed,
            len(members),
            capacity.ManagedScaling.from_api(settings.get("managedScaling") or {}),
            int(group.get("MinSize", 0)),
            int(group.get("MaxSize", 10000)),
        )
        if decision.desired <= max(len(members), int(group.get("DesiredCapacity", 0))):
            self.state.scale_out_at.pop(provider_name, None)
            return False
        due = self.state.scale_out_at.get(provider_name)
        if due is None:
            self.state.scale_out_at[provider_name] = now + SCALE_OUT_AFTER
            self.state.record(
                "capacity-provider-reservation",
                provider_name,
                f"CapacityProviderReservation {decision.reservation:g}% ({decision.reason})",
            )
            return False
        if due > now:
            return False
        del self.state.scale_out_at[provider_name]
        capacity.apply(InternalClients(self.account.endpoint), name, decision)
        self.state.record(
            "asg-scaled-out",
            name,
            f"desired capacity {decision.current} -> {decision.desired} ({decision.reason})",
        )
        return True
