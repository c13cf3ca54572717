"""A one-line progress bar for ``bpkit grade``, plus a line per finished student.

On a terminal the bar redraws in place under the per-student lines; in a log file (no terminal)
only the per-student lines are written, so the log stays readable.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

from bpkit.grading.status import StudentStatus

WIDTH = 30


class Progress:
    """Counts finished students and draws ``[#####.....] 12/30 graded 10, failed 1 ...``."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.counts: Counter[str] = Counter()
        self.finished = 0
        self.start = time.monotonic()
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()

    def _bar(self) -> str:
        filled = int(WIDTH * self.finished / self.total) if self.total else WIDTH
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        elapsed = time.monotonic() - self.start
        bar = "#" * filled + "." * (WIDTH - filled)
        return f"[{bar}] {self.finished}/{self.total} {counts} ({elapsed:.0f} s)"

    def _write(self, line: str) -> None:
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r\033[K" + line + "\n" + self._bar())
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def message(self, text: str) -> None:
        self._write(text)

    def done(self, row: StudentStatus) -> None:
        """Record one finished student and show its status."""
        self.finished += 1
        self.counts[row.status] += 1
        took = f" in {row.seconds:.0f} s" if row.seconds is not None else ""
        flag = "  [suspicious]" if row.suspicious else ""
        reason = f": {row.reason}" if row.reason else ""
        self._write(f"  {row.student:<20} {row.status}{took}{flag}{reason}")

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
