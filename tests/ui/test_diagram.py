"""lab.show(): the drawing read back as a graph, on an empty account and on one built
here with every reference the diagram draws (real moto, through boto3)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ecs_learn.checks.reader import AccountReader
from ecs_learn.sandbox import Sandbox
from ecs_learn.ui.diagram import AccountDiagram
from ecs_learn.ui.diagram_read import account_diagram
from tests.runtime.world import TRUST, build

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Box:
    kind: str
    label: str
    x: float
    y: float
    w: float
    h: float

    def on_border(self, x: float, y: float) -> bool:
        """Is (x, y) on the left or right side of this box?"""
        return x in (self.x, self.x + self.w) and self.y <= y <= self.y + self.h


@dataclass(frozen=True)
class Drawing:
    root: ET.Element
    boxes: dict[str, Box]  # node key -> its box
    edges: list[tuple[str, str, str, tuple[float, float], tuple[float, float]]]

    def node(self, kind: str, label: str) -> str:
        keys = [k for k, b in self.boxes.items() if (b.kind, b.label) == (kind, label)]
        assert len(keys) == 1, f"{kind} {label!r}: drawn {len(keys)} times; drawn: {self.names()}"
        return keys[0]

    def names(self) -> list[tuple[str, str]]:
        return sorted((b.kind, b.label) for b in self.boxes.values())

    def labels(self, source: tuple[str, str], target: tuple[str, str]) -> list[str]:
        """The labels of the edges drawn from one node to another."""
        a, b = self.node(*source), self.node(*target)
        return [label for s, t, label, _, _ in self.edges if (s, t) == (a, b)]


def parse(svg: str) -> Drawing:
    root = ET.fromstring(svg)
    boxes = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "ecs-learn-node":
            continue
        rect = g.find(f"{SVG}rect")
        assert rect is not None
        texts = [t.text for t in g.findall(f"{SVG}text")]
        assert texts[0] == g.get("data-kind")  # the kind is written in the box
        boxes[g.get("data-key", "")] = Box(
            g.get("data-kind", ""),
            g.get("data-label", ""),
            *(float(rect.get(a, "nan")) for a in ("x", "y", "width", "height")),
        )
    edges = []
    for path in root.iter(f"{SVG}path"):
        if path.get("class") != "ecs-learn-edge":
            continue
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
        edges.append(
            (
                path.get("data-from", ""),
                path.get("data-to", ""),
                path.get("data-label", ""),
                (numbers[0], numbers[1]),
                (numbers[-2], numbers[-1]),
            )
        )
    return Drawing(root, boxes, edges)


def _build(box: Sandbox) -> None:
    """An account with every reference the diagram draws."""
    world = build(box)  # VPC, ALB "web" -> listener -> target group "web", cluster "lab"
    iam, ecs, efs = box.client("iam"), box.client("ecs"), box.client("efs")
    execution = world.execution_role("web-execution")
    task_role = iam.create_role(RoleName="web-task", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    image = world.push("web", "v1")
    fs_id = efs.create_file_system(
        CreationToken="uploads", Encrypted=True, Tags=[{"Key": "Name", "Value": "uploads"}]
    )["FileSystemId"]
    ap_id = efs.create_access_point(
        FileSystemId=fs_id,
        PosixUser={"Uid": 1000, "Gid": 1000},
        Tags=[{"Key": "Name", "Value": "uploads-app"}],
    )["AccessPointId"]
    first = world.task_definition(
        image=image,
        executionRoleArn=execution,
        taskRoleArn=task_role,
        volumes=[
            {
                "name": "uploads",
                "efsVolumeConfiguration": {
                    "fileSystemId": fs_id,
                    "transitEncryption": "ENABLED",
                    "authorizationConfig": {"accessPointId": ap_id, "iam": "ENABLED"},
                },
            }
        ],
        container={
            "mountPoints": [{"sourceVolume": "uploads", "containerPath": "/data"}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": "/ecs/web",
                    "awslogs-region": "us-east-1",
                    "awslogs-stream-prefix": "web",
                },
            },
        },
    )
    world.task_definition(image="nginx:1.27")  # web:2, the latest; the service stays on web:1
    world.create_service(first, count=1, lb=True)

    asg = box.client("autoscaling")
    asg.create_launch_configuration(
        LaunchConfigurationName="workers", ImageId="ami-12c6146b", InstanceType="t3.medium"
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName="workers-asg",
        LaunchConfigurationName="workers",
        MinSize=0,
        MaxSize=2,
        VPCZoneIdentifier=",".join(world.subnets),
    )
    group_arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["workers-asg"])[
        "AutoScalingGroups"
    ][0]["AutoScalingGroupARN"]
    ecs.create_capacity_provider(
        name="workers", autoScalingGroupProvider={"autoScalingGroupArn": group_arn}
    )
    ecs.put_cluster_capacity_providers(
        cluster="lab",
        capacityProviders=["workers", "FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    worker = ecs.register_task_definition(
        family="worker",
        requiresCompatibilities=["EC2"],
        networkMode="bridge",
        containerDefinitions=[{"name": "worker", "image": "busybox:stable", "memory": 128}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="lab",
        serviceName="worker",
        taskDefinition=worker,
        desiredCount=0,
        capacityProviderStrategy=[{"capacityProvider": "workers", "weight": 1}],
    )


@dataclass(frozen=True)
class Drawn:
    empty: AccountDiagram
    built: AccountDiagram
    graph: Drawing


@pytest.fixture(scope="module")
def drawn() -> Iterator[Drawn]:
    box = Sandbox().start(background=False)
    try:
        reader = AccountReader.for_sandbox(box)
        empty = account_diagram(reader)
        _build(box)
        built = account_diagram(reader)
        yield Drawn(empty, built, parse(built.svg()))
    finally:
        box.stop()


def test_an_empty_account_draws_nothing_built_yet(drawn: Drawn) -> None:
    html = drawn.empty._repr_html_()
    svg = html.removeprefix("<div class='ecs-learn-diagram' style='text-align:left'>")
    drawing = parse(svg.removesuffix("</div>"))
    assert drawing.boxes == {} and drawing.edges == []
    empty = [g for g in drawing.root.iter(f"{SVG}g") if g.get("class") == "ecs-learn-empty"]
    assert len(empty) == 1
    said = " ".join(t.text or "" for t in empty[0].iter(f"{SVG}text"))
    assert said.startswith("Nothing built yet") and "Run the exercise cells" in said
    assert str(drawn.empty) == "Nothing built yet: the mocked account is empty."


def test_load_balancer_forwards_to_the_target_group_that_sends_traffic_to_the_service(
    drawn: Drawn,
) -> None:
    g = drawn.graph
    lb, tg, service = ("load balancer", "web"), ("target group", "web"), ("service", "web")
    assert g.labels(lb, tg) == ["forwards to"]
    assert g.labels(tg, service) == ["sends traffic to"]
    assert g.labels(tg, ("service", "worker")) == []


def test_the_cluster_runs_services_on_the_revision_they_run_with_its_roles(drawn: Drawn) -> None:
    g = drawn.graph
    cluster, web, worker = ("cluster", "lab"), ("service", "web"), ("service", "worker")
    assert g.labels(cluster, web) == ["runs"] and g.labels(cluster, worker) == ["runs"]
    assert g.labels(web, ("task definition", "web:1")) == ["runs tasks of"]  # not the latest
    assert g.labels(web, ("task definition", "web:2")) == []
    assert g.labels(worker, ("task definition", "worker:1")) == ["runs tasks of"]
    td = ("task definition", "web:1")
    assert g.labels(td, ("IAM role", "web-execution")) == ["execution role"]
    assert g.labels(td, ("IAM role", "web-task")) == ["task role"]
    assert g.labels(("task definition", "web:2"), ("IAM role", "web-execution")) == []


def test_the_task_definition_mounts_the_file_system_through_its_access_point(
    drawn: Drawn,
) -> None:
    g = drawn.graph
    td, fs, ap = (
        ("task definition", "web:1"),
        ("EFS file system", "uploads"),
        ("EFS access point", "uploads-app"),
    )
    assert g.labels(td, fs) == ["volume uploads"]
    assert g.labels(td, ap) == ["volume uploads through"]
    assert g.labels(ap, fs) == ["access point into"]


def test_the_task_definition_takes_its_image_from_the_ecr_repository(drawn: Drawn) -> None:
    g = drawn.graph
    repo = ("ECR repository", "web")
    assert g.labels(("task definition", "web:1"), repo) == ["image of web"]
    assert g.labels(("task definition", "web:2"), repo) == []  # nginx from Docker Hub
    assert g.labels(("task definition", "web:1"), ("log group", "/ecs/web")) == ["logs"]


def test_capacity_providers_connect_the_cluster_and_services_to_the_auto_scaling_group(
    drawn: Drawn,
) -> None:
    g = drawn.graph
    cluster, provider = ("cluster", "lab"), ("capacity provider", "workers")
    assert g.labels(cluster, provider) == ["capacity provider"]
    assert g.labels(cluster, ("capacity provider", "FARGATE")) == ["capacity provider"]
    assert g.labels(provider, ("Auto Scaling group", "workers-asg")) == ["scales"]
    assert g.labels(("service", "worker"), provider) == ["places tasks with"]
    assert g.labels(("service", "web"), provider) == []


def test_every_edge_is_drawn_from_its_source_box_to_its_target_box(drawn: Drawn) -> None:
    g = drawn.graph
    assert len(g.edges) == len(drawn.built.edges) == 17
    for source, target, label, start, end in g.edges:
        assert g.boxes[source].on_border(*start), (label, g.boxes[source], start)
        assert g.boxes[target].on_border(*end), (label, g.boxes[target], end)
    # Columns run left to right the way a request travels.
    x = {kind: b.x for b in g.boxes.values() for kind in [b.kind]}
    assert x["load balancer"] < x["service"] < x["task definition"] < x["IAM role"]
    assert x["capacity provider"] == x["task definition"]


def test_the_text_form_lists_the_same_graph(drawn: Drawn) -> None:
    text = str(drawn.built)
    assert "web -> web:1 (runs tasks of)" in text
    assert "workers -> workers-asg (scales)" in text
    assert json.dumps(drawn.built.edges)  # plain data, nothing live
