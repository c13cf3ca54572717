"""nb02: Exercise 2: linear_backward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    MISSING_1_OVER_N,
    TRANSPOSED_W,
    WRONG_SIGN,
    CheckError,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import call_naming as _call
from bpkit.checks._messages import maybe as _maybe
from bpkit.checks._messages import possible as _mistakes
from bpkit.checks.nb02._common import EXTRA_1_OVER_N, ShapeCase, _bpkit_linear, _linear_data, _type

# ----- Exercise 2: linear_backward -----------------------------------------------------------
TUPLE_ORDER = "the three results in another order: return the tuple (dW, db, da_prev)"
DB_WRONG_AXIS = (
    "a mean over the wrong axis: axis 0 is the batch (one row per example), so "
    "db = delta.mean(axis=0), shape (d_out,)"
)
DB_MEAN_ALL = "the mean of every entry of delta: average over the batch only, delta.mean(axis=0)"
DB_KEEPDIMS = "keepdims=True, which keeps the averaged axis with length 1; db has shape (d_out,)"
NOT_BY_N = (
    "a division by {size} where the batch size n = a_prev.shape[0] is needed (rows are examples)"
)
DA_COLUMNS = (
    "da_prev with examples as columns (W.T @ delta.T): rows are examples, so da_prev = delta @ W"
)
DW_OVER_EXAMPLES = (
    "{expr}, a product over the units instead of over the examples (shape (n, n)): dW pairs "
    "each unit's delta with each input, summed over the batch, dW = delta.T @ a_prev / n"
)
BY_D_OUT = NOT_BY_N.format(size="d_out = delta.shape[1]")
BY_D_IN = NOT_BY_N.format(size="d_in = a_prev.shape[1]")
DW_A_PREV_DELTA_T = DW_OVER_EXAMPLES.format(expr="a_prev @ delta.T")
DW_DELTA_A_PREV_T = DW_OVER_EXAMPLES.format(expr="delta @ a_prev.T")
BY_N_TWICE = (
    "a division by n twice: the 1/n of the batch mean appears once, dW = delta.T @ a_prev / n"
)
DA_SUMMED = (
    "da_prev summed over the batch: it is per example, one row per example, da_prev = delta @ W"
)
BACKWARD_MATMUL = (
    "a matrix product whose shapes do not line up. With delta (n, d_out), a_prev (n, d_in) and "
    "W (d_out, d_in): dW = delta.T @ a_prev / n and da_prev = delta @ W"
)


def _three(what: str, got: Any, names: str) -> tuple[Any, Any, Any]:
    if got is None:
        raise CheckError(f"{what} returned None. Did you forget `return {names}`?")
    if _type(got) not in (_type(()), _type([])) or len(got) != 3:
        raise CheckError(f"{what} should return the tuple ({names}), got {got!r:.200}")
    return got[0], got[1], got[2]


def _shape_of(value: Any) -> tuple[int, ...] | None:
    try:
        return tuple(np.shape(value))
    except (ValueError, TypeError):
        return None


def _check_order(what: str, got: tuple[Any, ...], shapes: list[tuple[int, ...]]) -> None:
    """Name results returned in another order, when their shapes tell them apart."""
    found = [_shape_of(g) for g in got]
    if (
        len(set(shapes)) == len(shapes)
        and found != shapes
        and sorted(map(str, found)) == sorted(map(str, shapes))
    ):
        raise CheckError(f"{what} returned arrays of shapes {found}: it looks like {TUPLE_ORDER}.")


def _check_linear_backward(fn: Callable[..., Any], cases: Sequence[ShapeCase]) -> None:
    guard()
    for name, seed, n, d_in, d_out in cases:
        a_prev, W, b, delta = _linear_data(seed, n, d_in, d_out)
        what = f"linear_backward with {name}"
        got = _call(fn, delta, a_prev, W, what=what, names={}, matmul=BACKWARD_MATMUL)
        dW, db, da_prev = _three(what, got, "dW, db, da_prev")
        _check_order(what, (dW, db, da_prev), [(d_out, d_in), (d_out,), (n, d_in)])
        layer = _bpkit_linear(W, b)
        layer.forward(a_prev)
        d_prev = layer.backward(delta / n)  # bpkit: dL/dz = delta / n
        ref_dW, ref_db = layer.grads["W"], layer.grads["b"]
        ref_da = d_prev * n  # per example again
        expect_close(
            f"dW ({what})",
            dW,
            ref_dW,
            mistakes=_mistakes(
                {
                    TRANSPOSED_W: a_prev.T @ delta / n,
                    MISSING_1_OVER_N: delta.T @ a_prev if n > 1 else None,
                    WRONG_SIGN: -ref_dW,
                    BY_N_TWICE: ref_dW / n if n > 1 else None,
                    BY_D_OUT: delta.T @ a_prev / d_out if d_out != n else None,
                    BY_D_IN: delta.T @ a_prev / d_in if d_in != n else None,
                    DW_A_PREV_DELTA_T: _maybe(
                        lambda: a_prev @ delta.T / n  # noqa: B023
                    ),
                    DW_DELTA_A_PREV_T: _maybe(
                        lambda: delta @ a_prev.T / n  # noqa: B023
                    ),
                }
            ),
            hint="dW = delta.T @ a_prev / n, shape (d_out, d_in) like W.",
        )
        expect_close(
            f"db ({what})",
            db,
            ref_db,
            mistakes=_mistakes(
                {
                    MISSING_1_OVER_N: delta.sum(axis=0) if n > 1 else None,
                    WRONG_SIGN: -ref_db,
                    DB_WRONG_AXIS: delta.mean(axis=1),
                    DB_MEAN_ALL: delta.mean(),
                    DB_KEEPDIMS: delta.mean(axis=0, keepdims=True),
                    BY_D_OUT: delta.sum(axis=0) / d_out if d_out != n else None,
                }
            ),
            hint="db = delta.mean(axis=0), one entry per output unit: shape (d_out,).",
        )
        expect_close(
            f"da_prev ({what})",
            da_prev,
            ref_da,
            mistakes=_mistakes(
                {
                    TRANSPOSED_W: _maybe(lambda: delta @ W.T),  # noqa: B023
                    EXTRA_1_OVER_N: ref_da / n if n > 1 else None,
                    WRONG_SIGN: -ref_da,
                    DA_COLUMNS: W.T @ delta.T,
                    DA_SUMMED: delta.sum(axis=0) @ W,
                }
            ),
            hint="Row i is (W.T delta_i) as a row: da_prev = delta @ W, shape (n, d_in).",
        )
    passed("linear_backward")
