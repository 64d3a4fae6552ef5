"""``lab.show()``: what the learner built, drawn as an inline SVG (no extra services).

The diagram is nodes (one per resource) in columns, left to right the way a request
travels: load balancing, the cluster and its services, task definitions and capacity
providers, then what tasks use (roles, images, file systems, log groups, instances).
Edges are the references between them. :mod:`ecs_learn.ui.diagram_read` reads the
account into this model; this module only lays it out and draws it.

Every drawn node carries ``data-key``/``data-kind``/``data-label`` and every edge
``data-from``/``data-to``/``data-label``, so a test (or a curious learner) can read the
picture back as a graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

__all__ = ["COLUMNS", "KINDS", "AccountDiagram", "Node"]

COLUMNS = (
    "Load balancing",
    "Cluster and services",
    "Task definitions, capacity",
    "Used by tasks",
)

# kind -> (column, fill); a column lists its kinds in this order.
KINDS: dict[str, tuple[int, str]] = {
    "load balancer": (0, "#fff8c5"),
    "target group": (0, "#fff8c5"),
    "cluster": (1, "#ddf4ff"),
    "service": (1, "#ddf4ff"),
    "task definition": (2, "#dafbe1"),
    "capacity provider": (2, "#dafbe1"),
    "IAM role": (3, "#fbefff"),
    "ECR repository": (3, "#fff1e5"),
    "EFS file system": (3, "#ffebe9"),
    "EFS access point": (3, "#ffebe9"),
    "log group": (3, "#f6f8fa"),
    "Auto Scaling group": (3, "#eaeef2"),
}
_RANK = {kind: n for n, kind in enumerate(KINDS)}
# Clusters and their services are drawn together (cluster, its services, next cluster).
_RANK["service"] = _RANK["cluster"]

_BOX_W, _BOX_H, _GAP, _TOP, _COLUMN_W, _LEFT = 190, 40, 14, 34, 220, 28
_EMPTY_TITLE = "Nothing built yet"
_EMPTY_HINT = "The mocked account is empty (or the kernel restarted)."
_EMPTY_HINT_2 = "Run the exercise cells above, then lab.show() again."


@dataclass(frozen=True)
class Node:
    key: str
    kind: str
    label: str
    detail: str = ""

    @property
    def column(self) -> int:
        return KINDS[self.kind][0]


@dataclass
class AccountDiagram:
    """Nodes and edges; renders as SVG in notebooks and as a list in text."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, label)

    def add(self, node: Node) -> None:
        if node.kind not in KINDS:
            raise ValueError(f"unknown node kind {node.kind!r}; known: {', '.join(KINDS)}")
        if not self.has(node.key):
            self.nodes.append(node)

    def has(self, key: str) -> bool:
        return any(n.key == key for n in self.nodes)

    def link(self, source: str, target: str, label: str = "") -> None:
        if self.has(source) and self.has(target) and (source, target, label) not in self.edges:
            self.edges.append((source, target, label))

    def ordered(self) -> list[Node]:
        """Nodes by column, then by kind within a column, then in the order they were read."""
        return sorted(self.nodes, key=lambda n: (n.column, _RANK[n.kind]))

    # -- text -------------------------------------------------------------------------
    def __str__(self) -> str:
        if not self.nodes:
            return f"{_EMPTY_TITLE}: the mocked account is empty."
        lines = []
        nodes = self.ordered()
        for column, title in enumerate(COLUMNS):
            members = [n for n in nodes if n.column == column]
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
        return f"<div class='ecs-learn-diagram' style='text-align:left'>{self.svg()}</div>"

    # -- drawing ----------------------------------------------------------------------
    def svg(self) -> str:
        if not self.nodes:
            return _empty_svg()
        nodes = self.ordered()
        used = sorted({n.column for n in nodes})
        x_of = {c: _LEFT + i * _COLUMN_W for i, c in enumerate(used)}
        pos: dict[str, tuple[float, float]] = {}
        rows = 0
        for c in used:
            members = [n for n in nodes if n.column == c]
            rows = max(rows, len(members))
            for i, n in enumerate(members):
                pos[n.key] = (x_of[c], _TOP + i * (_BOX_H + _GAP))
        total_w = _LEFT + len(used) * _COLUMN_W
        total_h = _TOP + rows * (_BOX_H + _GAP) + 4
        parts = [_svg_open(total_w, total_h, "What is in the mocked account")]
        for c in used:
            parts.append(
                f"<text x='{x_of[c]}' y='16' font-weight='bold' fill='#24292f'>"
                f"{escape(COLUMNS[c])}</text>"
            )
        for source, target, label in self.edges:
            parts.append(_edge(source, target, label, pos[source], pos[target]))
        for n in nodes:
            parts.append(_node(n, *pos[n.key]))
        parts.append("</svg>")
        return "".join(parts)


