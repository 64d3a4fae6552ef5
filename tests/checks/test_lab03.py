"""Lab 03's checks against real moto and the runtime: the solution passes, mistakes fail
with the requirement that is wrong and a hint that names the field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import AccountReader, LabReport, Status, get_lab
from ecs_learn.grading.notebooks import cell_check_id, cell_source, cell_tags
from tests.checks.priced import assert_every_row_priced
from tests.labs.notebook_code import code_cells

NOTEBOOK = "03-services-load-balancing.ipynb"
LAB = get_lab("03")


@pytest.fixture
def reader(sandbox: Any) -> Iterator[AccountReader]:
    yield AccountReader.for_sandbox(sandbox)
    strict.disable()


def run_cells(
    *,
    until: str | None = None,
    replace: dict[str, str] | None = None,
    reader: AccountReader | None = None,
) -> dict[str, Any]:
    """Run the solution's code cells (not report or quiz) up to check ``until``.

    ``replace``: text substitutions in the cells' source (a learner's mistake). With a
    ``reader``, each check runs where its cell stands (as under grading); the results are
    in the namespace's ``"results"``.
    """
    namespace: dict[str, Any] = {"__name__": "__lab__", "results": {}}
    for cell in code_cells(NOTEBOOK):
        check_id = cell_check_id(cell)
        if check_id is not None:
            if check_id == until:
                break
            if reader is not None:
                namespace["results"][check_id] = LAB.run(check_id, reader)
            continue
        if set(cell_tags(cell)) & {"report", "quiz"}:
            continue
        source = cell_source(cell)
        for old, new in (replace or {}).items():
            source = source.replace(old, new)
        exec(compile(source, "<lab03>", "exec"), namespace)
    return namespace


def wrong(check_id: str, reader: AccountReader) -> dict[str, tuple[str, str]]:
    result = LAB.run(check_id, reader)
    assert result.status is Status.FAILED, result
    return {r.label: (r.expected, r.found) for r in result.requirements if not r.ok}


def test_every_check_fails_on_an_empty_account(reader: AccountReader) -> None:
    report = LAB.run_all(reader)
    assert {r.status for r in report.results} == {Status.FAILED}
    assert report.points == 0
    assert report.by_id()["alb"].requirements[0].found == "nothing"


def test_an_instance_target_group_and_open_tasks_fail_with_the_field_named(
    reader: AccountReader,
) -> None:
    run_cells(
        until="alb",
        replace={
            'TargetType="ip",\n    HealthCheckPath="/health"': (
                'TargetType="instance",\n    HealthCheckPath="/health"'
            ),
            '"UserIdGroupPairs": [{"GroupId": alb_sg}]': '"IpRanges": [{"CidrIp": "0.0.0.0/0"}]',
        },
    )
    assert wrong("alb", reader) == {"web TargetType": ("ip", "instance")}
    assert wrong("security-groups", reader) == {
        "web-tasks ingress": ("tcp 80 from the web-alb security group", "tcp 80 from 0.0.0.0/0"),
        "web-tasks open to 0.0.0.0/0": ("no", "tcp 80"),
    }
    assert "TargetType='ip'" in LAB.get_check("alb").hint
    # each requirement earns its share: 3 less the target type's 0.3; 2 less 0.75 and 0.5
    assert LAB.run("alb", reader).points == 2.7
    assert LAB.run("security-groups", reader).points == 0.75


def test_an_alb_aws_would_refuse_earns_nothing(reader: AccountReader, sandbox: Any) -> None:
    """An ALB in one zone (moto alone stores it) and a right target group: the gate holds."""
    namespace = run_cells(until="security-groups")
    elbv2 = sandbox.client("elbv2")
    with strict.lenient():
        elbv2.create_load_balancer(
            Name="web-alb", Scheme="internet-facing", Subnets=namespace["SUBNETS"][:1]
        )
    elbv2.create_target_group(
        Name="web", Protocol="HTTP", Port=80, VpcId=namespace["VPC_ID"], TargetType="ip",
        HealthCheckPath="/health", HealthCheckIntervalSeconds=10, HealthyThresholdCount=2,
    )  # fmt: skip
    result = LAB.run("alb", reader)
    found = {r.label: r.found for r in result.requirements if not r.ok}
    assert "ELB001 at Subnets" in found["AWS accepts it"]
    assert "web TargetType" not in found and "web-alb Type" not in found
    assert result.points == 0 and result.judged == "web-alb and targetgroup/web"


def test_a_service_checked_before_the_clock_moves_has_targets_still_initial(
    reader: AccountReader,
) -> None:
    run_cells(until="alb-service", replace={"rt.advance(minutes=2)": "pass"})
    found = wrong("alb-service", reader)
    assert list(found) == ["healthy targets in web"]
    assert found["healthy targets in web"][1].count("initial (Elb.RegistrationInProgress)") == 2
    assert "rt.advance" in LAB.get_check("alb-service").hint


def test_typical_mistakes_fail_their_own_checks_and_the_rest_still_pass(
    reader: AccountReader,
) -> None:
    """The api's port not opened, the breaker without rollback, the repair's port wrong."""
    namespace = run_cells(
        reader=reader,
        replace={
            '"FromPort": 8080,\n                "ToPort": 8080,\n                '
            '"UserIdGroupPairs": [{"GroupId": find_security_group("web-alb")}]': (
                '"FromPort": 8443,\n                "ToPort": 8443,\n                '
                '"UserIdGroupPairs": [{"GroupId": find_security_group("web-alb")}]'
            ),
            '"deploymentCircuitBreaker": {"enable": True, "rollback": True}': (
                '"deploymentCircuitBreaker": {"enable": True, "rollback": False}'
            ),
            '"FromPort": 8080,\n                "ToPort": 8080,\n                '
            '"UserIdGroupPairs": [{"GroupId": orders_alb_sg}]': (
                '"FromPort": 443,\n                "ToPort": 443,\n                '
                '"UserIdGroupPairs": [{"GroupId": orders_alb_sg}]'
            ),
        },
    )
    results = namespace["results"]
    assert list(results) == LAB.check_ids()
    assert_every_row_priced(LAB, LabReport("03", tuple(results.values())))
    assert {c for c, r in results.items() if not r.passed} == {
        "path-routing",
        "circuit-breaker",
        "repair-targets",
    }, "\n".join(str(r) for r in results.values() if not r.passed)
    routing = {r.label: r.found for r in results["path-routing"].requirements if not r.ok}
    assert " healthy" not in routing["healthy targets in api"]  # timed out, replaced, again
    breaker = {
        r.label: (r.expected, r.found) for r in results["circuit-breaker"].requirements if not r.ok
    }
    assert breaker["deploymentCircuitBreaker"] == (
        "enable True, rollback True",
        "enable True, rollback False",
    )
    assert breaker["service taskDefinition"][1] == "web:3"  # never rolled back
    repair = {r.label: r.found for r in results["repair-targets"].requirements if not r.ok}
    assert "tcp 443 from" in repair["orders-tasks ingress"]
    assert " healthy" not in repair["healthy targets in orders"]
    assert "draining" in repair["healthy targets in orders"]  # counted, not listed
    assert repair["healthy targets in orders"].count(":8080 ") <= 2  # the running tasks' only
    assert "orders-alb security group" in results["repair-targets"].hint
    # partial credit, row by row: the api's port (0.3) and what it breaks (health 0.3, the
    # /api/ request 0.3); the breaker's setting (1) and its rollback (0.5); nothing of the
    # repair, which changed the wrong port
    points = {c: r.points for c, r in results.items() if not r.passed}
    assert points == {"path-routing": 2.1, "circuit-breaker": 1.5, "repair-targets": 0}
