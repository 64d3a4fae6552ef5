"""Draw a timeline with matplotlib (imported here only, when a figure is drawn).

Three panels sharing the time axis: offered load; the metrics the policies track (with the
target and alarm thresholds as dashed lines); desired and running tasks with Min/MaxCapacity,
and a marker where a policy or scheduled action acted. Uses ``matplotlib.figure.Figure``
directly with the Agg canvas, so no GUI backend and no global pyplot state.
"""

from __future__ import annotations

import io
from typing import Any

from ecs_learn.runtime.scaling.engine import ScalingConfig
from ecs_learn.runtime.scaling.policies import TargetTracking
from ecs_learn.runtime.scaling.timeline import Timeline

__all__ = ["draw", "render"]


def draw(timeline: Timeline, config: ScalingConfig | None = None, title: str = "") -> Any:
    """A ``matplotlib.figure.Figure`` of ``timeline``."""
    from matplotlib.figure import Figure

    minutes = timeline.column("minute")
    fig = Figure(figsize=(10, 7), dpi=100, layout="constrained")
    load_ax, metric_ax, tasks_ax = fig.subplots(3, 1, sharex=True)
    load_ax.plot(minutes, timeline.column("load_rps"), color="tab:gray")
    load_ax.set_ylabel("load (req/s)")
    shown: set[str] = set()
    policies = config.policies if config else ()
    for policy in policies:
        if isinstance(policy, TargetTracking) and policy.metric.name not in shown:
            shown.add(policy.metric.name)
            metric_ax.plot(minutes, timeline.column(policy.metric.name), label=policy.metric.name)
            metric_ax.axhline(policy.target, linestyle="--", linewidth=1, color="tab:red")
    for alarm in config.alarms if config else ():
        if alarm.metric_name not in shown:
            shown.add(alarm.metric_name)
            metric_ax.plot(minutes, timeline.column(alarm.metric_name), label=alarm.metric_name)
        if not alarm.name.startswith("TargetTracking-"):
            metric_ax.axhline(alarm.threshold, linestyle=":", linewidth=1, color="tab:orange")
    if not shown:
        metric_ax.plot(minutes, timeline.column("CPUUtilization"), label="CPUUtilization")
    metric_ax.set_ylabel("metric")
    metric_ax.legend(loc="upper right", fontsize="small")
    tasks_ax.step(minutes, timeline.column("desired"), where="post", label="desired")
    tasks_ax.step(minutes, timeline.column("running"), where="post", label="running")
    tasks_ax.step(
        minutes,
        timeline.column("min_capacity"),
        where="post",
        linestyle=":",
        color="tab:gray",
        label="min / max",
    )
    tasks_ax.step(
        minutes, timeline.column("max_capacity"), where="post", linestyle=":", color="tab:gray"
    )
    acted = [r.minute for r in timeline.records if r.acted]
    tasks_ax.plot(
        acted,
        [timeline.records[m].desired for m in acted],
        "v",
        color="tab:red",
        label="scaling activity",
    )
    tasks_ax.set_ylabel("tasks")
    tasks_ax.set_xlabel("simulated minute")
    tasks_ax.legend(loc="upper right", fontsize="small")
    fig.suptitle(title or timeline.resource_id or "scaling replay")
    return fig


def render(figure: Any, fmt: str = "png") -> bytes:
    """The figure's bytes (``png`` or ``svg``), deterministic for the same figure."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
    with rc_context({"svg.hashsalt": "ecs-learn", "svg.fonttype": "path"}):
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()
