"""The grading subprocess: pytest with only the plugins grading needs.

Two start-up costs a plain ``pytest`` run pays for nothing here (measured on lab 01:
5.3 s -> 4.0 s per submission):

* every installed pytest plugin is imported (hypothesis, anyio, xdist...): autoloading
  is switched off by the caller and only nbval and the grading plugin are named;
* jsonschema builds a lark grammar for IRI checking when nbformat imports it (about a
  second); notebook validation checks no IRI format, so that optional checker is kept
  from loading.
"""

from __future__ import annotations

import sys

__all__ = ["PLUGINS", "main"]

PLUGINS = ("nbval.plugin", "ecs_learn.grading.plugin")


def main(argv: list[str] | None = None) -> int:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import pytest

    args = list(sys.argv[1:] if argv is None else argv)
    for plugin in PLUGINS:
        args[:0] = ["-p", plugin]
    return int(pytest.main(args))


if __name__ == "__main__":
    raise SystemExit(main())
