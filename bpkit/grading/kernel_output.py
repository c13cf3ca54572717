"""Cap the output of each cell inside the grading kernel.

A submission that prints millions of lines does not only bloat the graded notebook (nbgrader's
``LimitOutput`` trims that afterwards); collecting the output is what is slow: two million short
lines take about 45 s to pass from the kernel to the grader, so the cell hits its timeout and a
correct answer scores zero. The grading kernel therefore runs :func:`install` at start-up, which
keeps the first ``max_lines`` lines (and at most ``MAX_CHARS`` characters) that each cell writes
to stdout/stderr and replaces the rest with one note. Printing stays cheap, and grading goes on
as if the student had printed less.
"""

from __future__ import annotations

import sys
from typing import Any

#: Lines each cell may write to one stream before the rest is dropped.
MAX_LINES = 2000
#: Characters each cell may write to one stream (long lines count too).
MAX_CHARS = 2_000_000
NOTE = "\n... [grader] output truncated: this cell printed more than {n} lines ...\n"
CHARS_NOTE = "\n... [grader] output truncated: this cell printed more than {n:,} characters ...\n"


class _Cap:
    """Wraps a stream's ``write`` for one cell: counts newlines and drops what is over the cap."""

    def __init__(self, write: Any, max_lines: int) -> None:
        self.write_through = write
        self.max_lines = max_lines
        self.lines = 0
        self.chars = 0
        self.noted = False

    def write(self, text: str, *args: Any, **kwargs: Any) -> int:
        over = self.lines >= self.max_lines or self.chars >= MAX_CHARS
        if over:
            if not self.noted:
                self.noted = True
                lines = self.lines >= self.max_lines
                note = NOTE.format(n=self.max_lines) if lines else CHARS_NOTE.format(n=MAX_CHARS)
                self.write_through(note)
            return len(text)
        self.lines += text.count("\n")
        self.chars += len(text)
        return self.write_through(text[: MAX_CHARS - self.chars + len(text)], *args, **kwargs)


def install(max_lines: int = MAX_LINES) -> None:
    """Cap what each cell writes to sys.stdout and sys.stderr in the running IPython kernel.

    IPython swaps each stream's ``write`` around every cell (to keep output history) and puts the
    original back afterwards, so the cap is re-applied at the start of every cell, on top of
    whatever ``write`` is current then.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - always present in a Jupyter kernel
        return
    shell = get_ipython()
    if shell is None:
        return

    def cap_streams(*args: Any) -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.write = _Cap(stream.write, max_lines).write
            except AttributeError:  # a stream that does not allow it: leave it alone
                pass

    shell.events.register("pre_run_cell", cap_streams)


def kernel_arguments(max_lines: int = MAX_LINES) -> list[str]:
    """Extra ipykernel command-line arguments: run :func:`install` at start-up, and keep the
    kernel's own log to errors (its start-up warning about unencrypted local TCP would otherwise
    land on the terminal of every ``bpkit validate``)."""
    line = f"import bpkit.grading.kernel_output as _o; _o.install({int(max_lines)}); del _o"
    return [f"--InteractiveShellApp.exec_lines={line}", "--IPKernelApp.log_level=ERROR"]
