"""nb09: Exercise 2: rnn_backward (full BPTT)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    MISSING_1_OVER_N,
    guard,
    passed,
)
from bpkit.checks.nb09.mistakes import (
    AVERAGED_OVER_T,
    FORWARD_IN_TIME,
    H0_FORGOTTEN,
    NOT_SUMMED_FIRST,
    NOT_SUMMED_LAST,
    RECURRENT_FORGOTTEN,
    TRANSPOSED_WH,
    WH_WITH_H_T,
    WRONG_STEP_AFTER,
    WRONG_STEP_BEFORE,
)
from bpkit.checks.nb09.shared import (
    SeqCase,
    _bpkit_grads,
    _cache,
    _call,
    _case_arrays,
    _compare_grads,
    _deltas,
    _grads_dict,
    _grads_from,
)

# ----- Exercise 2: rnn_backward (full BPTT) -------------------------------------------------------
VISIBLE_BACKWARD: list[SeqCase] = [
    ("n = 3 sequences of T = 5 steps, d_in = 2, d_h = 3", 10, 3, 5, 2, 3),
    ("n = 4 sequences of T = 3 steps, d_in = 3, d_h = 3", 11, 4, 3, 3, 3),
    ("a single sequence (n = 1) of T = 7 steps, d_in = 1, d_h = 4", 12, 1, 7, 1, 4),
]
BACKWARD_HINT = (
    "Walk t from T down to 1: delta_t = (dH[:, t] + delta_{t+1} @ W_h) * (1 - h_t**2), and add "
    "delta_t.T @ x_t / n, delta_t.T @ h_{t-1} / n and delta_t.mean(axis=0) to the gradients."
)


def _backward_mistakes(cache: dict, W_h: np.ndarray, dH: np.ndarray) -> dict[str, dict]:
    X, h0, H = cache["X"], cache["h0"], cache["H"]
    n, T, _ = H.shape
    D = _deltas(dH, H, h0, W_h)

    def grads(D: np.ndarray, **kw: Any) -> dict:
        return _grads_from(D, X, H, h0, **kw)

    out: dict[str, dict | None] = {
        RECURRENT_FORGOTTEN: grads(_deltas(dH, H, h0, W_h, recurrent=False)),
        NOT_SUMMED_FIRST: grads(D, combine="first"),
        NOT_SUMMED_LAST: grads(D, combine="last"),
        AVERAGED_OVER_T: grads(D, combine="mean"),
        WRONG_STEP_BEFORE: grads(_deltas(dH, H, h0, W_h, step=-1)),
        WRONG_STEP_AFTER: grads(_deltas(dH, H, h0, W_h, step=1)),
        FORWARD_IN_TIME: grads(_deltas(dH, H, h0, W_h, forward=True)),
        TRANSPOSED_WH: grads(_deltas(dH, H, h0, W_h, transpose=True)),
        WH_WITH_H_T: grads(D, h_pair="same"),
        H0_FORGOTTEN: grads(D, with_h0=False),
        MISSING_1_OVER_N: grads(D, per_n=False) if n > 1 else None,
    }
    if T == 1:  # one step: no recurrence, so most mistakes give the right numbers
        out = {MISSING_1_OVER_N: out[MISSING_1_OVER_N]}
    return {k: v for k, v in out.items() if v is not None}


def _backward_case(fn: Callable[..., Any], case: SeqCase) -> None:
    name, seed, n, T, d_in, d_h = case
    X, h0, W_x, W_h, b, dH = _case_arrays(seed, n, T, d_in, d_h)
    cache = _cache(X, h0, W_x, W_h, b)
    what = f"rnn_backward with {name}"
    got = _grads_dict(what, _call(fn, dH, cache, W_h, what=what))
    right = _bpkit_grads(X, h0, W_x, W_h, b, dH, None)
    _compare_grads(what, got, right, _backward_mistakes(cache, W_h, dH), BACKWARD_HINT)


def _check_rnn_backward(fn: Callable[..., Any], cases: Sequence[SeqCase]) -> None:
    guard()
    for case in cases:
        _backward_case(fn, case)
    passed("rnn_backward")
