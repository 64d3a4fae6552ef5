"""Draw a timeline with matplotlib (imported here only, when a figure is drawn).

Three panels sharing the time axis: offered load; the metrics the policies track, percent
metrics (CPU, memory) on the left axis and counts (ALB requests per target) on a second axis
on the right, with the targets and alarm thresholds as dashed and dotted lines; desired and
running tasks with Min/MaxCapacity and a marker where a policy or scheduled action acted, and
on a second axis of that panel the CPU utilisation with its target, so the reason for each
step is read beside the step. Uses ``matplotlib.figure.Figure`` directly with the Agg canvas,
so no GUI backend and no global pyplot state.
"""

from __future__ import annotations

import io
from typing import Any

from ecs_learn.runtime.scaling.engine import ScalingConfig
from ecs_learn.runtime.scaling.policies import TargetTracking
from ecs_learn.runtime.scaling.timeline import Timeline

__all__ = ["draw", "render"]

CPU = "CPUUtilization"
PERCENT_METRICS = frozenset({CPU, "MemoryUtilization"})


def _lines(config: ScalingConfig | None) -> list[tuple[str, float, str]]:
    """(metric, value, style) of every target (``--``) and step alarm threshold (``:``)."""
    found: list[tuple[str, float, str]] = []
    for policy in config.policies if config else ():
        if isinstance(policy, TargetTracking):
            found.append((policy.metric.name, float(policy.target), "--"))
    for alarm in config.alarms if config else ():
        if not alarm.name.startswith("TargetTracking-"):
            found.append((alarm.metric_name, float(alarm.threshold), ":"))
    return found


def _metrics(config: ScalingConfig | None) -> list[str]:
    names: list[str] = []
    for policy in config.policies if config else ():
        if isinstance(policy, TargetTracking) and policy.metric.name not in names:
            names.append(policy.metric.name)
    for alarm in config.alarms if config else ():
        if alarm.metric_name not in names:
            names.append(alarm.metric_name)
    return names or [CPU]


def _percent_axis(ax: Any, values: list[float]) -> None:
    ax.set_ylim(0, max(100.0, *(v * 1.05 for v in values)) if values else 100.0)


def _metric_panel(ax: Any, minutes: list[int], timeline: Timeline, config: Any) -> None:
    names = _metrics(config)
    lines = _lines(config)
    percent = [n for n in names if n in PERCENT_METRICS]
    counts = [n for n in names if n not in PERCENT_METRICS]
    handles: list[Any] = []
    values: list[float] = []
    for name in percent:
        column = [float(v) for v in timeline.column(name)]
        values += column
        handles += ax.plot(minutes, column, label=f"{name} (%)")
    for metric, value, style in lines:
        if metric in percent:
            color = "tab:red" if style == "--" else "tab:orange"
            ax.axhline(value, linestyle=style, linewidth=1, color=color)
    _percent_axis(ax, values)
    ax.set_ylabel("percent")
    if counts:
        right = ax.twinx()
        for n, name in enumerate(counts):
            color = ("tab:green", "tab:brown", "tab:pink")[n % 3]
            handles += right.plot(minutes, timeline.column(name), color=color, label=name)
            for metric, value, style in lines:
                if metric == name:
                    right.axhline(value, linestyle=style, linewidth=1, color=color)
        right.set_ylabel("count per target")
        right.set_ylim(bottom=0)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.09, 1), fontsize="small")


def _tasks_panel(ax: Any, minutes: list[int], timeline: Timeline, config: Any) -> None:
    ax.step(minutes, timeline.column("desired"), where="post", label="desired")
    ax.step(minutes, timeline.column("running"), where="post", label="running")
    ax.step(
        minutes,
        timeline.column("min_capacity"),
        where="post",
        linestyle=":",
        color="tab:gray",
        label="min / max",
    )
    ax.step(minutes, timeline.column("max_capacity"), where="post", linestyle=":", color="tab:gray")
    acted = [r.minute for r in timeline.records if r.acted]
    ax.plot(
        acted,
        [timeline.records[m].desired for m in acted],
        "v",
        color="tab:red",
        label="scaling activity",
    )
    ax.set_ylabel("tasks")
    ax.set_ylim(bottom=0)
    cpu_ax = ax.twinx()
    cpu = [float(v) for v in timeline.column(CPU)]
    cpu_ax.plot(minutes, cpu, color="tab:purple", linewidth=1, alpha=0.7, label="CPU (%)")
    for metric, value, style in _lines(config):
        if metric == CPU:
            what = "CPU target" if style == "--" else "CPU alarm"
            cpu_ax.axhline(
                value,
                linestyle=style,
                linewidth=1,
                color="tab:red" if style == "--" else "tab:orange",
                label=f"{what} {value:g}%",
            )
    _percent_axis(cpu_ax, cpu)
    cpu_ax.set_ylabel("CPU utilisation (%)")
    handles = ax.get_legend_handles_labels()[0] + cpu_ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.09, 1), fontsize="small")


def draw(timeline: Timeline, config: ScalingConfig | None = None, title: str = "") -> Any:
    """A ``matplotlib.figure.Figure`` of ``timeline``."""
    from matplotlib.figure import Figure

    minutes = timeline.column("minute")
    fig = Figure(figsize=(12, 7.5), dpi=100, layout="constrained")
    load_ax, metric_ax, tasks_ax = fig.subplots(3, 1, sharex=True)
    load_ax.plot(minutes, timeline.column("load_rps"), color="tab:gray")
    load_ax.set_ylabel("load (req/s)")
    _metric_panel(metric_ax, minutes, timeline, config)
    _tasks_panel(tasks_ax, minutes, timeline, config)
    tasks_ax.set_xlabel("simulated minute")
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