def _svg_open(width: float, height: float, label: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' font-family='sans-serif' font-size='12' "
        f"role='img' aria-label='{escape(label)}'>"
        "<defs><marker id='ecs-learn-arrow' viewBox='0 0 10 10' refX='10' refY='5' "
        "markerWidth='7' markerHeight='7' orient='auto-start-reverse'>"
        "<path d='M 0 0 L 10 5 L 0 10 z' fill='#57606a'/></marker></defs>"
    )


def _empty_svg() -> str:
    return (
        _svg_open(460, 74, "Nothing built yet in the mocked account")
        + "<g class='ecs-learn-empty'>"
        "<rect x='5' y='5' width='450' height='64' rx='6' fill='#f6f8fa' stroke='#8c959f' "
        "stroke-dasharray='4 3'/>"
        f"<text x='16' y='26' font-weight='bold' fill='#24292f'>{_EMPTY_TITLE}</text>"
        f"<text x='16' y='44' fill='#57606a'>{escape(_EMPTY_HINT)}</text>"
        f"<text x='16' y='60' fill='#57606a'>{escape(_EMPTY_HINT_2)}</text>"
        "</g></svg>"
    )


def _edge(
    source: str, target: str, label: str, start: tuple[float, float], end: tuple[float, float]
) -> str:
    (x1, y1), (x2, y2) = start, end
    sy, ey = y1 + _BOX_H / 2, y2 + _BOX_H / 2
    if x2 > x1:
        d = f"M {x1 + _BOX_W} {sy} L {x2} {ey}"
    elif x2 < x1:
        d = f"M {x1} {sy} L {x2 + _BOX_W} {ey}"
    else:  # same column (a cluster's services): bow out to the left, clear of the arrows
        # that leave the boxes on the right and arrive at the middle of their left side
        down = y2 > y1
        sy = y1 + _BOX_H * (0.75 if down else 0.25)
        ey = y2 + _BOX_H * (0.25 if down else 0.75)
        bow = min(_LEFT - 4.0, 10.0 + abs(ey - sy) / 20)
        d = f"M {x1} {sy} C {x1 - bow} {sy} {x1 - bow} {ey} {x1} {ey}"
    return (
        f"<path class='ecs-learn-edge' d='{d}' fill='none' stroke='#57606a' "
        "stroke-width='1.2' marker-end='url(#ecs-learn-arrow)' "
        f"data-from='{escape(source)}' data-to='{escape(target)}' data-label='{escape(label)}'>"
        f"<title>{escape(label)}</title></path>"
    )


def _node(n: Node, x: float, y: float) -> str:
    label = n.label if len(n.label) <= 26 else n.label[:25] + "…"
    fill = KINDS[n.kind][1]
    return (
        f"<g class='ecs-learn-node' data-key='{escape(n.key)}' data-kind='{escape(n.kind)}' "
        f"data-label='{escape(n.label)}'>"
        f"<title>{escape(n.kind)} {escape(n.label)} {escape(n.detail)}</title>"
        f"<rect x='{x}' y='{y}' width='{_BOX_W}' height='{_BOX_H}' rx='6' "
        f"fill='{fill}' stroke='#8c959f'/>"
        f"<text x='{x + 8}' y='{y + 15}' fill='#57606a' font-size='10'>"
        f"{escape(n.kind)}</text>"
        f"<text x='{x + 8}' y='{y + 31}' fill='#24292f'>{escape(label)}</text></g>"
    )
