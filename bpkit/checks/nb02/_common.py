"""nb02: shared helpers."""

from __future__ import annotations

import numpy as np

from bpkit.layers import Linear

_type = object.__class__
_rng = np.random.default_rng

EXTRA_1_OVER_N = (
    "an extra 1/n: in this notebook delta is per example (no 1/n); the 1/n appears only in "
    "dW and db"
)
MISSING_B = "a missing b (the bias is added to every row)"
COLUMN_LAYOUT = (
    "examples stored as columns (W @ a_prev.T), shape (d_out, n): rows are examples, so "
    "z = a_prev @ W.T + b"
)

# A shape case: (name, seed, n, d_in, d_out). The first visible case is square (d_in == d_out)
# so that a transposed W still runs and is recognised by its values.
ShapeCase = tuple[str, int, int, int, int]

VISIBLE_LINEAR: list[ShapeCase] = [
    ("square W (3 -> 3), n = 4 examples", 0, 4, 3, 3),
    ("W of shape (2, 5) (5 -> 2), n = 6 examples", 1, 6, 5, 2),
    ("W of shape (4, 3) (3 -> 4), a batch of n = 1", 2, 1, 3, 4),
]


def _linear_data(seed: int, n: int, d_in: int, d_out: int) -> tuple[np.ndarray, ...]:
    g = _rng(seed)
    a_prev = g.normal(size=(n, d_in))
    W = g.normal(size=(d_out, d_in))
    b = g.normal(size=d_out)
    delta = g.normal(size=(n, d_out))
    return a_prev, W, b, delta


def _bpkit_linear(W: np.ndarray, b: np.ndarray) -> Linear:
    layer = Linear(W.shape[1], W.shape[0])
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return layer
