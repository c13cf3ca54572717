"""nb09: Exercise 4: the gradient norm against the lag."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb09._common import _norm
from bpkit.checks.nb09.mistakes import (
    BY_TIME,
    DELTA_NORMS,
    NO_F_PRIME,
    SQUARED,
    TRANSPOSED_WH,
    WRONG_STEP,
)
from bpkit.checks.nb09.shared import SeqCase, _bpkit_rnn, _cache, _call, _case_arrays

# ----- Exercise 4: the gradient norm against the lag ----------------------------------------------
VISIBLE_LAG: list[SeqCase] = [
    ("n = 4 sequences of T = 6 steps, d_in = 2, d_h = 3", 30, 4, 6, 2, 3),
    ("a single sequence of T = 9 steps, d_in = 1, d_h = 5", 31, 1, 9, 1, 5),
    ("n = 2 sequences of T = 2 steps, d_in = 3, d_h = 2", 32, 2, 2, 3, 2),
]
LAG_HINT = (
    "g = dh_T; then for t = T down to 2: g = (g * (1 - h_t**2)) @ W_h is dl/dh_{t-1}. "
    "norms[j] = np.linalg.norm of dl/dh_{T-j}, shape (T,)."
)


def _lag_variant(dh_T, H, h0, W_h, variant: str = "") -> np.ndarray:
    n, T, _ = H.shape
    prime = 1.0 - H**2
    W = W_h.T if variant == "Wh.T" else W_h
    out = []
    g = dh_T
    for t in range(T - 1, -1, -1):
        p = prime[:, t]
        out.append(_norm(g * p) if variant == "delta" else _norm(g))
        if variant == "no prime":
            p = 1.0
        elif variant == "step":
            p = prime[:, t - 1] if t > 0 else 1.0 - h0**2
        g = (g * p) @ W
    return np.asarray(out)


def _lag_case(fn: Callable[..., Any], case: SeqCase) -> None:
    name, seed, n, T, d_in, d_h = case
    X, h0, W_x, W_h, b, dH = _case_arrays(seed, n, T, d_in, d_h)
    cache = _cache(X, h0, W_x, W_h, b)
    dh_T = dH[:, -1]
    what = f"grad_norms_by_lag with {name}"
    got = _call(fn, dh_T, cache, W_h, what=what)
    layer = _bpkit_rnn(W_x, W_h, b, output="last")
    layer.forward(X, h0)
    layer.backward(dh_T / n)
    right = _norm(layer.dH * n, axis=(0, 2))[::-1]
    mistakes = {
        BY_TIME: right[::-1] if T > 1 else None,
        DELTA_NORMS: _lag_variant(dh_T, cache["H"], h0, W_h, "delta"),
        NO_F_PRIME: _lag_variant(dh_T, cache["H"], h0, W_h, "no prime") if T > 1 else None,
        TRANSPOSED_WH: _lag_variant(dh_T, cache["H"], h0, W_h, "Wh.T") if T > 1 else None,
        WRONG_STEP: _lag_variant(dh_T, cache["H"], h0, W_h, "step") if T > 1 else None,
        SQUARED: right**2,
    }
    expect_close(
        what,
        got,
        right,
        mistakes={k: v for k, v in mistakes.items() if v is not None},
        hint=LAG_HINT,
    )


def _check_grad_norms_by_lag(fn: Callable[..., Any], cases: Sequence[SeqCase]) -> None:
    guard()
    for case in cases:
        _lag_case(fn, case)
    passed("grad_norms_by_lag")
