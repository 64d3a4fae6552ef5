"""Lab 08 — the capstone: the bookshelf, a two-service application built from an empty account.

The rubric is one check per resource group — images, security groups, storage, roles and
secrets, task definitions, the load balancer, the services, auto scaling — then a repair and
the behaviour under load. Every check prices each requirement (partial credit) and yields the
same labels whatever it finds, so that in an empty account each missing piece is named; a
resource AWS would reject earns its check nothing (``gates``). The checks read the account
through describe/list/get calls only (:mod:`.account`); the runtime makes the services start
their tasks, the targets pass their health checks and Application Auto Scaling act on the
virtual clock, so the last two checks judge what the account then does (:data:`BEHAVIOUR`).

One module per exercise; the brief (names, sizes, limits, the load test) is :mod:`.brief`.
"""

from __future__ import annotations

from ecs_learn.checks.lab08.brief import API, LOAD_TEST, LOAD_TEST_MINUTES, TIERS, WEB, Tier
from ecs_learn.checks.lab08.identity import roles_and_secrets
from ecs_learn.checks.lab08.images import images
from ecs_learn.checks.lab08.load_balancer import load_balancer
from ecs_learn.checks.lab08.load_test import load_test
from ecs_learn.checks.lab08.repair import repair_secret
from ecs_learn.checks.lab08.scaling import auto_scaling
from ecs_learn.checks.lab08.security_groups import security_groups
from ecs_learn.checks.lab08.services import services
from ecs_learn.checks.lab08.storage import storage
from ecs_learn.checks.lab08.task_definitions import task_definitions

__all__ = [
    "API",
    "BEHAVIOUR",
    "CHECKS",
    "LOAD_TEST",
    "LOAD_TEST_MINUTES",
    "TIERS",
    "WEB",
    "Tier",
]

CHECKS = (
    images,
    security_groups,
    storage,
    roles_and_secrets,
    task_definitions,
    load_balancer,
    services,
    auto_scaling,
    repair_secret,
    load_test,
)
BEHAVIOUR = (repair_secret.id, load_test.id)  # the checks that judge what the account does
