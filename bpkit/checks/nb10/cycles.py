"""nb10: exercise 5: a cyclical learning rate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import call, expect_close, guard, passed
from bpkit.checks._messages import KEEPS_STATE, schedule_values
from bpkit.checks.nb10._common import _cos, _pi


# ----- exercise 5: a cyclical learning rate ---------------------------------------------------
def _ref_cyclical(eta_min, eta_max, period, decay, t, variant=""):
    cycle, pos = divmod(t, period)
    phase = pos / period
    height = 1.0 - abs(2.0 * phase - 1.0)
    amp = (eta_max - eta_min) * decay**cycle
    if variant == "sawtooth":
        height = phase
    elif variant == "starts_high":
        height = abs(2.0 * phase - 1.0)
    elif variant == "half":
        cycle, pos = divmod(t, 2 * period)
        height = 1.0 - abs(2.0 * pos / (2 * period) - 1.0)
        amp = (eta_max - eta_min) * decay**cycle
    elif variant == "cosine":
        height = 0.5 * (1.0 - _cos(2.0 * _pi * phase))
    elif variant == "int_div":
        height = 0.0
    elif variant == "decay_each_step":
        amp = (eta_max - eta_min) * decay**t
    elif variant == "no_decay":
        amp = eta_max - eta_min
    elif variant == "decay_all":
        return (eta_min + (eta_max - eta_min) * height) * decay**cycle
    elif variant == "no_min":
        return eta_max * decay**cycle * height
    elif variant == "decay_from_1":
        amp = (eta_max - eta_min) * decay ** (cycle + 1)
    return eta_min + amp * height


# (eta_min, eta_max, period, decay)
CyclicalCase = tuple[float, float, int, float]

CYCLICAL_CASES: tuple[CyclicalCase, ...] = (
    (0.01, 0.1, 8, 1.0), (0.001, 0.5, 6, 0.5), (0.0, 1.0, 4, 0.8),
)  # fmt: skip

SAWTOOTH = (
    "a sawtooth (a rise, then a jump back down): the rate must fall back as linearly as "
    "it rose, 1 - |2 * phase - 1|"
)
STARTS_HIGH = "a cycle that starts at eta_max: eta(0) must be eta_min, with the peak at period / 2"
HALF = "a period read as a half cycle: one full cycle (up and down) takes `period` steps"
COSINE = "a cosine, not a triangle: the rate goes up and down in straight lines"
INT_DIV = (
    "a rate stuck at eta_min: (t % period) // period is always 0; use true division, "
    "(t % period) / period"
)
DECAY_EACH_STEP = (
    "a decay at every step: the height shrinks by decay once per cycle, decay ** (t // period)"
)
NO_DECAY = (
    "decay ignored: each cycle's height (eta_max - eta_min) is multiplied by decay ** (t // period)"
)
DECAY_ALL = "decay applied to eta_min too: only the height above eta_min shrinks"
NO_MIN = (
    "eta_min left out: the rate runs from eta_min up to eta_max, "
    "eta_min + (eta_max - eta_min) * ..."
)
DECAY_FROM_1 = (
    "a decay already in the first cycle: the first cycle reaches eta_max, decay ** (t // period)"
)
STATEFUL = KEEPS_STATE  # named by schedule_values when a second pass over t disagrees


def _check_cyclical_lr(
    student_fn: Callable[..., Any], *, cases: Sequence[CyclicalCase], n: int
) -> None:
    """Check ``cyclical_lr(eta_min, eta_max, period, decay)`` returns the triangular schedule.

    ``eta(t) = eta_min + (eta_max - eta_min) * decay**(t // period) * (1 - |2 phase - 1|)`` with
    ``phase = (t % period) / period``: eta_min at t = 0, the peak at period / 2, eta_min again
    at t = period; each cycle's height is ``decay`` times the last one's.
    """
    guard()
    for eta_min, eta_max, period, decay in cases:
        what = f"cyclical_lr(eta_min={eta_min}, eta_max={eta_max}, period={period}, decay={decay})"
        sched = call(student_fn, eta_min, eta_max, period, decay, what=what)
        ts = list(range(n))
        got = schedule_values(sched, what, ts, unit="step")
        _compare_cyclical(what, got, eta_min, eta_max, period, decay, ts)
    passed("cyclical_lr")


def _compare_cyclical(what, got, eta_min, eta_max, period, decay, ts) -> None:
    def curve(variant: str = "") -> list[float]:
        return [_ref_cyclical(eta_min, eta_max, period, decay, t, variant) for t in ts]

    labels = (
        (SAWTOOTH, "sawtooth"),
        (STARTS_HIGH, "starts_high"),
        (HALF, "half"),
        (COSINE, "cosine"),
        (INT_DIV, "int_div"),
        (DECAY_EACH_STEP, "decay_each_step"),
        (NO_DECAY, "no_decay"),
        (DECAY_ALL, "decay_all"),
        (NO_MIN, "no_min"),
        (DECAY_FROM_1, "decay_from_1"),
    )
    expected = curve()
    expect_close(
        f"{what}(t) for t = 0..{len(ts) - 1}",
        got,
        expected,
        mistakes={label: curve(v) for label, v in labels if not np.allclose(curve(v), expected)},
    )
