"""Show a failed check as its diagnosis first, then the student's own frames, nothing else.

Without this, IPython prints every frame from the test cell down through ``bpkit/checks`` to the
line that raised: some thirty lines, with the useful sentence at the bottom and the reference
computation in between. :func:`install` registers a handler for ``CheckError`` with the running
IPython shell. The error stays an error (the cell fails, nbgrader scores it 0); only its
traceback is cut to the message and, when the student's code raised, the frames of that code.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from types import TracebackType
from typing import Any

_LIBRARY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the bpkit package
_SYSTEM = tuple(
    os.path.abspath(p)
    for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    if p
)


def is_students(filename: str) -> bool:
    """True for code the student wrote (notebook cells, their own files), not bpkit or Python."""
    path = os.path.abspath(filename)
    if path.startswith(_LIBRARY + os.sep):
        return False
    return not (filename.startswith("<frozen") or path.startswith(_SYSTEM))


def students_frames(tb: TracebackType | None) -> TracebackType | None:
    """The student's frames of ``tb``, relinked in order."""
    kept = []
    while tb is not None:
        if is_students(tb.tb_frame.f_code.co_filename):
            kept.append(tb)
        tb = tb.tb_next
    out = None
    for t in reversed(kept):
        out = TracebackType(out, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return out


def _show(shell: Any, etype: type, evalue: BaseException, tb: Any, tb_offset: Any = None) -> Any:
    lines = [f"\x1b[0;31m{etype.__name__}\x1b[0m: {evalue}"]
    cause = evalue.__cause__
    own = students_frames(cause.__traceback__) if cause is not None else None
    if own is not None:
        lines.append("\nIt was raised in your code:")
        lines += shell.InteractiveTB.structured_traceback(type(cause), cause, own)
    shell._showtraceback(etype, evalue, lines)
    return lines


def install() -> None:
    """Register the short form with the running IPython shell, if there is one."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - plain Python
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return
    from bpkit.checks._core import CheckError

    shell.set_custom_exc((CheckError,), _show)
