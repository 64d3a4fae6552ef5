"""AWS errors in a notebook as short panels instead of botocore tracebacks.

A strict rejection shows first what AWS answers, exactly as boto3 and the AWS CLI print
it ("An error occurred (ClientException) when calling the RegisterTaskDefinition
operation: ..."), then ecs-learn's explanation: the field, what is wrong with it, and the
AWS pages that say so. Any other error of an AWS call (the mocked account's own
``RepositoryAlreadyExistsException``, botocore's parameter validation) shows AWS's line
and the line of the learner's cell that made the call. :func:`install_notebook_display`
makes IPython show these panels (``open_lab`` calls it); ``%tb`` still prints the full
traceback, and every other exception keeps its traceback.
"""

from __future__ import annotations

import sys
import traceback
import warnings
from html import escape
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

__all__ = ["AwsError", "Rejection", "install_notebook_display", "rejection_of"]


class Rejection:
    """The display of one strict rejection (``_repr_html_`` in notebooks, text elsewhere)."""

    def __init__(self, error: ClientError) -> None:
        self.error = error
        self.code = str(error.response.get("Error", {}).get("Code", ""))
        self.message = str(error.response.get("Error", {}).get("Message", ""))
        self.detail: dict[str, Any] = dict(error.response.get("EcsLearn", {}))

    @property
    def aws_line(self) -> str:
        """What boto3 and the AWS CLI print for the same rejection."""
        return str(self.error)

    def _findings(self) -> list[tuple[str, str, str]]:
        fields = self.detail.get("fields") or []
        out = []
        for i, f in enumerate(self.detail.get("findings", [])):
            where = fields[i] if i < len(fields) else f.get("path", "")
            out.append((str(where), str(f.get("message", "")), str(f.get("rule_id", ""))))
        return out

    def __str__(self) -> str:
        lines = [self.aws_line, "", "Why (ecs-learn strict mode, as real AWS):"]
        lines += [f"  {where}: {message} ({rule})" for where, message, rule in self._findings()]
        lines += [f"  AWS: {link}" for link in self.detail.get("links", [])]
        if not self.detail.get("aws_wording", True):
            lines.append(
                "  (AWS's exact wording for this error is not known; ecs-learn's is shown.)"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        rows = "".join(
            "<li style='margin:2px 0'>"
            f"<code>{escape(where)}</code>: {escape(message)} "
            f"<span style='color:#57606a'>({escape(rule)})</span></li>"
            for where, message, rule in self._findings()
        )
        links = " · ".join(
            f"<a href='{escape(link)}' target='_blank' rel='noopener'>"
            f"{escape(link.rsplit('/', 1)[-1].removesuffix('.html'))}</a>"
            for link in self.detail.get("links", [])
        )
        unverified = (
            ""
            if self.detail.get("aws_wording", True)
            else "<div style='color:#57606a'><small>AWS's exact wording for this error is "
            "not known; ecs-learn's is shown.</small></div>"
        )
        return (
            "<div class='ecs-learn-rejection' style='border-left:6px solid #cf222e;"
            "padding:6px 10px;margin:4px 0;text-align:left'>"
            f"<div style='font-family:var(--jp-code-font-family,monospace)'>"
            f"<b style='color:#cf222e'>{escape(type(self.error).__name__)}</b>: "
            f"{escape(self.aws_line)}</div>"
            "<div style='margin-top:6px'><b>Why</b> — strict mode rejects this call as real "
            f"AWS does:</div><ul style='margin:2px 0 2px 1.2em;padding:0'>{rows}</ul>"
            + (f"<div>AWS documentation: {links}</div>" if links else "")
            + unverified
            + "</div>"
        )


class AwsError:
    """Any other error of an AWS call: what AWS (or botocore) says, and where in the cell.

    ``where`` is the learner's line that made the call ("line 2 of this cell: ..." or
    "In [4], line 2: ..." for a function defined in an earlier cell), or ``""``.
    """

    def __init__(self, error: BaseException, where: str = "") -> None:
        self.error = error
        self.where = where

    @property
    def aws_line(self) -> str:
        return str(self.error)

    def __str__(self) -> str:
        lines = [f"{type(self.error).__name__}: {self.aws_line}"]
        if self.where:
            lines.append(f"  at {self.where}")
        lines.append("  (%tb prints the full traceback)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        where = f"at {escape(self.where)} · " if self.where else ""
        return (
            "<div class='ecs-learn-aws-error' style='border-left:6px solid #cf222e;"
            "padding:6px 10px;margin:4px 0;text-align:left'>"
            "<div style='font-family:var(--jp-code-font-family,monospace);"
            "white-space:pre-wrap'>"
            f"<b style='color:#cf222e'>{escape(type(self.error).__name__)}</b>: "
            f"{escape(self.aws_line)}</div>"
            f"<div style='margin-top:4px;color:#57606a'>{where}"
            "<code>%tb</code> prints the full traceback</div></div>"
        )


def _cell_line(shell: Any, tb: Any) -> str:
    """The innermost line of ``tb`` that is in a notebook cell, in words; or ``""``.

    The traceback starts in the cell being run; a deeper cell frame is a function an
    earlier cell defined, named by its ``In [n]``."""
    cells = getattr(getattr(shell, "compile", None), "_filename_map", None) or {}
    frames = [f for f in traceback.extract_tb(tb) if f.filename in cells]
    if not frames:
        return ""
    frame = frames[-1]
    code = (frame.line or "").strip()
    place = (
        f"line {frame.lineno} of this cell"
        if frame.filename == frames[0].filename
        else f"In [{cells[frame.filename]}], line {frame.lineno}"
    )
    return f"{place}: {code}" if code else place


def rejection_of(error: BaseException) -> Rejection | None:
    """The rejection panel for ``error`` if the strict layer made it, else ``None``."""
    if isinstance(error, ClientError) and "EcsLearn" in error.response:
        return Rejection(error)
    return None


def _handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> Any:
    from IPython.display import display

    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # for %tb
    display(rejection_of(value) or AwsError(value, _cell_line(shell, tb)))  # type: ignore[no-untyped-call]
    return None


def _advice_format(plain: Any) -> Any:
    """``warnings.formatwarning`` that prints strict advice as one line, without the
    path and line of ecs-learn's own source that Python's format names."""
    from ecs_learn.strict.hooks import AdviceWarning

    def format_warning(
        message: Any, category: type, filename: str, lineno: int, line: str | None = None
    ) -> str:
        if issubclass(category, AdviceWarning):
            return f"AdviceWarning (AWS accepts this call; ecs-learn advises): {message}\n"
        return str(plain(message, category, filename, lineno, line))

    format_warning.ecs_learn_advice = True  # type: ignore[attr-defined]
    return format_warning


def install_notebook_display() -> bool:
    """In IPython, show AWS errors as panels and strict advice as one line; ``False``
    outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((ClientError, ParamValidationError), _handler)
    if not getattr(warnings.formatwarning, "ecs_learn_advice", False):
        warnings.formatwarning = _advice_format(warnings.formatwarning)
    return True
