"""ecs-learn: learn AWS containers against a mocked AWS account.

The package is layered (see DESIGN.md): ``sandbox`` (the mocked account) ->
``rules`` and ``checks`` -> results -> front ends (``ui``, ``cli``, ``grading``).
Heavy parts (moto, boto3, Jupyter) are imported only by the modules that need
them, so ``import ecs_learn`` stays cheap.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
