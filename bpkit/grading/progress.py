"""What ``bpkit grade`` shows while it runs: a line per finished student, and a tqdm bar.

On a terminal, tqdm draws ``[#####.....] 12/30, graded 10, failed 1 [01:02]`` on the last line
and the per-student lines scroll above it. In a log file (no terminal) only the per-student lines
are written, so the log stays readable. Both go to stderr by default; the summary table that
ends ``bpkit grade`` goes to stdout.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import Any, TextIO

from bpkit.grading.status import StudentStatus
from bpkit.progress import bar_class

WIDTH = 30
BAR_FORMAT = f"[{{bar:{WIDTH}}}] {{n_fmt}}/{{total_fmt}}{{postfix}} [{{elapsed}}]"


def _screen(stream: TextIO) -> dict[str, int]:
    """The terminal's size for tqdm. A bare pty reports 0 x 0, which tqdm would take literally
    (and draw nothing): then the bar gets room enough."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return {"ncols": 1000, "nrows": 24}
    return {"ncols": size.columns or 1000, "nrows": size.lines or 24}


class Progress:
    """Counts finished students; the bar shows how many, and how many of each status.

    Args:
        total: number of students (may be set later through ``.total``, once it is known).
        stream: where to write (default ``sys.stderr``).
        enabled: False writes nothing at all (``bpkit grade --quiet``).
    """

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.counts: Counter[str] = Counter()
        self.finished = 0
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar: Any = None  # the tqdm bar, made at the first finished student
        self._total = total

    @property
    def total(self) -> int:
        return self._total

    @total.setter
    def total(self, value: int) -> None:
        self._total = value
        if self.bar is not None:
            self.bar.total = value
            self.bar.refresh()

    def _counts(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))

    def _write(self, line: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(line, file=self.stream)  # clears the bar, writes, redraws the bar
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def message(self, text: str) -> None:
        """A line of its own (above the bar on a terminal)."""
        self._write(text)

    def done(self, row: StudentStatus) -> None:
        """Record one finished student and show its status."""
        self.finished += 1
        self.counts[row.status] += 1
        if self.tty and self.bar is None:
            self.bar = bar_class(plain=True)(
                total=self._total, initial=self.finished, postfix=self._counts(),
                file=self.stream, bar_format=BAR_FORMAT, ascii=".#", mininterval=0, leave=True,
                **_screen(self.stream),
            )  # fmt: skip
        elif self.tty:
            self.bar.n = self.finished
            self.bar.set_postfix_str(self._counts(), refresh=False)
        took = f" in {row.seconds:.0f} s" if row.seconds is not None else ""
        flag = "  [suspicious]" if row.suspicious else ""
        reason = f": {row.reason}" if row.reason else ""
        self._write(f"  {row.student:<20} {row.status}{took}{flag}{reason}")

    def close(self) -> None:
        """Leave the bar's final state on screen and end its line."""
        if self.bar is not None:
            self.bar.close()
