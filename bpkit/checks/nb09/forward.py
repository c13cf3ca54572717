"""nb09: Exercise 1: rnn_forward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    CheckError,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb09._common import _concatenate, _tanh, _type, _zeros
from bpkit.checks.nb09.mistakes import (
    MISSING_B,
    NO_ACTIVATION,
    NO_CARRY,
    SHIFTED_H,
    TRANSPOSED_WH,
    TRANSPOSED_WX,
    Z_HOLDS_H,
)
from bpkit.checks.nb09.shared import SeqCase, _cache, _call, _case_arrays, _shape_of

# ----- Exercise 1: rnn_forward --------------------------------------------------------------------
# The first visible case has d_in == d_h, so a transposed W_x runs.
VISIBLE_FORWARD: list[SeqCase] = [
    ("n = 3 sequences of T = 4 steps, d_in = d_h = 3", 0, 3, 4, 3, 3),
    ("n = 2 sequences of T = 6 steps, d_in = 2, d_h = 5", 1, 2, 6, 2, 5),
    ("a single sequence (n = 1) of T = 3 steps, d_in = 4, d_h = 2", 2, 1, 3, 4, 2),
]


def _forward_variant(X, h0, W_x, W_h, b, variant: str) -> tuple[np.ndarray, np.ndarray]:
    """(Z, H) of a common mistake."""
    n, T, _ = X.shape
    Wx = W_x if variant == "Wx.T" else W_x.T
    Wh = W_h if variant == "Wh.T" else W_h.T
    bias = 0.0 if variant == "no b" else b
    Z = _zeros((n, T, W_h.shape[0]))
    H = _zeros(Z.shape)
    h = h0
    for t in range(T):
        Z[:, t] = X[:, t] @ Wx + (h0 if variant == "no carry" else h) @ Wh + bias
        H[:, t] = Z[:, t] if variant == "linear" else _tanh(Z[:, t])
        h = H[:, t]
    return Z, H


def _forward_case(fn: Callable[..., Any], case: SeqCase) -> None:
    name, seed, n, T, d_in, d_h = case
    X, h0, W_x, W_h, b, _ = _case_arrays(seed, n, T, d_in, d_h)
    what = f"rnn_forward with {name}"
    got = _call(fn, X, h0, W_x, W_h, b, what=what)
    if got is None:
        raise CheckError(f"{what} returned None. Did you forget `return H, cache`?")
    if _type(got) not in (_type(()), _type([])) or len(got) != 2:
        raise CheckError(f"{what} should return the pair (H, cache), got {_shape_of(got)}.")
    H, cache = got[0], got[1]
    right = _cache(X, h0, W_x, W_h, b)
    wrong = {v: _forward_variant(X, h0, W_x, W_h, b, v) for v in ("Wh.T", "no carry", "linear")}
    shifted = _concatenate([h0[:, None], right["H"][:, :-1]], axis=1)
    mistakes_H = {
        TRANSPOSED_WH: wrong["Wh.T"][1],
        NO_CARRY: wrong["no carry"][1] if T > 1 else None,
        NO_ACTIVATION: wrong["linear"][1],
        SHIFTED_H: shifted,
        MISSING_B: _forward_variant(X, h0, W_x, W_h, b, "no b")[1],
        TRANSPOSED_WX: _forward_variant(X, h0, W_x, W_h, b, "Wx.T")[1] if d_in == d_h else None,
    }
    expect_close(
        f"H ({what})",
        H,
        right["H"],
        mistakes={k: v for k, v in mistakes_H.items() if v is not None},
        hint="z_t = x_t @ W_x.T + h_{t-1} @ W_h.T + b, h_t = tanh(z_t); H has shape (n, T, d_h).",
    )
    expect(
        _type(cache) is _type({}),
        f"{what}: the cache should be a dict with keys 'X', 'h0', 'Z', 'H', got "
        f"{_shape_of(cache)}.",
    )
    missing = [key for key in ("X", "h0", "Z", "H") if key not in cache]
    expect(not missing, f"{what}: the cache has no key(s) {missing}; the backward pass needs them.")
    expect_close(
        f"cache['Z'] ({what})",
        cache["Z"],
        right["Z"],
        mistakes={Z_HOLDS_H: right["H"]},
        hint="Keep every pre-activation z_t, shape (n, T, d_h).",
    )
    expect_close(f"cache['H'] ({what})", cache["H"], right["H"], hint="The same H you return.")
    expect_close(f"cache['X'] ({what})", cache["X"], X, hint="The input sequence X itself.")
    expect_close(
        f"cache['h0'] ({what})", cache["h0"], h0, hint="The start state h0 (dW_h needs it)."
    )


def _check_rnn_forward(fn: Callable[..., Any], cases: Sequence[SeqCase]) -> None:
    guard()
    for case in cases:
        _forward_case(fn, case)
    passed("rnn_forward")
