"""nb09: Exercise 3: truncated BPTT."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    guard,
    passed,
)
from bpkit.checks.nb09._common import _zeros
from bpkit.checks.nb09.mistakes import (
    CHUNKED_FROM_FIRST,
    CHUNKED_FROM_LAST,
    K_IGNORED,
    ONE_STEP_TOO_FEW,
    ONE_STEP_TOO_MANY,
    RECURRENT_FORGOTTEN,
    STOPPED_LOOP,
)
from bpkit.checks.nb09.shared import (
    _bpkit_grads,
    _cache,
    _call,
    _case_arrays,
    _compare_grads,
    _deltas,
    _grads_dict,
    _grads_from,
    _windowed,
)

# ----- Exercise 3: truncated BPTT -----------------------------------------------------------------
# (name, seed, n, T, d_in, d_h, k)
TruncCase = tuple[str, int, int, int, int, int, int]
VISIBLE_TRUNCATED: list[TruncCase] = [
    ("T = 7 steps truncated to k = 3, n = 3, d_in = 2, d_h = 3", 20, 3, 7, 2, 3, 3),
    ("T = 6 steps truncated to k = 2, n = 2, d_in = 3, d_h = 4", 21, 2, 6, 3, 4, 2),
    ("T = 5 steps with k = 1 (no step back at all), n = 4", 22, 4, 5, 2, 2, 1),
    ("T = 4 steps with k = T = 4 (that is full BPTT), n = 2", 23, 2, 4, 2, 3, 4),
]
TRUNCATED_HINT = (
    "For each step t: start from g = dH[:, t] and walk back over s = t, t-1, ..., t-k+1 (not "
    "below the first step): delta = g * (1 - h_s**2), add its gradient terms, g = delta @ W_h."
)


def _truncated_mistakes(cache: dict, W_h: np.ndarray, dH: np.ndarray, k: int) -> dict[str, dict]:
    X, h0, H = cache["X"], cache["h0"], cache["H"]
    T = H.shape[1]

    def grads(first: Callable[[int], int]) -> dict:
        return _grads_from(_windowed(dH, H, W_h, first), X, H, h0)

    stop = _zeros(H.shape)  # the plain recursion, stopped k steps from the end
    full = _deltas(dH, H, h0, W_h)
    if k < T:
        stop[:, T - k :] = _deltas(dH[:, T - k :], H[:, T - k :], H[:, T - k - 1], W_h)
    out = {
        K_IGNORED: _grads_from(full, X, H, h0),
        ONE_STEP_TOO_MANY: grads(lambda t: t - k),
        ONE_STEP_TOO_FEW: grads(lambda t: t - k + 2) if k > 1 else None,
        CHUNKED_FROM_FIRST: grads(lambda t: t - t % k),
        CHUNKED_FROM_LAST: grads(lambda t: t - (k - 1 - (T - 1 - t) % k)),
        STOPPED_LOOP: _grads_from(stop, X, H, h0) if k < T else None,
        RECURRENT_FORGOTTEN: _grads_from(_deltas(dH, H, h0, W_h, recurrent=False), X, H, h0),
    }
    return {label: v for label, v in out.items() if v is not None}


def _truncated_case(fn: Callable[..., Any], case: TruncCase) -> None:
    name, seed, n, T, d_in, d_h, k = case
    X, h0, W_x, W_h, b, dH = _case_arrays(seed, n, T, d_in, d_h)
    cache = _cache(X, h0, W_x, W_h, b)
    what = f"rnn_backward_truncated with {name}"
    got = _grads_dict(what, _call(fn, dH, cache, W_h, k, what=what))
    right = _bpkit_grads(X, h0, W_x, W_h, b, dH, k)
    _compare_grads(what, got, right, _truncated_mistakes(cache, W_h, dH, k), TRUNCATED_HINT)


def _check_rnn_backward_truncated(fn: Callable[..., Any], cases: Sequence[TruncCase]) -> None:
    guard()
    for case in cases:
        _truncated_case(fn, case)
    passed("rnn_backward_truncated")
