"""A one-line text progress bar for ``fit``, written to stdout (never stderr).

nbgrader scores a test cell zero if it writes to stderr, so the bar uses stdout only. It redraws
one line with a carriage return, which both terminals and Jupyter render in place.
In ``"auto"`` mode nothing is printed unless the run looks like it will take more than
``min_seconds``: short runs (every graded cell) stay silent.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """Progress over ``total`` epochs.

    Args:
        total: number of epochs expected.
        enabled: True always shows, False never shows, None ("auto") shows once the estimated
            run time exceeds ``min_seconds``.
        min_seconds: threshold for the auto mode.
        stream: where to write (default ``sys.stdout`` at the time of writing).
        width: characters in the bar itself.
    """

    def __init__(
        self,
        total: int,
        enabled: bool | None = None,
        min_seconds: float = 2.0,
        stream: TextIO | None = None,
        width: int = 24,
        redraw_every: float = 0.1,
    ) -> None:
        self.total = max(int(total), 1)
        self.enabled = enabled
        self.min_seconds = min_seconds
        self.stream = stream
        self.width = width
        self.redraw_every = redraw_every
        self.start = time.perf_counter()
        self.shown = False
        self._last_draw = -1.0

    def _visible(self, done: int, now: float) -> bool:
        if self.enabled is not None:
            return self.enabled
        if self.shown:
            return True
        elapsed = now - self.start
        if done == 0:
            return elapsed > self.min_seconds
        # estimated total time above the threshold, and at least a moment of evidence for it
        return elapsed * self.total / done > self.min_seconds and elapsed >= min(
            0.25, self.min_seconds
        )

    def update(self, done: int, info: str = "") -> None:
        """Report that ``done`` epochs are finished; ``info`` is shown after the bar."""
        now = time.perf_counter()
        if not self._visible(done, now):
            return
        if self.shown and done < self.total and now - self._last_draw < self.redraw_every:
            return
        self.shown = True
        self._last_draw = now
        filled = int(self.width * done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        line = f"\repoch {done}/{self.total} [{bar}] {now - self.start:5.1f}s {info}"
        stream = self.stream or sys.stdout
        stream.write(line.ljust(79))
        stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the line if anything was drawn."""
        if self.shown:
            stream = self.stream or sys.stdout
            stream.write("\n")
            stream.flush()
