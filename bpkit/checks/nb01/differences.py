"""nb01: Exercise 2: central_difference."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from bpkit.checks._core import (
    WRONG_SIGN,
    call,
    guard,
    passed,
)
from bpkit.checks._messages import expect_number

# ----- Exercise 2: central_difference --------------------------------------------------------
# (name, f, x, h or None for the default); the reference is the formula itself.
DiffCase = tuple[str, Callable[[float], float], float, float | None]

FORWARD = "a forward difference (f(x+h) - f(x)) / h; use f(x+h) and f(x-h)"
BACKWARD_DIFF = "a backward difference (f(x) - f(x-h)) / h; use f(x+h) and f(x-h)"
OVER_H = "twice the estimate: the two points are 2h apart, so divide by 2h, not h"
IGNORES_H = "the h argument being ignored: use the h you are given"
TIMES_H = (
    "(f(x+h) - f(x-h)) / 2*h: Python reads `/ 2*h` left to right, as ((f(x+h) - f(x-h)) / 2) * h, "
    "so the difference is multiplied by h instead of divided by it (the result is h**2 times "
    "the estimate). Write / (2*h)"
)
OVER_2_ONLY = "a division by 2 but not by h: the two points are 2h apart, so divide by (2*h)"
NOT_DIVIDED = (
    "the difference f(x+h) - f(x-h) itself: divide it by the distance 2h between the points"
)
PLUS = "f(x+h) + f(x-h): the central difference subtracts, (f(x+h) - f(x-h)) / (2h)"
OVER_H_SQUARED = "a division by h**2: the central difference divides by 2h"
TIMES_2H = "a multiplication by 2h where a division is needed: (f(x+h) - f(x-h)) / (2*h)"
FORWARD_OVER_2H = (
    "a forward difference (f(x+h) - f(x)) divided by 2h: the central difference uses f(x+h) "
    "and f(x-h), which are 2h apart"
)
FOUR_H = (
    "points 4h apart, f(x+2h) and f(x-2h), divided by 2h: use f(x+h) and f(x-h), which are 2h apart"
)
SECOND_DIFF = (
    "the second difference (f(x+h) - 2 f(x) + f(x-h)) / h**2, which estimates f''(x); the first "
    "derivative is (f(x+h) - f(x-h)) / (2h)"
)
#: A step hard-coded instead of h, told by the number it gives: step -> label.
FIXED_STEP = {
    step: f"{IGNORES_H} (the result matches a fixed step of {step:g})"
    for step in (1e-2, 1e-3, 1e-4, 1e-6, 1e-7, 1e-8)
}

VISIBLE_DIFF: list[DiffCase] = [
    ("f = x**3 at x = 1.5 with h = 0.1 (exactly 3x**2 + h**2 = 6.76)", lambda t: t**3, 1.5, 0.1),
    ("f = sin at x = 1 with the default h", math.sin, 1.0, None),
    ("f = cos at x = 1 with h = 0.01 (a negative slope)", math.cos, 1.0, 0.01),
    ("f = exp at x = -0.5 with h = 1e-3", math.exp, -0.5, 1e-3),
]


def _difference_mistakes(f: Callable[[float], float], x: float, h: float) -> dict[str, float]:
    """What the common mistakes give for f at x with step h."""
    diff = f(x + h) - f(x - h)
    tiny = 1e-5 if h != 1e-5 else 1e-6
    fixed = {
        FIXED_STEP[step]: (f(x + step) - f(x - step)) / (2 * step)
        for step in FIXED_STEP
        if step not in (h, tiny)
    }
    return {
        WRONG_SIGN: -diff / (2 * h),
        FORWARD: (f(x + h) - f(x)) / h,
        BACKWARD_DIFF: (f(x) - f(x - h)) / h,
        OVER_H: diff / h,
        TIMES_H: diff / 2 * h,
        OVER_2_ONLY: diff / 2,
        NOT_DIVIDED: diff,
        PLUS: (f(x + h) + f(x - h)) / (2 * h),
        SECOND_DIFF: (f(x + h) - 2 * f(x) + f(x - h)) / h**2,
        IGNORES_H: (f(x + tiny) - f(x - tiny)) / (2 * tiny),
        OVER_H_SQUARED: diff / h**2,
        TIMES_2H: diff * 2 * h,
        FORWARD_OVER_2H: (f(x + h) - f(x)) / (2 * h),
        FOUR_H: (f(x + 2 * h) - f(x - 2 * h)) / (2 * h),
        **fixed,
    }


def _check_central_difference(fn: Callable[..., Any], cases: Sequence[DiffCase]) -> None:
    guard()
    for name, f, x, h in cases:
        what = f"central_difference for {name}"
        if h is None:
            got = call(fn, f, x, what=what)
            hh = 1e-5
            right = (f(x + hh) - f(x - hh)) / (2 * hh)
            # with the default step only the accuracy is checked (any sensible default h works)
            exact = math.cos(x) if f is math.sin else right
            mistakes = {
                label: value
                for label, value in _difference_mistakes(f, x, hh).items()
                if not label.startswith(IGNORES_H)
            }
            expect_number(what, got, exact, rtol=1e-8, atol=1e-9, mistakes=mistakes)
            continue
        got = call(fn, f, x, h, what=what)
        right = (f(x + h) - f(x - h)) / (2 * h)
        expect_number(
            what, got, right, mistakes=_difference_mistakes(f, x, h), rtol=1e-10, atol=1e-12
        )
    passed("central_difference")
