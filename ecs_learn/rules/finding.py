"""What a realism rule reports: a finding, and the rule that produced it."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from ecs_learn.rules.kinds import Fact, Kind

__all__ = ["Finding", "FindingDict", "Rule", "RuleContext", "Severity", "Violation"]


class Severity(str, enum.Enum):
    """How bad a finding is. AWS rejects the call on ``ERROR``; ``WARNING`` is advice."""

    ERROR = "error"
    WARNING = "warning"


class FindingDict(TypedDict):
    rule_id: str
    severity: str
    path: str
    message: str
    source: str
    error_code: str | None


@dataclass(frozen=True)
class Finding:
    """One problem in one field.

    ``path`` names the field in the dict boto3 sends (or describe returns), in the
    form ``containerDefinitions[0].portMappings[1].hostPort``; ``""`` is the whole
    document. ``error_code`` is the code AWS answers with when it rejects the call
    (``ClientException``, ``InvalidParameterException``, ``ValidationException``...).
    """

    rule_id: str
    severity: Severity
    path: str
    message: str
    source: str
    error_code: str | None = None

    def to_dict(self) -> FindingDict:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "path": self.path,
            "message": self.message,
            "source": self.source,
            "error_code": self.error_code,
        }

    @classmethod
    def from_dict(cls, data: FindingDict) -> Finding:
        return cls(
            rule_id=data["rule_id"],
            severity=Severity(data["severity"]),
            path=data["path"],
            message=data["message"],
            source=data["source"],
            error_code=data.get("error_code"),
        )


@dataclass(frozen=True)
class Violation:
    """What a rule function yields: a field path and a learner-facing message."""

    path: str
    message: str


@dataclass(frozen=True)
class RuleContext:
    """Facts about the account that some rules need besides the payload itself.

    Rules stay pure: whoever calls them (the strict sandbox, a check, ``lint``)
    fetches these and passes them in. Every fact is optional; a rule that needs
    a missing fact stays silent rather than guessing.

    - ``task_definition``: the task definition a service or task uses (the
      ``taskDefinition`` dict DescribeTaskDefinition returns).
    - ``target_groups``: target group ARN → its DescribeTargetGroups entry
      (``TargetType``, ``LoadBalancerArns``...).
    - ``load_balancer_types``: load balancer ARN → ``application``/``network``/``gateway``.
    - ``subnet_azs``: subnet id → Availability Zone name.
    - ``scalable_targets``: the registered ``(ServiceNamespace, ResourceId,
      ScalableDimension)`` triples.
    - ``mount_target_azs``: Availability Zones where the file system already has
      a mount target.
    - ``role_trust_principals``: role name → the service principals its trust
      policy allows to assume it.
    - ``allow_32_vcpu``: accept the (unverified) 32 vCPU Fargate row.
    """

    task_definition: Mapping[str, Any] | None = None
    target_groups: Mapping[str, Mapping[str, Any]] | None = None
    load_balancer_types: Mapping[str, str] | None = None
    subnet_azs: Mapping[str, str] | None = None
    scalable_targets: frozenset[tuple[str, str, str]] | None = None
    mount_target_azs: frozenset[str] | None = None
    role_trust_principals: Mapping[str, frozenset[str]] | None = None
    allow_32_vcpu: bool = False


@dataclass(frozen=True)
class Rule:
    """A named realism rule over one kind of payload."""

    id: str
    kind: Kind
    summary: str
    source: str
    func: Callable[[Mapping[str, Any], RuleContext], Iterable[Violation]]
    severity: Severity = Severity.ERROR
    error_code: str | None = None
    moto_enforces: bool = False
    needs: frozenset[Fact] = frozenset()

    def __call__(
        self, payload: Mapping[str, Any], context: RuleContext | None = None
    ) -> list[Finding]:
        ctx = context if context is not None else RuleContext()
        return [
            Finding(self.id, self.severity, v.path, v.message, self.source, self.error_code)
            for v in self.func(payload, ctx)
        ]
