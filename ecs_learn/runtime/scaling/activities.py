"""Scaling activities as ``describe_scaling_activities`` returns them.

Source: Application Auto Scaling API reference, DescribeScalingActivities and
ScalingActivity (API_ScalingActivity.html), and the wording of AWS's own examples in
"Scaling activities for Application Auto Scaling" (application-auto-scaling-scaling-activities.html)
and the CLI reference example (describe-scaling-activities): a policy's activity reads
``Description: "Setting desired count to 3."``, ``Cause: "monitor alarm <name> in state ALARM
triggered policy <policy>"``, ``StatusMessage: "Successfully set desired count to 3. Change
successfully fulfilled by ecs."``; a scheduled action's ``Cause`` is ``"scheduled action name
<name> was triggered"`` and its description "Setting min capacity to N and max capacity to M".
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

__all__ = ["Activity"]


@dataclass(frozen=True)
class Activity:
    """One scaling activity (always successful here: ECS accepts every desired count)."""

    resource_id: str
    time: dt.datetime
    description: str
    cause: str
    status_message: str
    status_code: str = "Successful"
    details: str = ""

    @property
    def activity_id(self) -> str:
        seed = f"{self.resource_id}|{self.time.isoformat()}|{self.description}|{self.cause}"
        h = hashlib.sha256(seed.encode()).hexdigest()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

    @classmethod
    def desired(cls, resource_id: str, time: dt.datetime, count: int, cause: str) -> Activity:
        return cls(
            resource_id,
            time,
            f"Setting desired count to {count}.",
            cause,
            f"Successfully set desired count to {count}. Change successfully fulfilled by ecs.",
        )

    def to_aas(self) -> dict[str, Any]:
        """The ``ScalingActivities`` item (times as datetimes; boto3 serializes them)."""
        item: dict[str, Any] = {
            "ActivityId": self.activity_id,
            "ServiceNamespace": "ecs",
            "ResourceId": self.resource_id,
            "ScalableDimension": "ecs:service:DesiredCount",
            "Description": self.description,
            "Cause": self.cause,
            "StartTime": self.time,
            "EndTime": self.time,
            "StatusCode": self.status_code,
            "StatusMessage": self.status_message,
        }
        if self.details:
            item["Details"] = self.details
        return item
