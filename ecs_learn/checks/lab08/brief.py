"""The capstone's brief as data: the bookshelf's names, sizes and limits, and its load test.

Everything the checks expect is named here once, per service (:class:`Tier`): the family, the
security group, the target group, the task role and the log group of ``web`` are all
``bookshelf-web``-something. :data:`LOAD_TEST` is the lab's load test (data, not an answer):
the requests per second the learner offers each service with ``ecs_learn.runtime.set_load``
before advancing the clock :data:`LOAD_TEST_MINUTES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.reader import AccountReader
from ecs_learn.sandbox.env import ACCOUNT_ID, REGION

CLUSTER = "bookshelf"
ZONES = ("us-east-1a", "us-east-1b")
REGISTRY = f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com"
RELEASE = "v1.0.0"
UNTAGGED_DAYS = 7
KEEP_RELEASES = 5
ALB_SG = "bookshelf-alb"
EFS_SG = "bookshelf-efs"
FS_TOKEN = "bookshelf-covers"
ACCESS_POINT = "/covers"
POSIX_ID = 1000
COVERS_PATH = "/data/covers"
EXECUTION_ROLE = "bookshelf-execution"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"
ASSETS = "arn:aws:s3:::bookshelf-assets/*"
LOAD_BALANCER = "bookshelf"
MIN_TASKS = 2
SCALE_OUT_COOLDOWN = 180  # longer than a new task takes to start and count (2 minutes)
SCALE_IN_COOLDOWN = 300
PARTNER_SECRET = "bookshelf/partner-token"
PARTNER_ENV = "PARTNER_TOKEN"
AWS_ACCEPTS = "AWS accepts it"


@dataclass(frozen=True)
class Tier:
    """One of the two services, and everything of the brief named after it."""

    name: str
    port: int
    cpu: int
    memory: int
    health_path: str
    request_path: str
    secret_env: str
    secret_name: str  # a Secrets Manager secret's name, or an SSM parameter's (from "/")
    max_tasks: int
    requests_per_target: float  # the target tracking value, requests per target per minute

    @property
    def family(self) -> str:
        return f"bookshelf-{self.name}"

    @property
    def security_group(self) -> str:
        return f"bookshelf-{self.name}"

    @property
    def target_group(self) -> str:
        return f"bookshelf-{self.name}"

    @property
    def task_role(self) -> str:
        return f"bookshelf-{self.name}-task"

    @property
    def log_group(self) -> str:
        return f"/ecs/bookshelf-{self.name}"

    @property
    def repository(self) -> str:
        return f"bookshelf/{self.name}"

    @property
    def resource_id(self) -> str:
        return f"service/{CLUSTER}/{self.name}"

    @property
    def in_ssm(self) -> bool:
        return self.secret_name.startswith("/")


WEB = Tier("web", 80, 256, 512, "/", "/", "SESSION_KEY", "/bookshelf/web/session-key", 10, 1200.0)
API = Tier(
    "api",
    8080,
    512,
    1024,
    "/api/health",
    "/api/books",
    "DB_PASSWORD",
    "bookshelf/db-password",
    6,
    600.0,
)
TIERS = (WEB, API)

LOAD_TEST: dict[str, dict[str, Any]] = {
    WEB.resource_id: {"shape": "spike", "base": 20, "peak": 150, "at_minute": 2, "minutes": 60},
    API.resource_id: {"shape": "spike", "base": 5, "peak": 35, "at_minute": 2, "minutes": 60},
}
LOAD_TEST_MINUTES = 20


def each(labels: dict[str, float], tiers: tuple[Tier, ...] = TIERS) -> dict[str, float]:
    """``{"{tier} label": points}`` for each tier: a points table with one row per service."""
    return {f"{t.name} {label}": pts for t in tiers for label, pts in labels.items()}


def role_name(arn: Any) -> str | None:
    return str(arn).rsplit("/", 1)[-1] if arn else None


def secret_arn(aws: AccountReader, tier: Tier) -> str | None:
    """The ARN of the tier's secret or parameter, if it exists."""
    if tier.in_ssm:
        try:
            return str(aws.ssm.get_parameter(Name=tier.secret_name)["Parameter"]["ARN"])
        except ClientError:
            return None
    try:
        return str(aws.secretsmanager.describe_secret(SecretId=tier.secret_name)["ARN"])
    except ClientError:
        return None


def container(td: dict[str, Any], name: str) -> dict[str, Any]:
    for container in td.get("containerDefinitions") or []:
        if container.get("name") == name:
            return dict(container)
    return {}
