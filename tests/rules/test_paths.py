"""Building and resolving field paths."""

from __future__ import annotations

import pytest

from ecs_learn.rules.paths import PathError, join, path_exists, resolve

DOC = {
    "containerDefinitions": [{"portMappings": [{"hostPort": 1}, {"hostPort": 2}]}],
    "logConfiguration": {"options": {"awslogs-group": "g"}},
    "matrix": [[1, 2]],
}


def test_join() -> None:
    assert join("containerDefinitions", 0, "portMappings", 1, "hostPort") == (
        "containerDefinitions[0].portMappings[1].hostPort"
    )
    assert join("", "a") == "a"
    assert join("volumes[1]", "name") == "volumes[1].name"
    assert join("a", "") == "a"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("", DOC),
        ("containerDefinitions[0].portMappings[1].hostPort", 2),
        ("logConfiguration.options.awslogs-group", "g"),
        ("matrix[0][1]", 2),
    ],
)
def test_resolve(path: str, value: object) -> None:
    assert resolve(DOC, path) == value


@pytest.mark.parametrize(
    "path",
    [
        "nope",
        "containerDefinitions[5]",
        "containerDefinitions.portMappings",
        "logConfiguration[0]",
        "a..b",
        "logConfiguration.options.awslogs-group[0]",
    ],
)
def test_resolve_rejects(path: str) -> None:
    assert not path_exists(DOC, path)
    with pytest.raises(PathError):
        resolve(DOC, path)
