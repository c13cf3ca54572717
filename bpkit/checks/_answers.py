"""What a student's answer is, read without running any of the student's code.

In the kernel the checks hold the student's own objects; in the grader (replay) they hold what the
kernel recorded. These helpers answer the same questions in both: the type name of a result, its
length, and the syntax tree of the function the answer cell defines.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

import numpy as np

from bpkit.checks import _replay
from bpkit.checks._core import CheckError

_type = object.__class__
_SEQUENCES = (_type([]), _type(()), _type({}))


def kind(obj: Any) -> str:
    """The type name of a student's result (in the grader: of the result the kernel recorded)."""
    if isinstance(obj, _replay.Opaque):
        return obj.type_name
    return _type(obj).__name__


def length(obj: Any) -> int | None:
    """len() of a list, tuple, dict or array the student returned; None for anything else.

    Never len() of the student's own objects: that would run their code outside ``call``.
    """
    if _type(obj) in _SEQUENCES or (isinstance(obj, np.ndarray) and obj.ndim):
        return len(obj)
    return None


def function_tree(fn: Any, name: str) -> ast.AST | None:
    """The syntax tree of fn's source; None if it is unavailable.

    In the grader (replay) no student function exists: ``fn`` stands for it and carries the
    answer cell's text, in which the ``def name(...)`` that the cell defines last is fn's source.
    IPython magics (%time, %%capture) and shell escapes (!ls) are not Python: they are blanked.
    """
    if isinstance(fn, _replay.ReplayedFunction):
        lines = textwrap.dedent(str(fn.__bpkit_source__)).splitlines()
        python = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in lines)
        try:
            cell = ast.parse(python)
        except (SyntaxError, ValueError):
            return None
        defs = [
            node
            for node in cell.body
            if _type(node) in (ast.FunctionDef, ast.AsyncFunctionDef) and node.name == name
        ]
        return defs[-1] if defs else cell
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, ValueError):
        return None


def need_function(fn: Any, name: str) -> None:
    """Refuse an answer that is not a function, naming what it is."""
    if not callable(fn):
        raise CheckError(f"{name}: expected a function, got a {_type(fn).__name__}.")
