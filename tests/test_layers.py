"""Layers depend one way (DESIGN.md): sandbox -> checks and rules -> results -> front ends,
with the runtime beside (on top of) the sandbox. Every import in ecs_learn, including the
lazy ones inside functions, is read with ast and held to the table below."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ecs_learn"

BASE = {"ecs_learn", "errors", "atomic", "resources"}  # shared by every layer
FRONT_ENDS = {
    "ui",
    "cli",
    "grading",
    "notebook",
    "simulator",
    "workspace",
    "lab_progress",
    "learner",
}
# area -> the areas it may import (besides itself and BASE); front ends may import anything.
MAY_IMPORT: dict[str, set[str]] = {
    "sandbox": set(),
    "runtime": {"sandbox"},
    "rules": set(),
    "strict": {"sandbox", "rules"},
    "lint": {"rules"},
    "quiz": set(),
    "checks": {"sandbox", "runtime", "rules"},
    "exercise_reset": {"sandbox", "checks", "strict"},
}
# Imports that cross the table on purpose, each with its reason; kept exact (a fixed one
# must leave this list).
KNOWN: dict[tuple[str, str], str] = {
    ("sandbox/core.py", "runtime"): "the embedded sandbox starts, resets and stops the runtime "
    "in its process (lazy import in _runtime())",
    ("sandbox/server.py", "runtime"): "the moto server process hosts the runtime next to the "
    "account (the grader's server mode)",
    ("checks/lab06.py", "simulator"): "the lab 06 check replays the learner's policies through "
    "the simulator's engine (ecs_learn.simulator.run)",
}


def _area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _module(path: Path, package_dir: Path = PACKAGE) -> str:
    dotted = ".".join(path.relative_to(package_dir.parent).with_suffix("").parts)
    return dotted.removesuffix(".__init__")


def _imports(path: Path, package_dir: Path = PACKAGE) -> set[str]:
    """The ecs_learn modules one file imports, anywhere in it (absolute names)."""
    module = _module(path, package_dir)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            if name == "ecs_learn":  # from ecs_learn import runtime
                found.update(f"ecs_learn.{a.name}" for a in node.names)
            else:
                found.add(name)
    return {name for name in found if name == "ecs_learn" or name.startswith("ecs_learn.")}


def _crossings() -> dict[tuple[str, str], list[str]]:
    crossings: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(PACKAGE))
        area = _area(_module(path))
        if area in FRONT_ENDS:
            continue
        assert area in MAY_IMPORT or area in BASE, f"{where}: area {area!r} is in no layer"
        allowed = BASE | {area} | MAY_IMPORT.get(area, set())
        for name in sorted(_imports(path)):
            target = _area(name)
            if target not in allowed:
                crossings.setdefault((where, target), []).append(name)
    return crossings


def test_no_layer_imports_one_above_it() -> None:
    unexpected = {key: names for key, names in _crossings().items() if key not in KNOWN}
    assert unexpected == {}, "upward imports: " + "; ".join(
        f"{where} imports {', '.join(names)}" for (where, _), names in unexpected.items()
    )


def test_the_known_crossings_are_still_there() -> None:
    assert set(KNOWN) <= set(_crossings()), "a known crossing is gone: remove it from KNOWN"


def test_the_sandbox_no_longer_imports_the_runtimes_lifecycle() -> None:
    """The ECR lifecycle preview goes through a seam the runtime registers with."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "sandbox").rglob("*.py")
        if any(name.startswith("ecs_learn.runtime.lifecycle") for name in _imports(path))
    ]
    assert offenders == []


def test_the_reader_sees_lazy_relative_and_package_imports(tmp_path: Path) -> None:
    package = tmp_path / "ecs_learn"
    (package / "sandbox").mkdir(parents=True)
    probe = package / "sandbox" / "probe.py"
    probe.write_text(
        "import json\n"
        "from . import env\n"
        "def later():\n"
        "    from ..runtime import lifecycle\n"
        "    from ecs_learn import checks\n"
        "    import ecs_learn.ui.diagram\n"
    )
    assert _imports(probe, package) == {
        "ecs_learn.sandbox",
        "ecs_learn.runtime",
        "ecs_learn.checks",
        "ecs_learn.ui.diagram",
    }
