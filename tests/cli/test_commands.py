"""How the CLI is assembled and how it reports mistakes: one way for every area."""

from __future__ import annotations

import importlib

import pytest
import typer
from typer.testing import CliRunner

from ecs_learn.cli import make_app
from ecs_learn.cli.commands import AREAS, include
from ecs_learn.cli.output import CliError
from ecs_learn.errors import EcsLearnError


def _declared(area: typer.Typer) -> set[str]:
    return {info.name for info in (*area.registered_commands, *area.registered_groups)
            if info.name}


@pytest.mark.parametrize("name", sorted(AREAS))
def test_every_area_declares_exactly_the_commands_the_index_lists(name: str) -> None:
    module = importlib.import_module(f"ecs_learn.cli.{name}")
    assert isinstance(module.app, typer.Typer)
    assert not hasattr(module, "register")  # one way: a module-level app, no hand wiring
    assert _declared(module.app) == set(AREAS[name])


def test_naming_a_command_loads_only_its_area_and_help_loads_all() -> None:
    only = typer.main.get_command(make_app(["cards", "--answers", "3"]))
    assert isinstance(only, typer.core.TyperGroup)
    assert set(only.commands) == {"cards"}
    every = typer.main.get_command(make_app(["--help"]))
    assert isinstance(every, typer.core.TyperGroup)
    assert set(every.commands) == {c for commands in AREAS.values() for c in commands}


class _Missing(EcsLearnError, LookupError):
    pass


class _Broken(EcsLearnError):
    pass


def _app_raising(error: BaseException) -> typer.Typer:
    app = make_app(["lint"])
    area = typer.Typer()

    @area.command("fail")
    def fail() -> None:
        print("before")
        raise error

    include(app, area)
    return app


@pytest.mark.parametrize(
    ("error", "code"),
    [(_Broken("the banks are broken"), 1), (_Missing("no lab 'x'"), 2),
     (CliError("--format must be human"), 2), (CliError("3 problems", code=1), 1)],
)
def test_an_ecs_learn_error_is_one_line_on_stderr_and_an_exit_status(
        error: EcsLearnError, code: int) -> None:
    result = CliRunner().invoke(_app_raising(error), ["fail"])
    assert result.exit_code == code
    assert result.stdout == "before\n"
    assert result.stderr == f"error: {error}\n"
    assert isinstance(result.exception, SystemExit)


def test_a_bug_keeps_its_traceback() -> None:
    result = CliRunner().invoke(_app_raising(KeyError("oops")), ["fail"])
    assert isinstance(result.exception, KeyError) and result.exit_code == 1
