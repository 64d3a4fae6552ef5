"""The simulator front end: files in, a timeline, a figure and a CSV out; the CLI command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecs_learn.cli import make_app
from ecs_learn.simulator import SpecError, replay
from ecs_learn.simulator.figure import draw, render

GOLDEN = Path(__file__).parent / "golden"
POLICY = GOLDEN / "target_tracking.policy.json"
LOAD = GOLDEN / "target_tracking.load.yaml"


def test_replay_shows_inline_as_a_png_and_is_deterministic() -> None:
    result = replay(POLICY, LOAD, 60)
    png = result._repr_png_()
    assert png.startswith(b"\x89PNG")
    assert replay(POLICY, LOAD, 60).timeline == result.timeline


def test_svg_is_byte_identical_for_the_same_inputs(tmp_path: Path) -> None:
    a = render(draw(replay(POLICY, LOAD, 60).timeline), "svg")
    b = render(draw(replay(POLICY, LOAD, 60).timeline), "svg")
    assert a == b and a.lstrip().startswith(b"<?xml")


def test_cli_writes_figure_and_csv(tmp_path: Path) -> None:
    out, csv_path = tmp_path / "fig.svg", tmp_path / "timeline.csv"
    runner = CliRunner()
    result = runner.invoke(
        make_app(["simulate"]),
        [
            "simulate",
            "--policy",
            str(POLICY),
            "--load",
            str(LOAD),
            "--minutes",
            "90",
            "--out",
            str(out),
            "--csv",
            str(csv_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "minute 17: policy cpu50: desired 2->4" in result.output
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    assert csv_path.read_text() == (GOLDEN / "target_tracking.csv").read_text()


def test_cli_reports_a_bad_load_file_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "load.yaml"
    bad.write_text("shape: constant\nrps: lots\n")
    result = CliRunner().invoke(
        make_app(["simulate"]), ["simulate", "--policy", str(POLICY), "--load", str(bad)]
    )
    assert result.exit_code != 0
    assert "rps: must be a number of 0 or more, got 'lots'" in result.output
    assert "Traceback" not in result.output


def test_policy_file_problems_are_collected(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(
        json.dumps(
            {
                "scalable_target": {"MinCapacity": -1, "MaxCapacity": 3},
                "policies": [{"PolicyType": "PredictiveScaling"}],
                "alarms": [{"AlarmName": "x"}],
                "extra": 1,
            }
        )
    )
    with pytest.raises(SpecError) as caught:
        replay(path, {"shape": "constant", "rps": 1}, 5)
    text = str(caught.value)
    for part in (
        "extra: not a field",
        "scalable_target.MinCapacity",
        "policies[0].PolicyName: missing",
        "policies[0].PolicyType",
        "alarms[0].MetricName: missing",
    ):
        assert part in text


def _axis(figure: object, label: str) -> object:
    return next(a for a in figure.axes if a.get_ylabel() == label)  # type: ignore[attr-defined]


def test_the_task_panel_reads_cpu_on_a_second_axis_with_the_target_line() -> None:
    result = replay(POLICY, LOAD, 90)
    figure = result.figure()
    tasks, cpu = _axis(figure, "tasks"), _axis(figure, "CPU utilisation (%)")
    assert cpu.get_shared_x_axes().joined(cpu, tasks)  # type: ignore[attr-defined]
    lines = {line.get_label(): line for line in cpu.get_lines()}  # type: ignore[attr-defined]
    assert list(lines["CPU (%)"].get_ydata()) == result.timeline.column("CPUUtilization")
    assert set(lines["CPU target 50%"].get_ydata()) == {50.0}
    low, high = cpu.get_ylim()  # type: ignore[attr-defined]
    assert low == 0 and high >= 100


def test_step_alarm_thresholds_show_on_the_cpu_axis_too() -> None:
    figure = replay(GOLDEN / "step_scaling.policy.json", GOLDEN / "step_scaling.load.yaml", 60)
    cpu = _axis(figure.figure(), "CPU utilisation (%)")
    labels = {line.get_label() for line in cpu.get_lines()}  # type: ignore[attr-defined]
    assert {"CPU alarm 70%", "CPU alarm 25%"} <= labels
