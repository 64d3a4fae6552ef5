"""The placement engine, pure: strategies, constraints, ports, resources, AWS's reasons."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from ecs_learn.runtime.placement import (
    Demand,
    Host,
    QueryError,
    Reason,
    hosts_from_api,
    matches_expression,
    place_many,
)

ARN = "arn:aws:ecs:us-east-1:123456789012:container-instance/lab/"
RESERVED = frozenset({(22, "tcp"), (2375, "tcp"), (2376, "tcp"), (51678, "tcp"), (51679, "tcp")})


def host(n: int, az: str = "us-east-1a", cpu: int = 2048, memory: int = 3800, **kw: object) -> Host:
    return Host(
        arn=f"{ARN}{n:032x}",
        instance_id=f"i-{n:017x}",
        availability_zone=az,
        instance_type=str(kw.pop("instance_type", "t3.medium")),
        cpu=cpu,
        memory=memory,
        ports=RESERVED,
        attributes={
            "ecs.availability-zone": az,
            "ecs.instance-type": str(kw.pop("itype", "t3.medium")),
            "ecs.os-type": "linux",
            **kw.pop("attrs", {}),  # type: ignore[dict-item]
        },
    )


def td(
    *,
    memory: int | None = 512,
    reservation: int | None = None,
    host_port: int | None = None,
    mode: str = "bridge",
    cpu: int = 256,
) -> dict[str, object]:
    container: dict[str, object] = {"name": "web", "image": "nginx", "cpu": cpu}
    if memory is not None:
        container["memory"] = memory
    if reservation is not None:
        container["memoryReservation"] = reservation
    mapping: dict[str, object] = {"containerPort": 80, "protocol": "tcp"}
    if host_port is not None:
        mapping["hostPort"] = host_port
    container["portMappings"] = [mapping]
    return {"family": "web", "networkMode": mode, "containerDefinitions": [container]}


WEB = Demand.from_task_definition(td(), group="service:web")


def spots(placements: list) -> Counter[str]:  # type: ignore[type-arg]
    return Counter(p.host.instance_id for p in placements if p.host is not None)


def test_binpack_on_memory_fills_one_instance_before_the_next() -> None:
    hosts = [host(1), host(2), host(3, memory=1100)]
    placed = place_many(WEB, hosts, 4, [{"type": "binpack", "field": "memory"}])
    assert all(p.placed for p in placed)
    # the fullest host first (1100 MiB takes 2 tasks), then the next, on one host at a time
    assert [p.host.instance_id for p in placed][:2] == [hosts[2].instance_id] * 2  # type: ignore[union-attr]
    assert len(spots(placed)) == 2


def test_spread_over_availability_zones_balances_the_tasks() -> None:
    hosts = [
        host(1, "us-east-1a"),
        host(2, "us-east-1a"),
        host(3, "us-east-1b"),
        host(4, "us-east-1c"),
    ]
    placed = place_many(
        WEB, hosts, 6, [{"type": "spread", "field": "attribute:ecs.availability-zone"}]
    )
    by_az = Counter(p.host.availability_zone for p in placed)  # type: ignore[union-attr]
    assert by_az == {"us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 2}


def test_spread_by_az_then_instance_balances_inside_the_zone_too() -> None:
    hosts = [host(1, "us-east-1a"), host(2, "us-east-1a"), host(3, "us-east-1b")]
    strategy = [
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "spread", "field": "instanceId"},
    ]
    placed = place_many(WEB, hosts, 4, strategy)
    assert sorted(spots(placed).values()) == [1, 1, 2]


def test_distinct_instance_places_one_task_of_a_group_per_instance() -> None:
    hosts = [host(1), host(2)]
    placed = place_many(
        WEB, hosts, 3, [{"type": "binpack", "field": "memory"}], [{"type": "distinctInstance"}]
    )
    assert [p.placed for p in placed] == [True, True, False]
    assert placed[2].reason is Reason.DISTINCT_INSTANCE
    assert placed[2].failure_reason == "DistinctInstance placement constraint unsatisfied."


def test_a_static_host_port_allows_one_task_per_instance_and_says_why_the_third_fails() -> None:
    demand = Demand.from_task_definition(td(host_port=80), group="service:web")
    hosts = [host(1), host(2)]
    placed = place_many(demand, hosts, 3)
    assert [p.placed for p in placed] == [True, True, False]
    assert len(spots(placed)) == 2
    third = placed[2]
    assert third.reason is Reason.PORTS and third.closest is not None
    assert third.event("web") == (
        "(service web) was unable to place a task because no container instance met all of its "
        f"requirements. The closest matching (container-instance {third.closest.id}) is already "
        "using a port required by your task. For more information, see the Troubleshooting "
        "section of the Amazon ECS Developer Guide."
    )
    assert third.failure_reason == "RESOURCE:PORTS"


def test_host_mode_uses_the_container_port_as_the_host_port() -> None:
    demand = Demand.from_task_definition(td(mode="host"))
    assert demand.ports == {(80, "tcp")}
    assert [p.placed for p in place_many(demand, [host(1)], 2)] == [True, False]


def test_dynamic_host_ports_and_awsvpc_never_conflict() -> None:
    for definition in (td(host_port=0), td(), td(mode="awsvpc")):
        demand = Demand.from_task_definition(definition)
        assert demand.ports == frozenset()
        assert all(p.placed for p in place_many(demand, [host(1)], 7))  # 7 x 512 MiB < 3800


def test_insufficient_memory_is_reported_in_aws_words() -> None:
    big = Demand.from_task_definition(td(memory=4096), group="service:api")
    [placement] = place_many(big, [host(1), host(2, memory=3000)], 1)
    assert placement.reason is Reason.MEMORY
    assert placement.event("api") == (
        "(service api) was unable to place a task because no container instance met all of its "
        f"requirements. The closest matching (container-instance {host(1).id}) has insufficient "
        "memory available. For more information, see the Troubleshooting section of the "
        "Amazon ECS Developer Guide."
    )


def test_insufficient_cpu_and_no_instances() -> None:
    [cpu] = place_many(Demand(cpu=4096, memory=128), [host(1)], 1)
    assert cpu.reason is Reason.CPU and "has insufficient CPU units available." in (
        cpu.event("s") or ""
    )
    [none] = place_many(WEB, [], 1)
    assert none.reason is Reason.NO_INSTANCES
    assert "No Container Instances were found in your cluster." in (none.event("s") or "")
    drained = Host(arn=f"{ARN}x", instance_id="i-1", cpu=9999, memory=9999, status="DRAINING")
    assert place_many(WEB, [drained], 1)[0].reason is Reason.NO_INSTANCES


def test_memory_reservation_and_task_level_memory_count() -> None:
    assert Demand.from_task_definition(td(memory=None, reservation=300)).memory == 300
    assert Demand.from_task_definition(td(memory=700, reservation=300)).memory == 700
    with_task_memory = {**td(memory=None), "memory": "1024", "cpu": "512"}
    demand = Demand.from_task_definition(with_task_memory)
    assert (demand.cpu, demand.memory) == (512, 1024)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", {1, 2}),
        ("attribute:ecs.instance-type == t3.medium", {1, 3}),
        ("attribute:ecs.instance-type =~ t3.*", {1, 3}),
        (
            "attribute:ecs.instance-type =~ t3.*  and "
            "attribute:ecs.availability-zone != us-east-1a",
            {3},
        ),
        ("attribute:ecs.instance-type == m5.large or attribute:stack == prod", {2, 3}),
        ("not(attribute:stack == prod)", {1, 2}),
        ("attribute:stack exists", {3}),
        ("attribute:ecs.availability-zone !in ['us-east-1a']", {2, 3}),
        (
            "(attribute:stack == prod || attribute:ecs.instance-type==m5.large)"
            " && runningTasksCount == 0",
            {2, 3},
        ),
        ("ec2InstanceId in ['i-00000000000000001']", {1}),
    ],
)
def test_member_of_expressions(expression: str, expected: set[int]) -> None:
    hosts = {
        1: host(1, "us-east-1a"),
        2: host(2, "us-east-1b", itype="m5.large"),
        3: host(3, "us-east-1c", attrs={"stack": "prod"}),
    }
    assert {n for n, h in hosts.items() if matches_expression(h, expression)} == expected


def test_member_of_constraint_limits_placement_and_names_the_constraint() -> None:
    hosts = [host(1, "us-east-1a"), host(2, "us-east-1b", itype="m5.large")]
    constraint = [{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.large"}]
    placed = place_many(WEB, hosts, 3, constraints=constraint)
    assert set(spots(placed)) == {hosts[1].instance_id}
    nowhere = [{"type": "memberOf", "expression": "attribute:ecs.instance-type == g2.2xlarge"}]
    [failed] = place_many(WEB, hosts, 1, constraints=nowhere)
    assert failed.reason is Reason.MEMBER_OF
    assert 'encountered error "MemberOf placement constraint unsatisfied.".' in (
        failed.event("w") or ""
    )
    with pytest.raises(QueryError):
        matches_expression(hosts[0], "attribute:x ==")


def test_task_group_affinity() -> None:
    busy = host(1).with_task(Demand(group="service:db"))
    assert matches_expression(busy, "task:group == service:db")
    assert not matches_expression(host(2), "task:group == service:db")


def test_random_placement_is_deterministic_with_a_seed() -> None:
    hosts = [host(n) for n in range(1, 6)]
    runs = [
        [
            p.host.instance_id
            for p in place_many(WEB, hosts, 5, [{"type": "random"}], rng=random.Random(7))
        ]  # type: ignore[union-attr]
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    other = [
        p.host.instance_id
        for p in place_many(WEB, hosts, 5, [{"type": "random"}], rng=random.Random(8))
    ]  # type: ignore[union-attr]
    assert len(set(runs[0])) > 1 and (other != runs[0] or len(set(other)) > 1)


def test_hosts_from_api_reads_reported_or_computes_from_tasks() -> None:
    instance = {
        "containerInstanceArn": f"{ARN}abc",
        "ec2InstanceId": "i-1",
        "status": "ACTIVE",
        "agentConnected": True,
        "attributes": [
            {"name": "ecs.availability-zone", "value": "us-east-1b"},
            {"name": "ecs.instance-type", "value": "t3.small"},
        ],
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 1900},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375"]},
            {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []},
        ],
        "remainingResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 1792},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 1388},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375", "80", "0"]},
        ],
    }
    arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"
    task = {
        "containerInstanceArn": f"{ARN}abc",
        "group": "service:web",
        "taskDefinitionArn": arn,
        "lastStatus": "RUNNING",
    }
    stopped = {**task, "lastStatus": "STOPPED"}
    [reported] = hosts_from_api([instance], [task, stopped])
    assert (reported.cpu, reported.memory, reported.availability_zone) == (1792, 1388, "us-east-1b")
    assert reported.ports == {(22, "tcp"), (2375, "tcp"), (80, "tcp")}
    assert reported.groups == ("service:web",) and reported.families == ("web",)
    [computed] = hosts_from_api([instance], [task], {arn: {"taskDefinition": td(host_port=8080)}})
    assert (computed.cpu, computed.memory) == (2048 - 256, 1900 - 512)
    assert (8080, "tcp") in computed.ports
