"""nb02: Exercise 1: linear_forward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bpkit.checks._core import (
    TRANSPOSED_W,
    WRONG_SIGN,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import (
    B_COLUMN,
    ELEMENTWISE,
)
from bpkit.checks._messages import call_naming as _call
from bpkit.checks._messages import maybe as _maybe
from bpkit.checks._messages import possible as _mistakes
from bpkit.checks.nb02._common import (
    COLUMN_LAYOUT,
    MISSING_B,
    ShapeCase,
    _bpkit_linear,
    _linear_data,
)


# ----- Exercise 1: linear_forward ------------------------------------------------------------
def _check_linear_forward(fn: Callable[..., Any], cases: Sequence[ShapeCase]) -> None:
    guard()
    for name, seed, n, d_in, d_out in cases:
        a_prev, W, b, _ = _linear_data(seed, n, d_in, d_out)
        what = f"linear_forward with {name}"
        names = {
            (d_out, 1): B_COLUMN,
            (d_out, d_in): ELEMENTWISE,
            (d_in, d_out): ELEMENTWISE,
            (d_out, n): COLUMN_LAYOUT,
        }
        got = _call(fn, a_prev, W, b, what=what, names=names)
        right = _bpkit_linear(W, b).forward(a_prev)
        mistakes = {
            TRANSPOSED_W: _maybe(lambda: a_prev @ W + b),  # noqa: B023 - used right away
            MISSING_B: a_prev @ W.T,
            WRONG_SIGN: a_prev @ W.T - b,
            B_COLUMN: _maybe(lambda: a_prev @ W.T + b[:, None]),  # noqa: B023
            ELEMENTWISE: _maybe(lambda: a_prev * W + b),  # noqa: B023
            COLUMN_LAYOUT: W @ a_prev.T + b[:, None],
        }
        expect_close(
            what,
            got,
            right,
            mistakes=_mistakes(mistakes),
            hint="z = a_prev @ W.T + b has one row per example: shape (n, d_out).",
        )
    passed("linear_forward")
