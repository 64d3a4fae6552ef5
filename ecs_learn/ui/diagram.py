"""``lab.show()``: what the learner built, drawn as an inline SVG (no extra services).

It reads the account only through the checks' read-only clients (describe/list/get)
and lays things out in columns, left to right the way a request travels: load
balancers and target groups, the cluster and its services, task definitions, then what
those use — IAM roles, EFS file systems and log groups. Lines are the references
between them (a service's target group and task definition, a task definition's roles,
volumes and log group).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.reader import AccountReader

__all__ = ["AccountDiagram", "Node", "account_diagram"]

COLUMNS = ("Load balancing", "Cluster and services", "Task definitions", "Used by tasks")
_FILL = {
    "load balancer": "#fff8c5",
    "target group": "#fff8c5",
    "cluster": "#ddf4ff",
    "service": "#ddf4ff",
    "task definition": "#dafbe1",
    "IAM role": "#fbefff",
    "EFS file system": "#ffebe9",
    "log group": "#f6f8fa",
}


@dataclass(frozen=True)
class Node:
    key: str
    kind: str
    label: str
    column: int
    detail: str = ""


@dataclass
class AccountDiagram:
    """Nodes and edges; renders as SVG in notebooks and as a list in text."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, label)

    def add(self, node: Node) -> None:
        if all(n.key != node.key for n in self.nodes):
            self.nodes.append(node)

    def link(self, source: str, target: str, label: str = "") -> None:
        keys = {n.key for n in self.nodes}
        if source in keys and target in keys and (source, target, label) not in self.edges:
            self.edges.append((source, target, label))

    def __str__(self) -> str:
        if not self.nodes:
            return "The mocked account is empty."
        lines = []
        for column, title in enumerate(COLUMNS):
            members = [n for n in self.nodes if n.column == column]
            if members:
                lines.append(f"{title}:")
                lines += [f"  {n.kind} {n.label}" for n in members]
        by_key = {n.key: n for n in self.nodes}
        for source, target, label in self.edges:
            lines.append(f"  {by_key[source].label} -> {by_key[target].label} ({label})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        if not self.nodes:
            return (
                "<div class='ecs-learn-diagram' style='text-align:left;color:#57606a'>"
                "The mocked account is empty: nothing built yet (or the kernel restarted).</div>"
            )
        return f"<div class='ecs-learn-diagram' style='text-align:left'>{self.svg()}</div>"

    def svg(self) -> str:
        width, box_w, box_h, gap, top = 220, 190, 40, 14, 34
        used = sorted({n.column for n in self.nodes})
        x_of = {c: 10 + i * width for i, c in enumerate(used)}
        pos: dict[str, tuple[float, float]] = {}
        rows = 0
        for c in used:
            members = [n for n in self.nodes if n.column == c]
            rows = max(rows, len(members))
            for i, n in enumerate(members):
                pos[n.key] = (x_of[c], top + i * (box_h + gap))
        total_w = 10 + len(used) * width
        total_h = top + rows * (box_h + gap) + 4
        parts = [
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{total_w}' height='{total_h}' "
            f"viewBox='0 0 {total_w} {total_h}' font-family='sans-serif' font-size='12' "
            "role='img' aria-label='What is in the mocked account'>",
            "<defs><marker id='ecs-learn-arrow' viewBox='0 0 10 10' refX='10' refY='5' "
            "markerWidth='7' markerHeight='7' orient='auto-start-reverse'>"
            "<path d='M 0 0 L 10 5 L 0 10 z' fill='#57606a'/></marker></defs>",
        ]
        for c in used:
            parts.append(
                f"<text x='{x_of[c]}' y='16' font-weight='bold' fill='#24292f'>"
                f"{escape(COLUMNS[c])}</text>"
            )
        for source, target, label in self.edges:
            (x1, y1), (x2, y2) = pos[source], pos[target]
            if x2 > x1:
                sx, ex = x1 + box_w, x2
            elif x2 < x1:
                sx, ex = x1, x2 + box_w
            else:  # same column (a target group under its load balancer)
                sx = ex = x1 + 12
            sy, ey = y1 + box_h / 2, y2 + box_h / 2
            if sx == ex:
                sy, ey = y1 + box_h, y2
            parts.append(
                f"<line class='ecs-learn-edge' x1='{sx}' y1='{sy}' x2='{ex}' y2='{ey}' "
                "stroke='#57606a' stroke-width='1.2' marker-end='url(#ecs-learn-arrow)'>"
                f"<title>{escape(label)}</title></line>"
            )
        for n in self.nodes:
            x, y = pos[n.key]
            label = n.label if len(n.label) <= 26 else n.label[:25] + "…"
            parts.append(
                f"<g class='ecs-learn-node' data-kind='{escape(n.kind)}'>"
                f"<title>{escape(n.kind)} {escape(n.label)} {escape(n.detail)}</title>"
                f"<rect x='{x}' y='{y}' width='{box_w}' height='{box_h}' rx='6' "
                f"fill='{_FILL.get(n.kind, '#ffffff')}' stroke='#8c959f'/>"
                f"<text x='{x + 8}' y='{y + 15}' fill='#57606a' font-size='10'>"
                f"{escape(n.kind)}</text>"
                f"<text x='{x + 8}' y='{y + 31}' fill='#24292f'>{escape(label)}</text></g>"
            )
        parts.append("</svg>")
        return "".join(parts)


def _safe(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except ClientError:
        return {}


def _task_definitions(aws: AccountReader) -> Iterator[dict[str, Any]]:
    families = _safe(aws.ecs.list_task_definition_families, status="ACTIVE").get("families", [])
    for family in families:
        found = _safe(aws.ecs.describe_task_definition, taskDefinition=family)
        td = found.get("taskDefinition")
        if td and td.get("status", "ACTIVE") == "ACTIVE":
            yield td


def account_diagram(aws: AccountReader) -> AccountDiagram:
    """Read the account and build its diagram."""
    d = AccountDiagram()
    for lb in _safe(aws.elbv2.describe_load_balancers).get("LoadBalancers", []):
        d.add(
            Node(
                lb["LoadBalancerArn"],
                "load balancer",
                lb["LoadBalancerName"],
                0,
                lb.get("Type", ""),
            )
        )
    for tg in _safe(aws.elbv2.describe_target_groups).get("TargetGroups", []):
        d.add(
            Node(
                tg["TargetGroupArn"],
                "target group",
                tg["TargetGroupName"],
                0,
                f"target type {tg.get('TargetType', '')}",
            )
        )
        for lb_arn in tg.get("LoadBalancerArns", []):
            d.link(lb_arn, tg["TargetGroupArn"], "forwards to")
    tds = list(_task_definitions(aws))
    for td in tds:
        name = f"{td['family']}:{td['revision']}"
        d.add(
            Node(
                td["taskDefinitionArn"],
                "task definition",
                name,
                2,
                f"{td.get('networkMode', '')} {', '.join(td.get('requiresCompatibilities', []))}",
            )
        )
    for arn in _safe(aws.ecs.list_clusters).get("clusterArns", []):
        cluster_name = arn.rsplit("/", 1)[-1]
        d.add(Node(arn, "cluster", cluster_name, 1))
        service_arns = _safe(aws.ecs.list_services, cluster=arn).get("serviceArns", [])
        if not service_arns:
            continue
        found = _safe(aws.ecs.describe_services, cluster=arn, services=service_arns[:10])
        for svc in found.get("services", []):
            d.add(
                Node(
                    svc["serviceArn"],
                    "service",
                    svc["serviceName"],
                    1,
                    f"desired {svc.get('desiredCount', 0)}",
                )
            )
            d.link(arn, svc["serviceArn"], "runs")
            td_arn = svc.get("taskDefinition", "")
            for td in tds:
                if td["taskDefinitionArn"] == td_arn:
                    d.link(svc["serviceArn"], td_arn, "runs tasks of")
            for lb in svc.get("loadBalancers", []):
                if lb.get("targetGroupArn"):
                    d.link(lb["targetGroupArn"], svc["serviceArn"], "sends traffic to")
    for td in tds:
        for key, label in (("executionRoleArn", "execution role"), ("taskRoleArn", "task role")):
            role_arn = td.get(key)
            if role_arn:
                d.add(Node(role_arn, "IAM role", role_arn.rsplit("/", 1)[-1], 3))
                d.link(td["taskDefinitionArn"], role_arn, label)
        for volume in td.get("volumes", []):
            efs = volume.get("efsVolumeConfiguration")
            if efs and efs.get("fileSystemId"):
                d.add(Node(efs["fileSystemId"], "EFS file system", efs["fileSystemId"], 3))
                d.link(td["taskDefinitionArn"], efs["fileSystemId"], f"volume {volume.get('name')}")
        for container in td.get("containerDefinitions", []):
            options = (container.get("logConfiguration") or {}).get("options") or {}
            group = options.get("awslogs-group")
            if group:
                d.add(Node(f"log:{group}", "log group", group, 3))
                d.link(td["taskDefinitionArn"], f"log:{group}", "logs")
    for fs in _safe(aws.efs.describe_file_systems).get("FileSystems", []):
        d.add(Node(fs["FileSystemId"], "EFS file system", fs.get("Name") or fs["FileSystemId"], 3))
    roles = _safe(aws.iam.list_roles).get("Roles", [])
    for role in roles:
        if "ecs-tasks.amazonaws.com" in str(role.get("AssumeRolePolicyDocument", "")):
            d.add(Node(role["Arn"], "IAM role", role["RoleName"], 3))
    return d
