"""nb00: Exercise 1: linear_forward."""

from __future__ import annotations

import numpy as np

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
from bpkit.checks._messages import possible as _known
from bpkit.checks.nb00._common import Fn, _rng
from bpkit.layers import Linear

# ----- Exercise 1: linear_forward -------------------------------------------------------------
NO_BIAS = "a missing bias: z = a_prev @ W.T + b, and b is added to every row"
BIAS_SUBTRACTED = f"{WRONG_SIGN} on b: z = a_prev @ W.T + b adds the bias, it does not subtract it"
BIAS_TIMES = "b multiplied in instead of added: z = a_prev @ W.T + b"
BIAS_ON_INPUT = "b added to the input before the product instead of to z: z = a_prev @ W.T + b"
COLUMN_LAYOUT = (
    "examples stored as columns (W @ a_prev.T): in this course rows are examples, so "
    "z = a_prev @ W.T + b has one row per example"
)


def _linear_reference(a_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    layer = Linear(W.shape[1], W.shape[0])
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return layer.forward(a_prev)


VISIBLE_LINEAR: list[tuple[str, int, int, int, int]] = [
    ("a square layer", 0, 6, 4, 4),
    ("a batch of 5 examples, 3 -> 2 features", 1, 5, 3, 2),
    ("a single example", 2, 1, 3, 4),
]


def _check_linear_forward(fn: Fn, cases: list[tuple[str, int, int, int, int]]) -> None:
    """cases: (name, seed, n, d_in, d_out). A square case first diagnoses a transposed W."""
    guard()
    for name, seed, n, d_in, d_out in cases:
        rng = _rng(seed)
        a_prev = rng.normal(size=(n, d_in))
        W = rng.normal(size=(d_out, d_in))
        b = rng.normal(size=d_out)
        what = f"linear_forward on {name} (a_prev {a_prev.shape}, W {W.shape}, b {b.shape})"
        names = {
            (d_out, 1): B_COLUMN,
            (d_in, d_out): ELEMENTWISE,
            (d_out, d_in): ELEMENTWISE,
            (d_out, n): COLUMN_LAYOUT,
        }
        if n == d_out and d_in == 1:  # b as a column would have a_prev's shape: say nothing
            del names[(d_out, 1)]
        got = _call(fn, a_prev, W, b, what="linear_forward(a_prev, W, b)", names=names)
        expected = _linear_reference(a_prev, W, b)
        mistakes = {
            NO_BIAS: a_prev @ W.T,
            BIAS_SUBTRACTED: a_prev @ W.T - b,
            TRANSPOSED_W: _maybe(lambda: a_prev @ W + b),  # noqa: B023 - used right away
            B_COLUMN: _maybe(lambda: a_prev @ W.T + b[:, None]),  # noqa: B023
            ELEMENTWISE: _maybe(lambda: a_prev * W + b),  # noqa: B023
            COLUMN_LAYOUT: W @ a_prev.T + b[:, None],
            BIAS_TIMES: a_prev @ W.T * b,
            BIAS_ON_INPUT: _maybe(lambda: (a_prev + b) @ W.T),  # noqa: B023
        }
        expect_close(
            what,
            got,
            expected,
            mistakes=_known(mistakes),
            hint="Rows are examples: z has one row per example, shape (n, d_out).",
        )
    passed("linear_forward")
