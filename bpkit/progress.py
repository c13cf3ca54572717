"""The epoch progress bar of ``fit``, drawn by tqdm.

- In Jupyter (JupyterLab, Notebook, VS Code) ``tqdm.auto`` draws its widget bar; elsewhere a
  text bar goes to **stdout**, never stderr.
- While nbgrader runs the notebook (``bpkit.env.is_grading()``) no bar is drawn at all: nobody
  watches a graded run, and a graded cell must not write to stderr (it would score 0).
- In auto mode (``enabled=None``) nothing is drawn unless the run looks like it will take more
  than ``min_seconds``, so short runs stay silent. tqdm is imported, and the bar made, only
  when it is first shown.
"""

from __future__ import annotations

import sys
import time
import warnings
from functools import cache
from typing import Any, TextIO

from bpkit.env import is_grading

__all__ = ["ProgressBar"]

#: What a bar says: "epoch 3/10 |███   | 00:02, loss 0.41  val_loss 0.45".
BAR_FORMAT = "epoch {n_fmt}/{total_fmt} |{bar}| {elapsed}{postfix}"


def in_kernel() -> bool:
    """True inside a running Jupyter kernel (where tqdm.auto can show its widget)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


@cache
def bar_class(plain: bool = False) -> type:
    """tqdm's bar class: ``tqdm.auto`` (widget in Jupyter, text elsewhere), or the text bar.

    The subclass turns off tqdm's monitor thread: updates here are explicit, and ``bpkit grade``
    forks its workers while a bar is open, which a running thread makes unsafe.
    """
    if plain:
        from tqdm.std import tqdm as base
    else:
        from tqdm.std import TqdmWarning

        with warnings.catch_warnings():
            # without ipywidgets, tqdm.auto warns (on stderr) and falls back to the text bar
            warnings.simplefilter("ignore", TqdmWarning)
            from tqdm.auto import tqdm as base
    return type("BpkitBar", (base,), {"monitor_interval": 0})


class ProgressBar:
    """Progress over ``total`` epochs.

    Args:
        total: number of epochs expected.
        enabled: True always shows, False never shows, None ("auto") shows once the estimated
            run time exceeds ``min_seconds``. Under nbgrader nothing is shown either way.
        min_seconds: threshold for the auto mode.
        stream: write a text bar there (default: a tqdm.auto bar, text on ``sys.stdout``).
    """

    def __init__(
        self,
        total: int,
        enabled: bool | None = None,
        min_seconds: float = 2.0,
        stream: TextIO | None = None,
    ) -> None:
        self.total = max(int(total), 1)
        self.enabled = False if is_grading() else enabled
        self.min_seconds = min_seconds
        self.stream = stream
        self.start = time.perf_counter()
        self.bar: Any = None  # the tqdm bar, made when it is first shown

    def _visible(self, done: int) -> bool:
        if self.enabled is not None:
            return self.enabled
        elapsed = time.perf_counter() - self.start
        if done == 0:
            return elapsed > self.min_seconds
        # estimated total time above the threshold, and at least a moment of evidence for it
        return elapsed * self.total / done > self.min_seconds and elapsed >= min(
            0.25, self.min_seconds
        )

    def _make(self, done: int, info: str) -> Any:
        cls = bar_class(plain=self.stream is not None or not in_kernel())
        bar = cls(
            total=self.total,
            initial=done,
            file=self.stream or sys.stdout,
            bar_format=BAR_FORMAT,
            postfix=info or None,
            leave=True,
        )
        # count the time from the start of training, not from the first draw
        bar.start_t -= time.perf_counter() - self.start
        bar.refresh()
        return bar

    def update(self, done: int, info: str = "") -> None:
        """Report that ``done`` epochs are finished; ``info`` is shown after the bar."""
        if self.bar is None:
            if self._visible(done):
                self.bar = self._make(done, info)
            return
        self.bar.set_postfix_str(info, refresh=False)
        self.bar.update(done - self.bar.n)

    def finish(self) -> None:
        """Training ended by choice before the last epoch (early stopping, a callback).

        The bar ends as complete at the epochs that ran, saying so, rather than as an
        interrupted run (which tqdm's Jupyter bar colours red).
        """
        if self.bar is not None and self.bar.n < self.bar.total:
            note = f"(stopped early; {self.bar.total} epochs planned)"
            self.bar.total = self.bar.n
            info = self.bar.postfix
            self.bar.set_postfix_str(f"{info}  {note}" if info else note)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Draw the final state and end the line (if anything was drawn)."""
        if self.bar is not None:
            self.bar.close()
