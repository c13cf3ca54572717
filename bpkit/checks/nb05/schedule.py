"""nb05: exercise 5: a step learning-rate schedule."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bpkit.checks._core import (
    call,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import KEEPS_STATE as _KEEPS_STATE
from bpkit.checks._messages import NOT_A_RATE, NOT_A_SCHEDULE, schedule_values
from bpkit.optim import step_schedule as _ref_step_schedule

# ----- exercise 5: a step learning-rate schedule ------------------------------------------------
# (eta0, drop, every), each compared over the epochs t = 0 .. epochs - 1
ScheduleCase = tuple[float, float, int]

# Worded by schedule_values, which asks every schedule for a function of t without state.
STORED_RATE = " (e.g. it multiplies a stored rate)"
NOT_A_FUNCTION = f"{NOT_A_SCHEDULE} epoch t"
NOT_A_NUMBER = NOT_A_RATE
KEEPS_STATE = f"{_KEEPS_STATE}{STORED_RATE}"

EVERY_EPOCH = "a decay at every epoch: drop only every `every` epochs, eta0 * drop ** (t // every)"
EARLY = "a drop that comes one epoch too early: epochs 0..every-1 keep eta0"
ROUNDED = "rounding t / every instead of taking the floor (t // every)"
REMAINDER = "t % every (the remainder) instead of t // every (the number of drops so far)"
SMOOTH = "a smooth exponential decay: the rate should stay flat between drops"
DROP_AT_0 = (
    "a first drop already at t = 0: eta(0) must be eta0, and the first drop comes at t = every"
)
LATE = (
    "a drop that comes one epoch too late: epoch t = every already uses eta0 * drop "
    "(epochs count from 0)"
)
TIMES = (
    "drop * (t // every) instead of drop ** (t // every): eta is multiplied by drop once per "
    "`every` epochs, which is a power"
)
ONE_MINUS_DROP = (
    "(1 - drop) as the factor: drop is the factor eta is multiplied by (drop = 0.1 leaves a "
    "tenth), eta0 * drop ** (t // every)"
)
NO_ETA0 = "eta0 left out: the rate is eta0 * drop ** (t // every), starting at eta0"
GROWS = "a rate that grows: multiply by drop, do not divide"
CEIL = (
    "rounding t / every up (ceil) instead of down (t // every): the first drop comes at t = 1, "
    "but epochs 0 .. every - 1 all use eta0"
)
SINGLE_DROP = (
    "a single drop: eta is multiplied by drop again every `every` epochs, "
    "eta0 * drop ** (t // every)"
)
PRECEDENCE = (
    "(eta0 * drop ** t) // every: ** binds tighter than //, so write the exponent in "
    "parentheses, drop ** (t // every)"
)
EVERY_PLUS_1 = (
    "a drop every every + 1 epochs: t // (every + 1); the rate drops at t = every, 2 * every, ..."
)
EXPONENT_MINUS_1 = "an exponent one too small, t // every - 1: eta(0) must be eta0"

VISIBLE_CASES: list[ScheduleCase] = [(0.1, 0.5, 10), (1.0, 0.1, 3), (0.05, 0.8, 1)]
VISIBLE_EPOCHS = 40


def _check_step_schedule(
    student_fn: Callable[..., Any], *, cases: Sequence[ScheduleCase], epochs: int
) -> None:
    """Check ``step_schedule(eta0, drop, every)`` returns ``t -> eta0 * drop ** (t // every)``."""
    guard()
    for eta0, drop, every in cases:
        what = f"step_schedule(eta0={eta0}, drop={drop}, every={every})"
        sched = call(student_fn, eta0, drop, every, what=what)
        ts = list(range(epochs))
        got = schedule_values(
            sched, what, ts, unit="epoch", stateful=STORED_RATE,
            formula=": eta0 * drop ** (t // every)",
        )  # fmt: skip
        ref = _ref_step_schedule(eta0, drop, every)
        expected = [ref(t) for t in ts]
        expect_close(
            f"{what}(t) for t = 0..{epochs - 1}",
            got,
            expected,
            mistakes={
                EVERY_EPOCH: [eta0 * drop**t for t in ts],
                EARLY: [eta0 * drop ** ((t + 1) // every) for t in ts],
                ROUNDED: [eta0 * drop ** round(t / every) for t in ts],
                REMAINDER: [eta0 * drop ** (t % every) for t in ts],
                SMOOTH: [eta0 * drop ** (t / every) for t in ts],
                DROP_AT_0: [eta0 * drop ** (t // every + 1) for t in ts],
                LATE: [eta0 * drop ** (max(t - 1, 0) // every) for t in ts],
                TIMES: [eta0 * drop * (t // every) for t in ts],
                ONE_MINUS_DROP: [eta0 * (1 - drop) ** (t // every) for t in ts],
                NO_ETA0: [drop ** (t // every) for t in ts],
                GROWS: [eta0 / drop ** (t // every) for t in ts],
                CEIL: [eta0 * drop ** -(-t // every) for t in ts],
                SINGLE_DROP: [eta0 * drop ** min(t // every, 1) for t in ts],
                PRECEDENCE: [eta0 * drop**t // every for t in ts],
                EVERY_PLUS_1: [eta0 * drop ** (t // (every + 1)) for t in ts],
                EXPONENT_MINUS_1: [eta0 * drop ** (t // every - 1) for t in ts],
            },
        )
    passed("step_schedule")
